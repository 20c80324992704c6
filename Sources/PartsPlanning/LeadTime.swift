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
}

/// Lead-time demand, safety stock and reorder point for one part.
///
/// Over the protection interval L + R (lead time and review interval, see `LeadTime`):
/// - mean LTD μ = forecast per period × (L + R);
/// - σ_LTD = √((L + R)·σ_D² + μ_D²·σ_L²), with σ_D the forecast's RMSE (the error the forecast
///   makes per period), μ_D the forecast per period and σ_L the lead-time standard deviation;
/// - normal model: safety stock = z·σ_LTD with z the service-level quantile,
///   reorder point = μ + safety stock;
/// - slow movers (μ below the threshold): reorder point = the smallest whole s with
///   P(LTD ≤ s) ≥ service level under Poisson(μ), or negative binomial with mean μ and
///   variance σ_LTD² when that exceeds μ; safety stock = s − μ, which can be slightly negative
///   for a very slow mover whose service level is met without covering the mean.
public struct ReorderLevels: Sendable, Equatable {
    public let serviceLevel: Double
    /// μ, mean lead-time demand.
    public let meanLeadTimeDemand: Double
    /// σ_LTD.
    public let leadTimeDemandStandardDeviation: Double
    public let model: LeadTimeDemandModel
    /// The safety factor, for the normal model; `nil` for the discrete ones.
    public let z: Double?
    public let safetyStock: Double
    public let reorderPoint: Double

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

    /// - Parameters:
    ///   - demandPerPeriod: forecast per period (μ_D), ≥ 0.
    ///   - demandStandardDeviation: σ_D per period, usually the forecast RMSE, ≥ 0.
    ///   - leadTime: L and σ_L in periods.
    ///   - serviceLevel: target cycle service level in (0, 1).
    ///   - slowMoverThreshold: mean LTD below which the discrete models are used.
    ///   - budget: what the discrete quantile's search may spend.
    public init(
        demandPerPeriod: Double, demandStandardDeviation: Double, leadTime: LeadTime,
        serviceLevel: Double, slowMoverThreshold: Double = 5, budget: PlanningBudget = PlanningBudget()
    ) throws(PlanningError) {
        try Check.nonNegative(demandPerPeriod, "demandPerPeriod")
        try Check.nonNegative(demandStandardDeviation, "demandStandardDeviation")
        try Check.openUnit(serviceLevel, "serviceLevel")
        try Check.nonNegative(slowMoverThreshold, "slowMoverThreshold")
        self.serviceLevel = serviceLevel
        let mean = demandPerPeriod * leadTime.protectionPeriods
        let sigma = ReorderLevels.leadTimeDemandStandardDeviation(
            demandPerPeriod: demandPerPeriod, demandStandardDeviation: demandStandardDeviation,
            leadTime: leadTime)
        meanLeadTimeDemand = mean
        leadTimeDemandStandardDeviation = sigma
        if mean < slowMoverThreshold {
            let variance = sigma * sigma
            let s: Int
            if DiscreteDemand.isOverdispersed(mean: mean, variance: variance) {
                model = .negativeBinomial
                s = try DiscreteDemand.negativeBinomialQuantile(serviceLevel, mean: mean, variance: variance, budget: budget)
            } else {
                model = .poisson
                s = try DiscreteDemand.poissonQuantile(serviceLevel, mean: mean, budget: budget)
            }
            z = nil
            reorderPoint = Double(s)
            safetyStock = Double(s) - mean
        } else {
            model = .normal
            let factor = StandardNormal.quantile(serviceLevel)
            z = factor
            safetyStock = factor * sigma
            reorderPoint = mean + safetyStock
        }
    }
}
