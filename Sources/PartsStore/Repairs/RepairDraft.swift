import PartsDomain

/// Where a unit sent to repair comes from, which says whose it is: ours (stock, a core from
/// an exchange, a unit under its warranty) or a customer's, which is never our stock.
public enum RepairOrigin: String, Sendable, CaseIterable {
    case stock, customer, exchange, warranty
}

/// What the vendor did with it.
public enum RepairOutcome: String, Sendable, CaseIterable {
    case repaired, unrepaired, replaced, scrapped
}

/// A repair order as the clerk typed it, checked for shape only.
public struct RepairDraft: Sendable {
    public var location: String
    public var partNo: String
    /// The unit of a serialised part; nil for a quantity of an unserialised one.
    public var serial: String?
    public var quantity: ExactDecimal
    public var vendor: String
    public var fault: String
    public var promised: String?
    public var origin: RepairOrigin
    public var customer: String?
    public var vendorRMA: String?

    public init(location: String, partNo: String, serial: String?, quantity: ExactDecimal, vendor: String, fault: String,
                promised: String?, origin: RepairOrigin, customer: String?, vendorRMA: String?) {
        self.location = location
        self.partNo = partNo
        self.serial = serial
        self.quantity = quantity
        self.vendor = vendor
        self.fault = fault
        self.promised = promised
        self.origin = origin
        self.customer = customer
        self.vendorRMA = vendorRMA
    }
}

/// What comes back on `repair return`.
public struct RepairReturn: Sendable {
    public var roNo: String
    public var outcome: RepairOutcome
    /// The replacement unit's serial (outcome replaced).
    public var serial: String?
    public var cost: ExactDecimal?
    public var location: String?
    /// The day the vendor sent it back.
    public var sent: String?
    public var note: String?

    public init(roNo: String, outcome: RepairOutcome, serial: String?, cost: ExactDecimal?, location: String?, sent: String?,
                note: String?) {
        self.roNo = roNo
        self.outcome = outcome
        self.serial = serial
        self.cost = cost
        self.location = location
        self.sent = sent
        self.note = note
    }
}
