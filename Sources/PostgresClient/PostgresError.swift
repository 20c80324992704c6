/// Everything that can go wrong talking to PostgreSQL, sorted by what a caller can do about it.
public enum PostgresError: Error, Sendable, CustomStringConvertible {
    /// The server cannot be reached, the connection broke, or it reached a server that cannot
    /// take writes (a standby, a demoted primary). Whether the last statement ran is unknown
    /// only when it was a COMMIT; callers answer 503 and the client retries with its ref.
    case unavailable(String)
    /// The server ran the statement and refused it.
    case server(ServerError)
    /// Every pooled connection is busy and the wait queue is full or timed out.
    case busy(String)
    /// The server ended this session (administrator command, shutdown) and said so: the
    /// statement in flight did not commit, so the work may run again on a new connection.
    case terminated(String)
    /// A row did not have the shape the code reading it expects (a column missing, NULL where
    /// a value belongs, text that does not parse): a bug, named by its column.
    case decoding(String)

    public var description: String {
        switch self {
        case .unavailable(let text): "database unavailable: \(text)"
        case .server(let error): "\(error.sqlState): \(error.message)"
        case .busy(let text): "database busy: \(text)"
        case .terminated(let text): "database session ended: \(text)"
        case .decoding(let text): "unexpected row: \(text)"
        }
    }
}

/// A server-side error with its SQLSTATE, kept whole so callers can map it to a reply code,
/// and the statement that failed, for the log.
public struct ServerError: Error, Sendable, CustomStringConvertible {
    public var sqlState: SQLState
    public var message: String
    public var detail: String?
    public var constraint: String?
    /// The statement's text (its first line or so: enough to find it in the code).
    public var statement: String?

    public init(sqlState: SQLState, message: String, detail: String? = nil, constraint: String? = nil,
                statement: String? = nil) {
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
        self.constraint = constraint
        self.statement = statement
    }

    public var description: String {
        var text = "\(sqlState): \(message)"
        if let statement { text += " [in: \(statement)]" }
        return text
    }
}
