import PartsDomain
import PostgresClient

/// exception show and exception list.
extension PartsStore {
    public func stockException(_ number: String) async throws(StoreError) -> StockException {
        let json = try await read { connection throws(PostgresError) in
            try connection.query("SELECT exception_json($1)", [number]).scalar
        }
        guard json != nil else { throw .notFound("no exception \(number)") }
        return try StockException.decode(json)
    }

    /// Exceptions oldest first, so the ones waiting longest head the list. `state` nil: all.
    /// `location` matches where the parts belong or the quarantine holding them.
    public func stockExceptions(state: String?, location: String?, limit: Int) async throws(StoreError) -> [StockException] {
        let rows = try await read { connection throws(PostgresError) -> [String?]? in
            if let location, try connection.query("SELECT 1 FROM location WHERE code = $1", [location]).rows.isEmpty {
                return nil
            }
            return try connection.query("""
                SELECT exception_json(e.ex_no)
                  FROM stock_exception e
                 WHERE ($1::text IS NULL OR e.state = $1)
                   AND ($2::text IS NULL OR EXISTS (SELECT 1 FROM location l WHERE l.code = $2
                                                       AND l.id IN (e.location_id, e.quarantine_id)))
                 ORDER BY e.raised_at, e.id
                 LIMIT $3
                """, [state, location, String(limit)]).rows.map { $0[0] }
        }
        guard let rows else { throw .notFound("unknown location \(location ?? "")") }
        var result: [StockException] = []
        for row in rows { result.append(try StockException.decode(row)) }
        return result
    }
}
