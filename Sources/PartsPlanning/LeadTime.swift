/// How long a replenishment takes, in planning periods, and how much that varies; and how
/// long until the next order may be placed, which with periodic review a part must also last.
///
/// Periods, not days, because demand is forecast per period; a lead time of 10 days with weekly
/// buckets is 10/7 ≈ 1.43 periods (fractions are fine: lead-time demand is forecast × (L + R)).
public struct LeadTime: Sendable, Equatable {
    /// Mean lead time in periods, ≥ 0.
    public let periods: Double
    /// Standard deviation of the lead time in periods, ≥ 0; 0 when unknown.
    public let standardDeviation: Double
    /// The review interval R in periods, ≥ 0: the time from one order to the next. An order
    /// placed now must cover demand until the order after it arrives, L + R from now.
    public let reviewPeriods: Double

    /// L + R, the protection interval the reorder point covers.
    public var protectionPeriods: Double { periods + reviewPeriods }

    /// Throws `invalidParameter` naming `leadTime`, `leadTimeStandardDeviation` or
    /// `reviewInterval` when one is negative or not finite.
    public init(periods: Double, standardDeviation: Double = 0, reviewPeriods: Double = 0) throws(PlanningError) {
        try Check.nonNegative(periods, "leadTime")
        try Check.nonNegative(standardDeviation, "leadTimeStandardDeviation")
        try Check.nonNegative(reviewPeriods, "reviewInterval")
        self.periods = periods
        self.standardDeviation = standardDeviation
        self.reviewPeriods = reviewPeriods
    }

    /// A lead time and review interval known in days, expressed in `period`s.
    public init(days: Double, standardDeviationDays: Double = 0, reviewDays: Double = 0,
                period: PlanningPeriod) throws(PlanningError) {
        try Check.nonNegative(days, "leadTime")
        try Check.nonNegative(standardDeviationDays, "leadTimeStandardDeviation")
        try Check.nonNegative(reviewDays, "reviewInterval")
        try self.init(
            periods: days / period.averageDays,
            standardDeviation: standardDeviationDays / period.averageDays,
            reviewPeriods: reviewDays / period.averageDays)
    }
}

/// How the lead-time demand distribution was modelled for the reorder point.
public enum LeadTimeDemandModel: String, Sendable, CaseIterable, Codable {
    /// Normal approximation: reorder point = mean + z·σ.
    case normal
    /// Poisson (slow mover, variance ≤ mean): smallest s with P(LTD ≤ s) ≥ service level.
    case poisson
    /// Negative binomial (slow mover, variance > mean): as Poisson, with the extra spread.
    case negativeBinomial
    /// Compound Poisson with the part's own sizes (fill rate, intermittent and lumpy parts).
    case compoundPoisson
    /// Willemain's bootstrap of the part's own history (`DemandBootstrap`, with
    /// `demand_model=bootstrap`, intermittent and lumpy parts).
    case bootstrap

    /// The model's name in an explanation.
    public var displayName: String {
        switch self {
        case .normal: "normal"
        case .poisson: "Poisson"
        case .negativeBinomial: "negative binomial"
        case .compoundPoisson: "compound Poisson"
        case .bootstrap: "bootstrap"
        }
    }
}

