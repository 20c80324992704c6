/// Lead-time demand bootstrapped from a part's own history, after Willemain, Smart & Schwarz,
/// "A new approach to forecasting intermittent demand for service parts inventories",
/// International Journal of Forecasting 20(3), 2004:
///
/// 1. occurrence: a two-state Markov chain estimated from the series (`OccurrenceChain`),
///    started from the state of its last period, says which future periods have demand;
/// 2. size: each period with demand takes a size drawn from the series' nonzero values, each
///    equally likely, jittered so that sizes never seen can happen: X* = 1 + INT(X + Z·√X),
///    Z standard normal, INT the integer part (towards zero, as the paper's INT), and X* = X
///    when that is ≤ 0;
/// 3. `replications` paths of the protection interval L + R give an empirical distribution
///    of its demand.
///
/// From the same paths come the three demands `PeriodicReview` weighs: D_L (the lead time),
/// D_{L+R} (the protection interval) and D_R (the review interval after the lead time, D_{L+R}
/// − D_L on each path), so a level is set review by review as for the analytic models.
///
/// Fractional periods (a lead time of 2 + 1/7 weeks): a period the interval's end cuts is
/// simulated whole, and its demand, if any, falls at a uniform point of it and counts for the
/// interval when that point is inside. That thins the occasion, not its units: the period's
/// demand counts whole with probability equal to the fraction inside, as the compound
/// Poisson's occasions are scaled (`CompoundPoisson.scaled`). Thinning units binomially, or
/// scaling the size, would break an order of six into a few units, the lumps the bootstrap is
/// there to keep; and splitting whole occasions between L and R keeps D_L + D_R = D_{L+R} on
/// every path.
///
/// The lead time is its mean: its spread (σ_L) is left out, as the paper leaves it out and as
/// `PeriodicReview` leaves it out. The draws come from `SplitMix64` seeded from `seed` and the
/// series, so a part's plan is the same every run for the same history.
public struct DemandBootstrap: Sendable, Equatable {
    /// Paths a distribution is made of: the paper's 1,000, whose empirical fill rate is within
    /// about a point of the exact one at the targets planners set.
    public static let replications = 1_000
    /// The fixed seed the series is mixed into.
    public static let seed: UInt64 = 0x7061_7274_7364_0001
    /// Simulated periods (replications × periods of the interval) one part may take: 200 periods
    /// of protection at 1,000 replications, a few milliseconds, like the compound Poisson's
    /// table. Longer (a year's lead time in days) is left to the analytic model.
    static let workLimit = 200_000

    public let chain: OccurrenceChain
    /// Nonzero periods the sizes are drawn from.
    public let demands: Int
    public let replications: Int
    /// D_{L+R}.
    public let protection: LeadTimeDemand
    /// D_L.
    public let lead: LeadTimeDemand
    /// D_R, the review interval after the lead time; nil for continuous review (R = 0).
    public let review: LeadTimeDemand?

    /// Why a part's history cannot be bootstrapped, for the words.
    public enum Refusal: Sendable, Equatable {
        case noDemand
        case noInterval
        case sizesNotWhole
        case tooLong(periods: Int)
        case tooManyUnits(largest: Int)

        public var description: String {
            switch self {
            case .noDemand: "no demand to resample"
            case .noInterval: "no protection interval"
            case .sizesNotWhole: "sizes not whole units"
            case .tooLong(let periods): "\(periods) periods × \(DemandBootstrap.replications) replications are too many to simulate"
            case .tooManyUnits(let largest): "a path of \(largest) units is too many to tabulate"
            }
        }
    }

    public enum Outcome: Sendable, Equatable {
        case simulated(DemandBootstrap)
        case declined(Refusal)
    }

    /// Simulates `history` (the part's demand per period, oldest first) over `leadTime`'s
    /// L + R; every simulated period is a step of `budget`.
    public static func run(history: [Double], leadTime: LeadTime, replications: Int = replications,
                           seed: UInt64 = seed, budget: PlanningBudget) throws(PlanningError) -> Outcome {
        let sizes = history.filter { $0 > 0 }
        guard !sizes.isEmpty, let chain = OccurrenceChain(values: history) else { return .declined(.noDemand) }
        guard sizes.allSatisfy({ $0 == $0.rounded() && $0 < Double(DiscreteDemand.walkSteps) }) else {
            return .declined(.sizesNotWhole)
        }
        let lead = leadTime.periods
        let end = leadTime.protectionPeriods
        guard end > 0, replications > 0 else { return .declined(.noInterval) }
        let periods = Int(end.rounded(.up))
        guard periods <= workLimit / replications else { return .declined(.tooLong(periods: periods)) }

        var random = SplitMix64.seeded(seed, values: history)
        var protectionCounts: [Int] = []
        var leadCounts: [Int] = []
        var reviewCounts: [Int] = []
        for _ in 0..<replications {
            try budget.spend(periods)
            var demand = chain.lastHadDemand
            var inLead = 0
            var inProtection = 0
            for period in 0..<periods {
                demand = random.nextUnit() < chain.probability(after: demand)
                guard demand else { continue }
                let drawn = sizes[min(sizes.count - 1, Int(random.nextUnit() * Double(sizes.count)))]
                let size = jittered(drawn, z: random.nextNormal())
                let start = Double(period)
                let cut = (start < lead && lead < start + 1) || (start < end && end < start + 1)
                let at = cut ? start + random.nextUnit() : start
                if at < end { inProtection += size }
                if at < lead { inLead += size }
            }
            guard inProtection < DiscreteDemand.walkSteps else { return .declined(.tooManyUnits(largest: inProtection)) }
            count(inProtection, in: &protectionCounts)
            count(inLead, in: &leadCounts)
            count(inProtection - inLead, in: &reviewCounts)
        }
        return .simulated(DemandBootstrap(
            chain: chain, demands: sizes.count, replications: replications,
            protection: .empirical(counts: protectionCounts), lead: .empirical(counts: leadCounts),
            review: leadTime.reviewPeriods > 0 ? .empirical(counts: reviewCounts) : nil))
    }

    /// X* = 1 + INT(X + Z·√X), or X when that is ≤ 0. X is whole, so X* is.
    static func jittered(_ size: Double, z: Double) -> Int {
        let jittered = 1 + Int((size + z * size.squareRoot()).rounded(.towardZero))
        return jittered > 0 ? jittered : Int(size)
    }

    private static func count(_ total: Int, in counts: inout [Int]) {
        if counts.count <= total { counts.append(contentsOf: repeatElement(0, count: total + 1 - counts.count)) }
        counts[total] += 1
    }
}
