import PartsDomain
import PartsProtocol
import PartsStore

/// pool set | report pool: the exchange pool's target sizes and how it is doing.
enum PoolCommands {
    static let specs: [CommandSpec] = [
        CommandSpec("pool set", "pool set <location> <part_no> target=<n> [ref=...]",
                    "how many serviceable units of a serialised part the rotation pool should hold", role: .manager,
                    changesData: true, positional: 2...2, named: ["target"]) { invocation, environment in
            guard let target = try invocation.wholeNumber("target", in: 0...100_000) else {
                throw CommandFailure.badRequest("pool set needs target=<n>")
            }
            let partNo = invocation.argument(1)!
            guard Identifier.isPartNumber(partNo) else { throw CommandFailure.invalid("'\(partNo)' is not a valid part number") }
            return Reply(try await environment.store.setPoolTarget(invocation.argument(0)!, partNo: partNo, target: target,
                                                                   invocation.context))
        },
        CommandSpec("report pool", "report pool [location=<code>]",
                    "per pool and part: target, serviceable on hand, cores waiting, in repair, out with customers, cores owed (value, oldest), availability over 90 days",
                    role: .viewer, named: ["location"]) { invocation, environment in
            let rows = try await environment.store.poolReport(location: invocation[named: "location"])
            let key: [Table.Column] = [.init("location", "POOL"), .init("part_no")]
            return Reply(.ok, "\(rows.count) pool parts", blocks: [
                .table(Table(key: "pool", columns: key + [
                    .init("target", nil, .right), .init("serviceable", "ON HAND", .right), .init("cores_in", "CORES IN", .right),
                    .init("in_repair", "IN REPAIR", .right), .init("served", nil, .right), .init("refused", nil, .right),
                    .init("availability_pct", "AVAIL %", .right),
                ], rows: rows.map { row in
                    [.text(row.location), .text(row.partNo), row.target.map(Value.integer) ?? .null, .integer(row.serviceable),
                     .integer(row.coresIn), .integer(row.inRepair), .integer(row.served), .integer(row.refused),
                     row.availabilityPercent.map(Value.decimal) ?? .null]
                })),
                .table(Table(key: "cores", columns: key + [
                    .init("out", "OUT", .right), .init("overdue", "OVERDUE", .right), .init("cores_value", "CORES OWED", .right),
                    .init("oldest_days", "OLDEST", .right),
                ], rows: rows.map { row in
                    [.text(row.location), .text(row.partNo), .integer(row.out), .integer(row.overdue), .money(row.coresValue),
                     row.oldestDays.map(Value.integer) ?? .null]
                })),
            ])
        },
    ]
}