/// Lead-time demand, safety stock and reorder point for one part.
///
/// Over the protection interval L + R (lead time and review interval, see `LeadTime`):
/// - mean LTD μ = forecast per period × (L + R);
/// - σ_LTD = √((L + R)·σ_D² + μ_D²·σ_L²), with σ_D the forecast's RMSE (the error the forecast
///   makes per period), μ_D the forecast per period and σ_L the lead-time standard deviation;
/// - for a cycle service level, with the distribution `DemandModelChoice` gives:
///   normal: safety stock = z·σ_LTD with z the service-level quantile, reorder point =
///   μ + safety stock; slow movers (μ below the threshold): reorder point = the smallest whole
///   s with P(LTD ≤ s) ≥ service level under Poisson(μ), or negative binomial with mean μ and
///   variance σ_LTD² when that exceeds μ; safety stock = s − μ, which can be slightly negative
///   for a very slow mover whose service level is met without covering the mean;
/// - for a fill rate: the smallest level whose expected fill rate with the order quantity
///   reaches the target (`FillRate`), under the class's distribution, review by review for a
///   count (`PeriodicReview`); safety stock = s − μ,
///   negative when an order quantity large against the spread already serves the target.
public struct ReorderLevels: Sendable, Equatable {
    /// What `serviceLevel` counts.
    public let measure: ServiceMeasure
    /// The target, in `measure`.
    public let serviceLevel: Double
    /// μ, mean lead-time demand.
    public let meanLeadTimeDemand: Double
    /// σ_LTD.
    public let leadTimeDemandStandardDeviation: Double
    /// The distribution the level was set under, and why.
    public let choice: DemandModelChoice
    /// The safety factor (s − μ) / σ_LTD, for the normal model; `nil` for the discrete ones.
    public let z: Double?
    public let safetyStock: Double
    public let reorderPoint: Double
    /// β of the reorder point with the order quantity, under `choice`'s distribution; nil
    /// when no order quantity was given.
    public let expectedFillRate: Double?

    public var model: LeadTimeDemandModel { choice.demand.model }

    /// σ_LTD = √((L + R)·σ_D² + μ_D²·σ_L²).
    public static func leadTimeDemandStandardDeviation(
        demandPerPeriod: Double, demandStandardDeviation: Double, leadTime: LeadTime
    ) -> Double {
        let l = leadTime.protectionPeriods
        let variance =
            l * demandStandardDeviation * demandStandardDeviation
            + demandPerPeriod * demandPerPeriod * leadTime.standardDeviation * leadTime.standardDeviation
        return variance.squareRoot()
    }

    /// Levels for a cycle service level.
    ///
    /// - Parameters:
    ///   - demandPerPeriod: forecast per period (μ_D), ≥ 0.
    ///   - demandStandardDeviation: σ_D per period, usually the forecast RMSE, ≥ 0.
    ///   - leadTime: L and σ_L in periods.
    ///   - serviceLevel: target cycle service level in (0, 1).
    ///   - slowMoverThreshold: mean LTD below which the discrete models are used.
    ///   - orderQuantity: when given, the fill rate the levels are expected to reach with it.
    ///   - budget: what the discrete quantile's search may spend.
    public init(
        demandPerPeriod: Double, demandStandardDeviation: Double, leadTime: LeadTime,
        serviceLevel: Double, slowMoverThreshold: Double = 5, orderQuantity: Double? = nil,
        budget: PlanningBudget = PlanningBudget()
    ) throws(PlanningError) {
        let (mean, sigma) = try Self.protectionDemand(demandPerPeriod, demandStandardDeviation, leadTime)
        try Check.openUnit(serviceLevel, "serviceLevel")
        try Check.nonNegative(slowMoverThreshold, "slowMoverThreshold")
        let choice = try DemandModelChoice(cycleService: mean, standardDeviation: sigma,
                                           slowMoverThreshold: slowMoverThreshold, budget: budget)
        let demand = choice.demand
        let s: Int
        switch demand.model {
        case .normal:
            let factor = StandardNormal.quantile(serviceLevel)
            let safetyStock = factor * sigma
            try self.init(.cycle, serviceLevel, mean, sigma, choice, mean + safetyStock, safetyStock, factor,
                          try Self.curve(choice, orderQuantity, budget), budget)
            return
        case .poisson:
            s = try DiscreteDemand.poissonQuantile(serviceLevel, mean: mean, budget: budget)
        case .negativeBinomial, .compoundPoisson, .bootstrap:
            // The cycle rule never picks the compound Poisson or the bootstrap; their moments'
            // negative binomial would stand in for them.
            s = try DiscreteDemand.negativeBinomialQuantile(serviceLevel, mean: mean, variance: demand.variance, budget: budget)
        }
        try self.init(.cycle, serviceLevel, mean, sigma, choice, Double(s), Double(s) - mean, nil,
                      try Self.curve(choice, orderQuantity, budget), budget)
    }

