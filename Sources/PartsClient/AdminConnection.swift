import Glibc

/// A blocking connection to partsd's admin socket, for `partsctl` and for tests that run the
/// daemon in another process.
///
/// Not thread-safe: use one connection from one thread at a time (the type is not `Sendable`,
/// so the compiler keeps it that way). Each call blocks; the timeout bounds every single wait
/// for the peer (no byte arriving, or no room to write), not a whole reply, so a long
/// `job run NAME --wait` that keeps sending progress lines does not time out.
///
/// A greeting that refuses the peer (`403 FORBIDDEN`, `429 BUSY`) does not make `init` throw:
/// it is returned in `greeting`, and the daemon closes the connection after it.
public final class AdminConnection {
    /// The line the daemon greets with: `200 READY partsd/<version> proto=1 user=<name> role=<role>`.
    public let greeting: Reply
    /// The path this connection was made to.
    public let socketPath: String

    private var fd: Int32
    private var buffer: [UInt8] = []
    private var bufferStart = 0
    private var timeoutSeconds: Double

    /// The longest reply line accepted (JSON replies are one line and may be long).
    public static let maxLineBytes = 64 << 20

    /// Connects and reads the greeting.
    /// - Parameters:
    ///   - socketPath: the Unix socket of the daemon.
    ///   - timeoutSeconds: how long one wait for the daemon may last; 0 waits forever.
    public init(socketPath: String, timeoutSeconds: Double = 30) throws(AdminClientError) {
        self.socketPath = socketPath
        self.timeoutSeconds = timeoutSeconds
        self.fd = try AdminConnection.openSocket(path: socketPath, timeoutSeconds: timeoutSeconds)
        // `greeting` must be set before `self` may be used, so the first reply is read through
        // a static helper that works on the buffer before it is stored.
        var reader = LineReader(fd: fd, timeoutSeconds: timeoutSeconds)
        do {
            self.greeting = try reader.readReply()
        } catch {
            Glibc.close(fd)
            throw error
        }
        self.buffer = reader.buffer
        self.bufferStart = reader.start
    }

    /// Same as `init(socketPath:timeoutSeconds:)`.
    public static func connect(socketPath: String, timeoutSeconds: Double = 30) throws(AdminClientError) -> AdminConnection {
        try AdminConnection(socketPath: socketPath, timeoutSeconds: timeoutSeconds)
    }

    deinit {
        if fd >= 0 { Glibc.close(fd) }
    }

    /// True after `close()`.
    public var isClosed: Bool { fd < 0 }

    /// The socket's file descriptor, or -1 after `close()`.
    public var fileDescriptor: Int32 { fd }

    /// Changes the timeout for later calls; 0 waits forever.
    public func setTimeout(seconds: Double) throws(AdminClientError) {
        guard fd >= 0 else { throw .connectionClosed }
        try AdminConnection.applyTimeout(fd: fd, seconds: seconds)
        timeoutSeconds = seconds
    }

    /// Sends one request line (a newline is added) and reads exactly one reply.
    public func send(_ line: String) throws(AdminClientError) -> Reply {
        try writeLine(line)
        return try readReply()
    }

    /// Sends one request line (a newline is added) without waiting for its reply: for
    /// pipelining several requests, then reading their replies in order with `readReply()`.
    public func writeLine(_ line: String) throws(AdminClientError) {
        try writeLines([line])
    }

    /// Sends several request lines in one write, without waiting for replies: the daemon
    /// reads them together, and serves independent ones of a batched command at once.
    public func writeLines(_ lines: [String]) throws(AdminClientError) {
        var bytes: [UInt8] = []
        for line in lines {
            if line.utf8.contains(10) || line.utf8.contains(13) {
                throw .invalidRequest(reason: "a request is one line: it may not contain a line break")
            }
            bytes.append(contentsOf: line.utf8)
            bytes.append(10)
        }
        try sendRaw(bytes)
    }

