import Foundation
import PostgresClient

/// What went wrong in a store call, sorted the way the protocol's reply codes are.
public enum StoreError: Error, Sendable, Equatable {
    case notFound(String)
    /// The peer's role may not do this to this object (an approval above the role's limit).
    case forbidden(String)
    case conflict(String)
    case invalid(String)
    case unavailable(String)
    case busy(String)
    case internalError(String)
    /// Another request with the same ref committed first; running again replays it.
    case duplicateRef

    public var message: String {
        switch self {
        case .duplicateRef: "the same ref is being used by another request"
        case .notFound(let text), .forbidden(let text), .conflict(let text), .invalid(let text), .unavailable(let text),
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
        case .unavailable(let text), .terminated(let text):
            self = .unavailable("database unavailable, nothing was changed: \(text)")
        case .busy(let text): self = .busy(text)
        case .server(let server): self = Self.map(server)
        }
    }

    /// Maps an error the server reported for one statement or one batch item.
    public init(server error: ServerError) {
        switch error.sqlState {
        case "08000": self = .unavailable("database unavailable, nothing was changed: \(error.message)")
        case "53300": self = .busy(error.message)
        default: self = Self.map(error)
        }
    }

    /// "Key (part_no)=(P-1) already exists." → "P-1 already exists".
    private static func duplicateKey(_ detail: String?) -> String? {
        guard let detail, let open = detail.range(of: ")=("), let close = detail.range(of: ") already exists") else { return nil }
        return "\(detail[open.upperBound..<close.lowerBound]) already exists"
    }

    private static func map(_ error: ServerError) -> StoreError {
        switch error.sqlState {
        case "PS403": return .forbidden(error.message)
        case "PS404": return .notFound(error.message)
        case "PS409": return .conflict(error.message)
        case "PS422": return .invalid(error.message)
        case "23505":
            if error.constraint == "client_request_pkey" { return .duplicateRef }
            return .conflict(duplicateKey(error.detail) ?? error.message)
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
