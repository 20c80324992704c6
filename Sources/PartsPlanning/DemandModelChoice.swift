/// Which distribution a part's lead-time demand gets, and why, in words for `plan show`.
///
/// For a cycle service level (the rule the reorder point has always had): below the slow-mover
/// threshold a count, negative binomial with mean μ and variance σ²_LTD when that exceeds μ,
/// else Poisson; at or above it the normal.
///
/// For a fill rate, by the demand class, since the shortage a level leaves depends on the
/// shape of the tail, not only on its spread:
/// - intermittent and lumpy: compound Poisson with the part's own sizes (`CompoundPoisson`),
///   a lumpy part's with a tail past the largest it has seen (`CompoundPoisson.withTail`);
///   when its table cannot be computed within the limits, or the sizes are not whole units, a
///   negative binomial with the compound Poisson's mean and variance (λ·E[X²]); with
///   `demand_model=bootstrap` (`DemandModelSetting`), Willemain's bootstrap of the part's own
///   history instead (`DemandBootstrap`), and the analytic model where the history cannot be
///   bootstrapped (sizes not whole, an interval too long to simulate), saying why;
/// - smooth, erratic and new: the normal where it fits, μ at or above the slow-mover threshold
///   and σ at most half of μ (beyond that the normal puts more than 2 % of its weight on
///   negative demand, and a fill rate computed from it counts shortages that cannot happen);
///   elsewhere the cycle rule's count.
///
/// Under the fill-rate rule a count is also split into the lead time and the review interval
/// (`PeriodicReview`), so the level is set review by review, undershoot included.
public struct DemandModelChoice: Sendable, Equatable {
    public let demand: LeadTimeDemand
    /// `demand` split into lead time and review interval, for the fill rate; nil for the cycle
    /// rule, the normal, continuous review (R = 0), or a table too large.
    public private(set) var periodic: PeriodicReview?
    private let rule: Rule
    private let facts: Facts

    /// The normal fits while σ / μ is at most this.
    public static let normalSpread = 0.5

    /// Which branch of the rules chose, for the words.
    private enum Rule: Sendable, Equatable {
        case cycle, noDemand, noSizes, compound, compoundMoments, slow, tooWide, normalFits, bootstrap
    }

    /// What the words quote.
    private struct Facts: Sendable, Equatable {
        var mean: Double
        var sigma: Double
        var threshold: Double
        var classification: DemandClassification?
        var period: PlanningPeriod?
        var protectionPeriods = 0.0
        var compound: CompoundPoisson?
        var bootstrap: DemandBootstrap?
        /// Why `demand_model=bootstrap` fell back on the analytic model.
        var declined: DemandBootstrap.Refusal?
    }

    /// The cycle service rule.
    public init(cycleService mean: Double, standardDeviation sigma: Double, slowMoverThreshold: Double,
                budget: PlanningBudget) throws(PlanningError) {
        let facts = Facts(mean: mean, sigma: sigma, threshold: slowMoverThreshold)
        if mean < slowMoverThreshold {
            try self.init(count: sigma * sigma, .cycle, facts, budget)
        } else {
            self.init(.normal(mean: mean, standardDeviation: sigma), .cycle, facts)
        }
    }

    /// The fill-rate rule, for a part of `classification` whose series is `history`;
    /// `demandModel` says whether intermittent and lumpy parts are bootstrapped. With
    /// `orderQuantity`, `periodic` serves that quantity and smaller ones (its review interval
    /// tabulated as far as their cycles reach: `PeriodicReview`); without, any.
    public init(fillRate classification: DemandClassification, history: [Double], period: PlanningPeriod,
                mean: Double, standardDeviation sigma: Double, leadTime: LeadTime, slowMoverThreshold: Double,
                demandModel: DemandModelSetting = .analytic, orderQuantity: Double? = nil,
                budget: PlanningBudget) throws(PlanningError) {
        var facts = Facts(mean: mean, sigma: sigma, threshold: slowMoverThreshold, classification: classification,
                          period: period, protectionPeriods: leadTime.protectionPeriods)
        switch classification.demandClass {
        case .none:
            self.init(try LeadTimeDemand.poisson(mean: mean, budget: budget), .noDemand, facts)
        case .intermittent, .lumpy:
            if demandModel == .bootstrap {
                switch try DemandBootstrap.run(history: history, leadTime: leadTime, budget: budget) {
                case .simulated(let bootstrap):
                    facts.bootstrap = bootstrap
                    self.init(bootstrap.protection, .bootstrap, facts)
                    periodic = bootstrap.review.flatMap {
                        PeriodicReview(protection: bootstrap.protection, lead: bootstrap.lead, review: $0)
                    }
                    return
                case .declined(let refusal):
                    facts.declined = refusal
                }
            }
            // A class above `new` has demand: no sizes is a caller's odd history only.
            guard var compound = CompoundPoisson(mean: mean, history: history) else {
                try self.init(count: sigma * sigma, .noSizes, facts, budget)
                return
            }
            // A lumpy part's sizes are spread out (CV² at or above the cutoff), and a few dozen of
            // them miss the tail: it gets one past the largest seen (`withTail`). An intermittent
            // part's sizes vary little, and its levels already reach their target.
            if classification.demandClass == .lumpy, let tailed = compound.withTail() { compound = tailed }
            facts.compound = compound
            if let table = try LeadTimeDemand.compoundPoisson(compound, budget: budget) {
                self.init(table, .compound, facts)
            } else {
                try self.init(count: compound.variance, .compoundMoments, facts, budget)
            }
            try splitReview(leadTime, orderQuantity, budget)
        case .smooth, .erratic, .new:
            if mean < slowMoverThreshold {
                try self.init(count: sigma * sigma, .slow, facts, budget)
            } else if sigma > Self.normalSpread * mean {
                try self.init(count: sigma * sigma, .tooWide, facts, budget)
            } else {
                self.init(.normal(mean: mean, standardDeviation: sigma), .normalFits, facts)
            }
            try splitReview(leadTime, orderQuantity, budget)
        }
    }