    /// Writes bytes exactly as given (no newline added): for tests of partial, overlong or
    /// invalid lines.
    public func sendRaw(_ bytes: [UInt8]) throws(AdminClientError) {
        guard fd >= 0 else { throw .connectionClosed }
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { raw in
                Glibc.send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
            }
            if written >= 0 {
                offset += written
                continue
            }
            let code = errno
            switch code {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: throw .timedOut(seconds: timeoutSeconds)
            case EPIPE, ECONNRESET: throw .closedByPeer
            default: throw .ioFailed(operation: "write", errno: code)
            }
        }
    }

    /// Reads exactly one reply (all its lines, up to the line with a space after the code).
    public func readReply() throws(AdminClientError) -> Reply {
        try readReply(eachLine: { _ in })
    }

    /// Reads exactly one reply, handing each line to `eachLine` as soon as it has arrived (for
    /// showing the progress lines of a long reply such as `job run NAME --wait`).
    public func readReply(eachLine: (String) -> Void) throws(AdminClientError) -> Reply {
        guard fd >= 0 else { throw .connectionClosed }
        var reader = LineReader(fd: fd, timeoutSeconds: timeoutSeconds, buffer: buffer, start: bufferStart)
        defer {
            buffer = reader.buffer
            bufferStart = reader.start
        }
        return try reader.readReply(eachLine: eachLine)
    }

    /// Sends one request line and reads its reply, handing each line to `eachLine` as it arrives.
    public func send(_ line: String, eachLine: (String) -> Void) throws(AdminClientError) -> Reply {
        try writeLine(line)
        return try readReply(eachLine: eachLine)
    }

    /// Half-closes the connection: the daemon sees end of input, replies still arrive.
    public func shutdownWrite() {
        if fd >= 0 { _ = Glibc.shutdown(fd, Int32(SHUT_WR)) }
    }

    /// Closes the connection. Safe to call more than once.
    public func close() {
        if fd >= 0 {
            Glibc.close(fd)
            fd = -1
        }
    }

    // MARK: - Socket set-up

    private static func openSocket(path: String, timeoutSeconds: Double) throws(AdminClientError) -> Int32 {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard !pathBytes.isEmpty, pathBytes.count < capacity else { throw .socketPathTooLong(path: path) }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
            raw[pathBytes.count] = 0
        }

        let fd = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .connectFailed(path: path, errno: errno) }
        do throws(AdminClientError) {
            // SO_SNDTIMEO also bounds connect() when the listen backlog is full.
            try applyTimeout(fd: fd, seconds: timeoutSeconds)
            let length = socklen_t(MemoryLayout<sa_family_t>.size + pathBytes.count + 1)
            let result = withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, length) }
            }
            if result != 0 {
                let code = errno
                switch code {
                case EINTR:
                    // The connection goes on in the background: wait for it, then ask how it went.
                    try waitForConnect(fd: fd, path: path, timeoutSeconds: timeoutSeconds)
                case EAGAIN, EINPROGRESS:
                    throw .timedOut(seconds: timeoutSeconds)
                default:
                    throw .connectFailed(path: path, errno: code)
                }
            }
        } catch {
            Glibc.close(fd)
            throw error
        }
        return fd
    }

    private static func waitForConnect(fd: Int32, path: String, timeoutSeconds: Double) throws(AdminClientError) {
        var entry = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        let timeout = timeoutSeconds > 0 ? Int32(min(timeoutSeconds * 1000, Double(Int32.max))) : -1
        while true {
            let ready = poll(&entry, 1, timeout)
            if ready < 0, errno == EINTR { continue }
            if ready == 0 { throw .timedOut(seconds: timeoutSeconds) }
            if ready < 0 { throw .connectFailed(path: path, errno: errno) }
            break
        }
        var status: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_ERROR, &status, &length) == 0 else {
            throw .connectFailed(path: path, errno: errno)
        }
        if status != 0 { throw .connectFailed(path: path, errno: status) }
    }

    private static func applyTimeout(fd: Int32, seconds: Double) throws(AdminClientError) {
        let clamped = max(0, seconds)
        var value = timeval()
        value.tv_sec = Int(clamped)
        value.tv_usec = Int((clamped - Double(Int(clamped))) * 1_000_000)
        if clamped > 0, value.tv_sec == 0, value.tv_usec == 0 { value.tv_usec = 1 }  // 0 would mean "forever"
        let size = socklen_t(MemoryLayout<timeval>.size)
        for option in [SO_RCVTIMEO, SO_SNDTIMEO] where setsockopt(fd, SOL_SOCKET, option, &value, size) != 0 {
            throw .ioFailed(operation: "setsockopt", errno: errno)
        }
    }
}

