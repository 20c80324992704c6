/// Where `/metrics` is served (`metrics.listen`): a TCP address, `127.0.0.1:9187` or
/// `[::1]:9187`, or a Unix socket path, `/run/partsd/metrics.sock`.
public enum MetricsAddress: Sendable, Equatable, CustomStringConvertible {
    case tcp(host: String, port: Int)
    case unix(path: String)

    /// nil for an empty setting (metrics off); throws for a malformed one.
    public init?(parsing text: String) throws(ConfigurationProblem) {
        guard !text.isEmpty else { return nil }
        if text.hasPrefix("/") {
            guard text.utf8.count <= 107 else { throw ConfigurationProblem("metrics.listen: a Unix socket path is at most 107 bytes") }
            self = .unix(path: text)
            return
        }
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port) else {
            throw ConfigurationProblem("metrics.listen must be HOST:PORT (127.0.0.1:9187) or a Unix socket path, got \(text)")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, !host.contains(":") || text.hasPrefix("[") else {
            throw ConfigurationProblem("metrics.listen must name a host (an IPv6 address in brackets: [::1]:9187), got \(text)")
        }
        self = .tcp(host: host, port: port)
    }

    public var description: String {
        switch self {
        case .tcp(let host, let port): host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        case .unix(let path): path
        }
    }
}
