import PartsDomain

/// A purchase order as the manager typed it, checked for shape but not yet stored.
public struct PurchaseOrderDraft: Sendable {
    public struct Line: Sendable, Equatable {
        public var partNo: String
        public var quantity: ExactDecimal
        /// nil: the part's standard cost.
        public var price: ExactDecimal?

        public init(partNo: String, quantity: ExactDecimal, price: ExactDecimal?) {
            self.partNo = partNo
            self.quantity = quantity
            self.price = price
        }
    }

    public var supplier: String
    public var lines: [Line]
    /// Where the goods will be received; nil: the only warehouse.
    public var location: String?
    /// nil: today plus the supplier's lead days, when it has them.
    public var expected: String?
    public var forRequisition: String?

    public init(supplier: String, lines: [Line], location: String?, expected: String?, forRequisition: String?) {
        self.supplier = supplier
        self.lines = lines
        self.location = location
        self.expected = expected
        self.forRequisition = forRequisition
    }
}
