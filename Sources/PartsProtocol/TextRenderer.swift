import PartsDomain

/// Text mode: aligned tables and receipts for people, framed in numbered reply lines.
public enum TextRenderer {
    /// The reply as lines without their line ends: `NNN-data`... then `NNN WORD message`.
    public static func render(_ reply: Reply) -> [String] {
        let code = String(reply.status.rawValue)
        var body: [String] = []
        for block in reply.blocks { body += lines(of: block) }
        var out = body.map { code + "-" + $0 }
        let message = reply.message.isEmpty ? "" : " " + singleLine(reply.message)
        out.append(code + " " + reply.word + message)
        return out
    }

    static func lines(of block: Block) -> [String] {
        switch block {
        case .record(let fields):
            let width = fields.map { DisplayWidth.of($0.key.replacingUnderscores) }.max() ?? 0
            return fields.map { field in
                DisplayWidth.pad(field.key.replacingUnderscores, to: width) + "  " + singleLine(text(field.value))
            }
        case .table(let table):
            return render(table)
        case .document(let document):
            return ReceiptRenderer.render(document)
        case .lines(_, let lines), .form(let lines, _):
            return lines.map(singleLine)
        }
    }

    /// Columns two spaces apart, each as wide as its widest cell (long text cut at 40
    /// columns); numbers right-aligned; no trailing spaces.
    public static func render(_ table: Table) -> [String] {
        let cells = table.rows.map { row in row.map { DisplayWidth.truncate(singleLine(text($0)), to: 40) } }
        var widths = table.columns.map { DisplayWidth.of($0.title) }
        for row in cells {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], DisplayWidth.of(cell))
            }
        }
        func line(_ values: [String]) -> String {
            var parts: [String] = []
            for (index, column) in table.columns.enumerated() {
                let value = index < values.count ? values[index] : ""
                parts.append(DisplayWidth.pad(value, to: widths[index], right: column.alignment == .right))
            }
            return trimTrailingSpaces(parts.joined(separator: "  "))
        }
        return [line(table.columns.map(\.title))] + cells.map(line)
    }

    /// How a value reads on a terminal.
    public static func text(_ value: Value) -> String {
        switch value {
        case .text(let string): string
        case .decimal(let number): number.trimmed.description
        case .money(let number): number.formatted(minimumScale: 2)
        case .integer(let number): String(number)
        case .bool(let flag): flag ? "yes" : "no"
        case .null: "-"
        case .list(let items): items.map(text).joined(separator: ", ")
        case .object(let fields): fields.map { "\($0.0)=\(text($0.1))" }.joined(separator: " ")
        }
    }

    /// A reply line must not contain a line break: it would end the line early for clients.
    static func singleLine(_ text: String) -> String {
        guard text.contains(where: { $0.isNewline }) else { return text }
        return String(text.map { $0.isNewline ? " " : $0 })
    }

    static func trimTrailingSpaces(_ text: String) -> String {
        var result = Substring(text)
        while result.last == " " { result = result.dropLast() }
        return String(result)
    }
}
