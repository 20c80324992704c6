import Foundation
import PartsClient
import PostgresClient
import Synchronization
import Testing

@Suite("daemon lifecycle")
struct LifecycleTests {
    @Test func sigtermFinishesCleanlyAndRemovesTheSocket() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try daemon.seed(client)
        #expect(daemon.stop() == 0)
        #expect(!FileManager.default.fileExists(atPath: daemon.socketPath))
        #expect(throws: AdminClientError.self) { try client.send("ping") }
    }

    /// A stop waits `limits.shutdown_grace_s` for the commands in progress, then cancels them:
    /// a posting stuck behind a lock that is never released does not keep the daemon running,
    /// and nothing of it is posted; the client is told why its command got no other answer.
    @Test func aStopCancelsACommandThatDoesNotAnswerWithinTheGrace() throws {
        let daemon = try TestDaemon(environment: ["PARTSD_LIMITS_SHUTDOWN_GRACE_S": "2"])
        let client = try daemon.connect()
        try daemon.seed(client)
        daemon.hold("LOCK TABLE stock_balance IN EXCLUSIVE MODE", seconds: 20)
        let answered = Mutex<Reply?>(nil)
        let done = Mutex(false)
        let socketPath = daemon.socketPath
        Thread {
            let reply = try? AdminConnection(socketPath: socketPath).send("issue MAIN P-1001:1 ref=stuck-1")
            answered.withLock { $0 = reply }
            done.withLock { $0 = true }
        }.start()
        Thread.sleep(forTimeInterval: 0.5)
        daemon.process.signal(SIGTERM)
        // Well before the lock is released: the grace, then the cancellation.
        #expect(daemon.process.exited(within: 12), "the daemon did not stop while a command waited on a lock")
        while !done.withLock({ $0 }) { Thread.sleep(forTimeInterval: 0.05) }
        // Told, not left hanging up on.
        let reply = answered.withLock { $0 }
        #expect(reply?.code == 503, "\(String(describing: reply))")
        #expect(reply?.lastText.contains("stopping") == true, "\(String(describing: reply))")
        #expect(try daemon.sql("SELECT count(*) FROM client_request WHERE ref = 'stuck-1'").scalar == "0")
    }

    @Test func recoversByItselfWhenPostgreSQLRestarts() throws {
        let cluster = try PrivateCluster()
        try TestCluster.run(TestCluster.binary("partsd"), ["migrate", "--database", cluster.conninfo])
        let daemon = try TestDaemon(database: "postgres", conninfo: cluster.conninfo)
        let client = try daemon.connect()
        try daemon.seed(client)
        try cluster.stop()
        let during = try client.send("issue MAIN P-1001:1")
        #expect(during.code == 503)
        #expect(during.word == "UNAVAILABLE")
        #expect(try client.send("stock show P-1001").code == 503)
        try cluster.start()
        let after = try client.send("issue MAIN P-1001:1")
        #expect(after.code == 201, "\(after)")
        let status = try client.send("status")
        #expect(status.body.contains { $0.contains("reachable") && !$0.contains("unreachable") })
    }

    /// A connection made again after a restart gets the session settings the first one had:
    /// statement_timeout still bounds a command waiting on a lock.
    @Test func sessionSettingsSurviveAPostgreSQLRestart() throws {
        let cluster = try PrivateCluster()
        try TestCluster.run(TestCluster.binary("partsd"), ["migrate", "--database", cluster.conninfo])
        let daemon = try TestDaemon(environment: ["PARTSD_DATABASE_STATEMENT_TIMEOUT_MS": "1000"], database: "postgres",
                                    conninfo: cluster.conninfo)
        let client = try daemon.connect()
        try daemon.seed(client)
        #expect(try client.send("status").body.contains { $0.hasPrefix("statement timeout") && $0.hasSuffix(" 1s") })
        try cluster.stop()
        try cluster.start()
        let status = try client.send("status")
        #expect(status.body.contains { $0.hasPrefix("statement timeout") && $0.hasSuffix(" 1s") }, "\(status)")
        daemon.hold("SELECT 1 FROM stock_balance FOR UPDATE", seconds: 4)
        let waited = try client.send("issue MAIN P-1001:1")
        #expect(waited.code == 503, "\(waited)")
        #expect(waited.lastText.contains("took too long"), "\(waited)")
    }

    @Test func reconnectsAfterItsConnectionsAreKilled() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try daemon.seed(client)
        try daemon.sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'partsd' AND datname = current_database() AND pid <> pg_backend_pid()")
        // Straight away, while the terminated sessions may still be closing: the daemon runs
        // the work again on a new connection instead of answering 503.
        let issued = try client.send("issue MAIN P-1001:1")
        #expect(issued.code == 201, "\(issued)")
        #expect(try client.send("stock show P-1001").code == 200)
        #expect(try daemon.sql("SELECT on_hand FROM stock_balance").scalar == "4.000")
    }

    /// The server reports 57P01 and then closes; libpq's PQexec would hand back only its own
    /// "server closed the connection", and the fact that nothing committed would be lost.
    @Test func aTerminatedSessionIsToldApartFromABrokenOne() throws {
        let database = try TestCluster.createDatabase()
        defer { TestCluster.dropDatabase(database) }
        let victim = try Connection(conninfo: TestCluster.conninfo(database: database))
        let admin = try Connection(conninfo: TestCluster.conninfo(database: database))
        let pid = try #require(try victim.query("SELECT pg_backend_pid()").scalar)
        try admin.query("SELECT pg_terminate_backend($1::int, 5000)", [pid])
        do {
            try victim.query("SELECT 1")
            Issue.record("a terminated session ran a statement")
        } catch {
            guard case .terminated = error else { Issue.record("\(error)"); return }
        }
    }

    @Test func aChangedShippedMigrationStopsStartUp() throws {
        let database = try TestCluster.createDatabase()
        defer { TestCluster.dropDatabase(database) }
        let connection = try Connection(conninfo: TestCluster.conninfo(database: database))
        try connection.execute("UPDATE schema_migration SET checksum = 'edited' WHERE version = 1")
        let result = try TestCluster.run(TestCluster.binary("partsd"), ["migrate", "--database", TestCluster.conninfo(database: database)])
        #expect(result.status != 0)
        #expect(result.output.contains("migration 001_stock_ledger.sql was changed after it was applied"))
    }

    @Test func takesTheSocketSystemdPassesAndSignalsReadiness() throws {
        let database = try TestCluster.createDatabase()
        defer { TestCluster.dropDatabase(database) }
        let directory = "/tmp/sa-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let socket = directory + "/admin.sock"
        let notify = try NotifyListener(path: directory + "/notify")
        let process = try Subprocess("/usr/bin/systemd-socket-activate", [
            "-l", socket, "-E", "NOTIFY_SOCKET=\(notify.path)", "-E", "WATCHDOG_USEC=2000000",
            TestCluster.binary("partsd"), "serve", "--socket", directory + "/unused.sock",
            "--database", try TestCluster.conninfo(database: database), "--grant", "root=admin"])
        defer { if process.isRunning { process.signal(SIGTERM); process.wait() } }
        // Like systemd, systemd-socket-activate starts the daemon at the first connection.
        var client: AdminConnection?
        for _ in 0..<100 where client == nil {
            client = try? AdminConnection(socketPath: socket)
            if client == nil { usleep(50_000) }
        }
        let messages = notify.receive(until: { $0.contains { $0.contains("READY=1") } }, timeoutSeconds: 20)
        #expect(messages.contains { $0.contains("READY=1") })
        let connected = try #require(client)
        #expect(connected.greeting.code == 200)
        #expect(try connected.send("ping").word == "PONG")
        #expect(!FileManager.default.fileExists(atPath: directory + "/unused.sock"))
        let pings = notify.receive(until: { $0.contains { $0.contains("WATCHDOG=1") } }, timeoutSeconds: 5)
        #expect(pings.contains { $0.contains("WATCHDOG=1") })
        process.signal(SIGTERM)
        #expect(process.wait() == 0, "\(process.output)")
    }

    @Test func versionAndCheckConfig() throws {
        let version = try TestCluster.run(TestCluster.binary("partsd"), ["version"])
        #expect(version.output == "partsd 0.1.0 proto=1\n")
        let directory = NSTemporaryDirectory() + "cc-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let good = directory + "/good.json"
        try Data(#"{"socket":{"path":"/run/partsd/admin.sock"},"database":{"pool_size":4},"access":{"grants":["li=clerk","@parts=manager"]}}"#.utf8)
            .write(to: URL(fileURLWithPath: good))
        let ok = try TestCluster.run(TestCluster.binary("partsd"), ["check-config", "--config", good])
        #expect(ok.status == 0, "\(ok.output)")
        #expect(ok.output.contains("access.grants = li=clerk, @parts=manager"))
        #expect(ok.output.contains("database.pool_size = 4"))
        #expect(ok.output.contains("limits.shutdown_grace_s = 20"), "\(ok.output)")
        var environment = ProcessInfo.processInfo.environment
        environment["PARTSD_DATABASE_POOL_SIZE"] = "6"
        let overridden = try TestCluster.run(TestCluster.binary("partsd"), ["check-config", "--config", good], environment: environment)
        #expect(overridden.output.contains("database.pool_size = 6"))
        environment["PARTSD_JOBS_SNAPSHOT_AT"] = "23:30"
        let scheduled = try TestCluster.run(TestCluster.binary("partsd"), ["check-config", "--config", good], environment: environment)
        #expect(scheduled.output.contains("jobs.snapshot_at = 23:30"), "\(scheduled.output)")
        environment["PARTSD_JOBS_SNAPSHOT_AT"] = "24:00"
        let badTime = try TestCluster.run(TestCluster.binary("partsd"), ["check-config", "--config", good], environment: environment)
        #expect(badTime.status != 0)
        #expect(badTime.output.contains("jobs.snapshot_at must be HH:MM, got 24:00"), "\(badTime.output)")
        environment["PARTSD_JOBS_SNAPSHOT_AT"] = nil
        environment["PARTSD_LIMITS_SHUTDOWN_GRACE_S"] = "0"
        let noGrace = try TestCluster.run(TestCluster.binary("partsd"), ["check-config", "--config", good], environment: environment)
        #expect(noGrace.status != 0)
        #expect(noGrace.output.contains("limits.shutdown_grace_s must be 1...3600, got 0"), "\(noGrace.output)")
        let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("deploy/partsd.example.json").path
        let shipped = try TestCluster.run(TestCluster.binary("partsd"), ["check-config", "--config", example])
        #expect(shipped.status == 0, "deploy/partsd.example.json: \(shipped.output)")
        let bad = directory + "/bad.json"
        try Data(#"{"access":{"grants":["li=emperor"]}}"#.utf8).write(to: URL(fileURLWithPath: bad))
        let refused = try TestCluster.run(TestCluster.binary("partsd"), ["check-config", "--config", bad])
        #expect(refused.status != 0)
        #expect(refused.output.contains("unknown role emperor"))
    }
}

/// A datagram socket standing in for systemd's NOTIFY_SOCKET.
final class NotifyListener {
    let path: String
    private let descriptor: Int32

    init(path: String) throws {
        self.path = path
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else { throw TestFailure("cannot bind \(path)") }
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit {
        close(descriptor)
        unlink(path)
    }

    func receive(until done: ([String]) -> Bool, timeoutSeconds: Double) -> [String] {
        var messages: [String] = []
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while Date() < deadline, !done(messages) {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count > 0 { messages.append(String(decoding: buffer[0..<count], as: UTF8.self)) }
        }
        return messages
    }
}
