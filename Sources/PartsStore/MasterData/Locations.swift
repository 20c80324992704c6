import PartsDomain
import PostgresClient

/// A stock location: a warehouse, a branch, or one of the special areas later workflows use.
public struct LocationRecord: Sendable, Equatable {
    public var code: String
    public var name: String
    public var kind: String
    public var parts: Int
    public var value: ExactDecimal
}

extension PartsStore {
    public static let locationKinds = ["warehouse", "branch", "rotation", "oldparts", "repair", "quarantine", "transit"]

    /// Adds a location (location_add); an existing code is a conflict.
    public func addLocation(_ code: String, name: String, kind: String, _ context: CommandContext) async throws(StoreError) -> MutationOutcome {
        var input = WorkflowInput(context)
        input.set("code", code)
        input.set("name", name)
        input.set("kind", kind)
        return try await perform(.locationAdd, input).outcome
    }

    public func locations() async throws(StoreError) -> [LocationRecord] {
        try await read { connection throws(PostgresError) in
            try connection.query("""
                SELECT l.code, l.name, l.kind, count(b.part_id) FILTER (WHERE b.on_hand > 0) AS parts,
                       coalesce(round(sum(b.on_hand * b.avg_cost), 2), 0) AS value
                  FROM location l LEFT JOIN stock_balance b ON b.location_id = l.id
                 GROUP BY l.id ORDER BY l.code
                """).records.map { row throws(PostgresError) in
                LocationRecord(code: try row.text("code"), name: try row.text("name"), kind: try row.text("kind"),
                               parts: try row.int("parts"), value: try row.decimal("value"))
            }
        }
    }
}
