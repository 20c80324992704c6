import Glibc

/// What can go wrong talking to the admin socket. Reply codes (4xx, 5xx) are not errors:
/// they come back as a `Reply`.
public enum AdminClientError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The socket path does not fit in `sockaddr_un` (at most 107 bytes).
    case socketPathTooLong(path: String)
    /// `socket()` or `connect()` failed, e.g. ENOENT (no such socket) or ECONNREFUSED (no daemon).
    case connectFailed(path: String, errno: Int32)
    /// No byte arrived (or could be sent) within the timeout.
    case timedOut(seconds: Double)
    /// The peer closed the connection between replies (after `quit`, or when it refused us).
    case closedByPeer
    /// The peer closed the connection in the middle of a reply; `partial` holds what came.
    case closedMidReply(partial: [String])
    /// A line that does not follow the reply grammar.
    case malformedReply(line: String, reason: String)
    /// A request line must be one line: it may not contain LF or CR.
    case invalidRequest(reason: String)
    /// A reply line longer than the client accepts.
    case replyLineTooLong(limit: Int)
    /// read/write failed with an errno other than a timeout.
    case ioFailed(operation: String, errno: Int32)
    /// The connection was closed by `close()`.
    case connectionClosed

    public var description: String {
        switch self {
        case .socketPathTooLong(let path):
            return "socket path is longer than 107 bytes: \(path)"
        case .connectFailed(let path, let code):
            return "cannot connect to \(path): \(errnoText(code))"
        case .timedOut(let seconds):
            return "timed out after \(seconds) s waiting for the daemon"
        case .closedByPeer:
            return "the daemon closed the connection"
        case .closedMidReply(let partial):
            return "the daemon closed the connection in the middle of a reply (after \(partial.count) line(s))"
        case .malformedReply(let line, let reason):
            return "malformed reply line (\(reason)): \(line.prefix(200))"
        case .invalidRequest(let reason):
            return "invalid request: \(reason)"
        case .replyLineTooLong(let limit):
            return "a reply line is longer than \(limit) bytes"
        case .ioFailed(let operation, let code):
            return "\(operation) failed: \(errnoText(code))"
        case .connectionClosed:
            return "the connection is closed"
        }
    }
}

func errnoText(_ code: Int32) -> String {
    guard let text = strerror(code) else { return "errno \(code)" }
    return String(cString: text)
}
