import PartsDomain
import PostgresClient

extension PartsStore {
    static let partSelect = """
        SELECT p.part_no, p.description, p.unit, p.cost, p.category, p.pack, p.lead_days, p.supplier,
               coalesce(sum(b.on_hand), 0), coalesce(sum(b.on_hand - b.reserved), 0)
          FROM part p LEFT JOIN stock_balance b ON b.part_id = p.id
        """

    /// Adds a part. An existing part number is a conflict, an unknown unit is invalid.
    public func addPart(_ partNo: String, _ fields: PartChanges, _ context: CommandContext) async throws(StoreError) -> MutationOutcome {
        try await mutate(context) { connection throws(PostgresError) in
            try Self.checkUnit(fields.unit, connection)
            try connection.query("""
                INSERT INTO part (part_no, description, unit, cost, category, pack, lead_days, supplier)
                VALUES ($1, $2, coalesce($3, 'PCS'), coalesce($4::numeric, 0), $5, coalesce($6::numeric, 1), $7::integer, $8)
                """, [partNo] + fields.parameters)
            return MutationOutcome(code: 200, message: "part \(partNo) added")
        }
    }

    /// Changes master data, never stock. The unit may change only while no stock was ever
    /// moved, since the ledger's quantities were counted in the old unit.
    public func setPart(_ partNo: String, _ changes: PartChanges, _ context: CommandContext) async throws(StoreError) -> MutationOutcome {
        try await mutate(context) { connection throws(PostgresError) in
            try Self.checkUnit(changes.unit, connection)
            let found = try connection.query("SELECT id, unit FROM part WHERE part_no = $1 FOR UPDATE", [partNo])
            guard let row = found.rows.first else {
                throw .server(ServerError(sqlState: "PS404", message: "unknown part \(partNo)"))
            }
            if let unit = changes.unit, unit != row[1] {
                let moved = try connection.query("SELECT 1 FROM stock_movement WHERE part_id = $1 LIMIT 1", [row[0]])
                if !moved.isEmpty {
                    throw .server(ServerError(sqlState: "PS409",
                                              message: "\(partNo) has stock movements in \(row[1]!): its unit cannot change"))
                }
            }
            try connection.query("""
                UPDATE part SET description = coalesce($2, description), unit = coalesce($3, unit),
                       cost = coalesce($4::numeric, cost), category = coalesce($5, category),
                       pack = coalesce($6::numeric, pack), lead_days = coalesce($7::integer, lead_days),
                       supplier = coalesce($8, supplier), updated_at = now()
                 WHERE part_no = $1
                """, [partNo] + changes.parameters)
            return MutationOutcome(code: 200, message: "part \(partNo) changed")
        }
    }

    public func part(_ partNo: String) async throws(StoreError) -> PartRecord {
        let rows = try await read { connection throws(PostgresError) in
            try connection.query(Self.partSelect + " WHERE p.part_no = $1 GROUP BY p.id", [partNo]).rows
        }
        guard let row = rows.first else { throw .notFound("unknown part \(partNo)") }
        return Self.partRecord(row)
    }

    /// Parts in part-number order, after `after` when paging.
    public func parts(category: String?, after: String?, limit: Int) async throws(StoreError) -> [PartRecord] {
        try await read { connection throws(PostgresError) in
            try connection.query(Self.partSelect + """
                 WHERE ($1::text IS NULL OR p.category = $1) AND ($2::text IS NULL OR p.part_no > $2)
                 GROUP BY p.id ORDER BY p.part_no LIMIT $3
                """, [category, after, String(limit)]).rows.map(Self.partRecord)
        }
    }

    static func partRecord(_ row: [String?]) -> PartRecord {
        PartRecord(partNo: row[0]!, description: row[1]!, unit: row[2]!, cost: decimal(row[3]), category: row[4],
                   pack: decimal(row[5]), leadDays: row[6].flatMap { Int($0) }, supplier: row[7],
                   onHand: decimal(row[8]), available: decimal(row[9]))
    }

    private static func checkUnit(_ unit: String?, _ connection: Connection) throws(PostgresError) {
        guard let unit else { return }
        if try connection.query("SELECT 1 FROM unit_of_measure WHERE code = $1", [unit]).isEmpty {
            let known = try connection.query("SELECT string_agg(code, ', ' ORDER BY code) FROM unit_of_measure").scalar ?? ""
            throw .server(ServerError(sqlState: "PS422", message: "unknown unit \(unit); known units: \(known)"))
        }
    }
}
