import CLibPQ
import Glibc

/// One libpq connection. Every call blocks, so an instance lives on a thread of its own
/// (see `DatabaseSession`) and is never shared: the type is deliberately not Sendable.
///
/// Its session settings (statement_timeout and the like) are part of the connection, not of
/// whoever opened it: they are set again on every reconnect, so a connection that came back
/// after a PostgreSQL restart behaves like the one it replaced.
public final class Connection {
    private var handle: OpaquePointer?
    private var preparedNames: [String: String] = [:]
    public let conninfo: String
    /// Run-time parameters set on every (re)connect, in order.
    public let settings: [(name: String, value: String)]
    /// Counts the connects: work pinned to one connection (a transaction spanning several
    /// calls) notices that the connection under it was replaced.
    public private(set) var generation = 0
    /// Whether the server holds a transaction open on this connection, as of the last command.
    public private(set) var inTransaction = false
    /// Cancels the statement in flight from another thread (see DatabaseSession.run).
    let cancelSwitch = CancelSwitch()

    /// Connects with `conninfo` (a libpq connection string or URI; PG* variables fill the rest).
    public init(conninfo: String, settings: [(name: String, value: String)] = []) throws(PostgresError) {
        self.conninfo = conninfo
        self.settings = settings
        try connect()
    }

    deinit { PQfinish(handle) }

    public var isConnected: Bool { handle != nil && PQstatus(handle) == CONNECTION_OK }

    /// The server this connection reached, as `host:port` (with a multi-host conninfo, the one
    /// libpq chose, e.g. the primary after a failover).
    public var server: String {
        guard let handle else { return "none" }
        let host = PQhost(handle).map { String(cString: $0) } ?? "?"
        let port = PQport(handle).map { String(cString: $0) } ?? "?"
        return "\(host):\(port)"
    }

    private func connect() throws(PostgresError) {
        PQfinish(handle)
        handle = nil
        inTransaction = false
        preparedNames.removeAll()
        // Our defaults come before `conninfo` (expanded by expand_dbname), so what the
        // operator's connection string says wins: a dead server must not hang a pool thread
        // unless they ask for it, and the server's views name us unless they name us otherwise.
        let keys = ["connect_timeout", "application_name", "dbname"]
        let values = ["5", "partsd", conninfo]
        let conn: OpaquePointer? = withCStrings(keys) { keyPointers in
            withCStrings(values) { valuePointers in
                PQconnectdbParams(keyPointers, valuePointers, 1)
            }
        }
        guard let conn, PQstatus(conn) == CONNECTION_OK else {
            let message = conn.map { String(cString: PQerrorMessage($0)) } ?? "out of memory"
            PQfinish(conn)
            throw .unavailable(message.trimmingTrailingNewlines)
        }
        // Server NOTICEs would otherwise go to stderr; they carry nothing we act on.
        PQsetNoticeProcessor(conn, { _, _ in }, nil)
        handle = conn
        cancelSwitch.replace(with: conn)
        generation += 1
        for setting in settings {
            try queryOnce("SELECT set_config($1, $2, false)", [setting.name, setting.value])
        }
    }

    /// Reconnects when the connection is broken, including a break libpq has not noticed yet
    /// because the connection was idle while the server restarted or terminated it.
    ///
    /// A connection lost while a transaction was open on it is not replaced silently: the
    /// transaction is gone, and what the caller meant to run inside it must not run in
    /// autocommit on a new connection. That one call fails; the next reconnects.
    public func ensureConnected() throws(PostgresError) {
        // An idle connection receives nothing we asked for: input waiting on it is the server's
        // goodbye (a FATAL before it closes), which libpq only notices on the next query. Start
        // afresh rather than send a command into a closing connection.
        if let handle, PQstatus(handle) == CONNECTION_OK, !PQsocketHasPendingInput(handle) { return }
        if inTransaction {
            drop()
            throw .unavailable("the connection was lost inside a transaction, which the server rolled back")
        }
        try connect()
    }

    /// Closes the connection; the next `ensureConnected` opens a new one.
    public func drop() {
        PQfinish(handle)
        handle = nil
        inTransaction = false
        preparedNames.removeAll()
    }

    /// Runs one statement with text parameters. The statement text is prepared once per
    /// connection, so hot statements skip parsing and planning after their first use.
    @discardableResult
    public func query(_ sql: String, _ parameters: [String?] = []) throws(PostgresError) -> QueryResult {
        guard let handle else { throw .unavailable("not connected") }
        let name: String
        if let known = preparedNames[sql] {
            name = known
        } else {
            name = "s\(preparedNames.count)"
            let prepared = exchange(handle) { PQsendPrepare(handle, name, sql, Int32(parameters.count), nil) }
            try check(prepared, handle, sql)
            PQclear(prepared)
            preparedNames[sql] = name
        }
        let result = exchange(handle) {
            withOptionalCStrings(parameters) { pointers in
                PQsendQueryPrepared(handle, name, Int32(parameters.count), pointers, nil, nil, 0)
            }
        }
        return try consume(result, handle, sql)
    }

