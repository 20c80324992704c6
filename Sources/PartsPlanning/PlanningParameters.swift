/// Every setting the planning maths reads, with the defaults issue 4 and the literature give.
///
/// One value per warehouse (or per run): the store loads it, calls `validate()` when a manager
/// sets it (so a bad value is refused with `422` then, not in the nightly run), and hands it
/// to `PartPlan.compute` for each part.
public struct PlanningParameters: Sendable, Equatable {
    /// Bucket length the demand series are built with.
    public var period: PlanningPeriod
    /// SES smoothing constant (smooth, erratic and new parts).
    public var sesAlpha: Double
    /// Croston/SBA smoothing constant for size and interval.
    public var crostonAlpha: Double
    /// TSB smoothing constant for the demand size.
    public var tsbAlpha: Double
    /// TSB smoothing constant for the demand probability.
    public var tsbBeta: Double
    /// Cycle service level (probability of no stock-out in a replenishment cycle) per ABC
    /// class, the targets when `serviceMeasure` is `cycle`: the valuable A parts get the most
    /// protection per unit of stock.
    public var serviceLevelA: Double
    public var serviceLevelB: Double
    public var serviceLevelC: Double
    /// What the targets count: fill rate (the default) or cycle service level.
    public var serviceMeasure: ServiceMeasure
    /// Unit fill rate per ABC class, the targets when `serviceMeasure` is `fill`.
    public var fillRateA: Double
    public var fillRateB: Double
    public var fillRateC: Double
    /// Where intermittent and lumpy parts' lead-time demand comes from under the fill rate:
    /// the analytic model (the default) or the bootstrap of their own history.
    public var demandModel: DemandModelSetting
    /// Mean lead-time demand (units) below which the reorder point comes from a Poisson or
    /// negative binomial distribution instead of the normal approximation.
    public var slowMoverThreshold: Double
    /// Periods of history needed before a part is classified (else it is `new`).
    public var minimumHistoryPeriods: Int
    /// Periods of demand one order covers when no ordering/holding costs are set.
    public var reviewPeriods: Double
    /// Cost of placing one order line, for EOQ; `nil` means use the review-period quantity.
    public var orderingCost: Double?
    /// Yearly holding cost as a share of the unit cost (0.25 = 25 % a year), for EOQ;
    /// `nil` means use the review-period quantity.
    public var annualHoldingRate: Double?
    /// A series whose last `decayQuietPeriods` periods had no demand is treated as decaying
    /// and forecast with TSB.
    public var decayQuietPeriods: Int
    /// A series whose final TSB probability is below `decayProbabilityRatio` × its share of
    /// periods with demand is treated as decaying and forecast with TSB.
    public var decayProbabilityRatio: Double
    /// Days without demand after which a part is obsolete (`Obsolescence`).
    public var obsoleteAfterDays: Int
    /// TSB probability of demand in a period below which a decaying part is obsolete; 0
    /// turns that sign off.
    public var obsoleteProbability: Double
    /// Syntetos–Boylan cut-offs.
    public var adiCutoff: Double
    public var cv2Cutoff: Double

    public init(
        period: PlanningPeriod = .week,
        sesAlpha: Double = 0.1,
        crostonAlpha: Double = 0.1,
        tsbAlpha: Double = 0.1,
        tsbBeta: Double = 0.1,
        serviceLevelA: Double = 0.98,
        serviceLevelB: Double = 0.95,
        serviceLevelC: Double = 0.90,
        serviceMeasure: ServiceMeasure = .fill,
        fillRateA: Double = 0.98,
        fillRateB: Double = 0.95,
        fillRateC: Double = 0.90,
        demandModel: DemandModelSetting = .analytic,
        slowMoverThreshold: Double = 5,
        minimumHistoryPeriods: Int = DemandClassification.defaultMinimumPeriods,
        reviewPeriods: Double = 4,
        orderingCost: Double? = nil,
        annualHoldingRate: Double? = nil,
        decayQuietPeriods: Int = 26,
        decayProbabilityRatio: Double = 0.5,
        obsoleteAfterDays: Int = 365,
        obsoleteProbability: Double = 0.01,
        adiCutoff: Double = DemandClassification.defaultADICutoff,
        cv2Cutoff: Double = DemandClassification.defaultCV2Cutoff
    ) {
        self.period = period
        self.sesAlpha = sesAlpha
        self.crostonAlpha = crostonAlpha
        self.tsbAlpha = tsbAlpha
        self.tsbBeta = tsbBeta
        self.serviceLevelA = serviceLevelA
        self.serviceLevelB = serviceLevelB
        self.serviceLevelC = serviceLevelC
        self.serviceMeasure = serviceMeasure
        self.fillRateA = fillRateA
        self.fillRateB = fillRateB
        self.fillRateC = fillRateC
        self.demandModel = demandModel
        self.slowMoverThreshold = slowMoverThreshold
        self.minimumHistoryPeriods = minimumHistoryPeriods
        self.reviewPeriods = reviewPeriods
        self.orderingCost = orderingCost
        self.annualHoldingRate = annualHoldingRate
        self.decayQuietPeriods = decayQuietPeriods
        self.decayProbabilityRatio = decayProbabilityRatio
        self.obsoleteAfterDays = obsoleteAfterDays
        self.obsoleteProbability = obsoleteProbability
        self.adiCutoff = adiCutoff
        self.cv2Cutoff = cv2Cutoff
    }

