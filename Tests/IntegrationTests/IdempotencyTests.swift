import Foundation
import PartsClient
import PostgresClient
import Synchronization
import Testing

@Suite("ref= retries")
struct IdempotencyTests {
    @Test func aRetryReturnsTheFirstReplyAndPostsNothing() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try daemon.seed(client)
        let first = try client.send("issue MAIN P-1001:2 to=WO-88 ref=wo88-1")
        let retry = try daemon.connect().send("issue MAIN P-1001:2 to=WO-88 ref=wo88-1")
        #expect(first.code == 201)
        #expect(retry.lines == first.lines)
        #expect(try daemon.sql("SELECT on_hand FROM stock_balance").scalar == "3.000")
        #expect(try daemon.sql("SELECT count(*) FROM document WHERE doc_type = 'GI'").scalar == "1")
    }

    @Test func theSameRefWithOtherContentIsAConflict() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try daemon.seed(client)
        #expect(try client.send("issue MAIN P-1001:1 ref=x").code == 201)
        let other = try client.send("issue MAIN P-1001:2 ref=x")
        #expect(other.code == 409)
        #expect(other.lastText.contains("ref x"))
        #expect(try daemon.sql("SELECT on_hand FROM stock_balance").scalar == "4.000")
    }

    @Test func masterDataRetriesAreIdempotentToo() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        let first = try client.send("location add MAIN \"Main\" ref=loc-1")
        let again = try client.send("location add MAIN \"Main\" ref=loc-1")
        #expect(first.lines == ["200 OK location MAIN added"])
        #expect(again.lines == first.lines)
        #expect(try client.send("location add MAIN \"Main\"").code == 409)
    }

    @Test func concurrentRetriesWithOneRefPostOnce() throws {
        let daemon = try TestDaemon()
        try daemon.seed(try daemon.connect(), parts: [("P-1", "100")])
        let replies = Mutex([String]())
        race(6, socketPath: daemon.socketPath) { _, client in
            if let reply = try? client.send("issue MAIN P-1:1 ref=same") {
                replies.withLock { $0.append(reply.lastText + " " + String(reply.code)) }
            }
        }
        let seen = replies.withLock { $0 }
        #expect(Set(seen).count == 1)
        #expect(seen.count == 6)
        #expect(try daemon.sql("SELECT on_hand FROM stock_balance").scalar == "99.000")
    }

    /// An approval sent six times at once with one ref: the ones that wait for the first's lock
    /// must get its reply again, not "already approved".
    @Test func concurrentRetriesOfAStateChangeAllGetTheFirstReply() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try daemon.seed(client, parts: [("P-1", "10")])
        let requisition = try client.send("req new MAIN P-1:2").lastText
        // Another transaction holds the requisition for a moment, so all six have checked their
        // ref and queue on the row lock together.
        daemon.hold("SELECT 1 FROM requisition WHERE req_no = '\(requisition)' FOR UPDATE", seconds: 1)
        let replies = Mutex<[String]>([])
        race(6, socketPath: daemon.socketPath) { _, client in
            if let reply = try? client.send("req approve \(requisition) ref=approve-once") {
                replies.withLock { $0.append(String(reply.code) + " " + reply.lastText) }
            }
        }
        let seen = replies.withLock { $0 }
        #expect(seen.count == 6)
        #expect(Set(seen).count == 1, "\(seen)")
        #expect(seen.first?.hasPrefix("200 ") == true, "\(seen)")
        #expect(try daemon.sql("SELECT count(*) FROM requisition_event WHERE to_state = 'approved'").scalar == "1")
    }
}
