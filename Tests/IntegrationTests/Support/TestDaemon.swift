import Foundation
import PartsClient
import PostgresClient
import Synchronization

/// A real partsd process on a database of its own, serving a socket in a private directory.
///
/// Test peers: root is admin; the bare uids below (no passwd entry needed) get the other roles,
/// so tests can connect as them with `setpriv`.
final class TestDaemon {
    static let clerkUID: UInt32 = 12301
    static let viewerUID: UInt32 = 12302
    static let managerUID: UInt32 = 12303
    static let strangerUID: UInt32 = 12309

    let database: String
    let directory: URL
    let socketPath: String
    private(set) var process: Subprocess!
    let logPath: String

    let ownsDatabase: Bool
    let conninfo: String

    /// Starts partsd on a fresh database of the test cluster, or on `conninfo` when given.
    /// The grants every test daemon has: root and one uid per role.
    static let standardGrants = ["root=admin", "\(clerkUID)=clerk", "\(viewerUID)=viewer", "\(managerUID)=manager"]

    /// `binary`: another partsd than the one built (a copy beside a file of its own).
    init(extraArguments: [String] = [], environment: [String: String] = [:], database: String? = nil,
         conninfo: String? = nil, grants: [String] = TestDaemon.standardGrants, binary: String = TestCluster.binary("partsd")) throws {
        ownsDatabase = database == nil
        self.database = try database ?? TestCluster.createDatabase()
        self.conninfo = try conninfo ?? TestCluster.conninfo(database: self.database)
        directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("pd-" + UUID().uuidString.prefix(8))
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // Other test uids must reach the socket inside.
        chmod(directory.path, 0o755)
        socketPath = directory.appendingPathComponent("admin.sock").path
        logPath = directory.appendingPathComponent("partsd.log").path
        let arguments = ["serve", "--socket", socketPath, "--database", self.conninfo]
            + grants.flatMap { ["--grant", $0] } + extraArguments
        var variables = ProcessInfo.processInfo.environment
        variables.merge(environment) { $1 }
        process = try Subprocess(binary, arguments, environment: variables, outputPath: logPath)
        try waitUntilServing()
    }

    deinit {
        // A start that threw leaves no process, and deinit still runs for a class.
        if let process, process.isRunning {
            process.signal(SIGTERM)
            // A daemon whose requests hang would hang the whole suite here; its test has
            // failed already (its client timed out), so the suite goes on without it.
            if !process.exited(within: 60) { process.signal(SIGKILL) }
            process.wait()
        }
        if ownsDatabase { TestCluster.dropDatabase(database) }
        try? FileManager.default.removeItem(at: directory)
    }

    private func waitUntilServing() throws {
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if !process.isRunning { throw TestFailure("partsd exited at start-up:\n\(log)") }
            if let connection = try? AdminConnection(socketPath: socketPath, timeoutSeconds: 5) {
                connection.close()
                return
            }
            usleep(20_000)
        }
        throw TestFailure("partsd did not serve \(socketPath) within 20 s:\n\(log)")
    }

    var log: String { process?.output ?? "" }

    /// A root (admin) client.
    func connect() throws -> AdminConnection {
        try AdminConnection(socketPath: socketPath, timeoutSeconds: 30)
    }

    /// Sends lines through `socat` running as another uid; returns what socat printed.
    func socat(as uid: UInt32, _ lines: [String]) throws -> String {
        try TestCluster.run("/usr/bin/setpriv", ["--reuid=\(uid)", "--regid=\(uid)", "--clear-groups",
                                                 "socat", "-t", "5", "-", "UNIX-CONNECT:\(socketPath)"],
                            input: lines.map { $0 + "\n" }.joined()).output
    }

    /// SIGTERM, then the exit status.
    @discardableResult
    func stop() -> Int32 {
        process.signal(SIGTERM)
        return process.wait()
    }

    /// SQL on this daemon's database.
    @discardableResult
    func sql(_ statement: String) throws -> QueryResult {
        let connection = try Connection(conninfo: conninfo)
        return try connection.execute(statement)
    }

    /// Runs `statement` in a transaction on a connection of its own and keeps both open for
    /// `seconds`, as another daemon or a slow clerk would; returns once the statement has run.
    func hold(_ statement: String, seconds: Double) {
        let held = DispatchSemaphore(value: 0)
        let conninfo = conninfo
        Thread {
            guard let other = try? Connection(conninfo: conninfo) else {
                held.signal()
                return
            }
            _ = try? other.execute("BEGIN; " + statement)
            held.signal()
            Thread.sleep(forTimeInterval: seconds)
            _ = try? other.execute("COMMIT")
        }.start()
        held.wait()
    }

    /// Sets up a location and parts with stock, through the socket like a user would.
    func seed(_ client: AdminConnection, parts: [(String, String)] = [("P-1001", "5")]) throws {
        try expectOK(client.send("location add MAIN \"Main warehouse\""))
        try expectOK(client.send("location add BR1 \"Branch 1\" kind=branch"))
        for (part, quantity) in parts {
            try expectOK(client.send("part add \(part) \"part \(part)\" cost=10"))
            try expectOK(client.send("receive MAIN \(part):\(quantity)@10"))
        }
    }
}

func expectOK(_ reply: Reply) throws {
    guard reply.isSuccess else { throw TestFailure("expected success, got:\n\(reply)") }
}

/// Runs `body` on `count` threads at once; each connects first, then all start together so
/// their requests really race. Threads of their own: concurrentPerform would run only as many
/// at a time as there are cores, two on a small machine.
func race(_ count: Int, socketPath: String, _ body: @escaping @Sendable (Int, AdminConnection) -> Void) {
    let start = Date().addingTimeInterval(0.3)
    let finished = DispatchGroup()
    for index in 0..<count {
        finished.enter()
        Thread {
            defer { finished.leave() }
            guard let client = try? AdminConnection(socketPath: socketPath) else { return }
            Thread.sleep(until: start)
            body(index, client)
        }.start()
    }
    finished.wait()
}

/// The reply codes, sorted, of `count` clients racing (see race) to send each its `line(index)`;
/// a client that got no reply adds none.
func raceCodes(_ count: Int, socketPath: String, _ line: @escaping @Sendable (Int) -> String) -> [Int] {
    let codes = Mutex([Int]())
    race(count, socketPath: socketPath) { index, client in
        if let reply = try? client.send(line(index)) { codes.withLock { $0.append(reply.code) } }
    }
    return codes.withLock { $0.sorted() }
}
