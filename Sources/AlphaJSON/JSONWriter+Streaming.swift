/// Writing JSON straight from values, without building a `JSONValue` tree first: the fast path
/// for hot responses (lists of orders, SSE frames). Commas are placed automatically.
///
///     var writer = JSONWriter()
///     writer.beginObject()
///     writer.key("symbol"); writer.value("BTCUSDT")      // literal keys are copied, not scanned
///     writer.key("qty"); writer.value("0.005")             // amounts stay strings
///     writer.endObject()
extension JSONWriter {
    @inlinable
    public mutating func beginObject() {
        separate()
        put(UInt8(ascii: "{"))
        needsComma = false
    }

    @inlinable
    public mutating func endObject() {
        put(UInt8(ascii: "}"))
        needsComma = true
    }

    @inlinable
    public mutating func beginArray() {
        separate()
        put(UInt8(ascii: "["))
        needsComma = false
    }

    @inlinable
    public mutating func endArray() {
        put(UInt8(ascii: "]"))
        needsComma = true
    }

    /// A member name known at compile time; it must need no escaping (plain ASCII names do not).
    @inlinable @inline(__always)
    public mutating func key(_ name: StaticString) {
        separate()
        put(UInt8(ascii: "\""))
        put(name)
        put("\":")
        needsComma = false
    }

    /// A member name computed at run time, escaped. (Named apart from `key(_:)`: a literal
    /// would otherwise pick this `String` overload and be scanned for escapes every time.)
    @inlinable
    public mutating func key(escaping name: String) {
        separate()
        writeString(name)
        put(UInt8(ascii: ":"))
        needsComma = false
    }

    @inlinable
    public mutating func value(_ text: String) {
        separate()
        writeString(text)
        needsComma = true
    }

    @inlinable
    public mutating func value(_ number: Int64) {
        separate()
        writeDecimal(number)
        needsComma = true
    }

    @inlinable
    public mutating func value(_ number: Int) { value(Int64(number)) }

    @inlinable
    public mutating func value(_ flag: Bool) {
        separate()
        put(flag ? "true" : "false")
        needsComma = true
    }

    @inlinable
    public mutating func valueNull() {
        separate()
        put("null")
        needsComma = true
    }

    /// Any value tree, as an element or member value.
    @inlinable
    public mutating func value(_ json: JSONValue) {
        separate()
        write(json)
        needsComma = true
    }

    /// Appends a JSON fragment fixed at compile time, as is: the caller vouches that it is valid
    /// JSON in this position (commas included). For constant parts of hot responses.
    @inlinable
    public mutating func raw(_ fragment: StaticString) {
        put(fragment)
        needsComma = true
    }

    /// A value already serialized as JSON (a payload as the event store keeps it), appended as
    /// is: re-parsing and re-writing it would produce the same bytes at many times the cost.
    @inlinable
    public mutating func value(serialized bytes: UnsafeBufferPointer<UInt8>) {
        separate()
        put(bytes)
        needsComma = true
    }

    @inlinable @inline(__always)
    mutating func separate() {
        if needsComma { put(UInt8(ascii: ",")) }
    }
}
