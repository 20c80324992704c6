import PartsDomain
import PostgresClient

/// A turnover target: turns per year and the most days of supply a warehouse (or one part
/// category in it) should hold.
public struct TurnoverTargetRow: Sendable, Equatable {
    public var location: String
    /// Empty for the whole warehouse, as the schema stores it.
    public var category: String
    public var turnover: ExactDecimal
    public var maxDays: Int
    public var updatedBy: String
    public var updatedAt: String
}

extension PartsStore {
    /// Sets (or replaces) the target of a warehouse, or of one category in it when
    /// `category` is not empty. Values were checked by the caller.
    public func setTurnoverTarget(location: String, category: String, turnover: ExactDecimal, maxDays: Int,
                                  _ context: CommandContext) async throws(StoreError) -> MutationOutcome {
        try await mutate(context) { connection throws(PostgresError) in
            guard let locationID = try connection.query("SELECT id FROM location WHERE code = $1", [location]).scalar else {
                throw .server(ServerError(sqlState: "PS404", message: "unknown location \(location)"))
            }
            try connection.query("""
                INSERT INTO turnover_target (location_id, category, turnover, max_days, updated_by)
                VALUES ($1::integer, $2, $3::numeric, $4::integer, $5)
                ON CONFLICT (location_id, category) DO UPDATE
                   SET turnover = excluded.turnover, max_days = excluded.max_days,
                       updated_by = excluded.updated_by, updated_at = now()
                """, [locationID, category, turnover.description, String(maxDays), context.peer.userName])
            let scope = category.isEmpty ? location : "\(location) category \(category)"
            return MutationOutcome(code: 200, message: "target for \(scope) set: turnover \(turnover.trimmed) per year, at most \(maxDays) days of supply")
        }
    }

    /// Targets by location, the whole-warehouse target before the categories.
    public func turnoverTargets(location: String?) async throws(StoreError) -> [TurnoverTargetRow] {
        if let location { try await requireLocation(location) }
        return try await read { connection throws(PostgresError) in
            try connection.query("""
                SELECT l.code, t.category, t.turnover, t.max_days, t.updated_by, t.updated_at
                  FROM turnover_target t JOIN location l ON l.id = t.location_id
                 WHERE ($1::text IS NULL OR l.code = $1::text)
                 ORDER BY l.code, t.category
                """, [location]).rows.map { row in
                TurnoverTargetRow(location: row[0]!, category: row[1]!, turnover: decimal(row[2]), maxDays: Int(row[3]!) ?? 0,
                                  updatedBy: row[4]!, updatedAt: row[5]!)
            }
        }
    }
}
