import PartsDomain
import PostgresClient

/// A supplier as `supplier list` prints it.
public struct SupplierRecord: Sendable, Equatable {
    public var code: String
    public var name: String
    public var leadDays: Int?
    public var minOrder: ExactDecimal?
    /// Orders still expecting goods: open or partly received.
    public var openOrders: Int
}

extension PartsStore {
    /// Adds a supplier. An existing code is a conflict.
    public func addSupplier(_ code: String, name: String, leadDays: Int?, minOrder: ExactDecimal?,
                            _ context: CommandContext) async throws(StoreError) -> MutationOutcome {
        try await mutate(context) { connection throws(PostgresError) in
            try connection.query("""
                INSERT INTO supplier (code, name, lead_days, min_order, created_by)
                VALUES ($1, $2, $3::integer, $4::numeric, $5)
                """, [code, name, leadDays.map(String.init), minOrder?.description, context.peer.userName])
            return MutationOutcome(code: 200, message: "supplier \(code) added")
        }
    }

    public func suppliers() async throws(StoreError) -> [SupplierRecord] {
        try await read { connection throws(PostgresError) in
            try connection.query("""
                SELECT s.code, s.name, s.lead_days, s.min_order,
                       (SELECT count(*) FROM purchase_order o
                         WHERE o.supplier_id = s.id AND o.state IN ('open', 'partly_received'))
                  FROM supplier s ORDER BY s.code
                """).rows.map { row in
                SupplierRecord(code: row[0]!, name: row[1]!, leadDays: row[2].flatMap { Int($0) },
                               minOrder: row[3].flatMap { ExactDecimal($0) }, openOrders: Int(row[4]!) ?? 0)
            }
        }
    }
}
