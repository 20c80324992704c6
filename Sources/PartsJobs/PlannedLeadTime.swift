import PartsStore

/// The lead time a part is planned with, and where it came from: what its purchase orders
/// took once enough of them have been received, else the part's (or its supplier's) lead days,
/// else the setting.
///
/// Learned only from `minimumReceipts` lines on: one slow delivery among three would otherwise
/// set the spread, and the master data's figure is a better guess than that.
public struct PlannedLeadTime: Sendable, Equatable {
    public var days: Double
    public var standardDeviationDays: Double
    public var source: Source

    public enum Source: Sendable, Equatable {
        /// Measured over this many received order lines.
        case receipts(Int)
        /// The part's lead days, or its supplier's.
        case masterData
        /// `plan set lead_days=`.
        case setting
    }

    public static let minimumReceipts = 5

    public init(_ row: PlanningRow, _ settings: PlanningSettings) {
        if let received = row.receivedLeadTime, received.receipts >= Self.minimumReceipts {
            days = received.meanDays
            standardDeviationDays = received.standardDeviationDays
            source = .receipts(received.receipts)
        } else {
            days = Double(row.leadDays ?? settings.defaultLeadDays)
            standardDeviationDays = settings.leadDaysSD
            source = row.leadDays == nil ? .setting : .masterData
        }
    }

    /// For `plan show`: "from 7 received order lines", "part master", "setting".
    public var description: String {
        switch source {
        case .receipts(let count): "\(count) received order lines"
        case .masterData: "part master"
        case .setting: "setting"
        }
    }
}
