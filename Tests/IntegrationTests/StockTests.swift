import Foundation
import PartsClient
import PostgresClient
import Testing

@Suite("stock documents")
struct StockTests {
    @Test func receiptAveragesCostAndPrintsAReceipt() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try daemon.seed(client, parts: [])
        try expectOK(client.send("part add P-7 \"前刹车片 front brake pad\" cost=12.50"))
        let first = try client.send("receive MAIN P-7:10@10 from=SUP1")
        #expect(first.code == 201)
        #expect(first.word == "CREATED")
        let year = Calendar(identifier: .gregorian).component(.year, from: Date())
        #expect(first.lastText == "GR-\(year)-000001")
        // Every receipt line fits 80 columns, counting each Chinese character as two.
        for line in first.body { #expect(displayWidth(line) <= 80, "\(line)") }
        #expect(first.body.contains { $0.contains("前刹车片") && $0.contains("10.00") && $0.contains("100.00") })
        #expect(first.body.contains { $0.contains("Received by") })
        try expectOK(client.send("receive MAIN P-7:30@14"))
        let stock = try client.send("format json")
        #expect(stock.code == 200)
        let shown = try client.send("stock show P-7 location=MAIN")
        // (10 × 10 + 30 × 14) / 40 = 13.
        #expect(shown.json!.contains("\"avg_cost\":\"13.0000\""))
        #expect(shown.json!.contains("\"on_hand\":\"40.000\""))
    }

