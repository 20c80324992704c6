import Foundation
import PartsClient
import PostgresClient
import Testing

/// Master-data requests that arrive together share a transaction and its commit
/// (RequestBatcher, requests_batch in sql/functions/requests.sql), each refused alone.
@Suite("master data in batches")
struct RequestBatchTests {
    @Test func partAddsArrivingTogetherShareACommitAndAreRefusedAlone() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        // A held share lock on the part table stops every insert, so the adds below queue up
        // behind the first batch and go in batches of several when it ends.
        daemon.hold("LOCK TABLE part IN SHARE MODE", seconds: 3)
        let outcome = raceCodes(12, socketPath: daemon.socketPath) { index in
            "part add Q-\(index % 8) \"queued \(index)\" cost=1.5"
        }
        #expect(outcome.filter { $0 == 200 }.count == 8, "\(outcome)")
        #expect(outcome.filter { $0 == 409 }.count == 4, "\(outcome)")
        // Each add runs in a subtransaction of its own, but now() is the transaction's start.
        #expect(try daemon.sql("SELECT count(DISTINCT created_at) < count(*) FROM part WHERE part_no LIKE 'Q-%'").scalar == "t",
                "the adds were expected to share transactions")
        #expect(try daemon.sql("SELECT count(*) FROM part WHERE part_no LIKE 'Q-%'").scalar == "8")
        // Every add has its audit row, the refused ones too, with its own code.
        #expect(try daemon.sql("SELECT string_agg(reply_code::text || ':' || n, ' ' ORDER BY reply_code) FROM (SELECT reply_code, count(*) AS n FROM audit_log WHERE command LIKE 'part add Q-%' GROUP BY reply_code) c").scalar
                == "200:8 409:4")
        // A retry with a ref inside a batch replays, as alone.
        try expectOK(client.send("part add R-1 \"with a ref\" ref=add-r1"))
        let again = try client.send("part add R-1 \"with a ref\" ref=add-r1")
        #expect(again.isSuccess, "\(again)")
        #expect(try daemon.sql("SELECT count(*) FROM part WHERE part_no = 'R-1'").scalar == "1")
    }
}