/// Splits the byte stream into lines and lines into replies. A value type so that it can
/// work on a connection's buffer before the connection object is fully initialised.
struct LineReader {
    let fd: Int32
    let timeoutSeconds: Double
    var buffer: [UInt8] = []
    var start = 0

    mutating func readReply(eachLine: (String) -> Void = { _ in }) throws(AdminClientError) -> Reply {
        var lines: [String] = []
        while true {
            let line: String
            do {
                line = try readLine()
            } catch .closedByPeer where !lines.isEmpty {
                throw .closedMidReply(partial: lines)
            } catch .closedMidReply(let tail) {
                throw .closedMidReply(partial: lines + tail)  // the tail is the unfinished last line
            }
            guard let separator = Reply.separator(of: line) else {
                throw .malformedReply(line: line, reason: "does not start with a three-digit code and '-' or ' '")
            }
            lines.append(line)
            eachLine(line)
            if separator == " " { return try Reply(lines: lines) }
        }
    }

    /// One line without its LF (and without a CR before it).
    mutating func readLine() throws(AdminClientError) -> String {
        var scanFrom = start
        while true {
            if let newline = buffer[scanFrom...].firstIndex(of: 10) {
                var end = newline
                if end > start, buffer[end - 1] == 13 { end -= 1 }
                let line = String(decoding: buffer[start..<end], as: UTF8.self)
                start = newline + 1
                if start == buffer.count {
                    buffer.removeAll(keepingCapacity: true)
                    start = 0
                }
                return line
            }
            if buffer.count - start > AdminConnection.maxLineBytes {
                throw .replyLineTooLong(limit: AdminConnection.maxLineBytes)
            }
            let received = try fill()
            if received == 0 {
                if buffer.count > start {
                    let partial = String(decoding: buffer[start...], as: UTF8.self)
                    throw .closedMidReply(partial: [partial])
                }
                throw .closedByPeer
            }
            // `fill` may have compacted the buffer: rescan only the new bytes.
            scanFrom = buffer.count - received
        }
    }

    /// Reads what is available (blocking until at least one byte, the timeout, or EOF).
    /// Returns the number of bytes added; 0 at end of stream.
    private mutating func fill() throws(AdminClientError) -> Int {
        if start > 0, start >= buffer.count / 2 {
            buffer.removeFirst(start)
            start = 0
        }
        let outcome: Result<Int, AdminClientError> = withUnsafeTemporaryAllocation(byteCount: 64 * 1024, alignment: 1) { chunk in
            while true {
                let received = Glibc.recv(fd, chunk.baseAddress!, chunk.count, 0)
                if received > 0 {
                    buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[0..<received]))
                    return .success(received)
                }
                if received == 0 { return .success(0) }
                let code = errno
                switch code {
                case EINTR: continue
                case EAGAIN, EWOULDBLOCK: return .failure(.timedOut(seconds: timeoutSeconds))
                case ECONNRESET: return .success(0)
                default: return .failure(.ioFailed(operation: "read", errno: code))
                }
            }
        }
        return try outcome.get()
    }
}
