/// Signs that a part's demand is dying out (obsolescence), which Croston cannot see: its
/// forecast only changes when demand occurs, so a part nobody asks for any more keeps its
/// old forecast forever. TSB lets the forecast decay period by period.
public struct DecaySignal: Sendable, Equatable {
    /// TSB's smoothed probability of demand after the last period (with β).
    public let finalProbability: Double
    /// Share of periods with demand over the whole series.
    public let overallShare: Double
    /// Periods at the end of the series without demand.
    public let trailingQuietPeriods: Int
    /// Our rule: decaying when `finalProbability < ratio × overallShare` (the recent rate has
    /// fallen below `ratio`, by default half, of the long-run rate) or when the last
    /// `quietPeriods` periods (default 26, half a year of weeks) all had no demand.
    public let isDecaying: Bool

    public init(values: [Double], beta: Double, ratio: Double, quietPeriods: Int) {
        finalProbability = Forecast.tsbProbability(values, beta: beta)
        let demandPeriods = values.reduce(0) { $0 + ($1 > 0 ? 1 : 0) }
        overallShare = values.isEmpty ? 0 : Double(demandPeriods) / Double(values.count)
        var quiet = 0
        for value in values.reversed() {
            if value > 0 { break }
            quiet += 1
        }
        trailingQuietPeriods = quiet
        isDecaying =
            demandPeriods > 0
            && (finalProbability < ratio * overallShare || quiet >= quietPeriods)
    }
}

/// Which forecasting method a series gets, and why.
///
/// The rule (after Syntetos & Boylan, and issue 4):
/// - `none` (no demand) → no forecast;
/// - `new` (too little history) → SES, as commercial planners fall back to simple smoothing
///   until there is about a year of history;
/// - smooth or erratic → SES; intermittent or lumpy → SBA;
/// - but any classified series (not `new`, not `none`) whose demand is decaying (see
///   `DecaySignal`) → TSB.
public struct MethodChoice: Sendable, Equatable {
    public let method: ForecastMethod
    /// The decay test, for classified series with demand; `nil` for `new` and `none`.
    public let decay: DecaySignal?
    /// A few words for a person: why this method ("lumpy demand", "too little history for
    /// Croston", "demand decaying: none in the last 27 weeks").
    public let reason: String

    public init(classification: DemandClassification, values: [Double], parameters: PlanningParameters) {
        let name = parameters.period.rawValue
        switch classification.demandClass {
        case .none:
            method = .none
            decay = nil
            reason = "no demand"
            return
        case .new:
            method = .ses
            decay = nil
            reason = "too little history for Croston"
            return
        case .smooth, .erratic, .intermittent, .lumpy:
            break
        }
        let signal = DecaySignal(
            values: values, beta: parameters.tsbBeta, ratio: parameters.decayProbabilityRatio,
            quietPeriods: parameters.decayQuietPeriods)
        decay = signal
        if signal.isDecaying {
            method = .tsb
            if signal.trailingQuietPeriods >= parameters.decayQuietPeriods {
                reason = "demand decaying: none in the last \(signal.trailingQuietPeriods) \(name)s"
            } else {
                reason =
                    "demand decaying: probability \(plainNumber(signal.finalProbability)) < "
                    + "\(plainNumber(parameters.decayProbabilityRatio)) × share \(plainNumber(signal.overallShare))"
            }
            return
        }
        switch classification.demandClass {
        case .intermittent, .lumpy:
            method = .sba
            reason = "\(classification.demandClass.rawValue) demand"
        default:
            method = .ses
            reason = "\(classification.demandClass.rawValue) demand"
        }
    }

    /// Runs the chosen method on `values` with the constants from `parameters`.
    public func forecast(_ values: [Double], parameters: PlanningParameters) -> Forecast {
        switch method {
        case .none: return Forecast.none(values)
        case .ses: return Forecast.ses(values, alpha: parameters.sesAlpha)
        case .croston: return Forecast.croston(values, alpha: parameters.crostonAlpha)
        case .sba: return Forecast.sba(values, alpha: parameters.crostonAlpha)
        case .tsb: return Forecast.tsb(values, alpha: parameters.tsbAlpha, beta: parameters.tsbBeta)
        }
    }
}
