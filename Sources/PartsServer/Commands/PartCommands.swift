import PartsDomain
import PartsPlanning
import PartsProtocol
import PartsStore

/// part add | show | list | set.
enum PartCommands {
    static let fieldKeys: Set<String> = ["unit", "cost", "category", "pack", "lead_days", "supplier", "warranty_return", "serialized",
                                         "fill_rate"]

    static let specs: [CommandSpec] = [
        CommandSpec("part add", "part add <part_no> \"<description>\" [unit=PCS] [cost=<unit cost>] [category=<c>] [pack=<n>] [lead_days=<n>] [supplier=<code>] [warranty_return=yes|no] [serialized=yes|no] [fill_rate=<0.5-0.9999>]",
                    "adds a part to the master data", role: .manager, changesData: true, positional: 2...2,
                    named: fieldKeys, independentBy: { $0.first }) { invocation, environment in
            let partNo = invocation.argument(0)!
            guard Identifier.isPartNumber(partNo) else {
                throw CommandFailure.invalid("'\(partNo)' is not a valid part number (\(Identifier.partNumberRule))")
            }
            var fields = try changes(invocation)
            fields.description = try description(invocation.argument(1)!)
            return Reply(try await environment.store.addPart(partNo, fields, invocation.context))
        },
        CommandSpec("part set", "part set <part_no> <key>=<value> ...  (description, unit, cost, category, pack, lead_days, supplier, warranty_return, serialized, fill_rate=<target>|default)",
                    "changes a part's master data (not its stock)", role: .manager, changesData: true, positional: 1...1,
                    named: fieldKeys.union(["description"]), independentBy: { $0.first }) { invocation, environment in
            var fields = try changes(invocation)
            if let text = invocation[named: "description"] { fields.description = try description(text) }
            guard fields != PartChanges() else { throw CommandFailure.badRequest("nothing to set: give <key>=<value>") }
            return Reply(try await environment.store.setPart(invocation.argument(0)!, fields, invocation.context))
        },
        // The parts master in rows, as a go-live import sends it: a request per part costs the
        // daemon more than the part's own work in the database.
        CommandSpec("part load", "part load columns=part_no,<field>,... <value> ...  (a row of values a part, in the columns' order: part_no, description and part set's fields; \"\" leaves a field as it is)",
                    "adds new parts and changes existing ones, many at once, each row on its own", role: .manager,
                    changesData: true, positional: 1...10_000, named: ["columns"]) { invocation, environment in
            let columns = try loadColumns(invocation[named: "columns"])
            let values = invocation.arguments
            guard values.count % columns.count == 0 else {
                throw CommandFailure.badRequest("\(values.count) values do not make rows of \(columns.count) (columns=\(columns.joined(separator: ",")))")
            }
            let rowCount = values.count / columns.count
            let limit = invocation.limits.maxDocumentLines
            guard rowCount <= limit else { throw CommandFailure.invalid("\(rowCount) rows; a load holds at most \(limit)") }
            let rows = (0..<rowCount).map { index in
                loadRow(zip(columns, values[(index * columns.count)...].prefix(columns.count)), invocation)
            }
            let load = try await environment.store.loadParts(rows, invocation.context)
            // A refusal's reason is a sentence, longer than a column of 80 can hold: in text it
            // follows the table, a line a refused row.
            let table = NarrowTable(columns: [
                .init("row", nil, .right, width: 4), .init("part_no", width: 40), .init("outcome", width: 9),
                .init("code", nil, .right, width: 4), .init("message", width: nil),
            ], rows: load.rows.map { row in
                [.integer(row.row), .text(row.partNo), .text(row.outcome), .integer(row.code), .optional(row.message)]
            })
            let reasons = load.rows.compactMap { row in row.message.map { "row \(row.row) \(row.partNo): \($0)" } }
            return Reply(.ok, load.message, blocks: [table.block] + (reasons.isEmpty ? [] : [.form(reasons, [])]))
        },
        CommandSpec("part show", "part show <part_no>", "one part's master data and total stock", role: .viewer,
                    positional: 1...1) { invocation, environment in
            Reply(.ok, blocks: [.record(fields(try await environment.store.part(invocation.argument(0)!)))])
        },
        CommandSpec("part list", "part list [category=<c>] [after=<part_no>] [limit=<n>]", "parts in part-number order",
                    role: .viewer, named: ["category", "after", "limit"]) { invocation, environment in
            let limit = try invocation.listLimit()
            let parts = try await environment.store.parts(category: invocation[named: "category"], after: invocation[named: "after"],
                                                          limit: limit)
            return Reply(.ok, "\(parts.count) parts", blocks: [.table(Table(
                columns: [Table.Column("part_no"), Table.Column("description"), Table.Column("unit"),
                          Table.Column("category"), Table.Column("cost", nil, .right), Table.Column("on_hand", nil, .right),
                          Table.Column("available", nil, .right)],
                rows: parts.map { part in
                    [.text(part.partNo), .text(part.description), .text(part.unit), .optional(part.category),
                     .money(part.cost), .decimal(part.onHand), .decimal(part.available)]
                }))])
        },
        // Every column part add takes, named as partsctl --import-parts reads them, so an
        // export imports again unchanged; paged like part list.
        CommandSpec("part export", "part export [category=<c>] [after=<part_no>] [limit=<n>]",
                    "the parts master, every field part add takes, in part-number order", role: .viewer,
                    named: ["category", "after", "limit"]) { invocation, environment in
            let parts = try await environment.store.parts(category: invocation[named: "category"], after: invocation[named: "after"],
                                                          limit: try invocation.listLimit())
            return Reply(.ok, "\(parts.count) parts", blocks: [.table(Table(
                columns: exportColumns.map { Table.Column($0) },
                rows: parts.map { part in
                    [.text(part.partNo), .text(part.description), .text(part.unit), .money(part.cost), .optional(part.category),
                     .decimal(part.pack), part.leadDays.map(Value.integer) ?? .null, .optional(part.supplier),
                     .bool(part.warrantyReturn), .bool(part.serialized), part.fillRate.map { .text($0.trimmed.description) } ?? .null]
                }))])
        },
    ]

