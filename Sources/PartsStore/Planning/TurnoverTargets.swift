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
    /// `category` is not empty (target_set). The numbers have the right form and range.
    public func setTurnoverTarget(location: String, category: String, turnover: ExactDecimal, maxDays: Int,
                                  _ context: CommandContext) async throws(StoreError) -> MutationOutcome {
        var input = WorkflowInput(context)
        input.set("location", location)
        input.set("category", category.isEmpty ? nil : category)
        input.set("turnover", turnover)
        input.set("max_days", maxDays)
        return try await perform(.targetSet, input).outcome
    }

    /// Targets by location, the whole-warehouse target before the categories.
    public func turnoverTargets(location: String?) async throws(StoreError) -> [TurnoverTargetRow] {
        if let location { try await requireLocation(location) }
        return try await read { connection throws(PostgresError) in
            try connection.query("""
                SELECT l.code AS location, t.category, t.turnover, t.max_days, t.updated_by, t.updated_at
                  FROM turnover_target t JOIN location l ON l.id = t.location_id
                 WHERE ($1::text IS NULL OR l.code = $1::text)
                 ORDER BY l.code, t.category
                """, [location]).records.map { row throws(PostgresError) in
                TurnoverTargetRow(location: try row.text("location"), category: try row.text("category"),
                                  turnover: try row.decimal("turnover"), maxDays: try row.int("max_days"),
                                  updatedBy: try row.text("updated_by"), updatedAt: try row.text("updated_at"))
            }
        }
    }
}
