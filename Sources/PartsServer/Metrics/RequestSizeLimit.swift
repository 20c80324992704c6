import NIOCore

/// Refuses a metrics request longer than `maxBytes` before the HTTP decoder buffers it: a scrape
/// is a few hundred bytes, and nothing else is served, so a long request is not a scrape. Sits
/// first in the pipeline, so its answer is raw bytes. It closes only its sending half and drops
/// what still arrives: closing with unread input would reset the connection, and the client
/// could lose the answer. A client still sending after `lingerTime` is closed all the same.
final class RequestSizeLimit: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let maxBytes: Int
    private let lingerTime = TimeAmount.seconds(2)
    private var received = 0
    private var refused = false

    init(maxBytes: Int) {
        self.maxBytes = maxBytes
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !refused else { return }
        received += unwrapInboundIn(data).readableBytes
        guard received <= maxBytes else {
            refused = true
            let answer = "HTTP/1.1 413 Content Too Large\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: answer))).whenComplete { _ in bound.value.close(mode: .output, promise: nil) }
            context.eventLoop.scheduleTask(in: lingerTime) { bound.value.close(promise: nil) }
            return
        }
        context.fireChannelRead(data)
    }
}
