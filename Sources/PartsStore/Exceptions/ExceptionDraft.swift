import PartsDomain

/// An exception as the clerk typed it: one part of one document, checked for shape only.
public struct ExceptionDraft: Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        case damaged, wrong, short, over, count
    }

    public var docNo: String
    public var partNo: String
    public var quantity: ExactDecimal
    public var kind: Kind
    public var note: String?
    /// A quarantine location by code; nil lets the database choose (quarantine_location).
    public var quarantine: String?

    public init(docNo: String, partNo: String, quantity: ExactDecimal, kind: Kind, note: String? = nil, quarantine: String? = nil) {
        self.docNo = docNo
        self.partNo = partNo
        self.quantity = quantity
        self.kind = kind
        self.note = note
        self.quarantine = quarantine
    }
}

/// What a manager decides for an open exception.
public enum ExceptionAction: String, Sendable, CaseIterable {
    /// Back to the supplier: an RS document.
    case `return`
    /// Written off: an SC document.
    case scrap
    /// Into stock after all: a TR from quarantine back to where the parts belong.
    case accept
}
