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

    public func addLocation(_ code: String, name: String, kind: String, _ context: CommandContext) async throws(StoreError) -> MutationOutcome {
        try await mutate(context) { connection throws(PostgresError) in
            try connection.query("INSERT INTO location (code, name, kind) VALUES ($1, $2, $3)", [code, name, kind])
            return MutationOutcome(code: 200, message: "location \(code) added")
        }
    }

    public func locations() async throws(StoreError) -> [LocationRecord] {
        try await read { connection throws(PostgresError) in
            try connection.query("""
                SELECT l.code, l.name, l.kind, count(b.part_id) FILTER (WHERE b.on_hand > 0),
                       coalesce(round(sum(b.on_hand * b.avg_cost), 2), 0)
                  FROM location l LEFT JOIN stock_balance b ON b.location_id = l.id
                 GROUP BY l.id ORDER BY l.code
                """).rows.map { row in
                LocationRecord(code: row[0]!, name: row[1]!, kind: row[2]!, parts: Int(row[3]!) ?? 0, value: decimal(row[4]))
            }
        }
    }
}