    static let exportColumns = ["part_no", "description", "unit", "cost", "category", "pack", "lead_days", "supplier",
                                "warranty_return", "serialized", "fill_rate"]

    static func fields(_ part: PartRecord) -> [Field] {
        // Shown only when set: the makers always want this part back from a warranty claim.
        let warranty = part.warrantyReturn ? [Field("warranty_return", .bool(true))] : []
        return [
            Field("part_no", .text(part.partNo)), Field("description", .text(part.description)),
            Field("unit", .text(part.unit)), Field("cost", .money(part.cost)), Field("category", .optional(part.category)),
            Field("pack", .decimal(part.pack)), Field("lead_days", part.leadDays.map(Value.integer) ?? .null),
            Field("supplier", .optional(part.supplier)), Field("on_hand", .decimal(part.onHand)),
            Field("available", .decimal(part.available)),
        ] + warranty
        // Only on serialised parts, so the master data of every other part reads as it always did.
        + (part.serialized ? [Field("serialized", .bool(true))] : [])
        + (part.fillRate.map { [Field("fill_rate", .text($0.trimmed.description))] } ?? [])
    }

    /// A unit fill rate in the range a class's target may have, to at most six places (as the
    /// settings store it); `default` gives the part back its class's target.
    private static func fillRate(_ text: String) throws(CommandFailure) -> Override<ExactDecimal> {
        if text == "default" { return .inherited }
        let range = PlanningParameters.fillRateRange
        guard let rate = ExactDecimal(text), rate.significantScale <= 6, let value = Double(text), range.contains(value) else {
            throw .invalid("fill_rate must be a fill-rate target from \(range.lowerBound) to \(range.upperBound) "
                           + "(at most 6 decimals) or default, got \(text)")
        }
        return .value(rate)
    }

