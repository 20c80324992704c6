import PartsDomain
import PartsProtocol
import PartsStore

/// target set | list: the turnover a warehouse (or a part category in it) should reach.
enum TargetCommands {
    /// The schema stores numeric(9,3).
    static let maximumTurnover = ExactDecimal(units: 999_999_999, scale: 3)
    static let maxDaysRange = 1...3660

    static let specs: [CommandSpec] = [
        CommandSpec("target set", "target set <location> turnover=<per year> max_days=<n> [category=<c>]",
                    "sets the turnover target and maximum days of supply of a warehouse or one part category in it",
                    role: .manager, changesData: true, positional: 1...1,
                    named: ["turnover", "max_days", "category"]) { invocation, environment in
            guard let turnoverText = invocation[named: "turnover"], let maxDaysText = invocation[named: "max_days"] else {
                throw CommandFailure.badRequest("usage: target set <location> turnover=<per year> max_days=<n> [category=<c>]")
            }
            let turnover = try turnover(turnoverText)
            guard let maxDays = Int(maxDaysText), maxDaysRange.contains(maxDays) else {
                throw CommandFailure.invalid("max_days must be a whole number of days from \(maxDaysRange.lowerBound) to "
                    + "\(maxDaysRange.upperBound), got \(maxDaysText)")
            }
            let category = try invocation.text("category", maxLength: 40) ?? ""
            let outcome = try await environment.store.setTurnoverTarget(location: invocation.argument(0)!, category: category,
                                                                        turnover: turnover, maxDays: maxDays, invocation.context)
            return Reply(outcome)
        },
        CommandSpec("target list", "target list [location=<code>]", "turnover targets by warehouse and category",
                    role: .viewer, named: ["location"]) { invocation, environment in
            let targets = try await environment.store.turnoverTargets(location: invocation[named: "location"])
            return Reply(.ok, "\(targets.count) targets", blocks: [.table(Table(
                columns: [Table.Column("location"), Table.Column("category"), Table.Column("turnover", nil, .right),
                          Table.Column("max_days", nil, .right), Table.Column("updated_by"), Table.Column("updated_at", "UPDATED")],
                rows: targets.map { target in
                    [.text(target.location), .optional(target.category.isEmpty ? nil : target.category), .decimal(target.turnover),
                     .integer(target.maxDays), .text(target.updatedBy), .text(StockCommands.shortTime(target.updatedAt))]
                }))])
        },
    ]

    /// Turns per year: positive, at most 3 decimals.
    private static func turnover(_ text: String) throws(CommandFailure) -> ExactDecimal {
        let refusal = CommandFailure.invalid(
            "turnover must be a number of turns per year above 0 and below 1000000, with at most 3 decimals, got \(text)")
        let value: ExactDecimal
        do {
            value = try ExactDecimal.bounded(text, scale: 3, limit: maximumTurnover)
        } catch {
            throw refusal
        }
        guard value.isPositive else { throw refusal }
        return value
    }
}
