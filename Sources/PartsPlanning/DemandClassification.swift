/// The demand pattern of a series, after Syntetos, Boylan & Croston (2005).
///
/// Spare parts rarely have smooth demand, and the forecasting method that suits a part depends
/// on how often it is asked for (ADI) and how much the quantity varies when it is (CV²).
public enum DemandClass: String, Sendable, CaseIterable, Codable {
    /// Frequent demand of steady size: ADI < 1.32 and CV² < 0.49.
    case smooth
    /// Frequent demand of very variable size: ADI < 1.32, CV² ≥ 0.49.
    case erratic
    /// Infrequent demand of steady size: ADI ≥ 1.32, CV² < 0.49.
    case intermittent
    /// Infrequent demand of variable size: ADI ≥ 1.32 and CV² ≥ 0.49.
    case lumpy
    /// Too little history to judge: fewer periods than the configured minimum, or fewer than
    /// two periods with demand.
    case new
    /// No demand at all in the series.
    case none
}

/// ADI, CV² and the class of one series.
public struct DemandClassification: Sendable, Equatable {
    /// Syntetos–Boylan cut-off for the average demand interval.
    public static let defaultADICutoff = 1.32
    /// Syntetos–Boylan cut-off for the squared coefficient of variation.
    public static let defaultCV2Cutoff = 0.49
    /// History needed before a class is trusted: 13 weekly periods, a quarter.
    public static let defaultMinimumPeriods = 13
    /// Demand occurrences needed before a class is trusted (one size has no variation).
    public static let minimumDemandOccurrences = 2

    /// Periods in the series.
    public let periods: Int
    /// Periods with demand (> 0).
    public let demandPeriods: Int
    /// Average demand interval: periods / periods with demand. `nil` without demand.
    public let adi: Double?
    /// Squared coefficient of variation of the non-zero sizes:
    /// (population standard deviation / mean)². The population form (divide by n, not
    /// n − 1) is the one Syntetos & Boylan's cut-offs were derived with, and it gives 0, not a
    /// division by zero, for a single demand. `nil` without demand.
    public let cv2: Double?
    /// Mean size of the non-zero demands. `nil` without demand.
    public let meanDemandSize: Double?
    public let demandClass: DemandClass

    /// Classifies `values` (one period each, ≥ 0).
    ///
    /// `none` wins over `new`: a series without any demand is `none` however short it is.
    /// ADI and CV² are reported for `new` series too when there is demand, so `plan show`
    /// can say how close the part is to a class.
    public init(
        values: [Double],
        minimumPeriods: Int = DemandClassification.defaultMinimumPeriods,
        adiCutoff: Double = DemandClassification.defaultADICutoff,
        cv2Cutoff: Double = DemandClassification.defaultCV2Cutoff
    ) {
        periods = values.count
        var count = 0
        var sum = 0.0
        for value in values where value > 0 {
            count += 1
            sum += value
        }
        demandPeriods = count
        guard count > 0 else {
            adi = nil
            cv2 = nil
            meanDemandSize = nil
            demandClass = .none
            return
        }
        let mean = sum / Double(count)
        // Two-pass variance: numerically safer than E[x²] − E[x]² for large, similar sizes.
        var squares = 0.0
        for value in values where value > 0 {
            squares += (value - mean) * (value - mean)
        }
        let variance = squares / Double(count)
        let adi = Double(periods) / Double(count)
        let cv2 = variance / (mean * mean)
        self.adi = adi
        self.cv2 = cv2
        meanDemandSize = mean

        if periods < minimumPeriods || count < DemandClassification.minimumDemandOccurrences {
            demandClass = .new
        } else if adi < adiCutoff {
            demandClass = cv2 < cv2Cutoff ? .smooth : .erratic
        } else {
            demandClass = cv2 < cv2Cutoff ? .intermittent : .lumpy
        }
    }
}
