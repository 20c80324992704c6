import Foundation

/// A plain HTTP/1.1 client on a socket of its own, for the metrics endpoint: it sends exactly
/// the bytes a test gives (any method, any path, a malformed or oversized request) and reads
/// the answer until the server closes, which the endpoint does after every answer.
enum HTTPProbe {
    struct Answer {
        var status: Int
        var headers: [String: String]
        var body: String
    }

    enum Address {
        case tcp(port: UInt16)
        case unix(path: String)
    }

    /// A port on 127.0.0.1 that nothing listened on a moment ago.
    static func freePort() throws -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw TestFailure("no free port: \(String(cString: strerror(errno)))") }
        return UInt16(bigEndian: address.sin_port)
    }

    /// `GET path` with the headers a scraper sends.
    static func get(_ address: Address, _ path: String = "/metrics") throws -> Answer {
        try send(address, "GET \(path) HTTP/1.1\r\nHost: localhost\r\nAccept: text/plain\r\n\r\n")
    }

    /// Sends `request` as is; nil answer text when the server closed without a status line.
    static func send(_ address: Address, _ request: String) throws -> Answer {
        let text = try exchange(address, Array(request.utf8))
        guard let headEnd = text.range(of: "\r\n\r\n") else { throw TestFailure("no HTTP answer, got: \(text.debugDescription)") }
        let head = text[..<headEnd.lowerBound].components(separatedBy: "\r\n")
        let statusWords = head[0].split(separator: " ")
        guard statusWords.count >= 2, statusWords[0].hasPrefix("HTTP/1."), let status = Int(statusWords[1]) else {
            throw TestFailure("not an HTTP status line: \(head[0])")
        }
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return Answer(status: status, headers: headers, body: String(text[headEnd.upperBound...]))
    }

    /// Whether anything accepts a connection at `address`.
    static func accepts(_ address: Address) -> Bool {
        guard let fd = try? connected(address) else { return false }
        close(fd)
        return true
    }

    private static func exchange(_ address: Address, _ bytes: [UInt8]) throws -> String {
        let fd = try connected(address)
        defer { close(fd) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            // The server may close once it has seen enough of an oversized request.
            if count <= 0 { break }
            sent += count
        }
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = recv(fd, &chunk, chunk.count, 0)
            if count <= 0 { break }
            received.append(contentsOf: chunk[0..<count])
        }
        return String(decoding: received, as: UTF8.self)
    }

    private static func connected(_ address: Address) throws -> Int32 {
        switch address {
        case .tcp(let port):
            var target = sockaddr_in()
            target.sin_family = sa_family_t(AF_INET)
            target.sin_port = port.bigEndian
            target.sin_addr.s_addr = inet_addr("127.0.0.1")
            return try connected(AF_INET, &target, "127.0.0.1:\(port)")
        case .unix(let path):
            var target = sockaddr_un()
            target.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &target.sun_path) { raw in
                raw.copyBytes(from: path.utf8.prefix(raw.count - 1))
            }
            return try connected(AF_UNIX, &target, path)
        }
    }

    private static func connected<Address>(_ family: Int32, _ target: inout Address, _ name: String) throws -> Int32 {
        let fd = socket(family, Int32(SOCK_STREAM.rawValue), 0)
        let result = withUnsafePointer(to: &target) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<Address>.size)) }
        }
        guard result == 0 else {
            close(fd)
            throw TestFailure("cannot connect to \(name): \(String(cString: strerror(errno)))")
        }
        return fd
    }
}

/// The samples of a Prometheus text exposition, by series (`name{label="value",...}`, labels
/// as the server printed them).
struct PrometheusSamples {
    let values: [String: Double]

    init(_ text: String) {
        var values: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            values[String(line[..<space])] = value
        }
        self.values = values
    }

    /// The value of the series named `name` whose labels include every one of `labels`; 0
    /// when there is none (a counter nothing incremented yet).
    subscript(_ name: String, _ labels: [String: String] = [:]) -> Double {
        series(name, labels).first?.value ?? 0
    }

    func series(_ name: String, _ labels: [String: String] = [:]) -> [(key: String, value: Double)] {
        values.filter { key, _ in
            guard key == name || key.hasPrefix(name + "{") else { return false }
            return labels.allSatisfy { key.contains("\($0.key)=\"\($0.value)\"") }
        }.sorted { $0.key < $1.key }
    }
}
