import Foundation
import PartsClient
import PostgresClient
import Synchronization
import Testing

@Suite("requisitions")
struct RequisitionTests {
    /// A part's reserved quantity at MAIN.
    private func reserved(_ daemon: TestDaemon, _ part: String) throws -> String? {
        try daemon.sql("""
            SELECT b.reserved FROM stock_balance b JOIN part p ON p.id = b.part_id JOIN location l ON l.id = b.location_id
             WHERE p.part_no = '\(part)' AND l.code = 'MAIN'
            """).scalar
    }

    private func state(_ daemon: TestDaemon, _ number: String) throws -> String? {
        try daemon.sql("SELECT state FROM requisition WHERE req_no = '\(number)'").scalar
    }

    /// Every reservation on a balance belongs to a requisition line, and the ledger agrees.
    private func expectConsistent(_ daemon: TestDaemon) throws {
        #expect(try daemon.sql("SELECT count(*) FROM ledger_discrepancy").scalar == "0")
        #expect(try daemon.sql("""
            SELECT count(*) FROM stock_balance b
             WHERE b.reserved <> (SELECT coalesce(sum(l.reserved), 0) FROM requisition_line l
                                   WHERE l.part_id = b.part_id AND l.location_id = b.location_id)
            """).scalar == "0")
    }

    private static var nextWeek: String {
        let date = Date().addingTimeInterval(7 * 86_400)
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        return formatter.string(from: date)
    }

    @Test func requestApproveIssueBackOrderReceiveFillAndIssueTheRest() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try daemon.seed(client, parts: [("P-1", "5"), ("P-2", "2")])
        let created = try client.send("req new MAIN P-1:3 P-2:4 for=WO-88 requester=zhang needed=\(Self.nextWeek) ref=rq-1")
        let year = Calendar(identifier: .gregorian).component(.year, from: Date())
        #expect(created.code == 201)
        #expect(created.lastText == "RQ-\(year)-000001")
        let number = created.lastText
        #expect(try state(daemon, number) == "submitted")

        let approved = try client.send("req approve \(number)")
        #expect(approved.code == 200)
        #expect(approved.lastText == "\(number) approved: P-1 3, P-2 2 reserved; 2 back-ordered")
        #expect(try reserved(daemon, "P-1") == "3.000")
        #expect(try reserved(daemon, "P-2") == "2.000")
        #expect(try daemon.sql("SELECT back_ordered(p.id, l.id) FROM part p, location l WHERE p.part_no = 'P-2' AND l.code = 'MAIN'").scalar == "2.000")
        // Reserved stock is not available to a plain issue.
        #expect(try client.send("issue MAIN P-2:1").code == 409)

        let first = try client.send("req issue \(number) P-1:2")
        #expect(first.code == 201)
        #expect(first.lastText.hasPrefix("GI-"))
        #expect(first.body.contains { $0.contains(number) })
        #expect(try state(daemon, number) == "partly_issued")
        #expect(try reserved(daemon, "P-1") == "1.000")
        #expect(try daemon.sql("SELECT count(*) FROM requisition_issue").scalar == "1")

        let rest = try client.send("req issue \(number)")
        #expect(rest.code == 201)
        #expect(rest.body.contains { $0.contains("P-2") })
        #expect(try reserved(daemon, "P-1") == "0.000")
        #expect(try reserved(daemon, "P-2") == "0.000")
        #expect(try state(daemon, number) == "partly_issued")
        let nothing = try client.send("req issue \(number)")
        #expect(nothing.code == 409)
        #expect(nothing.lastText.contains("nothing is reserved"))

        try expectOK(client.send("receive MAIN P-2:5"))
        let waiting = try client.send("req backorders location=MAIN")
        #expect(waiting.code == 200)
        #expect(waiting.body.contains { $0.contains(number) && $0.contains("P-2") })
        #expect(waiting.lastText.hasPrefix("1 back-ordered lines, 1 can be filled now"))
        let filled = try client.send("req fill \(number)")
        #expect(filled.lastText == "\(number): P-2 2 reserved; back-order filled")
        #expect(try reserved(daemon, "P-2") == "2.000")

        let last = try client.send("req issue \(number)")
        #expect(last.code == 201)
        #expect(try state(daemon, number) == "issued")
        #expect(try daemon.sql("SELECT back_ordered(p.id, l.id) FROM part p, location l WHERE p.part_no = 'P-2' AND l.code = 'MAIN'").scalar == "0.000")
        #expect(try daemon.sql("SELECT on_hand FROM stock_balance b JOIN part p ON p.id = b.part_id WHERE p.part_no = 'P-2'").scalar == "3.000")
        try expectConsistent(daemon)

        _ = try client.send("format json")
        let shown = try client.send("req show \(number)")
        #expect(shown.code == 200)
        let object = try JSONSerialization.jsonObject(with: Data(shown.json!.utf8)) as! [String: Any]
        #expect(object["state"] as? String == "issued")
        #expect((object["events"] as! [[String: Any]]).map { $0["to"] as! String }
                == ["submitted", "approved", "partly_issued", "partly_issued", "issued"])
        #expect((object["documents"] as! [[String: Any]]).count == 3)
        let lines = object["lines"] as! [[String: Any]]
        #expect(lines.map { $0["issued"] as? String } == ["3.000", "4.000"])
        #expect(lines[0]["issued_30d"] as? String == "3.000")
        #expect(lines[0]["value"] as? String == "30.00")
        let report = try client.send("req report")
        let figures = try JSONSerialization.jsonObject(with: Data(report.json!.utf8)) as! [String: Any]
        #expect(figures["on_time_lines"] as? Int == 2)
        #expect(figures["measured_lines"] as? Int == 2)
        #expect(figures["on_time_rate"] as? String == "1.0000")
        let list = try client.send("req list state=issued")
        #expect(list.json!.contains("\"age_days\":0"))
        // The same ref replays the first reply and creates nothing.
        _ = try client.send("format text")
        let replay = try client.send("req new MAIN P-1:3 P-2:4 for=WO-88 requester=zhang needed=\(Self.nextWeek) ref=rq-1")
        #expect(replay.code == 201)
        #expect(replay.lastText == number)
        #expect(try daemon.sql("SELECT count(*) FROM requisition").scalar == "1")
    }

    @Test func illegalTransitionsAreRefusedAndChangeNothing() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try daemon.seed(client, parts: [("P-1", "10")])
        let rq1 = try client.send("req new MAIN P-1:2").lastText
        let early = try client.send("req issue \(rq1)")
        #expect(early.code == 409)
        #expect(early.lastText == "cannot issue \(rq1): it is submitted and not approved yet")
        try expectOK(client.send("req reject \(rq1) reason=\"no work order\""))
        let afterReject = try client.send("req approve \(rq1)")
        #expect(afterReject.code == 409)
        #expect(afterReject.lastText == "cannot approve \(rq1): it was rejected: no work order")
        #expect(try client.send("req issue \(rq1) P-1:1").code == 409)

        let rq2 = try client.send("req new MAIN P-1:3").lastText
        try expectOK(client.send("req approve \(rq2)"))
        let twice = try client.send("req approve \(rq2)")
        #expect(twice.code == 409)
        #expect(twice.lastText.hasPrefix("cannot approve \(rq2): it was already approved by root at "))
        let early2 = try client.send("req close \(rq2)")
        #expect(early2.code == 409)
        #expect(early2.lastText.contains("cancel it instead"))
        let stranger = try client.send("req issue \(rq2) P-9:1")
        #expect(stranger.code == 409)
        #expect(stranger.lastText == "P-9 is not on \(rq2): its lines are P-1")
        let tooMuch = try client.send("req issue \(rq2) P-1:4")
        #expect(tooMuch.code == 409)
        #expect(tooMuch.lastText == "P-1 on \(rq2) has 3 left to issue, 4 asked")

        let rq3 = try client.send("req new MAIN P-1:2").lastText
        try expectOK(client.send("req cancel \(rq3)"))
        let cancelled = try client.send("req approve \(rq3)")
        #expect(cancelled.code == 409)
        #expect(cancelled.lastText == "cannot approve \(rq3): it was cancelled")

        // Beyond what is reserved, an issue takes from what is available; past that, nothing moves.
        try expectOK(client.send("issue MAIN P-1:7"))
        let rq4 = try client.send("req new MAIN P-1:3").lastText
        try expectOK(client.send("req approve \(rq4)"))
        let short = try client.send("req issue \(rq4) P-1:3")
        #expect(short.code == 409)
        #expect(short.lastText.hasPrefix("not enough stock: P-1 at MAIN"))
        #expect(try state(daemon, rq4) == "approved")
        try expectOK(client.send("req issue \(rq2)"))
        let done = try client.send("req cancel \(rq2)")
        #expect(done.code == 409)
        #expect(done.lastText == "cannot cancel \(rq2): it is already fully issued")

        let counts = try daemon.sql("""
            SELECT (SELECT count(*) FROM document WHERE doc_type = 'GI'), (SELECT count(*) FROM requisition_event),
                   (SELECT string_agg(req_no || '=' || state, ',' ORDER BY id) FROM requisition)
            """).rows[0]
        #expect(counts[0] == "2")
        // rq1 submitted, rejected; rq2 submitted, approved, issued; rq3 submitted, cancelled; rq4 submitted, approved.
        #expect(counts[1] == "9")
        #expect(counts[2] == "\(rq1)=rejected,\(rq2)=issued,\(rq3)=cancelled,\(rq4)=approved")
        try expectConsistent(daemon)
    }

    @Test func clerksMayNotApproveAndManagersNotAboveTheirLimit() throws {
        let daemon = try TestDaemon(environment: ["PARTSD_REQUISITIONS_MANAGER_LIMIT": "100"])
        let client = try daemon.connect()
        try daemon.seed(client, parts: [("P-1", "50")])
        let small = try client.send("req new MAIN P-1:2").lastText
        let large = try client.send("req new MAIN P-1:20").lastText
        let clerk = try daemon.socat(as: TestDaemon.clerkUID, ["req approve \(small)"])
        #expect(clerk.contains("403 FORBIDDEN req approve needs role manager"))
        let viewer = try daemon.socat(as: TestDaemon.viewerUID, ["req new MAIN P-1:1", "req show \(small)"])
        #expect(viewer.contains("403 FORBIDDEN req new needs role clerk"))
        #expect(viewer.contains("200 OK \(small) submitted"))
        let manager = try daemon.socat(as: TestDaemon.managerUID, ["req approve \(small)", "req approve \(large)"])
        #expect(manager.contains("200 OK \(small) approved: P-1 2 reserved"))
        #expect(manager.contains("403 FORBIDDEN \(large) is worth 200.00, above the manager approval limit of 100.00: an admin must approve it"))
        #expect(try state(daemon, large) == "submitted")
        #expect(try reserved(daemon, "P-1") == "2.000")
        // root is admin here: the high-value approval.
        try expectOK(client.send("req approve \(large)"))
        #expect(try reserved(daemon, "P-1") == "22.000")
        #expect(try daemon.sql("SELECT count(*) FROM audit_log WHERE command LIKE 'req approve%' AND reply_code = 403").scalar == "2")
    }

    @Test func aRetriedIssueWithTheSameRefPostsOneDocument() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try daemon.seed(client, parts: [("P-1", "5")])
        let number = try client.send("req new MAIN P-1:4").lastText
        try expectOK(client.send("req approve \(number) ref=ap-1"))
        let again = try client.send("req approve \(number) ref=ap-1")
        #expect(again.code == 200)
        #expect(again.lastText == "\(number) approved: P-1 4 reserved")
        let first = try client.send("req issue \(number) P-1:1 ref=is-1")
        let retry = try client.send("req issue \(number) P-1:1 ref=is-1")
        #expect(retry.code == 201)
        #expect(retry.lastText == first.lastText)
        #expect(try client.send("req issue \(number) P-1:2 ref=is-1").code == 409)
        #expect(try daemon.sql("SELECT issued FROM requisition_line").scalar == "1.000")
        #expect(try daemon.sql("SELECT count(*) FROM document WHERE doc_type = 'GI'").scalar == "1")
        try expectConsistent(daemon)
    }

    @Test func twoClerksIssuingTheSameRequisitionIssueTheReservedUnitsOnce() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try daemon.seed(client, parts: [("P-1", "3")])
        for _ in 0..<4 {
            try expectOK(client.send("receive MAIN P-1:3"))
            let number = try client.send("req new MAIN P-1:3").lastText
            try expectOK(client.send("req approve \(number)"))
            #expect(raceCodes(2, socketPath: daemon.socketPath) { _ in "req issue \(number)" } == [201, 409])
            #expect(try state(daemon, number) == "issued")
            #expect(try daemon.sql("SELECT issued FROM requisition_line l JOIN requisition r ON r.id = l.requisition_id WHERE r.req_no = '\(number)'").scalar == "3.000")
            #expect(try daemon.sql("SELECT on_hand || '/' || reserved FROM stock_balance").scalar == "3.000/0.000")
            try expectConsistent(daemon)
        }
    }

    @Test func approvalRacingCancellationLeavesReservationsConsistent() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try daemon.seed(client, parts: [("P-1", "100")])
        var outcomes: [String: Int] = [:]
        for _ in 0..<6 {
            let number = try client.send("req new MAIN P-1:5").lastText
            let codes = Mutex([String: Int]())
            race(2, socketPath: daemon.socketPath) { index, racer in
                let command = index == 0 ? "req approve \(number)" : "req cancel \(number)"
                if let reply = try? racer.send(command) { codes.withLock { $0[command.split(separator: " ")[1].description] = reply.code } }
            }
            let result = codes.withLock { $0 }
            let final = try state(daemon, number)
            // Cancel always wins over a pending requisition, and an approved one may still be
            // cancelled: either way it ends cancelled, holding nothing; approve lost when it came second.
            #expect(final == "cancelled")
            #expect(result["cancel"] == 200)
            #expect([200, 409].contains(result["approve"] ?? 0))
            outcomes[result["approve"] == 200 ? "approved first" : "cancelled first", default: 0] += 1
            #expect(try reserved(daemon, "P-1") == "0.000")
            try expectConsistent(daemon)
        }
        #expect(outcomes.values.reduce(0, +) == 6)
    }
}
