import Foundation
import PartsClient
import PostgresClient
import Synchronization
import Testing

/// partsd keeps nothing that matters outside PostgreSQL, so surviving the loss of the
/// database's machine is PostgreSQL's streaming replication plus libpq's multi-host connection
/// strings; what partsd must do is behave on top of it. These tests run the real thing: a
/// primary and a synchronous standby made with pg_basebackup, several daemons on one database.
@Suite("beyond one machine")
struct FailoverTests {
    /// Clients post issues and receipts with refs through a daemon on the two-host conninfo;
    /// the primary dies (immediate stop) mid-way and the standby is promoted. Every client
    /// retries what got no answer with the same ref. Afterwards every document a client got
    /// 201 for exists exactly once, no ref posted twice, the ledger reconciles, and the daemon
    /// served again soon after the promotion (the gap is printed).
    @Test func aFailoverToTheSynchronousStandbyLosesNoAcknowledgedDocument() throws {
        let primary = try PrivateCluster(settings: ["synchronous_commit=on", "max_wal_senders=5", "wal_keep_size=128MB"])
        try TestCluster.run(TestCluster.binary("partsd"), ["migrate", "--database", primary.conninfo])
        let standby = try PrivateCluster(standbyOf: primary, applicationName: "standby1")
        // Synchronous once the standby streams: before, every commit would wait for it.
        let replication = try Connection(conninfo: primary.conninfo)
        try replication.execute("ALTER SYSTEM SET synchronous_standby_names = 'standby1'")
        try replication.execute("SELECT pg_reload_conf()")
        var synchronous = false
        for _ in 0..<100 where !synchronous {
            synchronous = try replication.query("SELECT count(*) FROM pg_stat_replication WHERE application_name = 'standby1' AND sync_state = 'sync'").scalar == "1"
            if !synchronous { usleep(100_000) }
        }
        try #require(synchronous, "the standby did not become synchronous")
        let conninfo = "host=\(primary.socketDirectory),\(standby.socketDirectory) port=5432,5432 user=postgres "
            + "dbname=postgres target_session_attrs=read-write connect_timeout=2"
        let daemon = try TestDaemon(environment: ["PARTSD_DATABASE_STATEMENT_TIMEOUT_MS": "5000"], database: "postgres",
                                    conninfo: conninfo)
        try daemon.seed(try daemon.connect(), parts: (1...8).map { ("P-\($0)", "100000") })

        let acknowledged = Mutex([String: String]())
        let unavailable = Atomic<Int>(0)
        let lastBefore = Mutex<Date?>(nil)
        let firstAfter = Mutex<Date?>(nil)
        let promotedAt = Mutex<Date?>(nil)
        let clients = 8
        let socketPath = daemon.socketPath
        let deadline = Date().addingTimeInterval(9)
        let finished = DispatchGroup()
        for index in 0..<clients {
            finished.enter()
            Thread {
                defer { finished.leave() }
                var client = try? AdminConnection(socketPath: socketPath, timeoutSeconds: 20)
                var sequence = 0
                while Date() < deadline {
                    sequence += 1
                    let ref = "fo-\(index)-\(sequence)"
                    let part = "P-\((index + sequence) % 8 + 1)"
                    let line = sequence % 3 == 0 ? "receive MAIN \(part):1@10 ref=\(ref)" : "issue MAIN \(part):1 ref=\(ref)"
                    // Retry with the same ref until answered: a lost reply is retried, never re-sent new.
                    let giveUp = Date().addingTimeInterval(60)
                    while Date() < giveUp {
                        if client == nil { client = try? AdminConnection(socketPath: socketPath, timeoutSeconds: 20) }
                        guard let connection = client else { usleep(100_000); continue }
                        guard let reply = try? connection.send(line) else { client = nil; continue }
                        if reply.code == 503 {
                            unavailable.add(1, ordering: .relaxed)
                            usleep(100_000)
                            continue
                        }
                        if reply.code == 201 {
                            acknowledged.withLock { $0[ref] = reply.lastText }
                            let now = Date()
                            if promotedAt.withLock({ $0 }) == nil { lastBefore.withLock { $0 = now } } else {
                                firstAfter.withLock { if $0 == nil { $0 = now } }
                            }
                        }
                        break
                    }
                }
            }.start()
        }
        Thread.sleep(forTimeInterval: 3)
        try primary.crash()
        try standby.promote()
        promotedAt.withLock { $0 = Date() }
        finished.wait()

        let documents = acknowledged.withLock { $0 }
        #expect(documents.count > 50, "only \(documents.count) documents were acknowledged")
        let books = try Connection(conninfo: standby.conninfo)
        let posted = Dictionary(uniqueKeysWithValues: try books.query("""
            SELECT client_ref, doc_no FROM document WHERE client_ref LIKE 'fo-%'
            """).records.map { (try $0.text("client_ref"), try $0.text("doc_no")) })
        let lost = documents.filter { posted[$0.key] != $0.value }
        #expect(lost.isEmpty, "acknowledged but not on the promoted standby: \(lost.prefix(5))")
        #expect(try books.query("""
            SELECT count(*) FROM (SELECT client_ref FROM document WHERE client_ref IS NOT NULL GROUP BY 1 HAVING count(*) > 1) twice
            """).scalar == "0")
        #expect(try books.query("SELECT count(*) FROM ledger_discrepancy").scalar == "0")
        let promoted = try #require(promotedAt.withLock { $0 })
        let served = try #require(firstAfter.withLock { $0 }, "nothing was served after the promotion")
        let gap = served.timeIntervalSince(lastBefore.withLock { $0 } ?? promoted)
        print("failover: \(documents.count) documents acknowledged, \(lost.count) lost, 0 duplicated, "
              + "\(unavailable.load(ordering: .relaxed)) answers 503, served again \(String(format: "%.2f", served.timeIntervalSince(promoted))) s "
              + "after the promotion, \(String(format: "%.2f", gap)) s without a posting")
        #expect(served.timeIntervalSince(promoted) < 10)
        #expect(daemon.log.contains("database connections switched server"), "\(daemon.log.suffix(2000))")
    }

    /// Two daemons on one database, clients spread over both: the race invariants hold as
    /// with one, a job asked of both runs once, refs replay across daemons, document numbers
    /// never collide.
    @Test func twoDaemonsOnOneDatabaseBehaveAsOne() throws {
        let first = try TestDaemon()
        let second = try TestDaemon(database: first.database, conninfo: first.conninfo)
        try first.seed(try first.connect(), parts: [("P-1", "5")])
        try expectOK(first.connect().send("history add MAIN P-1 2026-01-05:30"))
        let other = second.socketPath
        let codes = Mutex([Int]())
        let documents = Mutex([String]())
        race(20, socketPath: first.socketPath) { index, client in
            // Half of the clerks go through the other daemon.
            let connection = index % 2 == 0 ? client : (try? AdminConnection(socketPath: other)) ?? client
            if let reply = try? connection.send("issue MAIN P-1:1") {
                codes.withLock { $0.append(reply.code) }
                if reply.code == 201 { documents.withLock { $0.append(reply.lastText) } }
            }
        }
        #expect(codes.withLock { $0 }.filter { $0 == 201 }.count == 5)
        #expect(codes.withLock { $0 }.filter { $0 == 409 }.count == 15)
        #expect(Set(documents.withLock { $0 }).count == 5)
        #expect(try first.sql("SELECT on_hand FROM stock_balance").scalar == "0.000")

        let replies = Mutex([Int]())
        race(2, socketPath: first.socketPath) { index, client in
            let connection = index == 0 ? client : (try? AdminConnection(socketPath: other)) ?? client
            if let reply = try? connection.send("job run reorder --wait") { replies.withLock { $0.append(reply.code) } }
        }
        #expect(replies.withLock { $0 }.sorted() == [200, 409], "\(replies.withLock { $0 })")
        #expect(try first.sql("SELECT count(*) FROM job_run WHERE job = 'reorder'").scalar == "1")

        let received = try first.connect().send("receive MAIN P-1:2@10 ref=both-1")
        let replayed = try second.connect().send("receive MAIN P-1:2@10 ref=both-1")
        #expect(received.code == 201)
        #expect(replayed.lines == received.lines)
        #expect(try first.sql("SELECT count(*) FROM document WHERE doc_type = 'GR'").scalar == "2")
        #expect(try first.sql("SELECT count(*) FROM (SELECT doc_no FROM document GROUP BY 1 HAVING count(*) > 1) d").scalar == "0")
    }

    /// With `database.read_url` on a standby, reports read the standby: while its replay is
    /// paused they do not show an issue posted on the primary. Once the standby is gone they
    /// read the primary, and show it.
    @Test func reportsReadTheStandbyAndThePrimaryOnceTheStandbyIsGone() throws {
        let site = try ReadStandbySite()
        let client = site.client
        try expectOK(client.send("issue MAIN P-1:3"))
        try site.waitForReplay("SELECT count(*) = 1 FROM document WHERE doc_type = 'GI'")
        _ = try client.send("format json")
        func issueValue() throws -> String? {
            let reply = try client.send("report abc location=MAIN")
            let object = try JSONSerialization.jsonObject(with: Data(try #require(reply.json).utf8)) as? [String: Any]
            return (object?["rows"] as? [[String: Any]])?.first { $0["part_no"] as? String == "P-1" }?["issue_value"] as? String
        }
        #expect(try issueValue() == "30.00")
        try site.replica.execute("SELECT pg_wal_replay_pause()")
        #expect(try client.send("issue MAIN P-1:2").code == 201)
        #expect(try issueValue() == "30.00", "the report read the primary, not the paused standby")
        try site.standby.stop()
        #expect(try issueValue() == "50.00", "the report did not fall back to the primary")
    }

    /// A reorder run's readers read the standby of `database.read_url`: with its replay paused
    /// the run does not plan a part whose history came after. Once the standby is gone the run
    /// reads the primary, and plans it.
    @Test func theReorderRunReadsTheStandbyAndThePrimaryOnceTheStandbyIsGone() throws {
        let site = try ReadStandbySite()
        let client = site.client
        try expectOK(client.send("history add MAIN P-1 2026-09-01:4 2026-10-01:6"))
        try site.waitForReplay("SELECT count(*) > 0 FROM demand_line d JOIN part p ON p.id = d.part_id WHERE p.part_no = 'P-1'")
        try site.replica.execute("SELECT pg_wal_replay_pause()")
        try expectOK(client.send(#"part add P-2 "second" cost=5.00"#))
        try expectOK(client.send("history add MAIN P-2 2026-09-01:3 2026-10-01:5"))
        func planned() throws -> String {
            let reply = try client.send("job run reorder --wait")
            #expect(reply.code == 200, "\(reply)")
            return reply.body.joined(separator: " ")
        }
        let onStandby = try planned()
        try site.standby.stop()
        let onPrimary = try planned()
        #expect(onStandby != onPrimary, "\(onStandby) / \(onPrimary)")
        let lines = try site.daemon.sql("""
            SELECT string_agg(p.part_no, ',' ORDER BY p.part_no) FROM reorder_proposal rp
              JOIN reorder_line l ON l.proposal_id = rp.id JOIN part p ON p.id = l.part_id
             GROUP BY rp.id ORDER BY rp.id
            """).rows.map { $0[0] ?? "" }
        #expect(lines == ["P-1", "P-1,P-2"], "\(lines)")
    }
}

/// A primary, a streaming standby that `database.read_url` names, and a daemon on the primary
/// with part P-1 (10 on hand at MAIN).
private struct ReadStandbySite {
    let primary: PrivateCluster
    let standby: PrivateCluster
    let daemon: TestDaemon
    let client: AdminConnection
    let replica: Connection

    init() throws {
        primary = try PrivateCluster(settings: ["max_wal_senders=5", "wal_keep_size=64MB"])
        try TestCluster.run(TestCluster.binary("partsd"), ["migrate", "--database", primary.conninfo])
        standby = try PrivateCluster(standbyOf: primary, applicationName: "reports")
        daemon = try TestDaemon(environment: ["PARTSD_DATABASE_READ_URL": standby.conninfo + " connect_timeout=2"],
                                database: "postgres", conninfo: primary.conninfo)
        client = try daemon.connect()
        try daemon.seed(client, parts: [("P-1", "10")])
        replica = try Connection(conninfo: standby.conninfo)
    }

    /// Waits up to 10 s for the standby to answer `condition` (one boolean) with true.
    func waitForReplay(_ condition: String) throws {
        func holds() throws -> Bool { try replica.query(condition).scalar == "t" }
        for _ in 0..<100 where try !holds() { usleep(100_000) }
        try #require(try holds(), "the standby did not replay: \(condition)")
    }
}
