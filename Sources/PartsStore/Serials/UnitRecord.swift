import PartsDomain

/// One unit of a serialised part as `unit show` prints it: where it is, its condition and
/// owner, the order it is on, the unit it replaced or that replaced it, and every document
/// that moved it, newest first.
public struct UnitRecord: Sendable {
    /// A document that moved the unit, and where it was right after.
    public struct Move: Sendable {
        public var docNo: String
        public var type: String
        public var title: String
        public var postedAt: String
        public var location: String
        public var toLocation: String?
        public var counterparty: String?
        public var place: String
        public var condition: String
    }

    /// A repair order or an exchange the unit was on, and as what: the unit repaired or its
    /// replacement, the unit given out or the core taken back.
    public struct Order: Sendable {
        public var number: String
        public var kind: String
        public var state: String
        public var role: String
        public var at: String
    }

    public var partNo: String
    public var description: String
    public var serial: String
    /// site, customer, or vendor (a unit a vendor kept when it replaced it).
    public var owner: String
    public var ownerName: String?
    public var place: UnitPlace
    public var location: String?
    public var vendor: String?
    public var holder: String?
    public var condition: UnitCondition
    /// Where it is, in words: "at MAIN, serviceable", "at vendor BOSCH on RO-2026-000003".
    public var whereabouts: String
    public var openDocument: String?
    public var replaces: String?
    public var replacedBy: String?
    public var createdAt: String
    public var movedAt: String
    public var orders: [Order]
    public var history: [Move]
}

extension UnitRecord {
    /// Reads unit_json.
    init(_ fields: JSONFields) throws(StoreError) {
        guard let place = UnitPlace(rawValue: try fields.text("place")),
              let condition = UnitCondition(rawValue: try fields.text("condition")) else {
            throw .bug("unit JSON with an unknown place or condition")
        }
        var orders: [Order] = []
        for order in fields.objects("orders", "unit order") {
            orders.append(Order(number: try order.text("number"), kind: try order.text("kind"), state: try order.text("state"),
                                role: try order.text("role"), at: try order.text("at")))
        }
        var history: [Move] = []
        for move in fields.objects("history", "unit history") {
            history.append(Move(docNo: try move.text("doc_no"), type: try move.text("type"), title: try move.text("title"),
                                postedAt: try move.text("posted_at"), location: try move.text("location"),
                                toLocation: move.optionalText("to_location"), counterparty: move.optionalText("counterparty"),
                                place: try move.text("place"), condition: try move.text("condition")))
        }
        self.init(partNo: try fields.text("part_no"), description: try fields.text("description"), serial: try fields.text("serial"),
                  owner: try fields.text("owner"), ownerName: fields.optionalText("owner_name"), place: place,
                  location: fields.optionalText("location"), vendor: fields.optionalText("vendor"),
                  holder: fields.optionalText("holder"), condition: condition, whereabouts: try fields.text("where"),
                  openDocument: fields.optionalText("open_document"), replaces: fields.optionalText("replaces"),
                  replacedBy: fields.optionalText("replaced_by"), createdAt: try fields.text("created_at"),
                  movedAt: try fields.text("moved_at"), orders: orders, history: history)
    }
}
