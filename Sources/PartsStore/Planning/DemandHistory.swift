import PartsDomain
import PostgresClient

extension PartsStore {
    /// Records past demand. All lines or none; dates and quantities were checked by the caller.
    public func addHistory(location: String, partNo: String, entries: [(date: String, quantity: ExactDecimal)],
                           _ context: CommandContext) async throws(StoreError) -> MutationOutcome {
        let dates = "{" + entries.map(\.date).joined(separator: ",") + "}"
        let quantities = "{" + entries.map(\.quantity.description).joined(separator: ",") + "}"
        return try await mutate(context) { connection throws(PostgresError) in
            let ids = try Self.partAndLocation(partNo, location, connection)
            let future = try connection.query("SELECT min(d) FROM unnest($1::date[]) AS t(d) WHERE d > current_date", [dates])
            if let day = future.scalar {
                throw .server(ServerError(sqlState: "PS422", message: "\(day) is in the future: history records past demand"))
            }
            try connection.query("""
                INSERT INTO demand_history (part_id, location_id, demand_date, quantity, recorded_by)
                SELECT $1, $2, d, q, $5 FROM unnest($3::date[], $4::numeric[]) AS t(d, q)
                """, [ids.part, ids.location, dates, quantities, context.peer.userName])
            return MutationOutcome(code: 200, message: "\(entries.count) history lines added for \(partNo) at \(location)")
        }
    }

    /// Locations where the part has stock or demand: the places it can be planned for.
    public func planningLocations(partNo: String) async throws(StoreError) -> [String] {
        try await requirePart(partNo)
        return try await read { connection throws(PostgresError) in
            try connection.query("""
                SELECT l.code FROM location l JOIN part p ON p.part_no = $1
                 WHERE EXISTS (SELECT 1 FROM stock_balance b WHERE b.part_id = p.id AND b.location_id = l.id)
                    OR EXISTS (SELECT 1 FROM demand_line d WHERE d.part_id = p.id AND d.location_id = l.id)
                 ORDER BY l.code
                """, [partNo]).rows.map { $0[0]! }
        }
    }

    private static func partAndLocation(_ partNo: String, _ location: String,
                                        _ connection: Connection) throws(PostgresError) -> (part: String, location: String) {
        let row = try connection.query("""
            SELECT (SELECT id FROM part WHERE part_no = $1), (SELECT id FROM location WHERE code = $2)
            """, [partNo, location]).rows[0]
        guard let part = row[0] else { throw .server(ServerError(sqlState: "PS404", message: "unknown part \(partNo)")) }
        guard let location = row[1] else { throw .server(ServerError(sqlState: "PS404", message: "unknown location \(location)")) }
        return (part, location)
    }
}
