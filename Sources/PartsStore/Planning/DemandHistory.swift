import PartsDomain
import PostgresClient

extension PartsStore {
    /// Records past demand, all lines or none (history_add). Dates and quantities have the
    /// right form; whether they are history the function decides.
    public func addHistory(location: String, partNo: String, entries: [(date: String, quantity: ExactDecimal)],
                           since: String? = nil, _ context: CommandContext) async throws(StoreError) -> MutationOutcome {
        var input = WorkflowInput(context)
        input.set("location", location)
        input.set("part_no", partNo)
        input.set("dates", entries.map(\.date))
        input.set("quantities", entries.map(\.quantity.description))
        input.set("since", since)
        return try await perform(.historyAdd, input).outcome
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
                """, [partNo]).records.map { row throws(PostgresError) in try row.text("code") }
        }
    }
}
