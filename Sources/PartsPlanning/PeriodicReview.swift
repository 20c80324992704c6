/// The fill rate of a reorder point under periodic review, (R, s, S) with S = s + Q, counted
/// review by review rather than by the continuous-review formula.
///
/// `FillRate.of` (Hadley & Whitin) takes the stock position at an order to be s exactly. Under
/// periodic review it is below s by the undershoot, and a part sold in lumps of six against an
/// order quantity of three undershoots by about a lump: measured on the project's evaluation,
/// lumpy parts given a 93 % target by that formula reached 80 % in a simulation of their own
/// model. This counts it instead (Hadley & Whitin ch. 5; Tijms, A First Course in Stochastic
/// Models, 2003, § 3.5):
///
/// - after each review the position y lies in (s, S]: S − k, k the demand since the last
///   order. The expected reviews a cycle spends at k are
///   V(0) = 1 / (1 − f₀), V(k) = Σ_{j=1..k} f_j·V(k − j) / (1 − f₀), f the demand of one
///   review interval; the share π(k) = V(k) / Σ V is how often a review leaves S − k;
/// - every order placed up to a review has arrived a lead time L later, and none placed
///   after it, so the stock before the demand of the review interval that ends L + R later is
///   y − D_L, and the units short in that interval are (D_{L+R} − y)⁺ − (D_L − y)⁺;
/// - β = 1 − Σ_k π(k)·(E[(D_{L+R} − S + k)⁺] − E[(D_L − S + k)⁺]) / E[D_R].
///
/// Exact for demand in whole units and a lead time a whole number of review intervals, which
/// is how the evaluation simulates it; the demand of L and of R are the protection interval's
/// distribution scaled (`LeadTimeDemand.over(fraction:)`), so a lead time's spread beyond that
/// is left out, as the compound Poisson leaves it out. A bootstrap gives all three from its own
/// paths instead (`init(protection:lead:review:)`); its D_R is the review interval right after
/// the lead time, taken as every interval's, since its occurrence chain forgets its start
/// within a few periods.
public struct PeriodicReview: Sendable, Equatable {
    /// D_{L+R}.
    public let protection: LeadTimeDemand
    /// D_L.
    let lead: LeadTimeDemand
    /// f_j = P(D_R = j), as far as its table goes, or as far as a cycle of `reviewReach`
    /// states reaches back.
    let review: [Double]
    /// The most states a cycle may have with the terms of `review`; nil: any (its table is
    /// whole).
    private let reviewReach: Int?
    /// E[D_R].
    let reviewMean: Double

    /// Steps the cycle's weights may take (one a term they reach back over), as for the
    /// compound Poisson's table: past it the part is planned by `FillRate.of`, whose error
    /// shrinks as Q grows against the lumps.
    static let workLimit = 200_000

    /// The split of `protection` into a lead time and `reviewShare` of it, the review interval
    /// R / (L + R); nil when there is no review interval, no demand within one, or a part
    /// cannot be tabulated (the normal, or tables past the limits).
    ///
    /// With `quantity`, the plan's order quantity, the review interval's distribution is
    /// tabulated only as far as that cycle's weights reach (⌈Q⌉ terms), not to its tail, which
    /// for a spread-out part is hundreds of terms that no weight reads. Its mean is the
    /// protection's share. A larger Q is then weighed by the continuous-review formula, as a
    /// cycle past `workLimit` is.
    public init?(protection: LeadTimeDemand, reviewShare: Double, quantity: Double? = nil,
                 budget: PlanningBudget) throws(PlanningError) {
        guard reviewShare > 0, reviewShare <= 1, protection.mean > 0, protection.isTabulated,
              let lead = try protection.over(fraction: 1 - reviewShare, budget: budget)
        else { return nil }
        guard let quantity else {
            guard let review = try protection.over(fraction: reviewShare, budget: budget) else { return nil }
            self.init(protection: protection, lead: lead, review: review)
            return
        }
        guard let reach = Self.states(quantity),
              let probabilities = try protection.probabilities(over: reviewShare, first: reach, budget: budget)
        else { return nil }
        self.init(protection: protection, lead: lead, review: probabilities, mean: protection.mean * reviewShare,
                  reach: reach)
    }

    /// D_{L+R}, D_L and D_R given whole, as a simulation makes them from the same paths
    /// (`DemandBootstrap`); nil when one is not tabulated or there is no demand within a review
    /// interval, as above.
    public init?(protection: LeadTimeDemand, lead: LeadTimeDemand, review: LeadTimeDemand) {
        guard protection.isTabulated, lead.isTabulated, let probabilities = review.probabilities else { return nil }
        self.init(protection: protection, lead: lead, review: probabilities, mean: review.mean, reach: nil)
    }

    private init?(protection: LeadTimeDemand, lead: LeadTimeDemand, review: [Double], mean reviewMean: Double,
                  reach: Int?) {
        guard protection.mean > 0, reviewMean > 0, let first = review.first, 1 - first > 1e-12 else { return nil }
        self.protection = protection
        self.lead = lead
        self.review = review
        self.reviewMean = reviewMean
        reviewReach = reach
    }

    /// The states a cycle of order quantity Q has, k = 0 ..< ⌈Q⌉ and at least one; nil past
    /// `workLimit`.
    private static func states(_ quantity: Double) -> Int? {
        guard quantity <= Double(workLimit) else { return nil }
        return max(1, Int((quantity - 1e-9).rounded(.up)))
    }

    /// π(k) for k = 0 ..< ⌈Q⌉ (S − k > s), or nil past `workLimit`.
    func cycleShares(quantity: Double, budget: PlanningBudget) throws(PlanningError) -> [Double]? {
        guard let states = Self.states(quantity), states <= reviewReach ?? states else { return nil }
        let stay = 1 - review[0]
        var visits = [Double]()
        visits.reserveCapacity(states)
        var work = 0
        var meter = BudgetMeter(budget)
        for k in 0..<states {
            var sum = k == 0 ? 1.0 : 0
            let reach = min(k, review.count - 1)
            if reach > 0 {
                for j in 1...reach { sum += review[j] * visits[k - j] }
            }
            work += max(1, reach)
            guard work <= Self.workLimit else { return nil }
            try meter.spend(max(1, reach))
            visits.append(sum / stay)
        }
        try meter.settle()
        let total = visits.reduce(0, +)
        return visits.map { $0 / total }
    }

    /// β(s) for order-up-to s + Q, with the shares of `cycleShares(quantity: Q)`.
    func fillRate(level: Double, quantity: Double, shares: [Double], budget: PlanningBudget) throws(PlanningError) -> Double {
        try budget.spend(shares.count)
        let top = level + quantity
        var short = 0.0
        for (k, share) in shares.enumerated() {
            let position = top - Double(k)
            let inInterval = try protection.expectedShortage(above: position, budget: budget)
                - lead.expectedShortage(above: position, budget: budget)
            short += share * max(0, inInterval)
        }
        return min(1, max(0, 1 - short / reviewMean))
    }
}
