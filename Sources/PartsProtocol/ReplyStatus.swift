/// The protocol's reply codes and the stable words scripts switch on.
public enum ReplyStatus: Int, Sendable, CaseIterable {
    case ok = 200
    case created = 201
    case accepted = 202
    case badRequest = 400
    case forbidden = 403
    case notFound = 404
    case conflict = 409
    case tooLong = 413
    case invalid = 422
    case busy = 429
    case internalError = 500
    case unavailable = 503

    public var word: String {
        switch self {
        case .ok: "OK"
        case .created: "CREATED"
        case .accepted: "ACCEPTED"
        case .badRequest: "BAD_REQUEST"
        case .forbidden: "FORBIDDEN"
        case .notFound: "NOT_FOUND"
        case .conflict: "CONFLICT"
        case .tooLong: "TOO_LONG"
        case .invalid: "INVALID"
        case .busy: "BUSY"
        case .internalError: "INTERNAL"
        case .unavailable: "UNAVAILABLE"
        }
    }

    public var isError: Bool { rawValue >= 400 }
}
