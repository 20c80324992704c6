import Foundation
import PartsClient
import PostgresClient
import Testing

@Suite("purchasing")
struct PurchasingTests {
    static let year = Calendar(identifier: .gregorian).component(.year, from: Date())

    /// on_order of one part at MAIN as `stock show` prints it in JSON.
    func onOrder(_ daemon: TestDaemon, _ partNo: String, at location: String = "MAIN") throws -> String? {
        let client = try daemon.connect()
        _ = try client.send("format json")
        let reply = try client.send("stock show \(partNo) location=\(location)")
        let object = try JSONSerialization.jsonObject(with: Data(reply.json!.utf8)) as! [String: Any]
        return (object["locations"] as! [[String: Any]]).first?["on_order"] as? String
    }

    func poLine(_ daemon: TestDaemon, _ poNo: String, _ partNo: String) throws -> [String?] {
        try daemon.sql("""
            SELECT l.quantity, l.received, o.state FROM po_line l JOIN purchase_order o ON o.id = l.po_id
              JOIN part p ON p.id = l.part_id WHERE o.po_no = '\(poNo)' AND p.part_no = '\(partNo)'
            """).rows[0]
    }

    /// A supplier and an order for 10 P-1001 at 9.50 and 20 P-2 at its standard cost, received at MAIN.
    func order(_ daemon: TestDaemon, _ client: AdminConnection) throws -> String {
        try daemon.seed(client)
        try expectOK(client.send("supplier add SUP1 \"Bosch 博世\" lead_days=7 min_order=50"))
        try expectOK(client.send("part add P-2 \"wiper blade\" cost=3"))
        let created = try client.send("po new SUP1 P-1001:10@9.5 P-2:20")
        #expect(created.code == 201)
        #expect(created.word == "CREATED")
        return created.lastText
    }

    @Test func orderReceivePartlyThenFullyAndOnOrderFollows() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        let poNo = try order(daemon, client)
        #expect(poNo == "PO-\(Self.year)-000001")
        // No location= and one warehouse (BR1 is a branch): the order goes to MAIN, expected
        // in the supplier's 7 lead days.
        #expect(try daemon.sql("SELECT DISTINCT l.code FROM po_line pl JOIN location l ON l.id = pl.location_id").scalar == "MAIN")
        #expect(try daemon.sql("SELECT expected - current_date FROM purchase_order").scalar == "7")
        #expect(try onOrder(daemon, "P-1001") == "10.000")
        // P-2 was never at MAIN: stock show still shows what is on order there.
        #expect(try onOrder(daemon, "P-2") == "20.000")

        let first = try client.send("receive MAIN P-1001:4 po=\(poNo)")
        #expect(first.code == 201)
        #expect(first.lastText.hasPrefix("GR-"))
        #expect(first.body.contains { $0.contains(poNo) && $0.contains("SUP1") })
        // Valued at the order line's price.
        #expect(first.body.contains { $0.contains("P-1001") && $0.contains("9.50") && $0.contains("38.00") })
        #expect(try poLine(daemon, poNo, "P-1001") == ["10.000", "4.000", "partly_received"])
        #expect(try onOrder(daemon, "P-1001") == "6.000")

