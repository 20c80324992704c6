import PartsDomain
import PostgresClient

/// A purchase order's header with its totals, for `po list` and the head of `po show`.
public struct PurchaseOrderSummary: Sendable, Equatable {
    public var poNo: String
    public var supplier: String
    public var supplierName: String
    public var state: String
    public var expected: String?
    public var forRequisition: String?
    public var createdBy: String
    public var createdAt: String
    public var cancelledBy: String?
    public var cancelledAt: String?
    public var cancelReason: String?
    public var lines: Int
    /// Ordered quantity × price, over all lines.
    public var value: ExactDecimal
    /// Still expected: nothing once the order is received or cancelled.
    public var openValue: ExactDecimal
}

/// One line of an order with what arrived on it.
public struct PurchaseOrderLineRow: Sendable, Equatable {
    public var lineNo: Int
    public var partNo: String
    public var description: String
    public var location: String
    public var ordered: ExactDecimal
    public var received: ExactDecimal
    /// Still expected: zero on a closed line.
    public var open: ExactDecimal
    public var unit: String
    public var price: ExactDecimal
    public var value: ExactDecimal
    public var expected: String?
}

/// An order, its lines and the goods receipts posted against it.
public struct PurchaseOrderDetail: Sendable, Equatable {
    public var summary: PurchaseOrderSummary
    public var lines: [PurchaseOrderLineRow]
    public var receipts: [String]
}

extension PartsStore {
    static let purchaseOrderSelect = """
        SELECT o.po_no, s.code AS supplier, s.name AS supplier_name, o.state, o.expected, o.for_requisition, o.created_by,
               o.created_at, o.cancelled_by, o.cancelled_at, o.cancel_reason, t.lines, t.value, t.open_value
          FROM purchase_order o
          JOIN supplier s ON s.id = o.supplier_id
          CROSS JOIN LATERAL (
              SELECT count(*) AS lines, coalesce(round(sum(l.quantity * l.price), 2), 0)::numeric(18,2) AS value,
                     coalesce(round(sum((l.quantity - l.received) * l.price) FILTER (WHERE NOT l.closed), 2), 0)::numeric(18,2) AS open_value
                FROM po_line l WHERE l.po_id = o.id) t
        """

    /// Orders newest first, optionally in one state or from one supplier.
    public func purchaseOrders(state: String?, supplier: String?, limit: Int) async throws(StoreError) -> [PurchaseOrderSummary] {
        try await read { connection throws(PostgresError) in
            try connection.query(Self.purchaseOrderSelect + """
                 WHERE ($1::text IS NULL OR o.state = $1::text) AND ($2::text IS NULL OR s.code = $2::text)
                 ORDER BY o.id DESC LIMIT $3
                """, [state, supplier, String(limit)]).records.map(Self.purchaseOrderSummary)
        }
    }

    public func purchaseOrder(_ poNo: String) async throws(StoreError) -> PurchaseOrderDetail {
        let detail = try await read { connection throws(PostgresError) -> PurchaseOrderDetail? in
            guard let header = try connection.query(Self.purchaseOrderSelect + " WHERE o.po_no = $1", [poNo]).singleRow() else {
                return nil
            }
            let lines = try connection.query("""
                SELECT l.line_no, p.part_no, p.description, lo.code AS location, l.quantity, l.received,
                       CASE WHEN l.closed THEN 0 ELSE l.quantity - l.received END::numeric(15,3) AS open,
                       p.unit, l.price, round(l.quantity * l.price, 2) AS value, l.expected
                  FROM po_line l
                  JOIN purchase_order o ON o.id = l.po_id
                  JOIN part p ON p.id = l.part_id
                  JOIN location lo ON lo.id = l.location_id
                 WHERE o.po_no = $1
                 ORDER BY l.line_no
                """, [poNo]).records.map { row throws(PostgresError) in
                PurchaseOrderLineRow(lineNo: try row.int("line_no"), partNo: try row.text("part_no"),
                                     description: try row.text("description"), location: try row.text("location"),
                                     ordered: try row.decimal("quantity"), received: try row.decimal("received"),
                                     open: try row.decimal("open"), unit: try row.text("unit"), price: try row.decimal("price"),
                                     value: try row.decimal("value"), expected: try row.optionalText("expected"))
            }
            let receipts = try connection.query("""
                SELECT d.doc_no FROM po_receipt r
                  JOIN purchase_order o ON o.id = r.po_id
                  JOIN document d ON d.id = r.document_id
                 WHERE o.po_no = $1 ORDER BY d.id
                """, [poNo]).records.map { row throws(PostgresError) in try row.text("doc_no") }
            return PurchaseOrderDetail(summary: try Self.purchaseOrderSummary(header), lines: lines, receipts: receipts)
        }
        guard let detail else { throw .notFound("unknown purchase order \(poNo)") }
        return detail
    }

    static func purchaseOrderSummary(_ row: Row) throws(PostgresError) -> PurchaseOrderSummary {
        PurchaseOrderSummary(poNo: try row.text("po_no"), supplier: try row.text("supplier"),
                             supplierName: try row.text("supplier_name"), state: try row.text("state"),
                             expected: try row.optionalText("expected"), forRequisition: try row.optionalText("for_requisition"),
                             createdBy: try row.text("created_by"), createdAt: try row.text("created_at"),
                             cancelledBy: try row.optionalText("cancelled_by"), cancelledAt: try row.optionalText("cancelled_at"),
                             cancelReason: try row.optionalText("cancel_reason"), lines: try row.int("lines"),
                             value: try row.decimal("value"), openValue: try row.decimal("open_value"))
    }
}