    private mutating func splitReview(_ leadTime: LeadTime, _ quantity: Double?, _ budget: PlanningBudget) throws(PlanningError) {
        guard leadTime.protectionPeriods > 0 else { return }
        periodic = try PeriodicReview(protection: demand, reviewShare: leadTime.reviewPeriods / leadTime.protectionPeriods,
                                      quantity: quantity, budget: budget)
    }

    /// Negative binomial with mean μ and `variance`, or Poisson when that does not exceed μ.
    private init(count variance: Double, _ rule: Rule, _ facts: Facts, _ budget: PlanningBudget) throws(PlanningError) {
        self.init(try LeadTimeDemand.negativeBinomial(mean: facts.mean, variance: variance, budget: budget), rule, facts)
    }

    private init(_ demand: LeadTimeDemand, _ rule: Rule, _ facts: Facts) {
        self.demand = demand
        periodic = nil
        self.rule = rule
        self.facts = facts
    }

    /// The model and why, for a person: "compound Poisson (intermittent: 9 demands in 52
    /// weeks, sizes from history; 0.412 occasions expected in 2.143 weeks)". Formatted when
    /// asked for, like a plan's `why`: a reorder run prints it for few of its lines.
    public var description: String {
        let mean = plainNumber(facts.mean)
        let threshold = plainNumber(facts.threshold)
        let ltd = "lead-time demand \(mean)"
        let unit = facts.period?.rawValue ?? "period"
        let name = facts.classification?.demandClass.rawValue ?? ""
        let seen = facts.classification.map { "\(name): \($0.demandPeriods) demands in \($0.periods) \(unit)s" } ?? name
        let occasions = facts.compound.map { "\(plainNumber($0.occasions)) occasions" } ?? ""
        let within = "\(plainNumber(facts.protectionPeriods)) \(unit)s"
        let why: String
        switch rule {
        case .cycle: why = "\(ltd) \(facts.mean < facts.threshold ? "<" : "≥") \(threshold)"
        case .noDemand: why = "no demand"
        case .noSizes: why = seen
        case .compound:
            let sizes = facts.compound?.tail.map {
                "sizes from history, 1 in \(Int((1 / $0.share).rounded())) past the largest (\(plainNumber($0.largest))) "
                    + "by \(plainNumber($0.meanExcess)) on average"
            } ?? "sizes from history"
            why = "\(seen), \(sizes); \(occasions) expected in \(within)"
        case .compoundMoments:
            let compound = facts.compound
            let cause = compound?.hasWholeSizes == true
                ? "\(occasions) in \(within) of sizes up to \(plainNumber(compound?.sizes.last ?? 0)) are too many units to tabulate"
                : "sizes not whole units"
            why = "\(seen); \(cause): the compound Poisson's mean and variance"
        case .slow: why = "\(name): \(ltd) < \(threshold)"
        case .tooWide: why = "\(name): σ \(plainNumber(facts.sigma)) > half the \(ltd), too wide for the normal"
        case .normalFits: why = "\(name): \(ltd) ≥ \(threshold), σ \(plainNumber(facts.sigma)) ≤ half of it"
        case .bootstrap:
            let bootstrap = facts.bootstrap
            let chain = bootstrap?.chain
            let start = chain?.lastHadDemand == true ? "a \(unit) with demand" : "a \(unit) without"
            why = "Willemain: \(bootstrap?.replications ?? 0) replications of \(within), \(seen); "
                + "P(demand | none) \(plainNumber(chain?.afterNone ?? 0)), P(demand | demand) \(plainNumber(chain?.afterDemand ?? 0)) "
                + "from \(start); sizes resampled from \(bootstrap?.demands ?? 0) with jitter; mean \(plainNumber(demand.mean))"
        }
        let declined = facts.declined.map { "; not bootstrapped: \($0.description)" } ?? ""
        let review = periodic == nil ? "" : ", counted review by review"
        switch demand.model {
        case .normal, .compoundPoisson, .bootstrap:
            return "\(demand.model.displayName) (\(why)\(declined))\(review)"
        case .poisson, .negativeBinomial:
            guard rule != .noDemand else { return "\(demand.model.displayName) (\(why))" }
            let spread = demand.model == .poisson ? "variance ≤ mean" : "variance \(plainNumber(demand.variance)) > mean"
            return "\(demand.model.displayName) (\(why), \(spread)\(declined))\(review)"
        }
    }
}