    /// The columns of a part load: part_no and the fields part set takes, each once.
    private static func loadColumns(_ text: String?) throws(CommandFailure) -> [String] {
        guard let text else { throw .badRequest("part load needs columns=part_no,<field>,...") }
        let columns = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let known = ["part_no", "description"] + exportColumns.filter(fieldKeys.contains)
        if let unknown = columns.first(where: { !known.contains($0) }) {
            throw .badRequest("unknown column '\(unknown)'; part load takes \(known.joined(separator: ", "))")
        }
        guard columns.contains("part_no") else { throw .badRequest("columns= must name part_no") }
        guard Set(columns).count == columns.count else { throw .badRequest("columns= names a column twice") }
        return columns
    }

    /// One row of a part load, checked as part add and part set check their arguments (an
    /// empty value is a field not given): its fields, or why not, as the row's outcome.
    private static func loadRow(_ cells: some Sequence<(String, String)>, _ invocation: Invocation) -> PartLoadRow {
        var partNo = ""
        var named: [(key: String, value: String)] = []
        for (column, value) in cells where !value.isEmpty {
            if column == "part_no" { partNo = value } else { named.append((column, value)) }
        }
        guard Identifier.isPartNumber(partNo) else {
            return .refused(partNo: partNo, message: partNo.isEmpty ? "the part number is empty"
                            : "'\(partNo)' is not a valid part number (\(Identifier.partNumberRule))")
        }
        let row = invocation.reading(named: named)
        do throws(CommandFailure) {
            var fields = try changes(row)
            if let text = row[named: "description"] { fields.description = try description(text) }
            return .fields(partNo: partNo, fields)
        } catch {
            return .refused(partNo: partNo, message: error.message)
        }
    }

    private static func description(_ text: String) throws(CommandFailure) -> String {
        let trimmed = text.trimmingSpaces
        guard !trimmed.isEmpty else { throw .invalid("the description is empty") }
        guard trimmed.count <= 200 else { throw .invalid("the description is longer than 200 characters") }
        return trimmed
    }

    private static func changes(_ invocation: Invocation) throws(CommandFailure) -> PartChanges {
        var changes = PartChanges()
        if let unit = invocation[named: "unit"] { changes.unit = unit.uppercased() }
        do {
            if let cost = invocation[named: "cost"] { changes.cost = try ExactDecimal.cost(cost) }
            if let pack = invocation[named: "pack"] {
                let value = try ExactDecimal.quantity(pack)
                changes.pack = value
            }
        } catch {
            throw CommandFailure(error)
        }
        if let lead = invocation[named: "lead_days"] {
            guard let days = Int(lead), (0...3650).contains(days) else {
                throw .invalid("lead_days must be a whole number of days from 0 to 3650, got \(lead)")
            }
            changes.leadDays = days
        }
        changes.category = try invocation.text("category", maxLength: 40)
        changes.supplier = try invocation.text("supplier", maxLength: 40)
        changes.warrantyReturn = try invocation.yesNo("warranty_return")
        changes.serialized = try invocation.yesNo("serialized")
        if let text = invocation[named: "fill_rate"] { changes.fillRate = try fillRate(text) }
        return changes
    }
}

extension Reply {
    /// The reply of a master-data change, identical when a ref replays it.
    init(_ outcome: MutationOutcome) {
        self.init(ReplyStatus(rawValue: outcome.code) ?? .ok, outcome.message)
    }
}

extension String {
    /// By bytes: a space is one byte in UTF-8 and never part of another character, and
    /// reversing a string's Characters showed in a profile of `part add`.
    var trimmingSpaces: String {
        let bytes = utf8
        guard let first = bytes.firstIndex(where: { $0 != UInt8(ascii: " ") }),
              let last = bytes.lastIndex(where: { $0 != UInt8(ascii: " ") }) else { return "" }
        return String(decoding: bytes[first...last], as: UTF8.self)
    }
}
