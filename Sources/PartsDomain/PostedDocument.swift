/// A posted stock document as it is printed and listed: the receipt's content.
public struct PostedDocument: Sendable, Codable, Equatable {
    public struct Line: Sendable, Codable, Equatable {
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

        enum CodingKeys: String, CodingKey {
            case lineNo = "line_no", partNo = "part_no", description, quantity, counted, unit
            case unitCost = "unit_cost", value
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

    enum CodingKeys: String, CodingKey {
        case docNo = "doc_no", type, title, titleZh = "title_zh", date, postedAt = "posted_at"
        case location, locationName = "location_name", toLocation = "to_location"
        case toLocationName = "to_location_name", counterparty, note, reason, clerk, ref, lines, total, replayed
    }
}

extension ExactDecimal: Codable {
    /// Exact decimals travel as JSON strings, never as JSON numbers that a parser may turn
    /// into binary floating point.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = ExactDecimal(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a decimal: \(text)"))
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
