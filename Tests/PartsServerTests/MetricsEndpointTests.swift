import NIOHTTP1
@testable import PartsServer
import Testing

/// What `metrics.listen` accepts, and what the endpoint answers to which request, without a socket.
@Suite("metrics endpoint rules")
struct MetricsEndpointTests {
    @Test func listenAddressesParse() throws {
        #expect(try MetricsAddress(parsing: "") == nil)
        #expect(try MetricsAddress(parsing: "127.0.0.1:9187") == .tcp(host: "127.0.0.1", port: 9187))
        #expect(try MetricsAddress(parsing: "[::1]:9187") == .tcp(host: "::1", port: 9187))
        #expect(try MetricsAddress(parsing: "localhost:80") == .tcp(host: "localhost", port: 80))
        #expect(try MetricsAddress(parsing: "/run/partsd/metrics.sock") == .unix(path: "/run/partsd/metrics.sock"))
        #expect(try MetricsAddress(parsing: "[::1]:9187")?.description == "[::1]:9187")
        for bad in ["9187", "127.0.0.1", "127.0.0.1:0", "127.0.0.1:65536", ":9187", "::1:9187", "host:port", "/" + String(repeating: "a", count: 107)] {
            #expect(throws: ConfigurationProblem.self, "\(bad)") { try MetricsAddress(parsing: bad) }
        }
    }

    @Test func onlyGetMetricsIsServed() {
        #expect(MetricsRoute(method: .GET, uri: "/metrics") == .metrics)
        #expect(MetricsRoute(method: .GET, uri: "/metrics?name[]=x") == .metrics)
        #expect(MetricsRoute(method: .GET, uri: "/") == .notFound)
        #expect(MetricsRoute(method: .GET, uri: "/metrics/") == .notFound)
        #expect(MetricsRoute(method: .GET, uri: "/metricsx") == .notFound)
        #expect(MetricsRoute(method: .POST, uri: "/other") == .notFound)
        for method in [HTTPMethod.POST, .PUT, .DELETE, .HEAD, .OPTIONS, .PATCH] {
            #expect(MetricsRoute(method: method, uri: "/metrics") == .methodNotAllowed)
        }
    }
}
