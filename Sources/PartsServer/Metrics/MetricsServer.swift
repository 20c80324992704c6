import Glibc
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle

/// Serves `GET /metrics` for Prometheus on `metrics.listen`, beside the admin socket.
///
/// HTTP/1.1 from NIOHTTP1, which swift-nio already brings: one endpoint with one method needs
/// a request decoder and a response encoder, not a web framework and its dependencies. Each
/// connection gets one answer and is closed; a request is bounded in size and in time.
struct MetricsServer: Service {
    let address: MetricsAddress
    let scrape: MetricsScrape
    let logger: Logger

    /// A scrape request is a few hundred bytes.
    static let maxRequestBytes = 8192
    /// A client that sends nothing for this long is closed.
    static let idleTimeout = TimeAmount.seconds(10)

    typealias Connection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

    func run() async throws {
        let initializer: @Sendable (any Channel) -> EventLoopFuture<Connection> = { channel in
            channel.eventLoop.makeCompletedFuture {
                let pipeline = channel.pipeline.syncOperations
                try pipeline.addHandler(IdleStateHandler(allTimeout: Self.idleTimeout))
                try pipeline.addHandler(CloseWhenIdle())
                try pipeline.addHandler(RequestSizeLimit(maxBytes: Self.maxRequestBytes))
                try pipeline.configureHTTPServerPipeline(withPipeliningAssistance: false, withErrorHandling: true)
                return try Connection(wrappingChannelSynchronously: channel)
            }
        }
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 16)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
        let server: NIOAsyncChannel<Connection, Never>
        switch address {
        case .tcp(let host, let port):
            server = try await bootstrap.bind(host: host, port: port, childChannelInitializer: initializer)
        case .unix(let path):
            server = try await bootstrap.bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true,
                                              childChannelInitializer: initializer)
        }
        logger.info("metrics endpoint ready", metadata: ["listen": "\(address)"])
        try await server.serveConnections { connection in await serve(connection) }
        if case .unix(let path) = address { unlink(path) }
        logger.info("metrics endpoint closed")
    }

    private func serve(_ connection: Connection) async {
        do {
            try await connection.executeThenClose { inbound, outbound in
                var request: HTTPRequestHead?
                for try await part in inbound {
                    switch part {
                    case .head(let head):
                        request = head
                    case .body:
                        // Bounded by RequestSizeLimit; a scrape has none, and none is read.
                        continue
                    case .end:
                        guard let request else { return }
                        try await answer(request, outbound)
                        return
                    }
                }
            }
        } catch {
            logger.debug("metrics connection ended", metadata: ["error": "\(error)"])
        }
    }

    private func answer(_ request: HTTPRequestHead, _ outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>) async throws {
        let status: HTTPResponseStatus
        var headers = HTTPHeaders([("Connection", "close")])
        let body: String
        switch MetricsRoute(method: request.method, uri: request.uri) {
        case .metrics:
            status = .ok
            headers.add(name: "Content-Type", value: "text/plain; version=0.0.4; charset=utf-8")
            body = await scrape.text()
        case .notFound:
            status = .notFound
            headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
            body = "only /metrics is served here\n"
        case .methodNotAllowed:
            status = .methodNotAllowed
            headers.add(name: "Allow", value: "GET")
            headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
            body = "/metrics answers GET only\n"
        }
        let buffer = ByteBuffer(string: body)
        headers.add(name: "Content-Length", value: String(buffer.readableBytes))
        try await outbound.write(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers)))
        try await outbound.write(.body(.byteBuffer(buffer)))
        try await outbound.write(.end(nil))
    }
}