        let shown = try client.send("po show \(poNo)")
        #expect(shown.code == 200)
        #expect(shown.body.contains { $0.hasPrefix("state") && $0.hasSuffix("partly_received") })
        #expect(shown.body.contains { $0.hasPrefix("receipts") && $0.contains(first.lastText) })
        #expect(shown.body.contains { line in
            let words = line.split(separator: " ").map(String.init)
            return words.contains("P-1001") && words.contains("10") && words.contains("4") && words.contains("6")
                && words.contains("95.00")
        })

        let rest = try client.send("receive MAIN P-1001:6 P-2:20@2.90 po=\(poNo) note=\"second truck\"")
        #expect(rest.code == 201)
        #expect(try poLine(daemon, poNo, "P-1001") == ["10.000", "10.000", "received"])
        #expect(try poLine(daemon, poNo, "P-2") == ["20.000", "20.000", "received"])
        #expect(try onOrder(daemon, "P-1001") == "0.000")
        #expect(try onOrder(daemon, "P-2") == "0.000")
        #expect(try daemon.sql("SELECT on_hand FROM stock_balance b JOIN part p ON p.id = b.part_id WHERE part_no = 'P-1001'").scalar == "15.000")
        #expect(try daemon.sql("SELECT avg_cost FROM stock_balance b JOIN part p ON p.id = b.part_id WHERE part_no = 'P-2'").scalar == "2.9000")
        #expect(try daemon.sql("SELECT count(*) FROM po_receipt").scalar == "2")
        #expect(try daemon.sql("SELECT count(*) FROM ledger_discrepancy").scalar == "0")

        let list = try client.send("po list state=received")
        #expect(list.body.contains { $0.hasPrefix(poNo) })
        #expect(!(try client.send("po list state=open").body.contains { $0.hasPrefix(poNo) }))
        let suppliers = try client.send("supplier list")
        #expect(suppliers.body.contains { $0.hasPrefix("SUP1") && $0.contains("Bosch 博世") && $0.contains("50.00") })
    }

    @Test func illegalStepsAreRefusedWithAReasonAndChangeNothing() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        let poNo = try order(daemon, client)
        try expectOK(client.send("part add P-9 \"not ordered\" cost=1"))
        let documents = "SELECT count(*) FROM document WHERE doc_type = 'GR'"
        let before = try daemon.sql(documents).scalar

        let notOnOrder = try client.send("receive MAIN P-1001:1 P-9:1 po=\(poNo)")
        #expect(notOnOrder.code == 409)
        #expect(notOnOrder.lastText == "P-9 is not on \(poNo)")
        let elsewhere = try client.send("receive BR1 P-1001:1 po=\(poNo)")
        #expect(elsewhere.code == 409)
        #expect(elsewhere.lastText == "P-1001 is on \(poNo) to be received at MAIN, not at BR1")
        let over = try client.send("receive MAIN P-1001:11 po=\(poNo)")
        #expect(over.code == 409)
        #expect(over.lastText.hasPrefix("over-receipt: P-1001 on \(poNo) has 10 open"))
        #expect(try client.send("receive MAIN P-1001:1 po=PO-2000-000099").code == 404)
        #expect(try client.send("receive MAIN P-1001:1 po=\(poNo) from=SUP1").code == 400)
        #expect(try daemon.sql(documents).scalar == before)
        #expect(try poLine(daemon, poNo, "P-1001") == ["10.000", "0.000", "open"])
        #expect(try daemon.sql("SELECT on_hand FROM stock_balance b JOIN part p ON p.id = b.part_id WHERE part_no = 'P-1001'").scalar == "5.000")

        // A partly received order, cancelled: the rest is off order, the receipt stays.
        try expectOK(client.send("receive MAIN P-1001:3 po=\(poNo)"))
        let cancelled = try client.send("po cancel \(poNo) reason=\"supplier discontinued\"")
        #expect(cancelled.code == 200)
        #expect(try onOrder(daemon, "P-1001") == "0.000")
        #expect(try poLine(daemon, poNo, "P-1001") == ["10.000", "3.000", "cancelled"])
        let afterCancel = try client.send("receive MAIN P-1001:1 po=\(poNo)")
        #expect(afterCancel.code == 409)
        #expect(afterCancel.lastText == "\(poNo) is cancelled: nothing can be received against it")
        #expect(try client.send("po cancel \(poNo)").lastText == "\(poNo) is already cancelled")

        // A fully received order cannot be cancelled, nor received again.
        let second = try client.send("po new SUP1 P-1001:5@10")
        #expect(second.code == 201)
        try expectOK(client.send("receive MAIN P-1001:5 po=\(second.lastText)"))
        let cancelReceived = try client.send("po cancel \(second.lastText)")
        #expect(cancelReceived.code == 409)
        #expect(cancelReceived.lastText == "\(second.lastText) is fully received: nothing is left to cancel")
        #expect(try client.send("receive MAIN P-1001:1 po=\(second.lastText)").code == 409)
        #expect(try daemon.sql("SELECT state FROM purchase_order WHERE po_no = '\(second.lastText)'").scalar == "received")
        #expect(try daemon.sql("SELECT count(*) FROM ledger_discrepancy").scalar == "0")
        // Every refusal is in the audit log.
        #expect(try daemon.sql("SELECT count(*) FROM audit_log WHERE reply_code = 409").scalar == "7")
    }

    @Test func orderEntryIsChecked() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try daemon.seed(client)
        try expectOK(client.send("supplier add SUP1 \"Bosch\" min_order=100"))
        #expect(try client.send("supplier add SUP1 \"again\"").code == 409)
        #expect(try client.send("po new NOPE P-1001:1").code == 404)
        #expect(try client.send("po new SUP1 P-404:1").code == 404)
        let small = try client.send("po new SUP1 P-1001:2@10")
        #expect(small.code == 422)
        #expect(small.lastText == "the order is worth 20.00, below SUP1's minimum order of 100.00")
        #expect(try client.send("po new SUP1 P-1001:20 expected=2001-01-01").code == 422)
        #expect(try client.send("po new SUP1 P-1001:20 for=WO-7").code == 422)
        try expectOK(client.send("location add WH2 \"Second warehouse\""))
        let ambiguous = try client.send("po new SUP1 P-1001:20")
        #expect(ambiguous.code == 422)
        #expect(ambiguous.lastText == "give location=<code>: there are 2 warehouses (MAIN, WH2)")
        #expect(try client.send("po new SUP1 P-1001:20 location=BR1 for=RQ-\(Self.year)-000001").lastText
            == "unknown requisition RQ-\(Self.year)-000001")
        #expect(try daemon.sql("SELECT count(*) FROM purchase_order").scalar == "0")
    }

    /// A part nobody stocks, asked for on a requisition: approval back-orders it, a special
    /// order is placed for the requisition, and what arrives is reserved for it at once.
    /// A plain receipt of a back-ordered part tells the clerk which requisition waits for it.
    @Test func aSpecialOrderIsReservedForItsRequisitionOnArrival() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try daemon.seed(client)
        try expectOK(client.send("part add P-SO \"special seal\" cost=30"))
        try expectOK(client.send("supplier add SUP1 \"Bosch\""))
        let requisition = try client.send("req new MAIN P-SO:3 for=WO-9").lastText
        try expectOK(client.send("req approve \(requisition)"))
        #expect(try daemon.sql("SELECT reserved FROM requisition_line").scalar == "0.000")
        let order = try client.send("po new SUP1 P-SO:3 location=MAIN for=\(requisition)")
        #expect(order.code == 201, "\(order)")
        let received = try client.send("receive MAIN P-SO:3 po=\(order.lastText)")
        #expect(received.code == 201, "\(received)")
        #expect(try daemon.sql("SELECT reserved FROM requisition_line").scalar == "3.000")
        #expect(try daemon.sql("""
            SELECT b.reserved FROM stock_balance b JOIN part p ON p.id = b.part_id WHERE p.part_no = 'P-SO'
            """).scalar == "3.000")
        #expect(!received.lines.contains { $0.contains("Back-orders") })

        let waiting = try client.send("req new MAIN P-1001:8").lastText
        try expectOK(client.send("req approve \(waiting)"))
        let receipt = try client.send("receive MAIN P-1001:4")
        #expect(receipt.lines.contains("201-Back-orders these parts can fill now 可补缺料, oldest first:"), "\(receipt)")
        #expect(receipt.lines.contains("201-\(waiting)  P-1001  3 waiting 0 days: req fill \(waiting)"), "\(receipt)")
    }

    @Test func aToleranceAllowsALittleMore() throws {
        let daemon = try TestDaemon(environment: ["PARTSD_PURCHASING_OVER_RECEIPT_PCT": "10"])
        let client = try daemon.connect()
        try daemon.seed(client)
        try expectOK(client.send("supplier add SUP1 \"Bosch\""))
        let first = try client.send("po new SUP1 P-1001:10").lastText
        let over = try client.send("receive MAIN P-1001:12 po=\(first)")
        #expect(over.code == 409)
        #expect(over.lastText.hasSuffix("(tolerance 10 %)"))
        #expect(try client.send("receive MAIN P-1001:11 po=\(first)").code == 201)
        #expect(try poLine(daemon, first, "P-1001") == ["10.000", "11.000", "received"])
    }

    @Test func refRetriesReplayAndClerksMayNotOrder() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        let poNo = try order(daemon, client)
        let first = try client.send("receive MAIN P-1001:10 po=\(poNo) ref=truck-1")
        #expect(first.code == 201)
        // The retry comes after the line is fully received: it still replays, never refuses.
        let retry = try daemon.connect().send("receive MAIN P-1001:10 po=\(poNo) ref=truck-1")
        #expect(retry.lines == first.lines)
        #expect(try client.send("receive MAIN P-1001:9 po=\(poNo) ref=truck-1").code == 409)
        #expect(try poLine(daemon, poNo, "P-1001") == ["10.000", "10.000", "partly_received"])
        #expect(try daemon.sql("SELECT count(*) FROM po_receipt").scalar == "1")

        let created = try client.send("po new SUP1 P-1001:10 ref=order-7")
        let again = try client.send("po new SUP1 P-1001:10 ref=order-7")
        #expect(again.lines == created.lines)
        #expect(try daemon.sql("SELECT count(*) FROM purchase_order").scalar == "2")
        try expectOK(client.send("supplier add SUP2 \"Mann\" ref=s2"))
        #expect(try client.send("supplier add SUP2 \"Mann\" ref=s2").code == 200)

        let clerk = try daemon.socat(as: TestDaemon.clerkUID, [
            "po new SUP1 P-1001:1", "po cancel \(poNo)", "supplier add SUP3 \"x\"", "po show \(poNo)",
            "receive MAIN P-2:1 po=\(poNo)",
        ])
        #expect(clerk.components(separatedBy: "\n403 FORBIDDEN").count - 1 == 3, "\(clerk)")
        #expect(clerk.contains("\n201 CREATED GR-"), "\(clerk)")
        #expect(try daemon.sql("SELECT count(*) FROM purchase_order").scalar == "2")
    }

    @Test func twoClerksReceivingTheLastOpenQuantityExactlyOneWins() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try daemon.seed(client, parts: [])
        try expectOK(client.send("part add P-1 \"filter\" cost=4"))
        try expectOK(client.send("supplier add SUP1 \"Bosch\""))
        for _ in 0..<4 {
            let poNo = try client.send("po new SUP1 P-1:5").lastText
            try expectOK(client.send("receive MAIN P-1:2 po=\(poNo)"))
            #expect(raceCodes(2, socketPath: daemon.socketPath) { _ in "receive MAIN P-1:3 po=\(poNo)" } == [201, 409])
            #expect(try poLine(daemon, poNo, "P-1") == ["5.000", "5.000", "received"])
        }
        #expect(try daemon.sql("SELECT on_hand FROM stock_balance").scalar == "20.000")
        #expect(try daemon.sql("SELECT count(*) FROM po_line WHERE received > quantity").scalar == "0")
        #expect(try daemon.sql("SELECT count(*) FROM ledger_discrepancy").scalar == "0")
        // Every receipt against an order is linked to it and moved exactly what it booked.
        #expect(try daemon.sql("""
            SELECT sum(dl.quantity) FROM po_receipt r JOIN document_line dl ON dl.document_id = r.document_id
            """).scalar == "20.000")
    }

    @Test func overdueLinesAreListedForTheBuyerToChase() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try daemon.seed(client)
        try expectOK(client.send("supplier add SUP1 \"Bosch\""))
        let late = try client.send("po new SUP1 P-1001:10").lastText
        let onTime = try client.send("po new SUP1 P-1001:5").lastText
        try daemon.sql("UPDATE po_line l SET expected = current_date - 4 FROM purchase_order o WHERE o.id = l.po_id AND o.po_no = '\(late)'")
        try daemon.sql("UPDATE po_line l SET expected = current_date + 4 FROM purchase_order o WHERE o.id = l.po_id AND o.po_no = '\(onTime)'")
        let overdue = try client.send("po overdue")
        #expect(overdue.lastText == "1 overdue purchase order lines", "\(overdue)")
        #expect(overdue.lines.contains { $0.contains(late) && $0.contains("P-1001") && $0.contains("10") && $0.hasSuffix(" 4  -") })
        try expectOK(client.send("receive MAIN P-1001:10 po=\(late)"))
        #expect(try client.send("po overdue").lastText == "0 overdue purchase order lines")
    }
}
