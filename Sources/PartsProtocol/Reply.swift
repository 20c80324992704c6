import PartsDomain

/// One value in a reply. Text mode prints it; JSON mode keeps its type, and decimals stay
/// strings so no client ever sees a binary float.
public enum Value: Sendable, Equatable {
    case text(String)
    case decimal(ExactDecimal)
    /// Money shows at least two decimals in text mode.
    case money(ExactDecimal)
    case integer(Int)
    case bool(Bool)
    case null
    case list([Value])
    case object([(String, Value)])

    public static func == (lhs: Value, rhs: Value) -> Bool {
        JSON.encode(lhs) == JSON.encode(rhs)
    }

    public static func optional(_ text: String?) -> Value { text.map(Value.text) ?? .null }
}

/// A labelled value of a record block.
public struct Field: Sendable {
    /// snake_case: the JSON key, and (with spaces for underscores) the text label.
    public var key: String
    public var value: Value

    public init(_ key: String, _ value: Value) {
        self.key = key
        self.value = value
    }
}

/// Rows with named columns: an aligned table in text mode, an array of objects in JSON.
public struct Table: Sendable {
    public enum Alignment: Sendable { case left, right }

    public struct Column: Sendable {
        public var key: String
        public var title: String
        public var alignment: Alignment

        public init(_ key: String, _ title: String? = nil, _ alignment: Alignment = .left) {
            self.key = key
            self.title = title ?? key.replacingUnderscores.uppercased()
            self.alignment = alignment
        }
    }

    /// The JSON key the rows go under ("rows" unless a reply carries several tables).
    public var key: String
    public var columns: [Column]
    public var rows: [[Value]]

    public init(key: String = "rows", columns: [Column], rows: [[Value]] = []) {
        self.key = key
        self.columns = columns
        self.rows = rows
    }
}

/// The parts of a reply, in the order text mode prints them.
public enum Block: Sendable {
    /// Key-value lines in text; top-level fields in JSON.
    case record([Field])
    case table(Table)
    /// A printed receipt in text; `"document": {...}` in JSON.
    case document(PostedDocument)
    /// Free text lines for people; `"<key>": [lines]` in JSON.
    case lines(key: String, [String])
    /// A printed form (a tag, a return list, a list cut to 80 columns): its lines in text, its
    /// data as top-level fields in JSON.
    case form([String], [Field])
}

/// A complete reply: a status, data blocks, and the text of the last line.
public struct Reply: Sendable {
    public var status: ReplyStatus
    /// The word on the last line: the status's word unless a session command says otherwise
    /// (`200 PONG`, `200 BYE`).
    public var word: String
    public var message: String
    public var blocks: [Block]

    public init(_ status: ReplyStatus, _ message: String = "", word: String? = nil, blocks: [Block] = []) {
        self.status = status
        self.word = word ?? status.word
        self.message = message
        self.blocks = blocks
    }

    public static func error(_ status: ReplyStatus, _ message: String) -> Reply {
        Reply(status, message)
    }
}

extension String {
    var replacingUnderscores: String { String(map { $0 == "_" ? " " : $0 }) }
}
