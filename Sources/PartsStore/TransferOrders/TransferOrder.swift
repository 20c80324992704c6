import PartsDomain

/// A transfer order to a branch (办事处 / 代理商 补料) with its lines, as `to show`, ship and
/// arrive answer with it.
public struct TransferOrder: Sendable, Equatable {
    public struct Line: Sendable, Equatable {
        public var lineNo: Int
        public var partNo: String
        public var description: String
        public var unit: String
        public var shipped: ExactDecimal
        /// What the branch counted; nil until the order arrived.
        public var received: ExactDecimal?
        /// received - shipped: negative short, positive over; nil until arrival.
        public var discrepancy: ExactDecimal?
        /// Still in the transit location for this line: all of it before arrival, the shortage after.
        public var inTransit: ExactDecimal
        public var unitCost: ExactDecimal
    }

    public var toNo: String
    /// shipped | received | received_with_discrepancy
    public var state: String
    public var from: String
    public var to: String
    /// The destination's in-transit location the stock waits in.
    public var transit: String
    public var note: String?
    public var shippedBy: String
    public var shippedAt: String
    public var receivedBy: String?
    public var receivedAt: String?
    public var arrivalNote: String?
    /// The TR sender → transit.
    public var shipDocument: String
    /// The TR transit → destination; nil until arrival.
    public var arrivalDocument: String?
    public var inTransit: ExactDecimal
    /// Shipped quantity × the cost it left at.
    public var value: ExactDecimal
    public var lines: [Line]

    /// Lines whose count differed from what was shipped.
    public var discrepancies: [Line] { lines.filter { $0.discrepancy.map { !$0.isZero } ?? false } }
}

/// A shipment or an arrival: the order after it, and the TR document it posted.
public struct TransferOrderPosting: Sendable {
    public var order: TransferOrder
    public var document: PostedDocument
    /// True when this is the stored outcome of an earlier request with the same ref.
    public var replayed: Bool { document.replayed ?? false }
}

extension TransferOrder {
    /// Reads transfer_order_json.
    init(_ fields: JSONFields) throws(StoreError) {
        let lines = try fields.objects("lines", "transfer order line").map { line throws(StoreError) in
            Line(lineNo: try line.int("line_no"), partNo: try line.text("part_no"), description: try line.text("description"),
                 unit: try line.text("unit"), shipped: try line.decimal("shipped"),
                 received: try line.optionalDecimal("received"), discrepancy: try line.optionalDecimal("discrepancy"),
                 inTransit: try line.decimal("in_transit"), unitCost: try line.decimal("unit_cost"))
        }
        self.init(
            toNo: try fields.text("to_no"), state: try fields.text("state"), from: try fields.text("from"),
            to: try fields.text("to"), transit: try fields.text("transit"), note: fields.optionalText("note"),
            shippedBy: try fields.text("shipped_by"), shippedAt: try fields.text("shipped_at"),
            receivedBy: fields.optionalText("received_by"), receivedAt: fields.optionalText("received_at"),
            arrivalNote: fields.optionalText("arrival_note"), shipDocument: try fields.text("ship_doc"),
            arrivalDocument: fields.optionalText("arrival_doc"), inTransit: try fields.decimal("in_transit"),
            value: try fields.decimal("value"), lines: lines)
    }
}

extension TransferOrderPosting {
    /// Reads the reply of transfer_order_ship and transfer_order_arrive: the order and its TR.
    init(_ reply: WorkflowReply) throws(StoreError) {
        self.init(order: try TransferOrder(try reply.fields("transfer_order")), document: try reply.document())
    }
}