    /// The defaults.
    public static let standard = PlanningParameters()

    /// Fill-rate targets a setting may hold.
    public static let fillRateRange: ClosedRange<Double> = 0.5...0.9999

    /// Above this a probability of demand is not "hardly ever": a part asked for every other
    /// period is not obsolete.
    public static let obsoleteProbabilityLimit = 0.5

    /// The cycle service level for a part of `abcClass`.
    public func serviceLevel(for abcClass: ABCClass) -> Double {
        switch abcClass {
        case .a: return serviceLevelA
        case .b: return serviceLevelB
        case .c: return serviceLevelC
        }
    }

    /// The fill-rate target for a part of `abcClass`.
    public func fillRate(for abcClass: ABCClass) -> Double {
        switch abcClass {
        case .a: return fillRateA
        case .b: return fillRateB
        case .c: return fillRateC
        }
    }

    /// Throws for the first field out of range, naming it:
    /// smoothing constants in (0, 1]; service levels in (0, 1); fill rates in [0.5, 0.9999];
    /// thresholds, costs and rates
    /// finite and ≥ 0 (review periods and holding rate > 0); minimum history ≥ 1 period;
    /// quiet periods ≥ 1; decay ratio in [0, 1]; obsolete after ≥ 1 day; obsolete probability
    /// in [0, 0.5]; 0 < A cut-off < B cut-off ≤ 1;
    /// classification cut-offs > 0.
    public func validate() throws(PlanningError) {
        try Check.smoothing(sesAlpha, "sesAlpha")
        try Check.smoothing(crostonAlpha, "crostonAlpha")
        try Check.smoothing(tsbAlpha, "tsbAlpha")
        try Check.smoothing(tsbBeta, "tsbBeta")
        try Check.openUnit(serviceLevelA, "serviceLevelA")
        try Check.openUnit(serviceLevelB, "serviceLevelB")
        try Check.openUnit(serviceLevelC, "serviceLevelC")
        try Check.fillRate(fillRateA, "fillRateA")
        try Check.fillRate(fillRateB, "fillRateB")
        try Check.fillRate(fillRateC, "fillRateC")
        try Check.nonNegative(slowMoverThreshold, "slowMoverThreshold")
        try Check.atLeast(minimumHistoryPeriods, 1, "minimumHistoryPeriods")
        try Check.positive(reviewPeriods, "reviewPeriods")
        if let orderingCost { try Check.nonNegative(orderingCost, "orderingCost") }
        if let annualHoldingRate { try Check.positive(annualHoldingRate, "annualHoldingRate") }
        try Check.atLeast(decayQuietPeriods, 1, "decayQuietPeriods")
        guard decayProbabilityRatio >= 0, decayProbabilityRatio <= 1 else {
            throw .invalidParameter(
                field: "decayProbabilityRatio", value: decayProbabilityRatio, requirement: "must be in [0, 1]")
        }
        try Check.atLeast(obsoleteAfterDays, 1, "obsoleteAfterDays")
        guard obsoleteProbability >= 0, obsoleteProbability <= Self.obsoleteProbabilityLimit else {
            throw .invalidParameter(
                field: "obsoleteProbability", value: obsoleteProbability, requirement: "must be in [0, 0.5]")
        }
        try Check.positive(adiCutoff, "adiCutoff")
        try Check.positive(cv2Cutoff, "cv2Cutoff")
    }
}
