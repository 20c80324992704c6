import NIOHTTP1

/// What the metrics endpoint answers to a request, decided from its method and path alone:
/// it serves `GET /metrics` and nothing else.
enum MetricsRoute: Equatable {
    case metrics
    case notFound
    case methodNotAllowed

    init(method: HTTPMethod, uri: String) {
        let path = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        if path != "/metrics" {
            self = .notFound
        } else if method != .GET {
            self = .methodNotAllowed
        } else {
            self = .metrics
        }
    }
}
