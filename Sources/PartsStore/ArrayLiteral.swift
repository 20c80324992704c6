/// PostgreSQL array literals for passing a column of values as one text parameter.
enum ArrayLiteral {
    /// Numbers, booleans and NULL: nothing to quote.
    static func plain(_ values: [String]) -> String {
        "{" + values.joined(separator: ",") + "}"
    }

    /// Text, each element quoted with `"` and `\` escaped. Built as bytes: a run writes
    /// hundreds of thousands of explanations.
    static func quoted(_ values: [String]) -> String {
        quoted(values.map(Optional.some))
    }

    /// Text or NULL (unquoted, which PostgreSQL reads as a null element).
    static func quoted(_ values: [String?]) -> String {
        var out: [UInt8] = [UInt8(ascii: "{")]
        out.reserveCapacity(values.reduce(2) { $0 + ($1?.utf8.count ?? 4) + 3 })
        for (index, value) in values.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            guard let value else {
                out.append(contentsOf: "NULL".utf8)
                continue
            }
            out.append(UInt8(ascii: "\""))
            for byte in value.utf8 {
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { out.append(UInt8(ascii: "\\")) }
                out.append(byte)
            }
            out.append(UInt8(ascii: "\""))
        }
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }
}
