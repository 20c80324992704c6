import Foundation
import Synchronization
import PartsClient
import PostgresClient
import Testing

@Suite("branch replenishment (补料): transfer orders through in-transit stock")
struct TransferOrderTests {
    private func onHand(_ daemon: TestDaemon, _ part: String, at location: String) throws -> String {
        try daemon.sql("""
            SELECT coalesce((SELECT b.on_hand FROM stock_balance b JOIN part p ON p.id = b.part_id
                              JOIN location l ON l.id = b.location_id
                             WHERE p.part_no = '\(part)' AND l.code = '\(location)'), 0)
            """).scalar ?? ""
    }

    private func state(_ daemon: TestDaemon, _ toNo: String) throws -> String? {
        try daemon.sql("SELECT state FROM transfer_order WHERE to_no = '\(toNo)'").scalar
    }

    @Test func clerksCannotPostByHandInOrOutOfTransit() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try daemon.seed(client, parts: [("P-1", "10")])
        try expectOK(client.send("ship MAIN BR1 P-1:4"))
        for command in ["issue T.BR1 P-1:1", "transfer T.BR1 BR1 P-1:1", "transfer MAIN T.BR1 P-1:1",
                        "receive T.BR1 P-1:1@10", "adjust T.BR1 P-1:0 reason=lost"] {
            let refused = try client.send(command)
            #expect(refused.code == 422, "\(command): \(refused)")
            #expect(refused.lastText.contains("T.BR1 is an in-transit location"), "\(refused)")
        }
        #expect(try onHand(daemon, "P-1", at: "T.BR1") == "4.000")
        // Refused alone: a clerk's issue in the same batch posts.
        let batch = #"[{"type":"GI","location":"T.BR1","lines":[{"part_no":"P-1","quantity":"1"}],"actor":{"user":"t","uid":0,"role":"admin"},"command":"issue"},"#
            + #"{"type":"GI","location":"MAIN","lines":[{"part_no":"P-1","quantity":"1"}],"actor":{"user":"t","uid":0,"role":"admin"},"command":"issue"}]"#
        let results = try daemon.sql("""
            SELECT string_agg(coalesce(r->>'sqlstate', r->'reply'->'document'->>'type'), ' ' ORDER BY n)
              FROM json_array_elements(post_stock_documents('\(batch)'::jsonb)) WITH ORDINALITY AS e(r, n)
            """).scalar
        #expect(results == "PS422 GI")
        #expect(try onHand(daemon, "P-1", at: "MAIN") == "5.000")
    }

    @Test func shippedStockSitsInTransitUntilItArrivesAtTheBranch() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try daemon.seed(client, parts: [("P-1", "10"), ("P-2", "10")])

        let shipped = try client.send("ship MAIN BR1 P-1:4 P-2:2 note=\"weekly 补料\" ref=s1")
        #expect(shipped.code == 201, "\(shipped)")
        let toNo = shipped.lastText
        #expect(toNo.hasPrefix("TO-"))
        #expect(shipped.body.contains { $0.contains("STOCK TRANSFER 调拨单") })
        #expect(shipped.body.contains { $0.contains("Order 调拨单") && $0.contains("\(toNo) to BR1") })
        #expect(shipped.body.contains { $0.contains("To 调入") && $0.contains("T.BR1") })
        #expect(try onHand(daemon, "P-1", at: "MAIN") == "6.000")
        #expect(try onHand(daemon, "P-1", at: "T.BR1") == "4.000")
        #expect(try daemon.sql("SELECT kind FROM location WHERE code = 'T.BR1'").scalar == "transit")

        // A retry replays the same order; the same ref for another shipment is refused.
        let retried = try client.send("ship MAIN BR1 P-1:4 P-2:2 note=\"weekly 补料\" ref=s1")
        #expect(retried.code == 201 && retried.lastText == toNo, "\(retried)")
        #expect(try client.send("ship MAIN BR1 P-1:1 ref=s1").code == 409)
        #expect(try daemon.sql("SELECT count(*) FROM transfer_order").scalar == "1")
        #expect(try onHand(daemon, "P-1", at: "MAIN") == "6.000")

        // In transit shows in stock show under the transit location, and per order.
        let stock = try client.send("stock show P-1")
        #expect(stock.body.contains { $0.hasPrefix("T.BR1 ") && $0.contains(" 4 ") }, "\(stock)")
        let shown = try client.send("to show \(toNo)")
        #expect(shown.code == 200)
        #expect(shown.body.contains { $0.hasPrefix("state") && $0.hasSuffix("shipped") })
        #expect(shown.body.contains { $0.hasPrefix("in transit") && $0.hasSuffix(" 6") }, "\(shown)")

        let arrived = try client.send("arrive \(toNo) ref=a1")
        #expect(arrived.code == 201, "\(arrived)")
        #expect(arrived.lastText.hasPrefix("TR-"))
        #expect(arrived.body.contains { $0.contains("From 发出") && $0.contains("T.BR1") })
        #expect(!arrived.body.contains { $0.contains("DIFF") }, "an exact arrival lists no discrepancies")
        #expect(try state(daemon, toNo) == "received")
        #expect(try onHand(daemon, "P-1", at: "BR1") == "4.000")
        #expect(try onHand(daemon, "P-2", at: "BR1") == "2.000")
        #expect(try onHand(daemon, "P-1", at: "T.BR1") == "0.000")
        #expect(try client.send("arrive \(toNo) ref=a1").lastText == arrived.lastText)

        let list = try client.send("to list state=received location=BR1")
        #expect(list.body.contains { $0.hasPrefix(toNo) }, "\(list)")
        #expect(try client.send("to list state=lost").code == 422)
        #expect(try client.send("to show TO-2026-999999").code == 404)
        #expect(try daemon.sql("SELECT count(*) FROM ledger_discrepancy").scalar == "0")
    }

    @Test func shortAndOverArrivalsAreRecordedPerLineAndTheShortageStaysInTransit() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try daemon.seed(client, parts: [("P-1", "10"), ("P-2", "10"), ("P-3", "10")])
        let toNo = try client.send("ship MAIN BR1 P-1:5 P-2:3 P-3:2").lastText

        // P-1 short by 2, P-2 over by 1, P-3 not listed: it did not arrive.
        let arrived = try client.send("arrive \(toNo) P-1:3 P-2:4 note=\"box 2 missing\"")
        #expect(arrived.code == 201, "\(arrived)")
        #expect(arrived.body.contains { $0.contains("P-1: 2 short; it stays in transit at T.BR1") }, "\(arrived)")
        #expect(arrived.body.contains { $0.contains("P-2: 1 over") && $0.contains("adjust BR1 P-2:") })
        #expect(arrived.body.contains { $0.contains("P-3: 2 short") })
        #expect(try state(daemon, toNo) == "received_with_discrepancy")
        #expect(try daemon.sql("""
            SELECT string_agg(p.part_no || '=' || l.received || '/' || l.discrepancy, ' ' ORDER BY l.line_no)
              FROM transfer_order_line l JOIN part p ON p.id = l.part_id
            """).scalar == "P-1=3.000/-2.000 P-2=4.000/1.000 P-3=0.000/-2.000")
        // Only what was shipped moves: the extra P-2 has no stock behind it.
        #expect(try onHand(daemon, "P-1", at: "BR1") == "3.000")
        #expect(try onHand(daemon, "P-2", at: "BR1") == "3.000")
        #expect(try onHand(daemon, "P-3", at: "BR1") == "0")
        #expect(try onHand(daemon, "P-1", at: "T.BR1") == "2.000")
        #expect(try onHand(daemon, "P-3", at: "T.BR1") == "2.000")

        _ = try client.send("format json")
        let shown = try client.send("to show \(toNo)")
        #expect(shown.json?.contains("\"in_transit\":\"4.000\"") == true, "\(shown)")
        #expect(shown.json?.contains("\"discrepancy\":\"-2.000\"") == true)
        #expect(try daemon.sql("SELECT count(*) FROM ledger_discrepancy").scalar == "0")
    }

    @Test func illegalStepsAreRefusedAndChangeNothing() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try daemon.seed(client, parts: [("P-1", "10"), ("P-2", "10")])
        let toNo = try client.send("ship MAIN BR1 P-1:2").lastText
        let documents = try daemon.sql("SELECT count(*) FROM document").scalar

        let notShipped = try client.send("arrive \(toNo) P-2:1")
        #expect(notShipped.code == 409)
        #expect(notShipped.lastText.contains("P-2 was not shipped on \(toNo)"), "\(notShipped)")
        #expect(try client.send("arrive \(toNo) P-9:1").code == 404)
        #expect(try client.send("arrive \(toNo) P-1:-1").code == 422)
        #expect(try client.send("arrive \(toNo) P-1:1.5").code == 422)
        #expect(try client.send("arrive TO-2026-999999").code == 404)
        #expect(try client.send("arrive GI-2026-000001").code == 422)
        let tooMuch = try client.send("ship MAIN BR1 P-1:9")
        #expect(tooMuch.code == 409)
        #expect(tooMuch.lastText.contains("not enough stock: P-1 at MAIN has 8 available, 9 asked"), "\(tooMuch)")
        #expect(try client.send("ship MAIN MAIN P-1:1").code == 422)
        #expect(try client.send("ship MAIN BR9 P-1:1").code == 404)
        #expect(try client.send("ship MAIN T.BR1 P-1:1").code == 422)
        #expect(try client.send("ship MAIN BR1 P-1:0").code == 422)
        #expect(try daemon.sql("SELECT count(*) FROM document").scalar == documents)
        #expect(try daemon.sql("SELECT count(*) FROM transfer_order").scalar == "1")
        #expect(try state(daemon, toNo) == "shipped")

        #expect(try client.send("arrive \(toNo)").code == 201)
        let twice = try client.send("arrive \(toNo)")
        #expect(twice.code == 409)
        #expect(twice.lastText.contains("\(toNo) arrived already (received by root"), "\(twice)")
        #expect(try onHand(daemon, "P-1", at: "BR1") == "2.000")

        let viewer = try daemon.socat(as: TestDaemon.viewerUID, ["ship MAIN BR1 P-1:1", "arrive \(toNo)", "to show \(toNo)"])
        #expect(viewer.components(separatedBy: "403 FORBIDDEN").count == 3, "\(viewer)")
        #expect(viewer.contains("200 OK"))
        let clerk = try daemon.socat(as: TestDaemon.clerkUID, ["ship MAIN BR1 P-1:1"])
        #expect(clerk.contains("201 CREATED TO-"), "\(clerk)")
    }

    @Test func twoClerksConfirmingOneArrivalMoveItOnce() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try daemon.seed(client, parts: [("P-1", "10"), ("P-2", "10")])
        let toNo = try client.send("ship MAIN BR1 P-1:3 P-2:1").lastText
        #expect(raceCodes(4, socketPath: daemon.socketPath) { _ in "arrive \(toNo)" } == [201, 409, 409, 409])
        #expect(try daemon.sql("SELECT count(*) FROM document WHERE counterparty = '\(toNo)'").scalar == "1")
        #expect(try onHand(daemon, "P-1", at: "BR1") == "3.000")

        // The same retry sent at once by several clients replays the one arrival.
        let second = try client.send("ship MAIN BR1 P-1:2").lastText
        let replies = Mutex<[String]>([])
        race(4, socketPath: daemon.socketPath) { _, connection in
            if let reply = try? connection.send("arrive \(second) ref=same") {
                replies.withLock { $0.append("\(reply.code) \(reply.lastText)") }
            }
        }
        #expect(Set(replies.withLock { $0 }).count == 1, "\(replies.withLock { $0 })")
        #expect(replies.withLock { $0 }.count == 4)
        #expect(try onHand(daemon, "P-1", at: "BR1") == "5.000")
        #expect(try daemon.sql("SELECT count(*) FROM ledger_discrepancy").scalar == "0")
    }

    /// A shipment sent twice at the same moment with one ref: the second waits for the first
    /// on the ref and replays it, instead of being refused (it once got 409 beside the 201).
    @Test func oneShipmentSentTwiceAtOnceShipsOnceAndRepliesTheSameTwice() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try daemon.seed(client, parts: [("P-3", "10")])
        // Another transaction holds the source balance for a moment, so the first send waits
        // there holding the ref while the second arrives.
        daemon.hold("""
            SELECT 1 FROM stock_balance b JOIN part p ON p.id = b.part_id JOIN location l ON l.id = b.location_id
             WHERE p.part_no = 'P-3' AND l.code = 'MAIN' FOR UPDATE OF b
            """, seconds: 1)
        let replies = Mutex<[[String]]>([])
        race(2, socketPath: daemon.socketPath) { _, connection in
            if let reply = try? connection.send("ship MAIN BR1 P-3:1 ref=X") { replies.withLock { $0.append(reply.lines) } }
        }
        let seen = replies.withLock { $0 }
        #expect(seen.count == 2)
        #expect(Set(seen).count == 1, "\(seen)")
        #expect(seen.first?.last?.hasPrefix("201 CREATED TO-") == true, "\(seen)")
        #expect(try daemon.sql("SELECT count(*) FROM transfer_order").scalar == "1")
        #expect(try onHand(daemon, "P-3", at: "MAIN") == "9.000")
        #expect(try onHand(daemon, "P-3", at: "T.BR1") == "1.000")
        #expect(try daemon.sql("SELECT count(*) FROM ledger_discrepancy").scalar == "0")
    }
}
