/// One candidate method's policy replayed over a part's own history: what fill rate its levels
/// would have reached, with how much stock, against the demand that really followed.
///
/// From `Span.warmUp` on, every `Span.every` periods the part is planned again as the plan of
/// that day would have planned it (`PlanInputs.plan`: the same forecast, demand model, fill-rate
/// search and order quantity), from the periods before that point only and with the candidate
/// as its method. Between re-plans the levels stand, and each period is one review, as the
/// evaluation (deploy/eval_planning.py) simulates a year:
/// 1. what was ordered a lead time ago arrives, and back orders are served from it first;
/// 2. a position (on hand + on order − back-ordered) at or below the reorder point orders up to
///    the order-up-to level, rounded to the supplier's terms (`Replenishment`, as the run
///    orders; nothing for a part its plan calls obsolete);
/// 3. the period's demand is served from the shelf, and what it cannot serve waits.
///
/// The replay starts with the first plan's order-up-to level on hand, rounded as an order
/// would be: the stock right after an order arrived, every candidate from its own level. The
/// lead time is its mean rounded up to whole periods (an order due part-way through a period
/// serves that period's demand only in part; counting it from the next keeps a replay from
/// flattering a level), and its spread is left out, as `PeriodicReview` leaves it out.
/// Returns in the series are netted already, so a period's demand is never negative.
public struct PolicyReplay: Sendable, Equatable {
    public let candidate: MethodCandidate
    /// Units served from the shelf in the period they were asked for, over units demanded,
    /// during the replayed periods; 1 when none were demanded.
    public let fillRate: Double
    /// Mean on hand at the end of the replayed periods, in units.
    public let averageOnHand: Double
    /// `averageOnHand` × the unit cost (0 when the cost is unknown).
    public let averageValue: Double
    public let demanded: Double
    public let served: Double
    /// Periods replayed.
    public let periods: Int
    /// Plans made, the first one included.
    public let plans: Int

    /// Which periods a replay covers and how often it plans again.
    public struct Span: Sendable, Equatable {
        /// Periods before the first plan: only they are seen by it.
        public let warmUp: Int
        /// Periods between plans.
        public let every: Int

        public init(warmUp: Int, every: Int) {
            self.warmUp = warmUp
            self.every = every
        }

        /// The last year of `periods` (or the last half, when there is less than two years), re-
        /// planned every quarter. A year, because the next year is what the choice is for and a
        /// longer replay would weigh demand the part no longer has; a quarter, because with the
        /// smoothing constants' default 0.1 a forecast's memory is about ten periods, so levels
        /// planned every 13 weeks follow what the forecast learns, at 4 plans a candidate a
        /// year instead of the nightly run's 52 (in weeks; 3 months, 91 days alike).
        public static func standard(periods: Int, period: PlanningPeriod) -> Span {
            let year = Int(period.periodsPerYear)
            return Span(warmUp: periods - min(year, periods / 2), every: max(1, year / 4))
        }
    }

    /// Replays `candidate` over `series` with `inputs`; every plan and every period counts
    /// against `budget`.
    public static func run(_ candidate: MethodCandidate, series: DemandSeries, inputs: PlanInputs, span: Span,
                           budget: PlanningBudget) throws(PlanningError) -> PolicyReplay {
        let values = series.values
        guard span.warmUp >= 1, span.warmUp < values.count, span.every >= 1 else {
            throw .invalidParameter(field: "replay", value: Double(span.warmUp),
                                    requirement: "needs at least one period before it and one to replay")
        }
        let lead = max(0, Int((inputs.leadTime.periods - 1e-9).rounded(.up)))
        var arrivals = [Double](repeating: 0, count: values.count + lead + 1)
        var onHand = 0.0
        var onOrder = 0.0
        var backOrdered = 0.0
        var demanded = 0.0
        var served = 0.0
        var stock = 0.0
        var plans = 0
        var plan: PartPlan?
        for t in span.warmUp..<values.count {
            try budget.spend()
            if (t - span.warmUp) % span.every == 0 {
                let seen = DemandSeries(period: series.period, firstPeriodStart: series.firstPeriodStart,
                                        values: Array(values[..<t]))
                let next = try inputs.plan(seen, daysWithoutDemand: quietDays(seen), method: .candidate(candidate),
                                           budget: budget)
                if plan == nil { onHand = inputs.constraints.roundUp(next.orderUpTo) }
                plan = next
                plans += 1
            }
            guard let plan else { break }
            onHand += arrivals[t]
            onOrder -= arrivals[t]
            let cleared = min(backOrdered, onHand)
            onHand -= cleared
            backOrdered -= cleared
            let order = Replenishment(
                reorderPoint: plan.reorderPoint, orderQuantity: plan.orderQuantity.quantity,
                stock: StockPosition(onHand: onHand, onOrder: onOrder, backOrdered: backOrdered),
                constraints: inputs.constraints, withheld: plan.isObsolete
            ).suggestedOrder
            if order > 0 {
                if lead == 0 {
                    onHand += order
                } else {
                    arrivals[t + lead] += order
                    onOrder += order
                }
            }
            let demand = values[t]
            let fromShelf = min(onHand, demand)
            onHand -= fromShelf
            backOrdered += demand - fromShelf
            served += fromShelf
            demanded += demand
            stock += onHand
        }
        let periods = values.count - span.warmUp
        let average = stock / Double(periods)
        return PolicyReplay(
            candidate: candidate, fillRate: demanded > 0 ? served / demanded : 1, averageOnHand: average,
            averageValue: average * (inputs.unitCost ?? 0), demanded: demanded, served: served, periods: periods, plans: plans)
    }

    /// Days without demand at the end of `series`, for the plan's obsolescence test: whole
    /// periods, since a series keeps no day within them.
    private static func quietDays(_ series: DemandSeries) -> Int {
        let quiet = series.values.reversed().prefix { $0 <= 0 }.count
        return Int((Double(quiet) * series.period.averageDays).rounded())
    }
}
