import PartsDomain
import PostgresClient

/// The stored planning settings: one column of `planning_setting` per key.
public enum PlanningSettingKey: String, Sendable, CaseIterable {
    case period, historyDays = "history_days"
    case serviceA = "service_a", serviceB = "service_b", serviceC = "service_c"
    case serviceMeasure = "service_measure", fillRateA = "fill_rate_a", fillRateB = "fill_rate_b", fillRateC = "fill_rate_c"
    case alpha, beta
    case reviewPeriods = "review_periods", reviewDays = "review_days", orderingCost = "ordering_cost", holdingRate = "holding_rate"
    case leadDays = "lead_days", leadDaysSD = "lead_days_sd", slowMover = "slow_mover", deadDays = "dead_days"
    case obsoleteAfterDays = "obsolete_after_days", obsoleteProbability = "obsolete_probability"
    case demandModel = "demand_model", methodChoice = "method_choice"
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
        let columns = PlanningSettingKey.allCases.map { "s.\($0.rawValue)::text AS \($0.rawValue)" }.joined(separator: ", ")
        return try await read { connection throws(PostgresError) in
            let result = try connection.query("""
                SELECT current_date::text AS today, s.updated_by IS NOT NULL AS present, l.code AS location, \(columns)
                  FROM (SELECT) AS clock
                  LEFT JOIN (planning_setting s LEFT JOIN location l ON l.id = s.location_id) ON true
                 ORDER BY l.code NULLS FIRST
                """).records
            var rows: [PlanningSettingRow] = []
            for row in result where try row.bool("present") {
                var values: [PlanningSettingKey: String] = [:]
                for key in PlanningSettingKey.allCases {
                    if let value = try row.optionalText(key.rawValue) { values[key] = value }
                }
                rows.append(PlanningSettingRow(location: try row.optionalText("location"), values: values))
            }
            return (rows, try result[0].text("today"))
        }
    }

    /// Sets settings on one row, or clears them back to the row above with the value
    /// `default` (planning_set); the caller checked that the planning maths can work with the
    /// values.
    public func setPlanningSettings(location: String?, _ changes: [(key: PlanningSettingKey, value: String)],
                                    _ context: CommandContext) async throws(StoreError) -> MutationOutcome {
        var input = WorkflowInput(context)
        input.set("location", location)
        input.set("settings", changes.map(\.key.rawValue))
        input.set("values", changes.map(\.value))
        return try await perform(.planningSet, input).outcome
    }
}
