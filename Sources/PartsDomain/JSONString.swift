/// Writes JSON string literals. Shared by the protocol's replies and the store's inputs to
/// the database, so there is one escaping rule in the code base.
public enum JSONString {
    /// Appends `text` as a quoted JSON string. Most strings need no escaping and are copied
    /// whole; only those with quotes, backslashes, control characters or line separators
    /// (which would break "one reply, one line" for naive line readers) are escaped.
    public static func append(_ text: String, to out: inout String) {
        out += "\""
        if needsEscaping(text) {
            appendEscaped(text, to: &out)
        } else {
            out += text
        }
        out += "\""
    }

    public static func quoted(_ text: String) -> String {
        var out = ""
        append(text, to: &out)
        return out
    }

    private static func needsEscaping(_ text: String) -> Bool {
        var utf8 = text.utf8.makeIterator()
        while let byte = utf8.next() {
            if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { return true }
            // U+2028 and U+2029 are E2 80 A8 and E2 80 A9.
            if byte == 0xE2 { return true }
        }
        return false
    }

    /// Escapes byte by byte and appends once: walking Unicode scalars and appending each one
    /// to a String cost more than the rest of building a workflow's input.
    private static func appendEscaped(_ text: String, to out: inout String) {
        let utf8 = Array(text.utf8)
        var escaped: [UInt8] = []
        escaped.reserveCapacity(utf8.count + 16)
        func append(_ ascii: String) { escaped.append(contentsOf: ascii.utf8) }
        var index = 0
        while index < utf8.count {
            let byte = utf8[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""): append("\\\"")
            case UInt8(ascii: "\\"): append("\\\\")
            case UInt8(ascii: "\n"): append("\\n")
            case UInt8(ascii: "\r"): append("\\r")
            case UInt8(ascii: "\t"): append("\\t")
            case 0xE2 where index + 1 < utf8.count && utf8[index] == 0x80 && (utf8[index + 1] == 0xA8 || utf8[index + 1] == 0xA9):
                // U+2028 and U+2029 are E2 80 A8 and E2 80 A9.
                append(utf8[index + 1] == 0xA8 ? "\\u2028" : "\\u2029")
                index += 2
            case ..<0x20:
                let hex = String(byte, radix: 16)
                append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
            default:
                escaped.append(byte)
            }
        }
        out += String(decoding: escaped, as: UTF8.self)
    }
}
