import PartsDomain
import PostgresClient

extension PartsStore {
    /// Adds a maker with the default return rules and those `rules` name (oem_add).
    public func addOEM(_ code: String, name: String, rules: [String: String], _ calendar: SiteCalendar,
                       _ context: CommandContext) async throws(StoreError) -> OEMOutcome {
        var input = Self.oemInput(code, rules: rules, calendar, context)
        input.set("name", name)
        return try Self.oemOutcome(try await perform(.oemAdd, input))
    }

    /// A new version of a maker's rules, valid from `from` (default today) (oem_set).
    public func setOEM(_ code: String, rules: [String: String], from: String?, _ calendar: SiteCalendar,
                       _ context: CommandContext) async throws(StoreError) -> OEMOutcome {
        var input = Self.oemInput(code, rules: rules, calendar, context)
        input.set("from", from)
        return try Self.oemOutcome(try await perform(.oemSet, input))
    }

    private static func oemInput(_ code: String, rules: [String: String], _ calendar: SiteCalendar,
                                 _ context: CommandContext) -> WorkflowInput {
        var input = WorkflowInput(context)
        input.set("code", code)
        input.set(calendar)
        for key in OEMRule.keys { input.set(key, rules[key]) }
        return input
    }

    private static func oemOutcome(_ reply: WorkflowReply) throws(StoreError) -> OEMOutcome {
        OEMOutcome(outcome: reply.outcome, oem: try OEMRecord(try reply.fields("oem")))
    }

    public func oem(_ code: String, _ calendar: SiteCalendar) async throws(StoreError) -> OEMRecord {
        try OEMRecord(try await record("oem", missing: "unknown oem \(code)",
                                       "SELECT oem_json(id, site_today_in($2)) AS record FROM oem WHERE code = $1", [code, calendar.timeZone]))
    }

    /// Every maker, by code.
    public func oems(_ calendar: SiteCalendar) async throws(StoreError) -> [OEMRecord] {
        let rows = try await read { connection throws(PostgresError) in
            try connection.query("SELECT oem_json(id, site_today_in($1)) AS oem FROM oem ORDER BY code",
                                 [calendar.timeZone]).records.map { row throws(PostgresError) in try row.text("oem") }
        }
        return try rows.map { json throws(StoreError) in try OEMRecord(try JSONFields(parsing: json, "oem")) }
    }
}
