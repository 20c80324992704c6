import PartsDomain
import PostgresClient

/// What a deadlines run marked (warranty_deadlines): the parts it reminded of now (each
/// reminder bucket once a part), found overdue now, found past their retention now; and the
/// totals still open. `json` is the run's findings as the database wrote them, for the job's
/// row.
public struct WarrantyDeadlineFindings: Sendable {
    public var date: String
    public var reminderDays: [Int]
    public var reminders: [OldPart]
    public var overdue: [OldPart]
    public var expired: [OldPart]
    /// Wanted, not shipped, due within the largest bucket.
    public var dueSoon: Int
    public var overdueTotal: Int
    public var overdueAmount: ExactDecimal
    public var json: String
}

extension WarrantyDeadlineFindings {
    /// One line for the job's outcome.
    public var summary: String {
        "\(reminders.count) old parts reminded, \(overdue.count) newly overdue (\(overdueTotal) overdue, "
            + "\(overdueAmount.formatted(minimumScale: 2)) at risk), \(expired.count) past their retention, on \(date)"
    }

    /// One line per old part the run marked now.
    public var lines: [String] {
        reminders.map { "\($0.tagNo) \($0.oem) claim \($0.claimNo): \($0.partNo) ship by \($0.shipBy ?? "-"), \($0.daysLeft.map { "\($0) days left" } ?? "due")" }
            + overdue.map { "\($0.tagNo) \($0.oem) claim \($0.claimNo): \($0.partNo) overdue since \($0.shipBy ?? "-"), \($0.amount.formatted(minimumScale: 2)) at risk" }
            + expired.map { "\($0.tagNo) \($0.oem) claim \($0.claimNo): \($0.partNo) retention ended \($0.retainUntil): may be destroyed (oldparts scrap --expired)" }
    }
}

extension PartsStore {
    /// The deadlines run for the local date `date` (default: today in the site's time zone),
    /// in one transaction. Run again on the same day, it marks nothing new.
    public func warrantyDeadlines(on date: String?, _ calendar: SiteCalendar) async throws(StoreError) -> WarrantyDeadlineFindings {
        let buckets = "{" + calendar.reminderDays.map(String.init).joined(separator: ",") + "}"
        let text = try await write { connection throws(PostgresError) in
            try connection.query("SELECT warranty_deadlines(coalesce($1::date, site_today_in($2)), $3::integer[]) AS findings",
                                 [date, calendar.timeZone, buckets]).records[0].text("findings")
        }
        let json = try JSONFields(parsing: text, "deadline findings")
        return WarrantyDeadlineFindings(
            date: try json.text("date"), reminderDays: json.texts("reminder_days").compactMap { Int($0) },
            reminders: try OldPart.list(json.objects("reminders")), overdue: try OldPart.list(json.objects("overdue")),
            expired: try OldPart.list(json.objects("expired")), dueSoon: try json.int("due_soon"),
            overdueTotal: try json.int("overdue_total"), overdueAmount: try json.decimal("overdue_amount"), json: text)
    }
}
