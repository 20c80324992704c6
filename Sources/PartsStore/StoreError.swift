import Foundation
import PostgresClient

/// What went wrong in a store call, sorted by what the caller can do about it. The session
/// turns each into its reply code in one place (see PartsServer's FailureReply).
public enum StoreError: Error, Sendable, Equatable {
    /// The request names something that does not exist: a part, a document, a requisition.
    case notFound(String)
    /// The peer's role may not do this to this object (an approval above the role's limit).
    case forbidden(String)
    /// The state forbids it: not enough stock, already approved, the same ref for other content.
    case conflict(String)
    /// Well-formed but wrong: a quantity its unit cannot have, a date in the past.
    case invalid(String)
    /// The database could not be reached, or gave up: nothing was changed, and the same
    /// request (with its ref) may be sent again.
    case unavailable(String)
    /// Too much at once (every database connection busy): try again shortly.
    case busy(String)
    /// A bug: the daemon and its database disagree about something. Logged, never the user's fault.
    case bug(String)

    public var message: String {
        switch self {
        case .notFound(let text), .forbidden(let text), .conflict(let text), .invalid(let text), .unavailable(let text),
             .busy(let text), .bug(let text):
            text
        }
    }

    /// Maps what PostgreSQL or the pool answered to what the caller can do about it.
    public init(_ error: any Error) {
        switch error {
        case let error as StoreError: self = error
        case let error as PostgresError: self.init(postgres: error)
        case is CancellationError: self = .unavailable("the request was cancelled; nothing was changed")
        default: self = .bug(String(describing: error))
        }
    }

    public init(postgres error: PostgresError) {
        switch error {
        case .unavailable(let text), .terminated(let text):
            self = .unavailable("database unavailable, nothing was changed: \(text)")
        case .busy(let text): self = .busy(text)
        case .server(let server): self.init(server: server)
        case .decoding(let text): self = .bug(text)
        }
    }

    /// Maps an error the server reported for one statement or one document of a batch. The
    /// schema raises its own refusals in SQLSTATE class PS with the reply code in the last
    /// three characters.
    public init(server error: ServerError) {
        switch error.sqlState {
        case .refusedForbidden: self = .forbidden(error.message)
        case .refusedNotFound: self = .notFound(error.message)
        case .refusedConflict: self = .conflict(error.message)
        case .refusedInvalid: self = .invalid(error.message)
        case .refusedBusy: self = .busy(error.message)
        case .uniqueViolation: self = .conflict(Self.duplicateKey(error.detail) ?? error.message)
        case .foreignKeyViolation: self = .notFound(error.detail ?? error.message)
        case .serializationFailure, .deadlockDetected: self = .conflict("a concurrent change got in the way; try again")
        case .queryCanceled: self = .unavailable("the database took too long; nothing was changed")
        case .checkViolation:
            // Only the stock balance constraints describe a state; the rest guard input.
            if error.constraint?.hasPrefix("stock_balance") == true || error.constraint == "reserved_within_on_hand" {
                self = .conflict("not enough stock (\(error.constraint ?? "check"))")
            } else {
                self = .invalid("value refused by rule \(error.constraint ?? "check"): \(error.message)")
            }
        default:
            if error.sqlState.sqlClass == "22" {
                self = .invalid(error.message)
            } else {
                self = .bug(error.description)
            }
        }
    }

    /// "Key (part_no)=(P-1) already exists." → "P-1 already exists".
    private static func duplicateKey(_ detail: String?) -> String? {
        guard let detail, let open = detail.range(of: ")=("), let close = detail.range(of: ") already exists") else { return nil }
        return "\(detail[open.upperBound..<close.lowerBound]) already exists"
    }
}
