import PostgresClient

/// What went wrong in a store call, sorted the way the protocol's reply codes are.
public enum StoreError: Error, Sendable, Equatable {
    case notFound(String)
    case conflict(String)
    case invalid(String)
    case unavailable(String)
    case busy(String)
    case internalError(String)

    public var message: String {
        switch self {
        case .notFound(let text), .conflict(let text), .invalid(let text), .unavailable(let text),
             .busy(let text), .internalError(let text):
            text
        }
    }

    /// Maps PostgreSQL's answer to what the client can do about it. The schema raises its own
    /// refusals in SQLSTATE class PS with the reply code in the last three characters.
    public init(_ error: any Error) {
        guard let error = error as? PostgresError else {
            self = error as? StoreError ?? .internalError(String(describing: error))
            return
        }
        switch error {
        case .unavailable(let text): self = .unavailable("database unavailable, nothing was changed: \(text)")
        case .busy(let text): self = .busy(text)
        case .server(let server): self = Self.map(server)
        }
    }

    private static func map(_ error: ServerError) -> StoreError {
        switch error.sqlState {
        case "PS404": return .notFound(error.message)
        case "PS409": return .conflict(error.message)
        case "PS422": return .invalid(error.message)
        case "23505": return .conflict(error.detail.map { "already exists: \($0)" } ?? error.message)
        case "23503": return .notFound(error.detail ?? error.message)
        case "40001", "40P01": return .conflict("a concurrent change got in the way; try again")
        case "57014": return .unavailable("the database took too long; nothing was changed")
        default:
            if error.sqlState == "23514" {
                // Only the stock balance constraints describe a state; the rest guard input.
                if error.constraint?.hasPrefix("stock_balance") == true || error.constraint == "reserved_within_on_hand" {
                    return .conflict("not enough stock (\(error.constraint ?? "check"))")
                }
                return .invalid("value refused by rule \(error.constraint ?? "check"): \(error.message)")
            }
            if error.sqlClass == "22" { return .invalid(error.message) }
            return .internalError("\(error.sqlState): \(error.message)")
        }
    }
}
