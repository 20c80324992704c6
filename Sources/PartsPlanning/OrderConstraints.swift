/// What the supplier accepts for one part: a minimum order quantity and a pack multiple.
public struct OrderConstraints: Sendable, Equatable {
    /// Smallest quantity the supplier ships, ≥ 0 (0: no minimum).
    public let minimum: Double
    /// Orders are whole multiples of this, > 0 (1: whole units).
    public let packMultiple: Double

    /// Throws naming `minimumOrder` or `packMultiple` when out of range.
    public init(minimum: Double = 0, packMultiple: Double = 1) throws(PlanningError) {
        try Check.nonNegative(minimum, "minimumOrder")
        try Check.positive(packMultiple, "packMultiple")
        self.minimum = minimum
        self.packMultiple = packMultiple
    }

    /// Whole units, no minimum.
    public static let units = try! OrderConstraints()

    /// `quantity` raised to at least the minimum and then up to the next pack multiple.
    /// Nothing (≤ 1e-9, i.e. zero up to floating-point noise) stays 0: a minimum applies to
    /// an order, not to the absence of one.
    ///
    /// Quantities within 1e-9 of a multiple count as that multiple, so floating-point noise
    /// (2.0000000000000004 packs) does not buy an extra pack.
    public func roundUp(_ quantity: Double) -> Double {
        guard quantity > 1e-9, quantity.isFinite else { return 0 }
        let wanted = max(quantity, minimum)
        let packs = wanted / packMultiple
        let nearest = packs.rounded()
        let whole = (packs - nearest).magnitude <= 1e-9 * max(1, nearest) ? nearest : packs.rounded(.up)
        return max(1, whole) * packMultiple
    }
}

/// The stock that counts for reordering.
///
/// Inventory position = on hand + on order − reserved − back-ordered: what will be free to
/// issue once everything ordered has arrived and every promise is kept. Reordering on on-hand
/// alone would order again what is already on its way (the "same part ordered twice" users
/// complain about).
public struct StockPosition: Sendable, Equatable {
    public let onHand: Double
    public let onOrder: Double
    public let reserved: Double
    public let backOrdered: Double

    public init(onHand: Double = 0, onOrder: Double = 0, reserved: Double = 0, backOrdered: Double = 0) {
        self.onHand = onHand
        self.onOrder = onOrder
        self.reserved = reserved
        self.backOrdered = backOrdered
    }

    /// on hand + on order − reserved − back-ordered.
    public var inventoryPosition: Double { onHand + onOrder - reserved - backOrdered }
}

/// How much one order should bring.
///
/// EOQ = √(2·D·K / h) (D annual demand, K cost per order, h holding cost per unit per year)
/// balances ordering against holding cost when both are known; otherwise an order covers the
/// demand of the review period (forecast × review periods). Either is then rounded up to the
/// supplier's minimum and pack multiple.
public struct OrderQuantity: Sendable, Equatable {
    public enum Basis: String, Sendable, Codable {
        /// Economic order quantity.
        case eoq
        /// Forecast × review periods.
        case reviewPeriod
    }

    public let basis: Basis
    /// Before rounding to minimum and pack.
    public let unrounded: Double
    /// After rounding.
    public let quantity: Double

    /// √(2·D·K / h); `nil` unless D ≥ 0, K ≥ 0 and h > 0 (all finite).
    public static func eoq(annualDemand: Double, orderingCost: Double, holdingCostPerUnitYear: Double) -> Double? {
        guard annualDemand.isFinite, orderingCost.isFinite, holdingCostPerUnitYear.isFinite,
            annualDemand >= 0, orderingCost >= 0, holdingCostPerUnitYear > 0
        else { return nil }
        return (2 * annualDemand * orderingCost / holdingCostPerUnitYear).squareRoot()
    }

    /// - Parameters:
    ///   - demandPerPeriod: the forecast.
    ///   - periodsPerYear: to annualise the forecast for EOQ.
    ///   - reviewPeriods: periods one order covers when EOQ is not possible.
    ///   - orderingCost, holdingCostPerUnitYear: EOQ is used when both are given and h > 0.
    public init(
        demandPerPeriod: Double, periodsPerYear: Double, reviewPeriods: Double,
        orderingCost: Double?, holdingCostPerUnitYear: Double?, constraints: OrderConstraints
    ) {
        if let orderingCost, let holdingCostPerUnitYear,
            let eoq = OrderQuantity.eoq(
                annualDemand: demandPerPeriod * periodsPerYear, orderingCost: orderingCost,
                holdingCostPerUnitYear: holdingCostPerUnitYear)
        {
            basis = .eoq
            unrounded = eoq
        } else {
            basis = .reviewPeriod
            unrounded = demandPerPeriod * reviewPeriods
        }
        quantity = constraints.roundUp(unrounded)
    }
}

/// The reorder decision for one part: order up to the order-up-to level when the position has
/// fallen to the reorder point, unless ordering is withheld (an obsolete part: the levels are
/// still worked out, so a person sees what the maths would have ordered, but none is ordered).
public struct Replenishment: Sendable, Equatable {
    public let reorderPoint: Double
    /// Reorder point + order quantity.
    public let orderUpTo: Double
    public let inventoryPosition: Double
    /// Whether the position is at or below the reorder point.
    public let triggered: Bool
    /// Order-up-to − position when triggered, else 0; before rounding.
    public let unroundedOrder: Double
    /// `unroundedOrder` rounded up to the pack multiple and at least the minimum (0 stays 0);
    /// 0 when withheld.
    public let suggestedOrder: Double
    /// Whether ordering was withheld whatever the position.
    public let withheld: Bool

    public init(reorderPoint: Double, orderQuantity: Double, stock: StockPosition, constraints: OrderConstraints,
                withheld: Bool = false) {
        self.reorderPoint = reorderPoint
        orderUpTo = reorderPoint + orderQuantity
        inventoryPosition = stock.inventoryPosition
        triggered = inventoryPosition <= reorderPoint
        unroundedOrder = triggered ? max(0, orderUpTo - inventoryPosition) : 0
        suggestedOrder = withheld ? 0 : constraints.roundUp(unroundedOrder)
        self.withheld = withheld
    }
}
