import PartsClient

/// Every row of a list command that pages with `after=` and `limit=` (`part export`, `stock
/// export`, `count sheet`), read page by page over a JSON-mode connection: each page is one
/// reply within the protocol's list limit, so an export of 100,000 parts holds no reply open
/// for long and needs no command of its own.
struct PagedList {
    static let pageSize = 1000

    struct Failure: Error { let text: String }

    /// `after` names the last row of a page for the next request.
    static func rows(_ connection: AdminConnection, _ command: String,
                     after: ([String: String]) -> String) throws(Failure) -> [[String: String]] {
        var all: [[String: String]] = []
        var next: String?
        while true {
            var line = command + " limit=\(pageSize)"
            if let next { line += " after=" + RequestLine.quote(next) }
            let reply: Reply
            do { reply = try connection.send(line) } catch { throw Failure(text: error.description) }
            guard reply.isSuccess else { throw Failure(text: "\(command): \(reply.message)") }
            let page = reply.rows
            all += page
            guard page.count == pageSize, let last = page.last else { return all }
            next = after(last)
        }
    }
}