    /// Levels for a fill rate: the smallest reorder point whose expected fill rate with
    /// `orderQuantity` reaches `fillRate`, under the distribution the demand class calls for.
    ///
    /// - Parameters:
    ///   - fillRate: the target, in [0.5, 0.9999] (`PlanningParameters.fillRateRange`).
    ///   - orderQuantity: Q, as the plan orders it.
    ///   - classification, history, period: pick the distribution and give its sizes.
    ///   - demandModel: `bootstrap` resamples intermittent and lumpy parts' history instead.
    ///   - the rest as for a cycle service level.
    public init(
        demandPerPeriod: Double, demandStandardDeviation: Double, leadTime: LeadTime,
        fillRate: Double, orderQuantity: Double, classification: DemandClassification, history: [Double],
        period: PlanningPeriod, slowMoverThreshold: Double = 5, demandModel: DemandModelSetting = .analytic,
        budget: PlanningBudget = PlanningBudget()
    ) throws(PlanningError) {
        let (mean, sigma) = try Self.protectionDemand(demandPerPeriod, demandStandardDeviation, leadTime)
        try Check.fillRate(fillRate, "fillRate")
        try Check.nonNegative(orderQuantity, "orderQuantity")
        try Check.nonNegative(slowMoverThreshold, "slowMoverThreshold")
        let choice = try DemandModelChoice(
            fillRate: classification, history: history, period: period, mean: mean, standardDeviation: sigma,
            leadTime: leadTime, slowMoverThreshold: slowMoverThreshold, demandModel: demandModel,
            orderQuantity: orderQuantity, budget: budget)
        let curve = try FillRateCurve(demand: choice.demand, periodic: choice.periodic, quantity: orderQuantity,
                                      budget: budget)
        let reorderPoint = try curve.smallestLevel(reaching: fillRate, budget: budget)
        let normal = choice.demand.model == .normal
        try self.init(.fill, fillRate, mean, sigma, choice, reorderPoint, reorderPoint - mean,
                      normal ? (sigma > 0 ? (reorderPoint - mean) / sigma : 0) : nil, curve, budget)
    }

    private init(_ measure: ServiceMeasure, _ target: Double, _ mean: Double, _ sigma: Double, _ choice: DemandModelChoice,
                 _ reorderPoint: Double, _ safetyStock: Double, _ z: Double?, _ curve: FillRateCurve?,
                 _ budget: PlanningBudget) throws(PlanningError) {
        self.measure = measure
        serviceLevel = target
        meanLeadTimeDemand = mean
        leadTimeDemandStandardDeviation = sigma
        self.choice = choice
        self.reorderPoint = reorderPoint
        self.safetyStock = safetyStock
        self.z = z
        expectedFillRate = try curve?.of(level: reorderPoint, budget: budget)
    }

    /// The fill rate of levels with `quantity`, when one is given.
    private static func curve(_ choice: DemandModelChoice, _ quantity: Double?,
                              _ budget: PlanningBudget) throws(PlanningError) -> FillRateCurve? {
        guard let quantity else { return nil }
        return try FillRateCurve(demand: choice.demand, periodic: choice.periodic, quantity: quantity, budget: budget)
    }

    /// μ and σ_LTD over the protection interval, from the checked inputs.
    private static func protectionDemand(_ demandPerPeriod: Double, _ demandStandardDeviation: Double,
                                         _ leadTime: LeadTime) throws(PlanningError) -> (Double, Double) {
        try Check.nonNegative(demandPerPeriod, "demandPerPeriod")
        try Check.nonNegative(demandStandardDeviation, "demandStandardDeviation")
        let sigma = leadTimeDemandStandardDeviation(
            demandPerPeriod: demandPerPeriod, demandStandardDeviation: demandStandardDeviation, leadTime: leadTime)
        return (demandPerPeriod * leadTime.protectionPeriods, sigma)
    }
}
