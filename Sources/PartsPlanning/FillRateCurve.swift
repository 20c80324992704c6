/// β as a function of the level, for one demand and one order quantity: review by review
/// where the demand is split (`PeriodicReview`), the cycle's shares weighed once for every
/// level asked; else, or when the cycle is too long to weigh, the continuous-review formula.
///
/// A plan asks for many levels of one curve (the search for the smallest that reaches the
/// target, then its expected fill rate; the budget's raises), so the shares, the costly part,
/// are not weighed again for each.
public struct FillRateCurve: Sendable {
    public let demand: LeadTimeDemand
    public let quantity: Double
    private let periodic: PeriodicReview?
    private let shares: [Double]?

    public init(demand: LeadTimeDemand, periodic: PeriodicReview?, quantity: Double,
                budget: PlanningBudget = PlanningBudget()) throws(PlanningError) {
        self.demand = periodic?.protection ?? demand
        self.quantity = quantity
        let shares = try periodic?.cycleShares(quantity: quantity, budget: budget)
        self.periodic = shares == nil ? nil : periodic
        self.shares = shares
    }

    /// β(level).
    public func of(level: Double, budget: PlanningBudget = PlanningBudget()) throws(PlanningError) -> Double {
        if let periodic, let shares {
            return try periodic.fillRate(level: level, quantity: quantity, shares: shares, budget: budget)
        }
        return try FillRate.of(level: level, quantity: quantity, demand: demand, budget: budget)
    }

    /// The smallest level on the grid with β ≥ `target` (`FillRate.smallestLevel`).
    public func smallestLevel(reaching target: Double, budget: PlanningBudget = PlanningBudget()) throws(PlanningError) -> Double {
        guard periodic != nil else {
            return try FillRate.smallestLevel(reaching: target, quantity: quantity, demand: demand, budget: budget)
        }
        return try FillRate.smallestLevel(reaching: target, perUnit: 1) { (level) throws(PlanningError) in
            try of(level: level, budget: budget)
        }
    }
}
