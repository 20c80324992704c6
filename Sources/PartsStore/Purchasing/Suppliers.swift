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
    /// Adds a supplier. An existing code is a conflict (supplier_add).
    public func addSupplier(_ code: String, name: String, leadDays: Int?, minOrder: ExactDecimal?,
                            _ context: CommandContext) async throws(StoreError) -> MutationOutcome {
        var input = WorkflowInput(context)
        input.set("code", code)
        input.set("name", name)
        input.set("lead_days", leadDays)
        input.set("min_order", minOrder)
        return try await perform(.supplierAdd, input).outcome
    }

    public func suppliers() async throws(StoreError) -> [SupplierRecord] {
        try await read { connection throws(PostgresError) in
            try connection.query("""
                SELECT s.code, s.name, s.lead_days, s.min_order,
                       (SELECT count(*) FROM purchase_order o
                         WHERE o.supplier_id = s.id AND o.state IN ('open', 'partly_received')) AS open_orders
                  FROM supplier s ORDER BY s.code
                """).records.map { row throws(PostgresError) in
                SupplierRecord(code: try row.text("code"), name: try row.text("name"), leadDays: try row.optionalInt("lead_days"),
                               minOrder: try row.optionalDecimal("min_order"), openOrders: try row.int("open_orders"))
            }
        }
    }
}
