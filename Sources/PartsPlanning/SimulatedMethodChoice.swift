/// A part's forecasting method chosen by replaying its own history (`PolicyReplay`) with each
/// candidate its class allows (`MethodCandidate.candidates(for:)`): the one whose policy
/// reached the target fill rate with the least average stock; when none reached it, the one
/// that came closest; between equal fill rates, or equal stock, the smaller stock, and then
/// the candidates' order (SES, SBA, TSB, bootstrap), so a choice never depends on the order the
/// replays ran in. The runner-up is the next by the same order.
///
/// Stock is compared in units: every candidate holds the same part at the same cost.
public struct SimulatedMethodChoice: Sendable, Equatable {
    /// What a replay measured, as a choice keeps it (and the store holds it).
    public struct Result: Sendable, Equatable {
        public let candidate: MethodCandidate
        public let fillRate: Double
        public let averageOnHand: Double
        public let averageValue: Double

        public init(candidate: MethodCandidate, fillRate: Double, averageOnHand: Double, averageValue: Double) {
            self.candidate = candidate
            self.fillRate = fillRate
            self.averageOnHand = averageOnHand
            self.averageValue = averageValue
        }

        public init(_ replay: PolicyReplay) {
            self.init(candidate: replay.candidate, fillRate: replay.fillRate, averageOnHand: replay.averageOnHand,
                      averageValue: replay.averageValue)
        }
    }

    public let chosen: Result
    public let runnerUp: Result?
    /// The fill rate the replays had to reach.
    public let target: Double

    public init(chosen: Result, runnerUp: Result?, target: Double) {
        self.chosen = chosen
        self.runnerUp = runnerUp
        self.target = target
    }

    /// The choice among `replays` (at least one) for `target`.
    public init(replays: [PolicyReplay], target: Double) {
        self.init(results: replays.map(Result.init), target: target)
    }

    /// The choice among `results` (at least one) for `target`.
    public init(results: [Result], target: Double) {
        let ranked = results.sorted { Self.better($0, $1, target) }
        self.init(chosen: ranked[0], runnerUp: ranked.count > 1 ? ranked[1] : nil, target: target)
    }

    /// Whether the chosen candidate's replay reached the target.
    public var reachedTarget: Bool { Self.reaches(chosen.fillRate, target) }

    /// Fill rates closer than this count as equal: a replay of a year of a slow mover serves
    /// a few dozen units, and a difference in the tenth decimal is rounding, not service.
    static let tolerance = 1e-9

    private static func reaches(_ fill: Double, _ target: Double) -> Bool { fill >= target - tolerance }

    private static func better(_ a: Result, _ b: Result, _ target: Double) -> Bool {
        let (reachesA, reachesB) = (reaches(a.fillRate, target), reaches(b.fillRate, target))
        if reachesA != reachesB { return reachesA }
        if !reachesA, (a.fillRate - b.fillRate).magnitude > tolerance { return a.fillRate > b.fillRate }
        if (a.averageOnHand - b.averageOnHand).magnitude > tolerance { return a.averageOnHand < b.averageOnHand }
        let order = MethodCandidate.allCases
        return order.firstIndex(of: a.candidate)! < order.firstIndex(of: b.candidate)!
    }

    /// "chosen by replay: fill 0.9512 with 12.300 average on hand; runner-up TSB: fill 0.9500,
    /// 14.100", or "... highest fill 0.8811 (target 0.95) with ...".
    public var description: String {
        let reach = reachedTarget ? "fill" : "highest fill"
        let target = reachedTarget ? "" : " (target \(plainNumber(self.target, places: 4)))"
        var words = "chosen by replay: \(reach) \(decimalString(chosen.fillRate, places: 4))\(target) "
            + "with \(quantityString(chosen.averageOnHand)) average on hand"
        if let runnerUp {
            words += "; runner-up \(runnerUp.candidate.displayName): fill \(decimalString(runnerUp.fillRate, places: 4)), "
                + "\(quantityString(runnerUp.averageOnHand))"
        }
        return words
    }

    // MARK: Which parts are replayed

    /// Periods with demand a replayed span must hold: with fewer, one stock-out moves the
    /// replay's fill rate by a sixth or more, and the choice would follow chance.
    public static let minimumReplayedDemands = 6

    /// Why `values` cannot be replayed (nil: it can), in words for `plan show`. A replay needs
    /// half a year of periods to replay (two quarterly re-plans at least), and so a year of
    /// history, a class for the history before it (`DemandClassification`'s occurrences), and
    /// `minimumReplayedDemands` periods with demand in the replayed span.
    public static func refusal(_ values: [Double], period: PlanningPeriod) -> String? {
        let year = Int(period.periodsPerYear)
        let unit = period.rawValue
        guard values.count >= year else {
            return "too little history to replay: \(values.count) \(unit)s, a replay needs \(year)"
        }
        let span = PolicyReplay.Span.standard(periods: values.count, period: period)
        let before = values[..<span.warmUp].lazy.filter { $0 > 0 }.count
        let during = values[span.warmUp...].lazy.filter { $0 > 0 }.count
        if before < DemandClassification.minimumDemandOccurrences {
            return "too little history to replay: \(before) \(unit)s with demand before the replayed "
                + "\(values.count - span.warmUp), a replay needs \(DemandClassification.minimumDemandOccurrences)"
        }
        if during < minimumReplayedDemands {
            return "too little demand to replay: \(during) \(unit)s with demand in the last \(values.count - span.warmUp), "
                + "a replay needs \(minimumReplayedDemands)"
        }
        return nil
    }

    /// Replays every candidate of the series' class over `series` (`PolicyReplay.Span.standard`)
    /// and chooses; nil when the series cannot be replayed (`refusal`).
    public static func run(series: DemandSeries, inputs: PlanInputs, budget: PlanningBudget) throws(PlanningError) -> SimulatedMethodChoice? {
        guard refusal(series.values, period: series.period) == nil else { return nil }
        let parameters = inputs.parameters
        let demandClass = DemandClassification(
            values: series.values, minimumPeriods: parameters.minimumHistoryPeriods, adiCutoff: parameters.adiCutoff,
            cv2Cutoff: parameters.cv2Cutoff
        ).demandClass
        let span = PolicyReplay.Span.standard(periods: series.count, period: series.period)
        var replays: [PolicyReplay] = []
        for candidate in MethodCandidate.candidates(for: demandClass) {
            replays.append(try PolicyReplay.run(candidate, series: series, inputs: inputs, span: span, budget: budget))
        }
        guard !replays.isEmpty else { return nil }
        return SimulatedMethodChoice(replays: replays, target: inputs.targetFillRate)
    }

    /// The most plans `run` makes for one part: its steps budget is this many plans'.
    public static func plans(period: PlanningPeriod) -> Int {
        let year = Int(period.periodsPerYear)
        let every = max(1, year / 4)
        return MethodCandidate.allCases.count * ((year + every - 1) / every)
    }
}
