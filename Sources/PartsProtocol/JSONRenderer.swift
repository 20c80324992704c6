import PartsDomain

/// JSON mode: every reply is exactly one line, `NNN {object}`, with snake_case keys.
public enum JSONRenderer {
    public static func render(_ reply: Reply) -> String {
        String(reply.status.rawValue) + " " + JSON.encode(.object(fields(of: reply)))
    }

    static func fields(of reply: Reply) -> [(String, Value)] {
        if reply.status.isError {
            return [("error", .text(reply.word)), ("message", .text(reply.message))]
        }
        var fields: [(String, Value)] = [("status", .text(reply.word))]
        if !reply.message.isEmpty { fields.append(("message", .text(reply.message))) }
        for block in reply.blocks {
            switch block {
            case .record(let record):
                fields += record.map { ($0.key, $0.value) }
            case .table(let table):
                fields.append((table.key, .list(table.rows.map { row in
                    .object(zip(table.columns, row).map { ($0.key, $1) })
                })))
            case .document(let document):
                fields.append(("document", value(of: document)))
            case .lines(let key, let lines):
                fields.append((key, .list(lines.map(Value.text))))
            case .form(_, let record):
                fields += record.map { ($0.key, $0.value) }
            }
        }
        return fields
    }

    public static func value(of document: PostedDocument) -> Value {
        .object([
            ("doc_no", .text(document.docNo)),
            ("type", .text(document.type)),
            ("title", .text(document.title)),
            ("date", .text(document.date)),
            ("posted_at", .text(document.postedAt)),
            ("location", .text(document.location)),
            ("location_name", .text(document.locationName)),
            ("to_location", .optional(document.toLocation)),
            ("counterparty", .optional(document.counterparty)),
            ("note", .optional(document.note)),
            ("reason", .optional(document.reason)),
            ("clerk", .text(document.clerk)),
            ("ref", .optional(document.ref)),
            ("lines", .list(document.lines.map { line in
                .object([
                    ("line_no", .integer(line.lineNo)),
                    ("part_no", .text(line.partNo)),
                    ("description", .text(line.description)),
                    ("quantity", .decimal(line.quantity)),
                    ("counted", line.counted.map(Value.decimal) ?? .null),
                    ("unit", .text(line.unit)),
                    ("unit_cost", .decimal(line.unitCost)),
                    ("value", .decimal(line.value)),
                ] + (line.serial.map { [("serial", Value.text($0))] } ?? []))
            })),
            ("total", .decimal(document.total)),
        ])
    }
}
