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

    /// A lone request runs as a batch of its own in its caller's task; when it ends while a
    /// second batch it let start runs on, the batcher still counts that one, and a request
    /// arriving alone afterwards runs at once (it once waited for company that never came).
    @Test func aLoneRequestAfterBatchesBesideEachOtherIsServed() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        for round in 0..<3 {
            // The first add to arrive runs alone and waits for the lock first; the others
            // queue behind it and start a second batch beside it.
            daemon.hold("LOCK TABLE part IN SHARE MODE", seconds: 1)
            let outcome = raceCodes(6, socketPath: daemon.socketPath) { index in
                "part add W-\(round)-\(index) \"beside \(index)\""
            }
            #expect(outcome == Array(repeating: 200, count: 6), "\(outcome)")
            try expectOK(client.send("part add L-\(round) \"alone afterwards\""))
        }
    }

    @Test func distinctPartAddsGoInAsOneSetAndABadOneAlone() throws {
        let daemon = try TestDaemon()
        daemon.hold("LOCK TABLE part IN SHARE MODE", seconds: 3)
        let outcome = raceCodes(8, socketPath: daemon.socketPath) { index in
            "part add S-\(index) \"set \(index)\" cost=2.25 lead_days=\(index) ref=set-\(index)"
        }
        #expect(outcome == Array(repeating: 200, count: 8), "\(outcome)")
        // One insert for the batch: its rows share the transaction id of one subtransaction,
        // where one request at a time gives each its own (part_add_set, requests_batch).
        #expect(try daemon.sql("SELECT count(DISTINCT xmin::text) < count(*) FROM part WHERE part_no LIKE 'S-%'").scalar == "t")
        #expect(try daemon.sql("SELECT count(*) FROM client_request WHERE ref LIKE 'set-%' AND reply->>'message' LIKE 'part S-% added'").scalar == "8")
        #expect(try daemon.sql("SELECT count(*) FROM audit_log WHERE command LIKE 'part add S-%' AND reply_code = 200").scalar == "8")
        let client = try daemon.connect()
        let again = try client.send("part add S-3 \"set 3\" cost=2.25 lead_days=3 ref=set-3")
        #expect(again.isSuccess && again.lastText.contains("part S-3 added"), "\(again)")

        // A batch with one unknown unit, one existing part and a reused ref: those three are
        // answered as alone, the rest added.
        daemon.hold("LOCK TABLE part IN SHARE MODE", seconds: 3)
        let mixed = raceCodes(6, socketPath: daemon.socketPath) { index in
            switch index {
            case 0: "part add T-0 \"bad unit\" unit=CRATE"
            case 1: "part add S-1 \"exists\""
            case 2: "part add T-2 \"other content\" ref=set-4"
            default: "part add T-\(index) \"fine \(index)\""
            }
        }
        #expect(mixed == [200, 200, 200, 409, 409, 422], "\(mixed)")
        #expect(try daemon.sql("SELECT string_agg(part_no, ' ' ORDER BY part_no) FROM part WHERE part_no LIKE 'T-%'").scalar == "T-3 T-4 T-5")
    }

    @Test func oneConnectionsPipelinedAddsShareABatchAndAnswerInOrder() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try expectOK(client.send("format json"))
        daemon.hold("LOCK TABLE part IN SHARE MODE", seconds: 2)
        let lines = (0..<12).map { "part add U-\($0) \"piped \($0)\" ref=pipe-\($0)" }
            + ["part add U-3 \"again\"", "part show U-3", "part set U-3 cost=4.5", "part add U-12 \"last\""]
        // One write, so the daemon reads the lines together.
        try client.sendRaw(Array(lines.map { $0 + "\n" }.joined().utf8))
        let replies = try lines.map { _ in try client.readReply() }
        #expect(replies.prefix(12).allSatisfy { $0.code == 200 }, "\(replies.map(\.lastText))")
        for (index, reply) in replies.prefix(12).enumerated() {
            #expect(reply.lastText.contains("part U-\(index) added"), "\(reply.lastText)")
        }
        #expect(replies[12].code == 409 && replies[12].lastText.contains("U-3 already exists"), "\(replies[12].lastText)")
        #expect(replies[13].code == 200 && (replies[13].json ?? "").contains("piped 3"), "\(replies[13])")
        #expect(replies[14].code == 200 && replies[15].code == 200, "\(replies.suffix(2).map(\.lastText))")
        // The twelve went in together: at least two of them in one insert (part_add_set).
        #expect(try daemon.sql("SELECT count(DISTINCT xmin::text) < count(*) FROM part WHERE part_no ~ '^U-([0-9]|1[01])$'").scalar == "t")
        #expect(try daemon.sql("SELECT cost FROM part WHERE part_no = 'U-3'").scalar == "4.5000")
    }
}
