/// Rows for `COPY ... FROM STDIN` in PostgreSQL's text format (the default): fields separated
/// by tabs, rows ended by newlines, `\N` for NULL, and a backslash, tab, newline or carriage
/// return inside a value written as `\\`, `\t`, `\n`, `\r`.
///
/// The format is PostgreSQL's own (the COPY page of its manual, "Text Format"), not CSV, so
/// no CSV library applies; what it asks of a writer is these four escapes. Kept as UTF-8 bytes,
/// which is what goes on the wire: the escapes are ASCII, and no byte of a multi-byte UTF-8
/// sequence is, so escaping byte by byte leaves every character whole.
public struct CopyRows: Sendable {
    public private(set) var bytes: [UInt8] = []
    public private(set) var count = 0
    private var fieldsInRow = 0

    public init(reservingBytes capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    /// The next field of the current row.
    public mutating func add(_ value: String?) {
        separate()
        guard var value else {
            bytes.append(UInt8(ascii: "\\"))
            bytes.append(UInt8(ascii: "N"))
            return
        }
        value.withUTF8 { utf8 in
            // Most values (numbers, codes, sentences) have nothing to escape: copied whole.
            guard utf8.contains(where: Self.needsEscape) else {
                bytes.append(contentsOf: utf8)
                return
            }
            for byte in utf8 {
                switch byte {
                case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
                case UInt8(ascii: "\t"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
                case UInt8(ascii: "\n"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
                case UInt8(ascii: "\r"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
                default: bytes.append(byte)
                }
            }
        }
    }

    /// The next field, a whole number.
    public mutating func add(_ value: Int) {
        separate()
        var digits = value.magnitude
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        let start = bytes.count
        repeat {
            bytes.append(UInt8(ascii: "0") + UInt8(digits % 10))
            digits /= 10
        } while digits > 0
        bytes[start...].reverse()
    }

    /// Ends the current row.
    public mutating func endRow() {
        bytes.append(UInt8(ascii: "\n"))
        count += 1
        fieldsInRow = 0
    }

    private mutating func separate() {
        if fieldsInRow > 0 { bytes.append(UInt8(ascii: "\t")) }
        fieldsInRow += 1
    }

    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
    }
}
