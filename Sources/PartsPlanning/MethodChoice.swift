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
///
/// A replay of the part's own history (`SimulatedMethodChoice`) overrides the rule for any
/// series with demand, and so does a candidate the replay is trying; the decay test is made
/// either way, since obsolescence reads it whatever the method.
public struct MethodChoice: Sendable, Equatable {
    public let method: ForecastMethod
    /// The decay test, for classified series with demand; `nil` for `new` and `none`.
    public let decay: DecaySignal?
    /// A few words for a person: why this method ("lumpy demand", "too little history for
    /// Croston", "demand decaying: none in the last 27 weeks", "chosen by replay: ...").
    public let reason: String
    /// Why the class rule chose although a replay could have (`MethodSelection.byClass`).
    public let note: String?
    /// The replay that chose, when one did.
    public let replay: SimulatedMethodChoice?
    /// The lead-time demand model the choice calls for; nil: the `demand_model` setting's.
    public let demandModel: DemandModelSetting?

    public init(classification: DemandClassification, values: [Double], parameters: PlanningParameters,
                selection: MethodSelection = .byClass(note: nil)) {
        let name = parameters.period.rawValue
        var signal: DecaySignal?
        let rule: (method: ForecastMethod, reason: String)
        switch classification.demandClass {
        case .none:
            rule = (.none, "no demand")
        case .new:
            rule = (.ses, "too little history for Croston")
        case .smooth, .erratic, .intermittent, .lumpy:
            let decay = DecaySignal(
                values: values, beta: parameters.tsbBeta, ratio: parameters.decayProbabilityRatio,
                quietPeriods: parameters.decayQuietPeriods)
            signal = decay
            if !decay.isDecaying {
                let intermittent = [DemandClass.intermittent, .lumpy].contains(classification.demandClass)
                rule = (intermittent ? .sba : .ses, "\(classification.demandClass.rawValue) demand")
            } else if decay.trailingQuietPeriods >= parameters.decayQuietPeriods {
                rule = (.tsb, "demand decaying: none in the last \(decay.trailingQuietPeriods) \(name)s")
            } else {
                rule = (.tsb, "demand decaying: probability \(plainNumber(decay.finalProbability)) < "
                        + "\(plainNumber(parameters.decayProbabilityRatio)) × share \(plainNumber(decay.overallShare))")
            }
        }
        decay = signal
        switch selection {
        case .replay(let replay) where classification.demandClass != .none:
            method = replay.chosen.candidate.method
            reason = replay.description
            note = nil
            self.replay = replay
            demandModel = replay.chosen.candidate.demandModel
        case .candidate(let candidate) where classification.demandClass != .none:
            method = candidate.method
            reason = "replaying \(candidate.displayName)"
            note = nil
            replay = nil
            demandModel = candidate.demandModel
        case .byClass(let note):
            method = rule.method
            reason = rule.reason
            self.note = note
            replay = nil
            demandModel = nil
        case .replay, .candidate:
            method = rule.method
            reason = rule.reason
            note = nil
            replay = nil
            demandModel = nil
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
