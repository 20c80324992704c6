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

    private static func appendEscaped(_ text: String, to out: inout String) {
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
    }
}
