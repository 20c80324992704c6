import PartsDomain
import PartsJobs
import PartsPlanning
import PartsProtocol
import PartsStore

/// plan budget: the reorder points a stock value buys the most fill rate with, at one
/// location (StockBudget). A proposal: it changes nothing, but it plans the whole location,
/// so it is the manager's.
enum StockBudgetCommands {
    static let specs: [CommandSpec] = [
        CommandSpec("plan budget", "plan budget <location> value=<amount> [limit=<n>]",
                    "proposes the reorder point per part that serves the most demand from stock (demand-weighted fill rate) for a stock value of reorder points × standard cost within the amount, by greedy marginal fill per unit of money; stores nothing",
                    role: .manager, positional: 1...1, named: ["value", "limit"]) { invocation, environment in
            let location = invocation.argument(0)!
            guard let value = try invocation.amount("value") else {
                throw CommandFailure.badRequest("plan budget needs value=<amount>; usage: plan budget <location> value=<amount>")
            }
            let limit = try invocation.listLimit()
            let planner = try await Planner.load(environment.store)
            let rows = try await environment.store.planningRows(location: location, window: planner.window,
                                                                limit: StockBudgetPlan.maximumParts + 1)
            guard rows.count <= StockBudgetPlan.maximumParts else {
                throw CommandFailure.invalid("\(location) plans more than \(StockBudgetPlan.maximumParts) part-locations: "
                                             + "a budget covers at most \(StockBudgetPlan.maximumParts)")
            }
            let plan = try await planner.budget(rows, value: value)
            return reply(plan, location: location, limit: limit)
        },
    ]

    /// Highest value first, so a limited reply shows where the money went.
    static func reply(_ plan: StockBudgetPlan, location: String, limit: Int) -> Reply {
        func rate(_ x: Double?) -> Value { x.flatMap { ExactDecimal(decimalString($0, places: 4)) }.map(Value.decimal) ?? .null }
        let lines = plan.lines.sorted { ($0.value, $1.partNo) > ($1.value, $0.partNo) }
        let table = Table(
            columns: [Table.Column("part_no"), Table.Column("abc_class", "ABC"), Table.Column("model"),
                      Table.Column("target_reorder_point", "TARGET ROP", .right),
                      Table.Column("target_fill_rate", "TARGET FILL", .right),
                      Table.Column("reorder_point", "ROP", .right), Table.Column("fill_rate", "FILL", .right),
                      Table.Column("value", nil, .right), Table.Column("note")],
            rows: lines.prefix(limit).map { line in
                [.text(line.partNo), .text(line.abcClass), .text(line.model),
                 ExactDecimal(quantityString(line.targetReorderPoint)).map(Value.decimal) ?? .null, rate(line.targetFillRate),
                 .decimal(ExactDecimal(units: Int64(line.reorderPoint), scale: 0)),
                 line.note == nil ? rate(line.fillRate) : .null, .money(line.value), .optional(line.note)]
            })
        let shown = lines.count > limit ? " (\(limit) shown)" : ""
        let overall = plan.fillRate.map { decimalString($0 * 100, places: 2) + "%" } ?? "-"
        return Reply(.ok, "budget \(plan.budget.formatted(minimumScale: 2)) at \(location): \(plan.spent.formatted(minimumScale: 2)) used, "
                         + "expected fill rate \(overall) over \(plan.lines.count) parts\(shown); proposed only, nothing stored",
                     blocks: [.table(table),
                              .record([Field("location", .text(location)), Field("budget", .money(plan.budget)),
                                       Field("budget_used", .money(plan.spent)), Field("expected_fill_rate", rate(plan.fillRate)),
                                       Field("parts", .integer(plan.lines.count)), Field("raises", .integer(plan.raises)),
                                       Field("stored", .text("no"))])])
    }
}
