import PartsDomain
import PostgresClient

extension JobSession {
    /// Records today's value on hand per part and location, so turnover can divide by the
    /// average stock over a period instead of today's. Taking it twice in a day keeps the later
    /// figures: the snapshot stands for the end of the day.
    public func snapshot() async throws(StoreError) -> (date: String, rows: Int, value: String) {
        try await run { connection throws(PostgresError) in
            try connection.transaction { () throws(PostgresError) in
                let rows = try connection.query("""
                    INSERT INTO stock_snapshot (snapshot_date, location_id, part_id, on_hand, value)
                    SELECT current_date, location_id, part_id, on_hand, round(on_hand * avg_cost, 2)
                      FROM stock_balance WHERE on_hand > 0
                    ON CONFLICT (snapshot_date, location_id, part_id)
                    DO UPDATE SET on_hand = excluded.on_hand, value = excluded.value
                    """).affectedRows
                // Rows of parts that went to zero since an earlier snapshot today are stale.
                try connection.query("""
                    DELETE FROM stock_snapshot s WHERE s.snapshot_date = current_date
                       AND NOT EXISTS (SELECT 1 FROM stock_balance b
                                        WHERE b.part_id = s.part_id AND b.location_id = s.location_id AND b.on_hand > 0)
                    """)
                let total = try connection.query("""
                    SELECT current_date::text AS day, coalesce(sum(value), 0)::numeric(18,2)::text AS value
                      FROM stock_snapshot WHERE snapshot_date = current_date
                    """).records[0]
                return (try total.text("day"), rows, try total.text("value"))
            }
        }
    }
}
