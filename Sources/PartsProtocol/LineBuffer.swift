/// Cuts a byte stream into request lines, enforcing the protocol's line limit.
///
/// Pure state: the socket layer feeds it bytes and acts on what comes out, and tests feed it
/// bytes directly.
public struct LineBuffer: Sendable {
    public enum Event: Equatable, Sendable {
        /// A complete line without its LF (and without a CR before it).
        case line(String)
        /// A complete line that is not valid UTF-8.
        case invalidUTF8
        /// More than `maxLineBytes` arrived without a line end; the connection must close.
        case tooLong
    }

    public let maxLineBytes: Int
    private var pending: [UInt8] = []
    private var overflowed = false

    public init(maxLineBytes: Int = 8192) {
        self.maxLineBytes = maxLineBytes
    }

    /// Adds bytes and returns the events they complete. After `.tooLong` nothing more is
    /// returned: the caller closes the connection.
    public mutating func append(_ bytes: some Sequence<UInt8>) -> [Event] {
        guard !overflowed else { return [] }
        var events: [Event] = []
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                if pending.last == UInt8(ascii: "\r") { pending.removeLast() }
                if pending.count > maxLineBytes {
                    overflowed = true
                    pending.removeAll()
                    events.append(.tooLong)
                    return events
                }
                if let text = String(validating: pending, as: UTF8.self) {
                    events.append(.line(text))
                } else {
                    events.append(.invalidUTF8)
                }
                pending.removeAll(keepingCapacity: true)
            } else {
                pending.append(byte)
                // +1 allows the CR of a CR LF ending at the limit.
                if pending.count > maxLineBytes + 1 {
                    overflowed = true
                    pending.removeAll()
                    events.append(.tooLong)
                    return events
                }
            }
        }
        return events
    }
}
