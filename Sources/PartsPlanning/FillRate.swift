/// The unit fill rate of a reorder point, and the smallest reorder point that reaches a target.
///
/// An (s, Q) policy, or (R, s, S) with S = s + Q, brings Q units a replenishment cycle. The
/// units a cycle is expected to be short are, after Hadley & Whitin (Analysis of Inventory
/// Systems, 1963),
///
///     E[short] = E[(D − s)⁺] − E[(D − s − Q)⁺],
///
/// D the demand over the protection interval L + R (`LeadTime.protectionPeriods`): the
/// shortage the level s leaves, less what would still be short had the cycle started a whole
/// order higher, which the order that follows covers. So the fill rate is
///
///     β(s) = 1 − E[short] / E[demand per cycle] = 1 − (E[(D − s)⁺] − E[(D − s − Q)⁺]) / Q,
///
/// with the normal σ·(G((s − μ)/σ) − G((s + Q − μ)/σ)), G the normal loss function. Textbooks
/// (Silver, Pyke & Peterson, Inventory Management and Production Planning and Scheduling,
/// 3rd ed., 1998) drop the second term and solve G(z) = Q·(1 − β)/σ: μ 100, σ 20, Q 200 and
/// β 0.99 give G(z) = 0.1, z ≈ 0.90, where the term is 10⁻²⁶. Kept, it keeps β right when Q
/// is small against the spread, as for slow movers, where dropping it would understate β.
///
/// β grows with s, so the smallest s that reaches a target is found by doubling a bracket and
/// halving it, on the grid of levels a plan can hold: whole units for counts, thousandths (the
/// three decimals every quantity is stored and printed with) for the normal. So the level
/// stored is the one whose fill rate was checked, and the search takes tens of evaluations
/// however high the level, never a walk to it.
public enum FillRate {
    /// Below this an order quantity counts as this: β then tends to P(D ≤ s) as Q → 0, and
    /// the division stays defined for a part with almost no forecast.
    static let smallestQuantity = 1e-6

    /// β(s) for order quantity Q, in [0, 1].
    public static func of(level: Double, quantity: Double, demand: LeadTimeDemand,
                          budget: PlanningBudget = PlanningBudget()) throws(PlanningError) -> Double {
        let q = max(quantity, smallestQuantity)
        let short = try demand.expectedShortage(above: level, budget: budget)
            - demand.expectedShortage(above: level + q, budget: budget)
        return min(1, max(0, 1 - short / q))
    }

    /// The smallest level on the grid (whole units, or thousandths for the normal) with
    /// β ≥ `target`, not below 0; `DiscreteDemand.largestQuantile` grid steps when even that
    /// falls short.
    public static func smallestLevel(reaching target: Double, quantity: Double, demand: LeadTimeDemand,
                                     budget: PlanningBudget = PlanningBudget()) throws(PlanningError) -> Double {
        try smallestLevel(reaching: target, perUnit: demand.model == .normal ? 1000 : 1) { (level) throws(PlanningError) in
            try of(level: level, quantity: quantity, demand: demand, budget: budget)
        }
    }

    /// β(s) under periodic review (`PeriodicReview`); the continuous-review β when the cycle
    /// is too long to weigh. For one level: a plan asks its `FillRateCurve` for many.
    public static func of(level: Double, quantity: Double, periodic: PeriodicReview,
                          budget: PlanningBudget = PlanningBudget()) throws(PlanningError) -> Double {
        try FillRateCurve(demand: periodic.protection, periodic: periodic, quantity: quantity, budget: budget)
            .of(level: level, budget: budget)
    }

    /// The smallest whole level with β ≥ `target` under periodic review, as above.
    public static func smallestLevel(reaching target: Double, quantity: Double, periodic: PeriodicReview,
                                     budget: PlanningBudget = PlanningBudget()) throws(PlanningError) -> Double {
        try FillRateCurve(demand: periodic.protection, periodic: periodic, quantity: quantity, budget: budget)
            .smallestLevel(reaching: target, budget: budget)
    }

    static func smallestLevel(reaching target: Double, perUnit: Double,
                                      fill: (Double) throws(PlanningError) -> Double) throws(PlanningError) -> Double {
        func reaches(_ step: Int) throws(PlanningError) -> Bool {
            try fill(Double(step) / perUnit) >= target
        }
        if try reaches(0) { return 0 }
        // β(below) < target ≤ β(above).
        var below = 0
        var above = 1
        while try !reaches(above) {
            guard above < DiscreteDemand.largestQuantile else { return Double(above) / perUnit }
            below = above
            above *= 2
        }
        while above - below > 1 {
            let middle = below + (above - below) / 2
            if try reaches(middle) { above = middle } else { below = middle }
        }
        return Double(above) / perUnit
    }
}
