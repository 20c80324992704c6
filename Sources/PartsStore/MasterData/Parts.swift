import PartsDomain
import PostgresClient

extension PartsStore {
    /// A part with its stock summed per part, not per query: a page of `part list` or `part
    /// export` then reads its own parts' balances by index, where a join grouped by part
    /// summed every part's before the page was cut (100 ms a page at 20,000 parts, so reading
    /// a whole master grew with its square).
    static let partSelect = """
        SELECT p.part_no, p.description, p.unit, p.cost, p.category, p.pack, p.lead_days, p.supplier, p.warranty_return,
               p.serialized, p.fill_rate, s.on_hand, s.available
          FROM part p
         CROSS JOIN LATERAL (SELECT coalesce(sum(b.on_hand), 0) AS on_hand, coalesce(sum(b.on_hand - b.reserved), 0) AS available
                               FROM stock_balance b WHERE b.part_id = p.id) s
        """

    /// Adds a part (part_add). An existing part number is a conflict, an unknown unit is invalid.
    public func addPart(_ partNo: String, _ fields: PartChanges, _ context: CommandContext) async throws(StoreError) -> MutationOutcome {
        try await perform(.partAdd, Self.partInput(partNo, fields, context)).outcome
    }

    /// Changes master data, never stock (part_set). The unit may change only while no stock
    /// was ever moved, since the ledger's quantities were counted in the old unit.
    public func setPart(_ partNo: String, _ changes: PartChanges, _ context: CommandContext) async throws(StoreError) -> MutationOutcome {
        try await perform(.partSet, Self.partInput(partNo, changes, context)).outcome
    }

    private static func partInput(_ partNo: String, _ fields: PartChanges, _ context: CommandContext) -> WorkflowInput {
        var input = WorkflowInput(context)
        input.set("part_no", partNo)
        input.set(fields)
        return input
    }

    public func part(_ partNo: String) async throws(StoreError) -> PartRecord {
        // part_named refuses an unknown number, so the one row is there.
        let part = try await read { connection throws(PostgresError) in
            try connection.query(Self.partSelect + " WHERE p.id = (part_named($1)).id", [partNo]).singleRow()
                .map(Self.partRecord)
        }
        guard let part else { throw .bug("part \(partNo) was found and then not") }
        return part
    }

    /// Parts in part-number order, after `after` when paging.
    public func parts(category: String?, after: String?, limit: Int) async throws(StoreError) -> [PartRecord] {
        try await read { connection throws(PostgresError) in
            try connection.query(Self.partSelect + """
                 WHERE ($1::text IS NULL OR p.category = $1) AND ($2::text IS NULL OR p.part_no > $2)
                 ORDER BY p.part_no LIMIT $3
                """, [category, after, String(limit)]).records.map(Self.partRecord)
        }
    }

    static func partRecord(_ row: Row) throws(PostgresError) -> PartRecord {
        PartRecord(partNo: try row.text("part_no"), description: try row.text("description"), unit: try row.text("unit"),
                   cost: try row.decimal("cost"), category: try row.optionalText("category"), pack: try row.decimal("pack"),
                   leadDays: try row.optionalInt("lead_days"), supplier: try row.optionalText("supplier"),
                   onHand: try row.decimal("on_hand"), available: try row.decimal("available"),
                   warrantyReturn: try row.bool("warranty_return"), serialized: try row.bool("serialized"),
                   fillRate: try row.optionalDecimal("fill_rate"))
    }
}
