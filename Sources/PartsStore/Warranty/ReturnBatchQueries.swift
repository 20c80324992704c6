import PartsDomain
import PostgresClient

extension PartsStore {
    public func batch(_ rbNo: String, _ calendar: SiteCalendar) async throws(StoreError) -> ReturnBatch {
        try ReturnBatch(try await record("batch", missing: "unknown batch \(rbNo)",
                                         "SELECT return_batch_json(id, site_today_in($2)) AS record FROM return_batch WHERE rb_no = $1",
                                         [rbNo, calendar.timeZone]))
    }

    /// Batches newest first.
    public func batches(oem: String?, state: ReturnBatchState?, limit: Int, _ calendar: SiteCalendar) async throws(StoreError) -> [ReturnBatch] {
        if let oem { _ = try await self.oem(oem, calendar) }
        let rows = try await read { connection throws(PostgresError) in
            try connection.query("""
                SELECT return_batch_json(b.id, site_today_in($1)) AS batch
                  FROM return_batch b JOIN oem e ON e.id = b.oem_id
                 WHERE ($2::text IS NULL OR e.code = $2) AND ($3::text IS NULL OR b.state = $3)
                 ORDER BY b.id DESC LIMIT $4
                """, [calendar.timeZone, oem, state?.rawValue, String(limit)]).records.map { row throws(PostgresError) in
                try row.text("batch")
            }
        }
        return try rows.map { json throws(StoreError) in try ReturnBatch(try JSONFields(parsing: json, "batch")) }
    }
}
