/// Stock turnover and days of supply for a warehouse, a category or a part.
///
/// Turnover = cost of goods issued over the period / average stock value at cost over it,
/// scaled to a year when the period is not one; days of supply = 365 / turnover. The average
/// should come from daily snapshots, not today's stock (issue 4): `averageValue(of:)` takes
/// the mean of such snapshots.
public struct Turnover: Sendable, Equatable {
    public let costOfGoodsIssued: Double
    public let averageStockValue: Double
    /// Length of the measured period in days (365 for a year).
    public let periodDays: Double
    /// Turns per year; `nil` when there was no stock (average value ≤ 0) or the period is empty.
    public let turnover: Double?
    /// 365 / turnover; `nil` when turnover is 0 (stock that never moves covers forever) or
    /// undefined.
    public let daysOfSupply: Double?

    public init(costOfGoodsIssued: Double, averageStockValue: Double, periodDays: Double = 365) {
        self.costOfGoodsIssued = costOfGoodsIssued
        self.averageStockValue = averageStockValue
        self.periodDays = periodDays
        guard averageStockValue > 0, periodDays > 0, costOfGoodsIssued.isFinite,
            averageStockValue.isFinite, periodDays.isFinite
        else {
            turnover = nil
            daysOfSupply = nil
            return
        }
        let turns = costOfGoodsIssued / averageStockValue * (365 / periodDays)
        turnover = turns
        daysOfSupply = turns > 0 ? 365 / turns : nil
    }

    /// The mean of stock-value snapshots (one per day, say); `nil` for none.
    public static func averageValue(of snapshots: some Collection<Double>) -> Double? {
        guard !snapshots.isEmpty else { return nil }
        return snapshots.reduce(0, +) / Double(snapshots.count)
    }
}

/// ABC class by issue value.
public enum ABCClass: String, Sendable, CaseIterable, Codable {
    case a = "A"
    case b = "B"
    case c = "C"
}

/// Pareto classification: the few parts that carry most of the issue value are A.
public enum ABCClassification {
    /// Classes for `issueValues` (one per part, in the caller's order; the result has the same
    /// order).
    ///
    /// Parts are ranked by value, highest first (ties keep the caller's order). A part's class
    /// is decided by the cumulative share of the total value of the parts ranked *before* it:
    /// below `cutoffA` → A, below `cutoffB` → B, else C. So the top part is always A even when
    /// it alone carries more than 80 %, and a part is A when it is needed to reach the 80 %.
    /// Parts with no (or negative) issue value are C; if nothing was issued at all, every part
    /// is C.
    public static func classify(_ issueValues: [Double], cutoffA: Double = 0.80, cutoffB: Double = 0.95) -> [ABCClass] {
        var classes = Array(repeating: ABCClass.c, count: issueValues.count)
        let total = issueValues.reduce(0) { $0 + max(0, $1) }
        guard total > 0 else { return classes }
        let ranked = issueValues.indices.sorted {
            issueValues[$0] != issueValues[$1] ? issueValues[$0] > issueValues[$1] : $0 < $1
        }
        var before = 0.0
        for index in ranked {
            let value = issueValues[index]
            guard value > 0 else { break }
            let share = before / total
            classes[index] = share < cutoffA ? .a : (share < cutoffB ? .b : .c)
            before += value
        }
        return classes
    }
}
