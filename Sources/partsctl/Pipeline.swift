import PartsClient

/// Requests on one connection with up to `window` of them in flight: the daemon serves a
/// connection's requests in order and posts what arrives together in one commit, so an import
/// that waited for each reply would spend most of its time waiting.
///
/// The window is small enough that the requests and replies in flight fit the socket's
/// buffers (a request is at most 8 KiB, a receipt's reply a few), so neither side blocks
/// writing while the other does.
final class Pipeline<Tag> {
    let connection: AdminConnection
    let window: Int
    private var inFlight: [Tag] = []
    private var first = 0

    init(connection: AdminConnection, window: Int = 16) {
        self.connection = connection
        self.window = window
    }

    var isEmpty: Bool { first == inFlight.count }

    /// Sends a request; when the window is full, first reads the oldest reply and returns it
    /// with its tag.
    func send(_ line: String, tag: Tag) throws(AdminClientError) -> (Tag, Reply)? {
        var done: (Tag, Reply)?
        if inFlight.count - first >= window { done = try receive() }
        try connection.writeLine(line)
        inFlight.append(tag)
        return done
    }

    /// Reads the oldest reply still owed, or nil when none is.
    func receive() throws(AdminClientError) -> (Tag, Reply)? {
        guard first < inFlight.count else { return nil }
        let reply = try connection.readReply()
        let tag = inFlight[first]
        first += 1
        if first > 1024, first * 2 > inFlight.count {
            inFlight.removeFirst(first)
            first = 0
        }
        return (tag, reply)
    }
}
