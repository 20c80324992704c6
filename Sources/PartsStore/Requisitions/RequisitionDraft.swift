/// A requisition as the clerk typed it, checked for shape but not yet stored.
public struct RequisitionDraft: Sendable {
    public var location: String
    public var requester: String?
    public var purpose: String?
    public var neededBy: String?
    /// Part and quantity asked for; unit costs are not taken.
    public var lines: [StockDocumentDraft.Line]

    public init(location: String, requester: String?, purpose: String?, neededBy: String?, lines: [StockDocumentDraft.Line]) {
        self.location = location
        self.requester = requester
        self.purpose = purpose
        self.neededBy = neededBy
        self.lines = lines
    }
}
