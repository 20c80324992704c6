import PartsDomain

/// A JSON writer that keeps key order and writes decimals as strings.
///
/// Hand-written because Foundation's encoders sort or shuffle keys and would turn decimals
/// into numbers; replies must be stable, one line, and exact.
public enum JSON {
    public static func encode(_ value: Value) -> String {
        var out = ""
        write(value, to: &out)
        return out
    }

    public static func object(_ fields: [(String, Value)]) -> String {
        encode(.object(fields))
    }

    static func write(_ value: Value, to out: inout String) {
        switch value {
        case .text(let text): writeString(text, to: &out)
        case .decimal(let number), .money(let number): writeString(number.description, to: &out)
        case .integer(let number): out += String(number)
        case .bool(let flag): out += flag ? "true" : "false"
        case .null: out += "null"
        case .list(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                write(item, to: &out)
            }
            out += "]"
        case .object(let fields):
            out += "{"
            for (index, (key, item)) in fields.enumerated() {
                if index > 0 { out += "," }
                writeString(key, to: &out)
                out += ":"
                write(item, to: &out)
            }
            out += "}"
        }
    }

    static func writeString(_ text: String, to out: inout String) {
        JSONString.append(text, to: &out)
    }
}
