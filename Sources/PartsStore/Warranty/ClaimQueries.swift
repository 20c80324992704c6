import PartsDomain
import PostgresClient

/// Which old parts claim list shows.
public struct OldPartFilter: Sendable {
    public var oem: String?
    public var state: OldPartState?
    /// Wanted, not shipped, and due within this many days (overdue included).
    public var dueWithin: Int?
    public var limit: Int

    public init(oem: String? = nil, state: OldPartState? = nil, dueWithin: Int? = nil, limit: Int) {
        self.oem = oem
        self.state = state
        self.dueWithin = dueWithin
        self.limit = limit
    }
}

extension PartsStore {
    /// A claim by its number, or the claim of a tag.
    public func claim(_ number: String, _ calendar: SiteCalendar) async throws(StoreError) -> WarrantyClaim {
        try WarrantyClaim(try await record("claim", missing: number.hasPrefix("TG-") ? "unknown tag \(number)" : "unknown claim \(number)", """
            SELECT warranty_claim_json(c.id, site_today_in($2)) AS record
              FROM warranty_claim c
             WHERE c.claim_no = $1 OR c.id = (SELECT claim_id FROM old_part WHERE tag_no = $1)
            """, [number, calendar.timeZone]))
    }

    /// Old parts, the newest claims first; with `dueWithin`, the soonest ship-by date first.
    public func oldParts(_ filter: OldPartFilter, _ calendar: SiteCalendar) async throws(StoreError) -> [OldPart] {
        if let oem = filter.oem { _ = try await self.oem(oem, calendar) }
        let rows = try await read { connection throws(PostgresError) in
            try connection.query("""
                SELECT old_part_json(o.id, site_today_in($1)) AS part
                  FROM old_part o JOIN warranty_claim c ON c.id = o.claim_id JOIN oem e ON e.id = c.oem_id
                 WHERE ($2::text IS NULL OR e.code = $2) AND ($3::text IS NULL OR o.state = $3)
                   AND ($4::integer IS NULL OR (old_part_open(o.state, o.ship_by) AND o.ship_by <= site_today_in($1) + $4::integer))
                 ORDER BY CASE WHEN $4::integer IS NOT NULL THEN o.ship_by END, c.id DESC, o.line_no
                 LIMIT $5
                """, [calendar.timeZone, filter.oem, filter.state?.rawValue, filter.dueWithin.map(String.init), String(filter.limit)])
                .records.map { row throws(PostgresError) in try row.text("part") }
        }
        return try rows.map { json throws(StoreError) in try OldPart(try JSONFields(parsing: json, "old part")) }
    }
}
