import PartsDomain

/// A repair order (返修单) as `repair show` and every repair step answer with it: the unit or
/// quantity, the vendor, each step with who and when, the on-hold overlay, the quote, the
/// outcome and its cost, and the two documents posted for it.
public struct RepairOrder: Sendable {
    public struct Event: Sendable {
        public var at: String
        public var from: String?
        public var to: String
        public var by: String
        public var note: String?
    }

    public struct Hold: Sendable {
        public var heldAt: String
        public var heldBy: String
        public var reason: String
        public var resumedAt: String?
        public var resumedBy: String?
    }

    public var roNo: String
    public var state: RepairOrderState
    public var partNo: String
    public var description: String
    public var unit: String
    /// nil for a quantity of an unserialised part.
    public var serial: String?
    public var quantity: ExactDecimal
    /// Where it was shipped from.
    public var location: String
    public var vendor: String
    public var vendorName: String
    public var origin: String
    public var customer: String?
    public var fault: String
    public var promised: String?
    public var vendorRMA: String?
    /// The stock value that left with it.
    public var valueOut: ExactDecimal
    public var quote: ExactDecimal?
    /// The part's price times the quantity: what a quote is compared with.
    public var price: ExactDecimal
    public var beyondRepair: Bool
    public var decision: String?
    public var outcome: String?
    public var cost: ExactDecimal?
    public var returnLocation: String?
    public var replacementSerial: String?
    public var shippedAt: String
    public var shippedBy: String
    public var acknowledgedAt: String?
    public var quotedAt: String?
    public var decidedAt: String?
    public var decidedBy: String?
    public var sentBackOn: String?
    public var returnedAt: String?
    public var returnedBy: String?
    public var dispatchDocument: String
    public var returnDocument: String?
    /// The reason of the open hold, if the order is on hold.
    public var onHold: String?
    public var holdDays: Int
    public var daysAtVendor: Int
    /// Days past the promised date (the promise moved back by the days on hold); nil when
    /// returned or nothing was promised.
    public var lateDays: Int?
    public var events: [Event]
    public var holds: [Hold]
}

/// A repair step's outcome: the order after it, the document it posted (shipment, return),
/// and its message.
public struct RepairPosting: Sendable {
    public var order: RepairOrder
    public var document: PostedDocument?
    public var message: String
    public var replayed: Bool
}

extension RepairOrder {
    /// Reads repair_order_json.
    init(_ fields: JSONFields) throws(StoreError) {
        guard let state = RepairOrderState(rawValue: try fields.text("state")) else { throw .bug("repair order in an unknown state") }
        var events: [Event] = []
        for event in fields.objects("events", "repair event") {
            events.append(Event(at: try event.text("at"), from: event.optionalText("from"), to: try event.text("to"),
                                by: try event.text("by"), note: event.optionalText("note")))
        }
        var holds: [Hold] = []
        for hold in fields.objects("holds", "repair hold") {
            holds.append(Hold(heldAt: try hold.text("held_at"), heldBy: try hold.text("held_by"), reason: try hold.text("reason"),
                              resumedAt: hold.optionalText("resumed_at"), resumedBy: hold.optionalText("resumed_by")))
        }
        self.init(
            roNo: try fields.text("ro_no"), state: state, partNo: try fields.text("part_no"),
            description: try fields.text("description"), unit: try fields.text("unit"), serial: fields.optionalText("serial"),
            quantity: try fields.decimal("quantity"), location: try fields.text("location"), vendor: try fields.text("vendor"),
            vendorName: try fields.text("vendor_name"), origin: try fields.text("origin"), customer: fields.optionalText("customer"),
            fault: try fields.text("fault"), promised: fields.optionalText("promised"), vendorRMA: fields.optionalText("vendor_rma"),
            valueOut: try fields.decimal("value_out"), quote: try fields.optionalDecimal("quote"), price: try fields.decimal("price"),
            beyondRepair: try fields.bool("beyond_repair"), decision: fields.optionalText("decision"),
            outcome: fields.optionalText("outcome"), cost: try fields.optionalDecimal("cost"),
            returnLocation: fields.optionalText("return_location"), replacementSerial: fields.optionalText("replacement_serial"),
            shippedAt: try fields.text("shipped_at"), shippedBy: try fields.text("shipped_by"),
            acknowledgedAt: fields.optionalText("acknowledged_at"), quotedAt: fields.optionalText("quoted_at"),
            decidedAt: fields.optionalText("decided_at"), decidedBy: fields.optionalText("decided_by"),
            sentBackOn: fields.optionalText("sent_back_on"), returnedAt: fields.optionalText("returned_at"),
            returnedBy: fields.optionalText("returned_by"), dispatchDocument: try fields.text("dispatch_doc"),
            returnDocument: fields.optionalText("return_doc"), onHold: fields.optionalText("on_hold"),
            holdDays: try fields.int("hold_days"), daysAtVendor: try fields.int("days_at_vendor"),
            lateDays: try fields.optionalInt("late_days"), events: events, holds: holds)
    }
}

extension RepairPosting {
    /// Reads the reply of a repair workflow.
    init(_ reply: WorkflowReply) throws(StoreError) {
        self.init(order: try RepairOrder(try reply.fields("repair_order")), document: try reply.optionalDocument(),
                  message: reply.message, replayed: reply.replayed)
    }
}
