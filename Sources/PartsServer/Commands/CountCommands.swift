import PartsDomain
import PartsProtocol
import PartsStore

/// count sheet: the stocktake's form. Its filled-in CSV comes back through partsctl
/// --import-count as one adjust per location.
enum CountCommands {
    static let specs: [CommandSpec] = [
        CommandSpec("count sheet", "count sheet <location> [after=<part_no>] [limit=<n>]",
                    "a count sheet of the parts a location holds, to write the counts on; JSON rows for partsctl --export-count",
                    role: .viewer, positional: 1...1, named: ["after", "limit"]) { invocation, environment in
            let location = invocation.argument(0)!
            let rows = try await environment.store.stockList(location: location, after: invocation[named: "after"],
                                                             limit: try invocation.listLimit())
            let json = NarrowTable(columns: [
                .init("location", width: nil), .init("part_no", width: nil), .init("description", width: nil),
                .init("unit", width: nil), .init("counted", width: nil),
            ], rows: rows.map { [.text($0.location), .text($0.partNo), .text($0.description), .text($0.unit), .null] }).json
            return Reply(.ok, "\(rows.count) parts at \(location)",
                         blocks: [.form(CountSheet.lines(location: location, rows: rows, firstNumber: 1), [Field("rows", json)])])
        },
    ]
}
