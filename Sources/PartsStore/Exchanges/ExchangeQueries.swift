import PartsDomain
import PostgresClient

extension PartsStore {
    public func exchange(_ xcNo: String) async throws(StoreError) -> Exchange {
        try Exchange(try await record("exchange", missing: "unknown exchange \(xcNo)",
                                      "SELECT exchange_json(id) AS record FROM exchange WHERE xc_no = $1", [xcNo]))
    }

    /// The send/receive log, the earliest due first: in one state, or every one not closed,
    /// of one customer.
    public func exchanges(state: ExchangeState?, customer: String?, limit: Int) async throws(StoreError) -> [Exchange] {
        let rows = try await read { connection throws(PostgresError) in
            try connection.query("""
                SELECT exchange_json(id) AS exchange FROM exchange
                 WHERE coalesce(state = $1, state <> 'closed') AND ($2::text IS NULL OR customer = $2)
                 ORDER BY due, id LIMIT $3
                """, [state?.rawValue, customer, String(limit)]).records.map { row throws(PostgresError) in try row.text("exchange") }
        }
        var exchanges: [Exchange] = []
        for json in rows { exchanges.append(try Exchange(JSONFields(parsing: json, "exchange"))) }
        return exchanges
    }
}
