/// Whether a part's demand has stopped, so that buying more of it would only add to the stock
/// the manager must return or write down (an obsolescent part, 呆滞/淘汰件).
///
/// Two signs, either enough:
/// - no demand for `afterDays` days (a year by default: twice the 180 days after which dealers
///   call stock dead, since dead stock is a warning and obsolescence stops the orders);
/// - the demand is decaying (`DecaySignal`: the recent rate fell below half the long-run rate,
///   or half a year of periods went by without any) and TSB's smoothed probability of demand in
///   a period has fallen below `probability`. TSB's probability decays by (1 − β) each empty
///   period, so with β 0.1 a part asked for in one week of five falls below 0.01 about 28 quiet
///   weeks after its last demand: earlier than the span when the history says demand was
///   regular, never for a new part (which has no decay signal) however quiet.
///
/// A part with no demand at all in a series that starts at its introduction counts as quiet
/// since then; its verdict is the span's.
public struct Obsolescence: Sendable, Equatable {
    public enum Cause: Sendable, Equatable {
        case quiet(days: Int, afterDays: Int)
        case probability(Double, threshold: Double)
    }

    /// nil: not obsolete.
    public let cause: Cause?

    public var isObsolete: Bool { cause != nil }

    /// - Parameters:
    ///   - daysWithoutDemand: from the last demand (or the start of the history when there
    ///     was none) to the end of the series; nil when unknown, which never counts as quiet.
    ///   - decay: the method choice's decay test; nil for new parts and parts without demand.
    public init(daysWithoutDemand: Int?, decay: DecaySignal?, afterDays: Int, probability threshold: Double) {
        if let days = daysWithoutDemand, days >= afterDays {
            cause = .quiet(days: days, afterDays: afterDays)
        } else if let decay, decay.isDecaying, decay.finalProbability < threshold {
            cause = .probability(decay.finalProbability, threshold: threshold)
        } else {
            cause = nil
        }
    }

    /// Why, for a person: "no demand in 400 days ≥ 365" or "demand decaying, probability
    /// 0.008 < 0.01 a week"; "no" when not obsolete.
    public func reason(period: PlanningPeriod) -> String {
        switch cause {
        case nil: "no"
        case .quiet(let days, let afterDays): "no demand in \(days) days ≥ \(afterDays)"
        case .probability(let p, let threshold):
            "demand decaying, probability \(plainNumber(p, places: 4)) < \(plainNumber(threshold, places: 6)) a \(period.rawValue)"
        }
    }
}
