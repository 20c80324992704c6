/// Everything that can go wrong talking to PostgreSQL, sorted by what a caller can do about it.
public enum PostgresError: Error, Sendable, CustomStringConvertible {
    /// The server cannot be reached or the connection broke. Whether the last statement ran is
    /// unknown only when it was a COMMIT; callers answer 503 and the client retries with its ref.
    case unavailable(String)
    /// The server ran the statement and refused it.
    case server(ServerError)
    /// Every pooled connection is busy and the wait queue is full or timed out.
    case busy(String)
    /// The server ended this session (administrator command, shutdown) and said so: the
    /// statement in flight did not commit, so the work may run again on a new connection.
    case terminated(String)

    public var description: String {
        switch self {
        case .unavailable(let text): "database unavailable: \(text)"
        case .server(let error): "\(error.sqlState): \(error.message)"
        case .busy(let text): "database busy: \(text)"
        case .terminated(let text): "database session ended: \(text)"
        }
    }
}

/// A server-side error with its SQLSTATE, kept whole so callers can map it to a reply code.
public struct ServerError: Error, Sendable, CustomStringConvertible {
    public var sqlState: String
    public var message: String
    public var detail: String?
    public var constraint: String?

    public init(sqlState: String, message: String, detail: String? = nil, constraint: String? = nil) {
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
        self.constraint = constraint
    }

    /// The two-character SQLSTATE class, e.g. "23" for integrity violations.
    public var sqlClass: Substring { sqlState.prefix(2) }

    /// Deadlocks and serialization failures: the transaction may simply be run again.
    public var isRetryable: Bool { sqlState == "40001" || sqlState == "40P01" }

    public var description: String { "\(sqlState): \(message)" }
}
