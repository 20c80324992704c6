/// Where the warranty deadlines are counted: the site's time zone (its local dates are the
/// ones the makers' rules count in) and the reminder buckets of the deadlines run.
public struct SiteCalendar: Sendable, Equatable {
    /// An IANA time zone name (Asia/Shanghai).
    public var timeZone: String
    /// Days before a ship-by date when the deadlines run reminds, e.g. [7, 3].
    public var reminderDays: [Int]

    public init(timeZone: String, reminderDays: [Int]) {
        self.timeZone = timeZone
        self.reminderDays = reminderDays
    }
}

extension WorkflowInput {
    /// The site's time zone, in which the workflow takes today's date.
    mutating func set(_ calendar: SiteCalendar) {
        set("time_zone", calendar.timeZone)
    }
}
