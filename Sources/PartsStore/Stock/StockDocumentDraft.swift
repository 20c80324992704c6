import PartsDomain

/// A stock document as a clerk typed it, checked for shape but not yet posted.
public struct StockDocumentDraft: Sendable {
    public enum Kind: String, Sendable {
        case receipt = "GR", issue = "GI", transfer = "TR", adjustment = "AD"
        /// Unused parts back from a goods issue (退料).
        case returnToStock = "RT"
    }

    public struct Line: Sendable, Equatable {
        public var partNo: String
        /// Counted quantity for adjustments, else the quantity moved.
        public var quantity: ExactDecimal
        public var unitCost: ExactDecimal?
        /// One unit of a serialised part (`<part_no>#<serial>`, quantity 1).
        public var serial: String?

        public init(partNo: String, quantity: ExactDecimal, unitCost: ExactDecimal? = nil, serial: String? = nil) {
            self.partNo = partNo
            self.quantity = quantity
            self.unitCost = unitCost
            self.serial = serial
        }
    }

    public var kind: Kind
    public var location: String
    public var toLocation: String?
    public var counterparty: String?
    public var note: String?
    public var reason: String?
    public var lines: [Line]

    public init(kind: Kind, location: String, toLocation: String? = nil, counterparty: String? = nil,
                note: String? = nil, reason: String? = nil, lines: [Line]) {
        self.kind = kind
        self.location = location
        self.toLocation = toLocation
        self.counterparty = counterparty
        self.note = note
        self.reason = reason
        self.lines = lines
    }
}
