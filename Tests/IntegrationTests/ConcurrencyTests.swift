import Foundation
import PartsClient
import PostgresClient
import Synchronization
import Testing

@Suite("concurrent clerks")
struct ConcurrencyTests {
    @Test func twoClerksIssuingTheLastUnitsExactlyOneWins() throws {
        let daemon = try TestDaemon()
        try daemon.seed(try daemon.connect(), parts: [("P-1", "3")])
        for round in 0..<5 {
            if round > 0 { try expectOK(daemon.connect().send("receive MAIN P-1:3")) }
            #expect(raceCodes(2, socketPath: daemon.socketPath) { _ in "issue MAIN P-1:3" } == [201, 409])
            #expect(try daemon.sql("SELECT on_hand FROM stock_balance").scalar == "0.000")
        }
    }

    @Test func aMixOfConcurrentCommandsKeepsEveryBalanceEqualToItsLedger() throws {
        let daemon = try TestDaemon()
        let parts = (1...4).map { ("P-\($0)", "20") }
        try daemon.seed(try daemon.connect(), parts: parts)
        let outcomes = Mutex([Int: Int]())
        race(8, socketPath: daemon.socketPath) { index, client in
            var generator = SystemRandomNumberGenerator()
            for step in 0..<40 {
                let a = "P-\(Int.random(in: 1...4, using: &generator))"
                let b = "P-\(Int.random(in: 1...4, using: &generator))"
                let lines = a == b ? "\(a):\(Int.random(in: 1...6))" : "\(a):\(Int.random(in: 1...6)) \(b):\(Int.random(in: 1...6))"
                let command = switch (index + step) % 4 {
                case 0: "issue MAIN \(lines)"
                case 1: "transfer MAIN BR1 \(lines)"
                case 2: "transfer BR1 MAIN \(lines)"
                default: "receive MAIN \(lines)"
                }
                if let reply = try? client.send(command) {
                    outcomes.withLock { $0[reply.code, default: 0] += 1 }
                }
            }
        }
        let counts = outcomes.withLock { $0 }
        #expect(counts.keys.allSatisfy { [201, 409].contains($0) }, "\(counts)")
        #expect(counts.values.reduce(0, +) == 8 * 40)
        #expect(try daemon.sql("SELECT count(*) FROM ledger_discrepancy").scalar == "0")
        #expect(try daemon.sql("SELECT count(*) FROM stock_balance WHERE on_hand < 0 OR reserved > on_hand").scalar == "0")
        // Every posted line moved stock: documents and movements agree in number.
        #expect(try daemon.sql("""
            SELECT count(*) FROM document_line dl JOIN document d ON d.id = dl.document_id
             WHERE (SELECT count(*) FROM stock_movement m WHERE m.document_id = dl.document_id AND m.line_no = dl.line_no)
                   <> CASE d.doc_type WHEN 'TR' THEN 2 ELSE 1 END
            """).scalar == "0")
    }

    /// Clerks posting every kind of document that locks stock balances, all at once, in
    /// orders that would lock the same rows in opposite orders (receipts beside issues of
    /// other parts, transfers both ways, shipments, requisitions reserving and releasing):
    /// PostgreSQL never has to break a deadlock. Deadlocks are counted by the server
    /// (pg_stat_database), since the daemon retries what one rolls back.
    @Test func mixedPostingsOfEveryKindNeverDeadlock() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        let parts = (1...4).map { ("P-\($0)", "500") }
        try daemon.seed(client, parts: parts)
        try expectOK(client.send("receive BR1 P-1:500 P-2:500 P-3:500 P-4:500"))
        try expectOK(client.send("location add BR2 \"Branch 2\" kind=branch"))
        let deadlocks = "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()"
        let before = Int(try daemon.sql(deadlocks).scalar ?? "0") ?? 0
        let failures = Mutex([String]())
        race(12, socketPath: daemon.socketPath) { index, client in
            for step in 0..<25 {
                let ref = "dl-\(index)-\(step)"
                let commands: [String] = switch index % 6 {
                case 0: ["issue MAIN P-2:1 P-4:1 ref=\(ref)"]
                case 1: ["receive MAIN P-4:1@10 P-1:1@10 ref=\(ref)"]
                case 2: ["transfer MAIN BR1 P-3:1 P-1:1 ref=\(ref)"]
                case 3: ["transfer BR1 MAIN P-1:1 P-3:1 ref=\(ref)"]
                case 4: ["ship MAIN BR2 P-4:1 P-2:1 ref=\(ref)"]
                default: ["req new MAIN P-2:1 P-1:1 ref=\(ref)"]
                }
                for command in commands {
                    guard let reply = try? client.send(command) else { continue }
                    if !reply.isSuccess { failures.withLock { $0.append("\(command): \(reply.lastText)") } }
                    // A requisition is approved (reserving) and cancelled (releasing) at once.
                    if command.hasPrefix("req new"), reply.isSuccess {
                        _ = try? client.send("req approve \(reply.lastText)")
                        _ = try? client.send("req cancel \(reply.lastText)")
                    }
                }
            }
        }
        #expect(failures.withLock { $0 }.isEmpty, "\(failures.withLock { $0 }.prefix(5))")
        // The daemon's sessions report their counts to the statistics when they end.
        daemon.stop()
        Thread.sleep(forTimeInterval: 1.5)
        let after = Int(try daemon.sql(deadlocks).scalar ?? "0") ?? 0
        #expect(after == before, "\(after - before) deadlocks")
        #expect(try daemon.sql("SELECT count(*) FROM ledger_discrepancy").scalar == "0")
    }
}