    /// `stock show` and `ledger` are one statement each: the part's own row comes first, so a
    /// part no location holds is still named, and unknown names are refused in order.
    @Test func stockShowAndLedgerNameThePartAndRefuseUnknownNames() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try daemon.seed(client, parts: [("P-1", "10")])
        try expectOK(client.send("part add P-9 \"Wiper blade 雨刮片\""))
        let empty = try client.send("stock show P-9")
        #expect(empty.code == 200)
        #expect(empty.body.contains { $0.contains("Wiper blade 雨刮片") }, "\(empty)")
        #expect(try client.send("ledger P-9").lastText == "0 movements")
        try expectOK(client.send("transfer MAIN BR1 P-1:4"))
        try expectOK(client.send("format json"))
        let both = try client.send("stock show P-1").json ?? ""
        #expect(both.contains("\"location\":\"BR1\"") && both.contains("\"location\":\"MAIN\""), "\(both)")
        let one = try client.send("stock show P-1 location=BR1").json ?? ""
        #expect(one.contains("\"location\":\"BR1\"") && !one.contains("MAIN"), "\(one)")
        #expect(one.contains("\"on_hand\":\"4.000\""), "\(one)")
        let nowhere = try client.send("stock show P-9 location=BR1").json ?? ""
        #expect(nowhere.contains("\"locations\":[]") && nowhere.contains("\"part_no\":\"P-9\""), "\(nowhere)")
        #expect(try client.send("ledger P-1 location=BR1").json?.contains("\"quantity\":\"4.000\"") == true)
        for (command, code, text) in [("stock show P-404", 404, "unknown part P-404"),
                                      ("stock show P-404 location=NOWHERE", 404, "unknown part P-404"),
                                      ("stock show P-1 location=NOWHERE", 404, "unknown location NOWHERE"),
                                      ("ledger P-404", 404, "unknown part P-404"),
                                      ("ledger P-9 location=NOWHERE", 404, "unknown location NOWHERE")] {
            let reply = try client.send(command)
            #expect(reply.code == code, "\(command): \(reply)")
            #expect(reply.json?.contains(text) == true, "\(command): \(reply)")
        }
    }

    @Test func multiLineIssueIsAllOrNothing() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try daemon.seed(client, parts: [("P-1", "5"), ("P-2", "1")])
        let refused = try client.send("issue MAIN P-1:2 P-2:3 to=WO-1")
        #expect(refused.code == 409)
        #expect(refused.lastText == "not enough stock: P-2 at MAIN has 1 available, 3 asked")
        #expect(try daemon.sql("SELECT count(*) FROM document WHERE doc_type = 'GI'").scalar == "0")
        #expect(try daemon.sql("SELECT on_hand FROM stock_balance b JOIN part p ON p.id = b.part_id WHERE part_no = 'P-1'").scalar == "5.000")
    }

    @Test func transferAdjustLedgerAndDocumentsAgree() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try daemon.seed(client, parts: [("P-1", "10")])
        let transfer = try client.send("transfer MAIN BR1 P-1:4 note=\"weekly replenishment\"")
        #expect(transfer.code == 201)
        #expect(transfer.lastText.hasPrefix("TR-"))
        let count = try client.send("adjust MAIN P-1:5 reason=\"cycle count\"")
        #expect(count.code == 201)
        #expect(count.body.contains { $0.contains("P-1") && $0.contains("-1") })
        let again = try client.send("doc show \(count.lastText)")
        #expect(again.code == 200)
        #expect(again.body == count.body)
        let ledger = try client.send("ledger P-1 location=MAIN")
        // Newest first: count -1 → 5, transfer -4 → 6, receipt +10 → 10.
        let balances = ledger.body.dropFirst().map { $0.split(separator: " ", omittingEmptySubsequences: true) }
        #expect(balances.map { String($0[$0.count - 2]) } == ["5", "6", "10"])
        let list = try client.send("doc list type=TR")
        #expect(list.body.count == 2)
        #expect(try daemon.sql("SELECT count(*) FROM ledger_discrepancy").scalar == "0")
    }

    @Test func countBelowReservedIsRefusedAndZeroCountIsAllowed() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try daemon.seed(client, parts: [("P-1", "3")])
        #expect(try client.send("adjust MAIN P-1:0 reason=\"lost\"").code == 201)
        #expect(try daemon.sql("SELECT on_hand FROM stock_balance").scalar == "0.000")
        try daemon.sql("UPDATE stock_balance SET on_hand = 4, reserved = 2")
        let refused = try client.send("adjust MAIN P-1:1 reason=\"recount\"")
        #expect(refused.code == 409)
    }

    @Test func textSurvivesTheRoundTripThroughTheDatabase() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try daemon.seed(client, parts: [])
        try expectOK(client.send(#"part add P-Q "刹车 \"front\" \\ pad 🚗" cost=1"#))
        try expectOK(client.send("receive MAIN P-Q:3"))
        let issued = try client.send(#"issue MAIN P-Q:1 note="say \"hi\" \\ 左前门" to="WO 7/8""#)
        #expect(issued.code == 201)
        #expect(issued.body.contains(#"Note 备注  say "hi" \ 左前门"#))
        #expect(issued.body.contains { $0.contains(#"刹车 "front" \ pad 🚗"#) })
        #expect(issued.body.contains { $0.hasSuffix("WO 7/8") })
        #expect(try client.send("doc show \(issued.lastText)").body == issued.body)
    }

    @Test func theLedgerIsAppendOnly() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try daemon.seed(client)
        #expect(throws: (any Error).self) { try daemon.sql("UPDATE stock_movement SET quantity = 99") }
        #expect(throws: (any Error).self) { try daemon.sql("DELETE FROM stock_movement") }
        #expect(throws: (any Error).self) { try daemon.sql("UPDATE stock_balance SET on_hand = -1") }
    }

    @Test func everyChangeIsAudited() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try daemon.seed(client)
        _ = try client.send("issue MAIN P-1001:99")
        let issued = try client.send("issue MAIN P-1001:1 ref=a1")
        let rows = try daemon.sql("SELECT user_name, role, reply_code, doc_no, ref FROM audit_log WHERE command LIKE 'issue%' ORDER BY id").rows
        #expect(rows.count == 2)
        #expect(rows[0][2] == "409")
        #expect(rows[1] == ["root", "admin", "201", issued.lastText, "a1"])
    }
}

/// Terminal columns, counting CJK as two: the test's own independent count.
func displayWidth(_ text: String) -> Int {
    text.unicodeScalars.reduce(0) { width, scalar in
        width + ((0x4E00...0x9FFF).contains(scalar.value) || (0x3000...0x303F).contains(scalar.value)
            || (0xFF00...0xFF60).contains(scalar.value) ? 2 : 1)
    }
}
