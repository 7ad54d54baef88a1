import AlphaJSON
import Testing

@Suite("JSONWriter streaming (the hot-response path)")
struct JSONStreamingWriterTests {
    @Test("nested objects and arrays get their commas, and match the tree writer byte for byte")
    func matchesTreeWriter() throws {
        var streaming = JSONWriter()
        streaming.beginObject()
        streaming.key("orders")
        streaming.beginArray()
        for index in 0..<3 {
            streaming.beginObject()
            streaming.key("id"); streaming.value(index)
            streaming.key("symbol"); streaming.value("BTC\"USDT\n")
            streaming.key("tags"); streaming.beginArray(); streaming.value(true); streaming.valueNull(); streaming.endArray()
            streaming.endObject()
        }
        streaming.endArray()
        streaming.key("empty"); streaming.beginObject(); streaming.endObject()
        streaming.key(escaping: "dynamic key ✓"); streaming.value(JSONValue.number("1.50"))
        streaming.endObject()

        let tree = JSONValue.object([
            "orders": .array((0..<3).map { index in
                .object(["id": .int(Int64(index)), "symbol": "BTC\"USDT\n", "tags": .array([true, .null])])
            }),
            "empty": .object([:]),
            "dynamic key ✓": .number("1.50"),
        ])
        var treeWriter = JSONWriter()
        treeWriter.write(tree)
        #expect(streaming.string == treeWriter.string)
        #expect(try JSONParser.parse(streaming.string) == tree)
    }

    @Test("integers in decimal, negatives and the extremes included",
          arguments: [Int64(0), 9, 10, -1, -10, 1_700_000_000_000, .max, .min])
    func integers(value: Int64) {
        var writer = JSONWriter()
        writer.value(value)
        #expect(writer.string == String(value))
    }

    @Test("strings: the copy-whole fast path and the escaping path agree with RFC 8259 §7")
    func strings() {
        var writer = JSONWriter()
        writer.beginArray()
        for text in ["plain ascii", "ünïcødé", "quote\" backslash\\ tab\t nul\u{0} bell\u{7}", ""] { writer.value(text) }
        writer.endArray()
        #expect(writer.string == #"["plain ascii","ünïcødé","quote\" backslash\\ tab\t nul\u0000 bell\u0007",""]"#)
    }
}
