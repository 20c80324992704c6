import PartsDomain

/// A part's master data with its stock summed over all locations.
public struct PartRecord: Sendable, Equatable {
    public var partNo: String
    public var description: String
    public var unit: String
    public var cost: ExactDecimal
    public var category: String?
    public var pack: ExactDecimal
    public var leadDays: Int?
    public var supplier: String?
    public var onHand: ExactDecimal
    public var available: ExactDecimal
    /// Its makers always want it back from a warranty claim, whatever their rule says.
    public var warrantyReturn: Bool
    /// Each unit has a serial and is named on every document (`<part_no>#<serial>`).
    public var serialized: Bool
    /// The part's own fill-rate target; nil: its ABC class's.
    public var fillRate: ExactDecimal? = nil
}

/// A change to a setting that may also go back to what it inherits.
public enum Override<Value: Sendable & Equatable>: Sendable, Equatable {
    case value(Value)
    case inherited
}

/// Master data a manager may set on a part; nil leaves a field as it is.
public struct PartChanges: Sendable, Equatable {
    public var description: String?
    public var unit: String?
    public var cost: ExactDecimal?
    public var category: String?
    public var pack: ExactDecimal?
    public var leadDays: Int?
    public var supplier: String?
    public var warrantyReturn: Bool?
    /// May change only while the part has no stock.
    public var serialized: Bool?
    public var fillRate: Override<ExactDecimal>?

    public init(description: String? = nil, unit: String? = nil, cost: ExactDecimal? = nil, category: String? = nil,
                pack: ExactDecimal? = nil, leadDays: Int? = nil, supplier: String? = nil, warrantyReturn: Bool? = nil,
                serialized: Bool? = nil, fillRate: Override<ExactDecimal>? = nil) {
        self.description = description
        self.unit = unit
        self.cost = cost
        self.category = category
        self.pack = pack
        self.leadDays = leadDays
        self.supplier = supplier
        self.warrantyReturn = warrantyReturn
        self.serialized = serialized
        self.fillRate = fillRate
    }
}

extension WorkflowInput {
    /// The fields a part add or set names; those left nil stay out of the request.
    mutating func set(_ changes: PartChanges) {
        set("description", changes.description)
        set("unit", changes.unit)
        set("cost", changes.cost)
        set("category", changes.category)
        set("pack", changes.pack)
        set("lead_days", changes.leadDays)
        set("supplier", changes.supplier)
        if let flag = changes.warrantyReturn { set("warranty_return", flag) }
        if let serialized = changes.serialized { set("serialized", serialized) }
        switch changes.fillRate {
        case .value(let rate): set("fill_rate", rate)
        case .inherited: setNull("fill_rate")
        case nil: break
        }
    }
}
