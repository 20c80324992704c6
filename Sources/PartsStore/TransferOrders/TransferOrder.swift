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
    init(json: JSONValue) throws(StoreError) {
        func text(_ value: JSONValue?, _ key: String) throws(StoreError) -> String {
            guard let string = value?[key]?.string else { throw .bug("transfer order JSON lacks \(key)") }
            return string
        }
        func decimal(_ value: JSONValue?, _ key: String) throws(StoreError) -> ExactDecimal {
            guard let number = ExactDecimal(try text(value, key)) else { throw .bug("transfer order \(key) is not a decimal") }
            return number
        }
        func optionalDecimal(_ value: JSONValue?, _ key: String) -> ExactDecimal? {
            value?[key]?.string.flatMap { ExactDecimal($0) }
        }
        var lines: [Line] = []
        for line in json["lines"]?.array ?? [] {
            guard let lineNo = Int(try text(line, "line_no")) else { throw .bug("transfer order line_no is not a number") }
            lines.append(Line(
                lineNo: lineNo, partNo: try text(line, "part_no"), description: try text(line, "description"),
                unit: try text(line, "unit"), shipped: try decimal(line, "shipped"),
                received: optionalDecimal(line, "received"), discrepancy: optionalDecimal(line, "discrepancy"),
                inTransit: try decimal(line, "in_transit"), unitCost: try decimal(line, "unit_cost")))
        }
        self.init(
            toNo: try text(json, "to_no"), state: try text(json, "state"), from: try text(json, "from"),
            to: try text(json, "to"), transit: try text(json, "transit"), note: json["note"]?.string,
            shippedBy: try text(json, "shipped_by"), shippedAt: try text(json, "shipped_at"),
            receivedBy: json["received_by"]?.string, receivedAt: json["received_at"]?.string,
            arrivalNote: json["arrival_note"]?.string, shipDocument: try text(json, "ship_doc"),
            arrivalDocument: json["arrival_doc"]?.string, inTransit: try decimal(json, "in_transit"),
            value: try decimal(json, "value"), lines: lines)
    }

    /// Reads transfer_order_json as text, the way a query returns it.
    init(text: String) throws(StoreError) {
        let value: JSONValue
        do { value = try JSONValue.parse(text) } catch { throw .bug("unreadable transfer order from the database") }
        try self.init(json: value)
    }
}

extension TransferOrderPosting {
    /// Reads the reply of transfer_order_ship and transfer_order_arrive: the order and its TR.
    init(_ reply: WorkflowReply) throws(StoreError) {
        guard let order = reply["transfer_order"] else { throw .bug("a transfer order reply without its order") }
        self.init(order: try TransferOrder(json: order), document: try reply.document())
    }
}
