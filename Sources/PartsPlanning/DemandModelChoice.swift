/// Which distribution a part's lead-time demand gets, and why, in words for `plan show`.
///
/// For a cycle service level (the rule the reorder point has always had): below the slow-mover
/// threshold a count, negative binomial with mean μ and variance σ²_LTD when that exceeds μ,
/// else Poisson; at or above it the normal.
///
/// For a fill rate, by the demand class, since the shortage a level leaves depends on the
/// shape of the tail, not only on its spread:
/// - intermittent and lumpy: compound Poisson with the part's own sizes (`CompoundPoisson`);
///   when its table cannot be computed within the limits, or the sizes are not whole units, a
///   negative binomial with the compound Poisson's mean and variance (λ·E[X²]);
/// - smooth, erratic and new: the normal where it fits, μ at or above the slow-mover threshold
///   and σ at most half of μ (beyond that the normal puts more than 2 % of its weight on
///   negative demand, and a fill rate computed from it counts shortages that cannot happen);
///   elsewhere the cycle rule's count.
public struct DemandModelChoice: Sendable, Equatable {
    public let demand: LeadTimeDemand
    /// "compound Poisson (intermittent: 9 demands in 52 weeks, sizes from history; …)".
    public let description: String

    /// The normal fits while σ / μ is at most this.
    public static let normalSpread = 0.5

    /// The cycle service rule.
    public init(cycleService mean: Double, standardDeviation sigma: Double, slowMoverThreshold: Double,
                budget: PlanningBudget) throws(PlanningError) {
        let ltd = "lead-time demand \(plainNumber(mean))"
        if mean < slowMoverThreshold {
            try self.init(count: mean, variance: sigma * sigma,
                          "\(ltd) < \(plainNumber(slowMoverThreshold))", budget)
        } else {
            self.init(.normal(mean: mean, standardDeviation: sigma), "\(ltd) ≥ \(plainNumber(slowMoverThreshold))")
        }
    }

    /// The fill-rate rule, for a part of `classification` whose series is `history`.
    public init(fillRate classification: DemandClassification, history: [Double], period: PlanningPeriod,
                mean: Double, standardDeviation sigma: Double, leadTime: LeadTime, slowMoverThreshold: Double,
                budget: PlanningBudget) throws(PlanningError) {
        let unit = period.rawValue
        let name = classification.demandClass.rawValue
        switch classification.demandClass {
        case .none:
            self.init(try LeadTimeDemand.poisson(mean: mean, budget: budget), "no demand")
        case .intermittent, .lumpy:
            let seen = "\(name): \(classification.demandPeriods) demands in \(classification.periods) \(unit)s"
            guard let compound = CompoundPoisson(mean: mean, history: history) else {
                // A class above `new` has demand: this is for a caller's odd history only.
                try self.init(count: mean, variance: sigma * sigma, "\(seen)", budget)
                return
            }
            let within = "\(plainNumber(leadTime.protectionPeriods)) \(unit)s"
            let occasions = "\(plainNumber(compound.occasions)) occasions"
            if let table = try LeadTimeDemand.compoundPoisson(compound, budget: budget) {
                self.init(table, "\(seen), sizes from history; \(occasions) expected in \(within)")
            } else {
                let why = compound.hasWholeSizes
                    ? "\(occasions) in \(within) of sizes up to \(plainNumber(compound.sizes.last ?? 0)) are too many units to tabulate"
                    : "sizes not whole units"
                try self.init(count: mean, variance: compound.variance,
                              "\(seen); \(why): the compound Poisson's mean and variance", budget)
            }
        case .smooth, .erratic, .new:
            let ltd = "lead-time demand \(plainNumber(mean))"
            if mean < slowMoverThreshold {
                try self.init(count: mean, variance: sigma * sigma, "\(name): \(ltd) < \(plainNumber(slowMoverThreshold))", budget)
            } else if sigma > Self.normalSpread * mean {
                try self.init(count: mean, variance: sigma * sigma,
                              "\(name): σ \(plainNumber(sigma)) > half the \(ltd), too wide for the normal", budget)
            } else {
                self.init(.normal(mean: mean, standardDeviation: sigma),
                          "\(name): \(ltd) ≥ \(plainNumber(slowMoverThreshold)), σ \(plainNumber(sigma)) ≤ half of it")
            }
        }
    }

    /// Negative binomial, or Poisson when the variance does not exceed the mean; the reason
    /// says which.
    private init(count mean: Double, variance: Double, _ why: String, _ budget: PlanningBudget) throws(PlanningError) {
        let demand = try LeadTimeDemand.negativeBinomial(mean: mean, variance: variance, budget: budget)
        let spread = demand.model == .poisson ? "variance ≤ mean" : "variance \(plainNumber(variance)) > mean"
        self.init(demand, "\(why), \(spread)")
    }

    private init(_ demand: LeadTimeDemand, _ why: String) {
        self.demand = demand
        description = "\(demand.model.displayName) (\(why))"
    }
}
