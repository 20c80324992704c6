/// The steps of one tight loop, counted here and handed to its `PlanningBudget` every
/// `stride` steps, and the rest by `settle()`.
///
/// A table walk counts a step a term, and hundreds of terms a part: one atomic add and a call
/// a term was a tenth of a reorder run's daemon CPU. The budget's count is exact once the loop
/// settles; until then it lags by fewer than `stride` steps, so a plan past its budget stops
/// at most that much work later.
struct BudgetMeter {
    static let stride = 256

    private let budget: PlanningBudget
    private var unpaid = 0

    init(_ budget: PlanningBudget) { self.budget = budget }

    mutating func spend(_ steps: Int = 1) throws(PlanningError) {
        unpaid += steps
        if unpaid >= Self.stride { try settle() }
    }

    /// Hands the steps not yet counted to the budget; call it where the loop ends.
    mutating func settle() throws(PlanningError) {
        guard unpaid > 0 else { return }
        let steps = unpaid
        unpaid = 0
        try budget.spend(steps)
    }
}