    /// Runs one statement with text parameters without preparing it: for statements run once
    /// per connection, and for DECLARE ... CURSOR, which takes parameters but cannot be prepared.
    @discardableResult
    public func queryOnce(_ sql: String, _ parameters: [String?] = []) throws(PostgresError) -> QueryResult {
        guard let handle else { throw .unavailable("not connected") }
        let result = exchange(handle) {
            withOptionalCStrings(parameters) { pointers in
                PQsendQueryParams(handle, sql, Int32(parameters.count), nil, pointers, nil, nil, 0)
            }
        }
        return try consume(result, handle, sql)
    }

    /// Runs statements with no parameters (one or several separated by semicolons), e.g. a
    /// migration file or BEGIN/COMMIT. Never pass user input here.
    @discardableResult
    public func execute(_ sql: String) throws(PostgresError) -> QueryResult {
        guard let handle else { throw .unavailable("not connected") }
        return try consume(exchange(handle) { PQsendQuery(handle, sql) }, handle, sql)
    }

    /// The most bytes `copyIn` hands libpq at once.
    private static let copyPiece = 1 << 20

    /// Runs `COPY ... FROM STDIN` (`sql`, text format) with `rows`, sent as one stream, and
    /// returns the rows the server took. An error (a row the table refuses, a statement that
    /// is not such a COPY) is reported as any statement's, and nothing of the COPY stays.
    @discardableResult
    public func copyIn(_ sql: String, _ rows: CopyRows) throws(PostgresError) -> Int {
        guard let handle else { throw .unavailable("not connected") }
        guard PQsendQuery(handle, sql) != 0 else { return try consume(nil, handle, sql).affectedRows }
        let started = PQgetResult(handle)
        switch started.map(PQresultStatus) {
        case PGRES_COPY_IN:
            PQclear(started)
        case PGRES_COPY_OUT, PGRES_COPY_BOTH:
            // A COPY the other way would have to be read to its end first; nothing here sends one.
            PQclear(started)
            drop()
            throw .decoding("not a COPY ... FROM STDIN statement: \(Self.excerpt(sql))")
        default:
            // Refused before any data (a syntax error, a missing table), or not a COPY at all.
            while let next = PQgetResult(handle) { PQclear(next) }
            _ = try consume(started, handle, sql)
            throw .decoding("not a COPY ... FROM STDIN statement: \(Self.excerpt(sql))")
        }
        let sent = rows.bytes.withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { chars in
                // In pieces, since libpq takes a length of 32 bits.
                for start in stride(from: 0, to: chars.count, by: Self.copyPiece) {
                    let piece = UnsafeBufferPointer(rebasing: chars[start..<min(start + Self.copyPiece, chars.count)])
                    guard PQputCopyData(handle, piece.baseAddress, Int32(piece.count)) == 1 else { return false }
                }
                return true
            }
        }
        // A failed send ends the COPY with an error of our own, so the server rolls it back.
        guard PQputCopyEnd(handle, sent ? nil : "partsd could not send the rows") == 1 else {
            throw .unavailable(String(cString: PQerrorMessage(handle)).trimmingTrailingNewlines)
        }
        return try consume(collect(handle), handle, sql).affectedRows
    }

    /// Sends one request and waits for all its results, keeping the first error (else the last
    /// result). This is what PQexec did before PostgreSQL 14; today's PQexec keeps the last
    /// result, and when the server terminates a session it reports 57P01 and then closes, so
    /// the last result is libpq's own "server closed the connection" without a SQLSTATE: the
    /// one fact that says nothing committed (and the work may run again) would be lost.
    private func exchange(_ handle: OpaquePointer, _ send: () -> Int32) -> OpaquePointer? {
        guard send() != 0 else { return nil }
        return collect(handle)
    }

    /// The results of the request in flight, as `exchange` keeps them.
    private func collect(_ handle: OpaquePointer) -> OpaquePointer? {
        var kept: OpaquePointer?
        while let next = PQgetResult(handle) {
            if let current = kept, PQresultStatus(current) == PGRES_FATAL_ERROR {
                PQclear(next)
            } else {
                if let current = kept { PQclear(current) }
                kept = next
            }
        }
        return kept
    }

    /// Runs `body` inside BEGIN ... COMMIT; any error rolls back.
    public func transaction<T>(_ body: () throws(PostgresError) -> T) throws(PostgresError) -> T {
        try execute("BEGIN")
        let value: T
        do {
            value = try body()
        } catch {
            if isConnected { _ = try? execute("ROLLBACK") }
            throw error
        }
        try execute("COMMIT")
        return value
    }

    private func consume(_ result: OpaquePointer?, _ handle: OpaquePointer, _ sql: String) throws(PostgresError) -> QueryResult {
        try check(result, handle, sql)
        defer { PQclear(result) }
        let rowCount = Int(PQntuples(result))
        let columnCount = Int(PQnfields(result))
        var columns: [String] = []
        columns.reserveCapacity(columnCount)
        for c in 0..<columnCount { columns.append(String(cString: PQfname(result, Int32(c)))) }
        var rows: [[String?]] = []
        rows.reserveCapacity(rowCount)
        for r in 0..<rowCount {
            var row: [String?] = []
            row.reserveCapacity(columnCount)
            for c in 0..<columnCount {
                if PQgetisnull(result, Int32(r), Int32(c)) != 0 {
                    row.append(nil)
                } else {
                    // By its length, which libpq has: a reorder run reads millions of values.
                    let length = Int(PQgetlength(result, Int32(r), Int32(c)))
                    row.append(PQgetvalue(result, Int32(r), Int32(c)).withMemoryRebound(to: UInt8.self, capacity: length) {
                        String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
                    })
                }
            }
            rows.append(row)
        }
        let tuples = String(cString: PQcmdTuples(result))
        return QueryResult(columns: columns, values: rows, affectedRows: Int(tuples) ?? 0)
    }

    private func check(_ result: OpaquePointer?, _ handle: OpaquePointer, _ sql: String) throws(PostgresError) {
        let status = result.map(PQresultStatus) ?? PGRES_FATAL_ERROR
        let transaction = PQtransactionStatus(handle)
        inTransaction = transaction == PQTRANS_INTRANS || transaction == PQTRANS_INERROR
        switch status {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return
        default:
            defer { PQclear(result) }
            let brokenConnection = PQstatus(handle) != CONNECTION_OK
            guard let result, let code = field(result, CLIBPQ_DIAG_SQLSTATE) else {
                throw .unavailable(String(cString: PQerrorMessage(handle)).trimmingTrailingNewlines)
            }
            let state = SQLState(code)
            let message = field(result, CLIBPQ_DIAG_MESSAGE_PRIMARY) ?? code
            // The server terminating this session reports it before closing: nothing committed.
            if state == .adminShutdown || state == .crashShutdown { throw .terminated(message) }
            // Class 08 and the other shutdown codes mean the server is going away, not refusing
            // us; a server that cannot write (a standby, a demoted primary after a failover) is
            // of no use to a daemon that writes, so the connection is dropped like a broken one
            // and the next one goes to wherever target_session_attrs finds the primary.
            if brokenConnection || state.endsSession { throw .unavailable(message) }
            if state == .readOnlySQLTransaction {
                drop()
                throw .unavailable("the server is read-only (a standby?): \(message)")
            }
            throw .server(ServerError(
                sqlState: state,
                message: message,
                detail: field(result, CLIBPQ_DIAG_MESSAGE_DETAIL),
                constraint: field(result, CLIBPQ_DIAG_CONSTRAINT_NAME),
                statement: Self.excerpt(sql)
            ))
        }
    }

    /// Enough of a statement to find it in the code: its first 120 characters, on one line.
    private static func excerpt(_ sql: String) -> String {
        let line = sql.split(whereSeparator: { $0.isNewline || $0 == " " }).joined(separator: " ")
        return line.count <= 120 ? line : String(line.prefix(120)) + "..."
    }

    private func field(_ result: OpaquePointer, _ code: Int32) -> String? {
        PQresultErrorField(result, code).map { String(cString: $0) }
    }
}

/// Whether the connection's socket has bytes (or EOF) waiting, without blocking.
private func PQsocketHasPendingInput(_ handle: OpaquePointer) -> Bool {
    var descriptor = pollfd(fd: PQsocket(handle), events: Int16(POLLIN), revents: 0)
    return poll(&descriptor, 1, 0) > 0
}

private func withCStrings<R>(_ strings: [String], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    let copies = strings.map { strdup($0) }
    defer { copies.forEach { free($0) } }
    return body(copies.map { UnsafePointer($0) } + [nil])
}

private func withOptionalCStrings<R>(_ strings: [String?], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    let copies = strings.map { $0.map { strdup($0) } ?? nil }
    defer { copies.forEach { free($0) } }
    return body(copies.map { UnsafePointer($0) })
}

extension String {
    var trimmingTrailingNewlines: String {
        var text = self
        while text.last == "\n" || text.last == "\r" { text.removeLast() }
        return text
    }
}
