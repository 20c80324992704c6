/// Ordered to received, in days, over the latest `ReceivedLeadTime.latest` purchase-order lines
/// of a part from its current supplier that have been received: each line counts once, at its
/// first receipt, and a line received in parts is not counted again for the rest.
public struct ReceivedLeadTime: Sendable, Equatable {
    /// Lines measured.
    public var receipts: Int
    public var meanDays: Double
    /// The sample standard deviation; 0 for one line.
    public var standardDeviationDays: Double

    /// How many of the latest lines are measured: enough for a spread, recent enough that a
    /// supplier who got faster or slower shows within a few months.
    public static let latest = 20

    public init(receipts: Int, meanDays: Double, standardDeviationDays: Double) {
        self.receipts = receipts
        self.meanDays = meanDays
        self.standardDeviationDays = standardDeviationDays
    }
}
