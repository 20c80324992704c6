/// A posted stock document as it is printed and listed: the receipt's content.
public struct PostedDocument: Sendable, Equatable {
    public struct Line: Sendable, Equatable {
        public var lineNo: Int
        public var partNo: String
        public var description: String
        /// Signed on adjustments: counted minus book quantity.
        public var quantity: ExactDecimal
        /// Adjustments only: what was counted.
        public var counted: ExactDecimal?
        public var unit: String
        public var unitCost: ExactDecimal
        public var value: ExactDecimal
        /// The unit a line of a serialised part moved.
        public var serial: String?

        public init(lineNo: Int, partNo: String, description: String, quantity: ExactDecimal, counted: ExactDecimal?,
                    unit: String, unitCost: ExactDecimal, value: ExactDecimal, serial: String? = nil) {
            self.lineNo = lineNo
            self.partNo = partNo
            self.description = description
            self.quantity = quantity
            self.counted = counted
            self.unit = unit
            self.unitCost = unitCost
            self.value = value
            self.serial = serial
        }

    }

    public var docNo: String
    public var type: String
    public var title: String
    public var titleZh: String
    public var date: String
    public var postedAt: String
    public var location: String
    public var locationName: String
    public var toLocation: String?
    public var toLocationName: String?
    public var counterparty: String?
    public var note: String?
    public var reason: String?
    public var clerk: String
    public var ref: String?
    public var lines: [Line]
    public var total: ExactDecimal
    /// True when this is the stored outcome of an earlier request with the same ref.
    public var replayed: Bool?

    public init(docNo: String, type: String, title: String, titleZh: String, date: String, postedAt: String,
                location: String, locationName: String, toLocation: String?, toLocationName: String?,
                counterparty: String?, note: String?, reason: String?, clerk: String, ref: String?,
                lines: [Line], total: ExactDecimal, replayed: Bool?) {
        self.docNo = docNo
        self.type = type
        self.title = title
        self.titleZh = titleZh
        self.date = date
        self.postedAt = postedAt
        self.location = location
        self.locationName = locationName
        self.toLocation = toLocation
        self.toLocationName = toLocationName
        self.counterparty = counterparty
        self.note = note
        self.reason = reason
        self.clerk = clerk
        self.ref = ref
        self.lines = lines
        self.total = total
        self.replayed = replayed
    }

}
