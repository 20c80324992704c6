import PartsDomain

/// What a workflow function answered: the reply code, the number of what it made or changed,
/// the message, and its own fields; `replayed` when it is the stored first reply of a ref.
public struct WorkflowReply: Sendable {
    public let code: Int
    public let key: String?
    public let message: String
    public let replayed: Bool
    let fields: JSONValue

    init(json: JSONValue) throws(StoreError) {
        guard let codeText = json["code"]?.string, let code = Int(codeText) else { throw .bug("a workflow reply without a code") }
        self.code = code
        key = json["key"]?.string
        message = json["message"]?.string ?? ""
        if case .bool(true) = json["replayed"] { replayed = true } else { replayed = false }
        fields = json
    }

    init(parsing text: String) throws(StoreError) {
        let json: JSONValue
        do { json = try JSONValue.parse(text) } catch { throw .bug("an unreadable workflow reply") }
        try self.init(json: json)
    }

    subscript(field: String) -> JSONValue? { fields[field] }

    /// The posted document the reply carries under `field`.
    func document(_ field: String = "document") throws(StoreError) -> PostedDocument {
        guard let json = fields[field] else { throw .bug("the reply carries no \(field)") }
        var document = try PostedDocument(json: json)
        document.replayed = replayed
        return document
    }

    /// The reply as a code and a message line.
    public var outcome: MutationOutcome { MutationOutcome(code: code, message: message, replayed: replayed) }
}

/// The outcome of a command that changes data without printing a document: a reply code and
/// its message line, identical when a ref replays it.
public struct MutationOutcome: Sendable, Equatable {
    public var code: Int
    public var message: String
    public var replayed: Bool

    public init(code: Int, message: String, replayed: Bool = false) {
        self.code = code
        self.message = message
        self.replayed = replayed
    }
}
