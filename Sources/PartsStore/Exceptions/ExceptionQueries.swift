import PartsDomain
import PostgresClient

/// exception show and exception list.
extension PartsStore {
    public func stockException(_ number: String) async throws(StoreError) -> StockException {
        try StockException(try await record("exception", missing: "no exception \(number)",
                                            "SELECT exception_json($1) AS record", [number]))
    }

    /// Exceptions oldest first, so the ones waiting longest head the list. `state` nil: all.
    /// `location` matches where the parts belong or the quarantine holding them.
    public func stockExceptions(state: StockExceptionState?, location: String?, limit: Int) async throws(StoreError) -> [StockException] {
        if let location { try await requireLocation(location) }
        let found = try await read { connection throws(PostgresError) in
            try connection.query("""
                SELECT exception_json(e.ex_no) AS exception
                  FROM stock_exception e
                 WHERE ($1::text IS NULL OR e.state = $1)
                   AND ($2::text IS NULL OR EXISTS (SELECT 1 FROM location l WHERE l.code = $2
                                                       AND l.id IN (e.location_id, e.quarantine_id)))
                 ORDER BY e.raised_at, e.id
                 LIMIT $3
                """, [state?.rawValue, location, String(limit)]).records.map { row throws(PostgresError) in try row.text("exception") }
        }
        return try found.map { json throws(StoreError) in try StockException(try JSONFields(parsing: json, "exception")) }
    }
}
