import Foundation
import PartsClient
import PostgresClient
import Testing

/// Limits an operator sets through PARTSD_* variables, checked on a running daemon.
@Suite("configured limits")
struct LimitTests {
    @Test func aSilentClientIsClosedAfterTheIdleTimeout() throws {
        let daemon = try TestDaemon(environment: ["PARTSD_LIMITS_IDLE_TIMEOUT_S": "1"])
        let idle = try daemon.connect()
        Thread.sleep(forTimeInterval: 2.5)
        #expect(throws: AdminClientError.self) { try idle.send("ping") }
        #expect(try daemon.connect().send("ping").word == "PONG")
    }

    @Test func aDocumentHoldsAtMostTheConfiguredLines() throws {
        let daemon = try TestDaemon(environment: ["PARTSD_LIMITS_MAX_DOCUMENT_LINES": "2"])
        let client = try daemon.connect()
        try daemon.seed(client, parts: [("P-1", "5"), ("P-2", "5"), ("P-3", "5")])
        let refused = try client.send("issue MAIN P-1:1 P-2:1 P-3:1")
        #expect(refused.code == 422)
        #expect(refused.lastText == "3 lines; a document holds at most 2")
        #expect(try client.send("issue MAIN P-1:1 P-2:1").code == 201)
        #expect(try daemon.sql("SELECT count(*) FROM document WHERE doc_type = 'GI'").scalar == "1")
    }

    /// One pooled connection, busy behind a lock another session holds, and room for one
    /// command to wait for it: the next command is told 429 at once instead of hanging; a
    /// waiting command whose client hangs up gives its place back, so the one after it waits
    /// in its stead; and everything that waited is served once the lock goes.
    @Test func commandsPastThePoolQueueGetBusyAndAWaiterThatHangsUpGivesItsPlaceBack() throws {
        let daemon = try TestDaemon(environment: [
            "PARTSD_DATABASE_POOL_SIZE": "1", "PARTSD_DATABASE_POSTING_FLUSHES": "1",
            "PARTSD_DATABASE_POOL_MAX_WAITERS": "1", "PARTSD_DATABASE_POOL_WAIT_MS": "20000",
        ])
        try daemon.seed(try daemon.connect())
        daemon.hold("SELECT 1 FROM stock_balance FOR UPDATE", seconds: 4)
        let holder = try daemon.connect()
        try holder.writeLine("issue MAIN P-1001:1")
        Thread.sleep(forTimeInterval: 0.5)
        let leaver = try daemon.connect()
        try leaver.writeLine("stock show P-1001")
        Thread.sleep(forTimeInterval: 0.3)
        let turnedAway = try daemon.connect().send("stock show P-1001")
        #expect(turnedAway.code == 429, "\(turnedAway)")
        leaver.close()
        Thread.sleep(forTimeInterval: 0.5)
        let waiter = try daemon.connect()
        let served = try waiter.send("stock show P-1001")
        #expect(served.code == 200, "\(served)")
        #expect(try holder.readReply().code == 201)
    }
}
