/// Whether a period has demand, as a two-state Markov chain estimated from a part's series:
/// the occurrence half of Willemain, Smart & Schwarz's bootstrap (IJF 20(3), 2004), which
/// keeps the runs of busy and quiet periods an independent draw would break up.
///
/// From the states s_t = (x_t > 0) of consecutive periods, with n_ij the transitions i → j:
/// P(demand | none) = n_01 / (n_00 + n_01), P(demand | demand) = n_11 / (n_10 + n_11).
/// A state the series never leaves (no transition out of it: quiet only in its last period,
/// say) has no estimate; it gets the share of periods with demand, as if occurrences were
/// independent, which is the least the history says. A transition seen from a state but never
/// taken is an estimate of 0, kept: that is what the history shows.
public struct OccurrenceChain: Sendable, Equatable {
    /// P(demand next period | no demand this period).
    public let afterNone: Double
    /// P(demand next period | demand this period).
    public let afterDemand: Double
    /// Whether the series' last period had demand: where a simulation of the future starts.
    public let lastHadDemand: Bool

    /// nil for an empty series.
    public init?(values: [Double]) {
        guard let last = values.last else { return nil }
        var counts = (none: (stay: 0, demand: 0), demand: (none: 0, stay: 0))
        for (before, after) in zip(values, values.dropFirst()) {
            switch (before > 0, after > 0) {
            case (false, false): counts.none.stay += 1
            case (false, true): counts.none.demand += 1
            case (true, false): counts.demand.none += 1
            case (true, true): counts.demand.stay += 1
            }
        }
        let share = Double(values.count(where: { $0 > 0 })) / Double(values.count)
        func estimate(_ taken: Int, of total: Int) -> Double { total > 0 ? Double(taken) / Double(total) : share }
        afterNone = estimate(counts.none.demand, of: counts.none.stay + counts.none.demand)
        afterDemand = estimate(counts.demand.stay, of: counts.demand.none + counts.demand.stay)
        lastHadDemand = last > 0
    }

    public init(afterNone: Double, afterDemand: Double, lastHadDemand: Bool) {
        self.afterNone = afterNone
        self.afterDemand = afterDemand
        self.lastHadDemand = lastHadDemand
    }

    /// P(demand in the next period) given this period's state.
    func probability(after demand: Bool) -> Double { demand ? afterDemand : afterNone }
}
