import PartsDomain
import PostgresClient

/// The stored planning settings: one column of `planning_setting` per key.
public enum PlanningSettingKey: String, Sendable, CaseIterable {
    case period, historyDays = "history_days"
    case serviceA = "service_a", serviceB = "service_b", serviceC = "service_c"
    case alpha, beta
    case reviewPeriods = "review_periods", orderingCost = "ordering_cost", holdingRate = "holding_rate"
    case leadDays = "lead_days", leadDaysSD = "lead_days_sd", slowMover = "slow_mover", deadDays = "dead_days"

    /// Set once for every location: they shape the series of a whole run.
    public var isGlobalOnly: Bool { self == .period || self == .historyDays }
}

/// What one row holds: nil values inherit from the row above (location → all → built-in).
public struct PlanningSettingRow: Sendable {
    /// nil for the row every location inherits.
    public var location: String?
    public var values: [PlanningSettingKey: String]

    public init(location: String?, values: [PlanningSettingKey: String]) {
        self.location = location
        self.values = values
    }
}

extension PartsStore {
    /// Every row: the default row and one per location that overrides something.
    public func planningSettingRows() async throws(StoreError) -> [PlanningSettingRow] {
        try await planningSettingRowsAndToday().rows
    }

    /// The rows and today's date by the database's clock, which a planner is built from, in
    /// one round trip: `plan show` builds a planner for every call. With no rows stored, the
    /// date comes alone on a row whose `present` is false.
    public func planningSettingRowsAndToday() async throws(StoreError) -> (rows: [PlanningSettingRow], today: String) {
        let columns = PlanningSettingKey.allCases.map { "s.\($0.rawValue)::text" }.joined(separator: ", ")
        return try await read { connection throws(PostgresError) in
            let result = try connection.query("""
                SELECT current_date::text, s.updated_by IS NOT NULL AS present, l.code, \(columns)
                  FROM (SELECT) AS clock
                  LEFT JOIN (planning_setting s LEFT JOIN location l ON l.id = s.location_id) ON true
                 ORDER BY l.code NULLS FIRST
                """).rows
            let rows = result.filter { $0[1] == "t" }.map { row in
                var values: [PlanningSettingKey: String] = [:]
                for (index, key) in PlanningSettingKey.allCases.enumerated() {
                    if let value = row[index + 3] { values[key] = value }
                }
                return PlanningSettingRow(location: row[2], values: values)
            }
            return (rows, result[0][0]!)
        }
    }

    /// Sets (a value) or clears (nil) settings on one row; the caller validated the values.
    public func setPlanningSettings(location: String?, _ changes: [PlanningSettingKey: String?],
                                    _ context: CommandContext) async throws(StoreError) -> MutationOutcome {
        // Column names come from the enum, never from the request; values are parameters.
        let keys = changes.keys.sorted { $0.rawValue < $1.rawValue }
        let columns = keys.map(\.rawValue).joined(separator: ", ")
        let values = keys.enumerated().map { "$\($0.offset + 3)" }.joined(separator: ", ")
        let updates = keys.map { "\($0.rawValue) = excluded.\($0.rawValue)" }.joined(separator: ", ")
        let parameters: [String?] = [location, context.peer.userName] + keys.map { changes[$0]! }
        let scope = location ?? "every location"
        return try await mutate(context) { connection throws(PostgresError) in
            if let location, try connection.query("SELECT 1 FROM location WHERE code = $1", [location]).isEmpty {
                throw .server(ServerError(sqlState: "PS404", message: "unknown location \(location)"))
            }
            try connection.query("""
                INSERT INTO planning_setting (location_id, updated_by, \(columns))
                VALUES ((SELECT id FROM location WHERE code = $1), $2, \(values))
                ON CONFLICT ((coalesce(location_id, 0))) DO UPDATE
                   SET \(updates), updated_by = excluded.updated_by, updated_at = now()
                """, parameters)
            let described = keys.map { "\($0.rawValue)=\(changes[$0]! ?? "default")" }.joined(separator: " ")
            return MutationOutcome(code: 200, message: "planning settings for \(scope): \(described)")
        }
    }
}
