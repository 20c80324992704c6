import PartsDomain
import PartsPlanning
import PartsStore

/// What `plan budget` proposes for one location: per part the reorder point a stock value
/// buys the most fill with (`StockBudget`), the fill rate expected of it, and what it holds.
/// A proposal only: nothing is stored, and the reorder run goes on with the class targets. A
/// manager who takes it sets per-class targets or per-part levels by hand, and can ask again
/// with another value to see what a change of budget buys.
public struct StockBudgetPlan: Sendable {
    public struct Line: Sendable {
        public let partNo: String
        public let abcClass: String
        public let model: String
        /// The reorder point the class target gives, as the reorder run plans it.
        public let targetReorderPoint: Double
        public let targetFillRate: Double?
        public let reorderPoint: Int
        public let fillRate: Double
        /// reorderPoint × the part's standard cost.
        public let value: ExactDecimal
        /// Why the part was left at 0: obsolete, or not planned.
        public let note: String?
    }

    public let lines: [Line]
    public let budget: ExactDecimal
    public let spent: ExactDecimal
    /// Demand-weighted over the parts with demand; nil when none has any.
    public let fillRate: Double?
    public let raises: Int

    /// More part-locations than this in one budget is refused: the allocation looks at every
    /// part for every raise it makes.
    public static let maximumParts = 5_000
    /// The whole allocation's work: the planning of every part, then the greedy's fill-rate
    /// evaluations, within these.
    public static let seconds = 20.0
    public static let steps = 20 * PlanningBudget.standardSteps
    /// Money in the allocation is counted in units of 1/10000, the scale costs are stored at.
    static let moneyScale = QuantityRule.maxCostScale

    /// Money units back as a decimal with the places it needs, at least cents: 25.00, 12.3456.
    static func money(_ units: Int64) -> ExactDecimal {
        let exact = ExactDecimal(units: units, scale: moneyScale).trimmed
        return exact.rescaled(to: max(2, exact.scale)) ?? exact
    }
}

extension Planner {
    /// The budget's allocation over `rows` (one location's), off the cooperative pool, stopped
    /// when the request is cancelled. Obsolete parts and parts that could not be planned stay
    /// at 0 and say why.
    public func budget(_ rows: [PlanningRow], value: ExactDecimal) async throws(PlanningError) -> StockBudgetPlan {
        let budget = PlanningBudget(steps: StockBudgetPlan.steps, seconds: StockBudgetPlan.seconds)
        let outcome = await withTaskCancellationHandler {
            await OffPool.run { Result { () throws(PlanningError) in try self.budget(rows, value: value, budget: budget) } }
        } onCancel: {
            budget.cancel()
        }
        return try outcome.get()
    }

    func budget(_ rows: [PlanningRow], value: ExactDecimal, budget: PlanningBudget) throws(PlanningError) -> StockBudgetPlan {
        let scale = StockBudgetPlan.moneyScale
        guard let total = value.rescaled(to: scale) else {
            throw .invalidParameter(field: "value", value: number(value), requirement: "must have at most \(scale) decimals")
        }
        var parts: [StockBudget.Part] = []
        var plans: [PartPlan?] = []
        var notes: [String?] = []
        for row in rows {
            // A part that cannot be planned is left out, not the whole budget refused; its own
            // budget keeps one bad history from eating the others'.
            let plan: PartPlan
            do {
                plan = try self.plan(row, budget: PlanningBudget(seconds: Self.partSeconds))
            } catch {
                if case .cancelled = error { throw error }
                plans.append(nil)
                notes.append("not planned: \(error.description)")
                parts.append(StockBudget.Part(demand: .normal(mean: 0, standardDeviation: 0), orderQuantity: 0,
                                              demandPerPeriod: 0, unitCost: 0))
                continue
            }
            plans.append(plan)
            notes.append(plan.isObsolete ? "obsolete: \(plan.obsolescence.reason(period: period))" : nil)
            parts.append(StockBudget.Part(
                demand: plan.levels.choice.demand, periodic: plan.levels.choice.periodic, orderQuantity: plan.orderQuantity.quantity,
                demandPerPeriod: plan.isObsolete ? 0 : plan.forecastPerPeriod,
                unitCost: row.cost.rescaled(to: scale)?.units ?? 0))
        }
        let allocation = try StockBudget.allocate(parts, budget: total.units, planningBudget: budget)
        let lines = rows.indices.map { index in
            let level = allocation.levels[index]
            let plan = plans[index]
            return StockBudgetPlan.Line(
                partNo: rows[index].partNo, abcClass: rows[index].abcClass, model: plan?.levels.model.displayName ?? "-",
                targetReorderPoint: plan?.reorderPoint ?? 0, targetFillRate: plan?.expectedFillRate,
                reorderPoint: level.reorderPoint, fillRate: level.fillRate,
                value: StockBudgetPlan.money(level.value), note: notes[index])
        }
        return StockBudgetPlan(lines: lines, budget: StockBudgetPlan.money(total.units), spent: StockBudgetPlan.money(allocation.spent),
                               fillRate: allocation.fillRate, raises: allocation.raises)
    }
}
