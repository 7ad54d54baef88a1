import Testing
@testable import AlphaCore
@testable import AlphaJSON

@Suite struct JSONTests {
    @Test func roundTripsKeepingOrderAndExactNumbers() throws {
        let text = #"{"b":1,"a":[true,false,null,-0.5e+3,"x\"y\\z\n\u00e9\ud83d\ude00"],"c":{"d":123456789012345678901234567890}}"#
        let value = try JSONParser.parse(text)
        guard case .object(let object) = value else { Issue.record("not an object"); return }
        #expect(object.keys == ["b", "a", "c"])
        #expect(try JSONParser.parse(value.serialized) == value)
        guard case .object(let inner)? = object["c"] else { Issue.record("no c"); return }
        #expect(inner["d"] == .number("123456789012345678901234567890"))
        guard case .array(let items)? = object["a"], case .string(let text)? = items.last else { Issue.record("no a"); return }
        #expect(text == "x\"y\\z\né😀")
    }

    @Test func rejectsInvalidDocumentsWithAnOffset() {
        let bad = ["", "{", "{\"a\":1,}", "[1,]", "01", "1.", "-", "{\"a\" 1}", "{\"a\":1,\"a\":2}", "\"\u{01}\"",
                   "tru", "nul", "[1] x", "{'a':1}", "\"\\x\"", "\"\\ud800\"", "// c\n1", "+1", "NaN"]
        for text in bad {
            #expect(throws: JSONParser.Failure.self, "\(text.debugDescription)") { try JSONParser.parse(text) }
        }
        #expect(throws: JSONParser.Failure(offset: 7, reason: "duplicate key \"a\"")) {
            try JSONParser.parse(#"{"a":1,"a":2}"#)
        }
    }

    @Test func limitsNesting() throws {
        let deep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(deep) }
        let ok = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        _ = try JSONParser.parse(ok)
    }

    @Test func escapesControlCharacters() throws {
        let value = JSONValue.string("a\u{0}b\u{1f}\t")
        #expect(value.serialized == #""a\u0000b\u001f\t""#)
        #expect(try JSONParser.parse(value.serialized) == value)
    }

    @Test func typedFieldErrorsNameTheField() {
        let object: JSONObject = ["price": "1.5x", "qty": .number("1.5"), "side": "UP"]
        #expect(throws: PayloadError.invalidValue(field: "price", reason: "expected a decimal string such as \"0.001\"")) {
            try object.amount("price")
        }
        #expect(throws: PayloadError.wrongType(field: "qty", expected: "a string")) { try object.amount("qty") }
        #expect(throws: PayloadError.missingField("symbol")) { try object.string("symbol") }
        #expect(throws: PayloadError.invalidValue(field: "side", reason: "expected one of BUY, SELL")) {
            try object.choice("side", as: OrderSide.self)
        }
    }
}
