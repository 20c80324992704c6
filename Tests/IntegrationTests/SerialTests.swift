import Foundation
import PartsClient
import PostgresClient
import Testing

/// Serial numbers (issue 10): units named on stock documents, each in one place, and a
/// serialised balance that is always its serviceable units of our own.
@Suite("serial numbers")
struct SerialTests {
    @Test func aPartBecomesSerialisedOnlyWhileItHasNoStock() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try daemon.seed(client, parts: [("P-1", "5")])
        let refused = try client.send("part set P-1 serialized=yes")
        #expect(refused.code == 409, "\(refused)")
        #expect(refused.lastText == "P-1 has stock: whether it is serialised can change only while it has none (5 on hand)")
        try expectOK(client.send("part add ALT-100 \"Alternator\" cost=245"))
        #expect(try client.send("part set ALT-100 serialized=maybe").code == 422)
        try expectOK(client.send("part set ALT-100 serialized=yes"))
        let shown = try client.send("part show ALT-100")
        #expect(shown.body.contains("serialized   yes"), "\(shown)")
        #expect(try client.send("part show P-1").body.allSatisfy { !$0.hasPrefix("serialized") })
        #expect(try client.send("part add OIL-1 \"oil\" unit=L serialized=yes").code == 422)
        try expectOK(client.send("receive MAIN ALT-100#A1@200"))
        #expect(try client.send("part set ALT-100 serialized=no").code == 409)
        try daemon.expectConsistent()
    }

    @Test func unitsMoveOnEveryStockDocumentAndTheirBalanceIsTheirCount() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try daemon.seedSerials(client)
        #expect(try daemon.balance("MAIN", "ALT-100") == "3 @ 220.0000")
        // Issue at the average cost; the unit is out with the customer the GI names.
        let issued = try client.send("issue MAIN ALT-100#A1 to=WO-9")
        #expect(issued.code == 201, "\(issued)")
        #expect(issued.lines.contains("201-    S/N 序列号  A1"))
        #expect(issued.lines.contains { $0.contains("ALT-100") && $0.hasSuffix("220.00      220.00") })
        #expect(try daemon.whereabouts("ALT-100", "A1") == "out with customer WO-9")
        // Transfer, ship and arrive move named units; the balances follow.
        try expectOK(client.send("transfer MAIN BR1 ALT-100#A2"))
        #expect(try daemon.whereabouts("ALT-100", "A2") == "at BR1, serviceable")
        let shipped = try client.send("ship BR1 MAIN ALT-100#A2")
        #expect(shipped.code == 201, "\(shipped)")
        #expect(try daemon.whereabouts("ALT-100", "A2") == "at T.MAIN, serviceable")
        let toNo = shipped.lastText
        #expect(try client.send("arrive \(toNo) ALT-100:1").code == 422)
        #expect(try client.send("arrive \(toNo) ALT-100#A3").code == 409)
        let arrived = try client.send("arrive \(toNo) ALT-100#A2")
        #expect(arrived.code == 201, "\(arrived)")
        #expect(try daemon.whereabouts("ALT-100", "A2") == "at MAIN, serviceable")
        // Back from the customer against the issue that gave it out, at the cost it left at.
        #expect(try client.send("return \(issued.lastText) ALT-100#A2").code == 409)
        let returned = try client.send("return \(issued.lastText) ALT-100#A1")
        #expect(returned.code == 201, "\(returned)")
        #expect(try client.send("return \(issued.lastText) ALT-100#A1").code == 409)
        #expect(try daemon.balance("MAIN", "ALT-100") == "3 @ 220.0000")
        // Every move is in the unit's history, newest first.
        let shown = try client.send("unit show ALT-100#A2")
        #expect(shown.code == 200, "\(shown)")
        let history = shown.body.compactMap { line in
            line.range(of: #"[A-Z]{2}-[0-9]{4}-[0-9]{6}"#, options: .regularExpression).map { String(line[$0].prefix(2)) }
        }
        #expect(history == ["TR", "TR", "TR", "GR"], "\(shown)")
        let list = try client.send("unit list ALT-100 location=MAIN")
        #expect(list.lastText == "3 units", "\(list)")
        expectFits80(list)
        expectFits80(shown)
        #expect(try client.send("unit list ALT-100 condition=broken").code == 422)
        #expect(try client.send("unit show ALT-100#NOPE").code == 404)
        #expect(try client.send("unit show ALT-100").code == 422)
        try daemon.expectConsistent()
    }

    @Test func aSerialLineThatDoesNotFitIsRefusedAndNothingPosts() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try daemon.seedSerials(client)
        let documents = try daemon.value("SELECT count(*) FROM document")
        let cases: [(String, Int, String)] = [
            ("issue MAIN ALT-100:1", 422, "ALT-100 is serialised: name each unit as ALT-100#<serial>, one line a unit"),
            ("issue MAIN ALT-100#A1 ALT-100#A1", 422, "ALT-100#A1 appears twice; a unit is on a document once, and a part as units or as one quantity"),
            ("issue MAIN ALT-100#A1 ALT-100:1", 422, "ALT-100 appears twice; put its whole quantity on one line"),
            ("issue MAIN ALT-100#NOPE", 404, "unknown unit ALT-100#NOPE"),
            ("issue BR1 ALT-100#A1", 409, "ALT-100#A1 is not at BR1: it is at MAIN, serviceable"),
            ("receive MAIN ALT-100#A1@10", 409, "ALT-100#A1 is known already: it is at MAIN, serviceable; a receipt brings in new units only"),
            ("receive MAIN ALT-100#bad#x", 422, "'bad#x' is not a valid serial (letters, digits, _ . / -, up to 40)"),
            ("adjust MAIN ALT-100:2 reason=count", 422, "ALT-100 is serialised: a count says how many, not which units; receive a unit found with receive MAIN ALT-100#<serial>@<cost>, write off a missing one with unit scrap MAIN ALT-100#<serial> reason=\"...\", and see the units there with unit list ALT-100 location=MAIN"),
            ("adjust MAIN ALT-100#A1 reason=count", 422, "ALT-100 is serialised: a count says how many, not which units; receive a unit found with receive MAIN ALT-100#<serial>@<cost>, write off a missing one with unit scrap MAIN ALT-100#<serial> reason=\"...\", and see the units there with unit list ALT-100 location=MAIN"),
        ]
        for (line, code, message) in cases {
            let reply = try client.send(line)
            #expect(reply.code == code, "\(line): \(reply)")
            #expect(reply.lastText.hasSuffix(message), "\(line): \(reply)")
        }
        // A good line beside a bad one posts nothing either.
        #expect(try client.send("issue MAIN ALT-100#A2 ALT-100#NOPE").code == 404)
        #expect(try daemon.whereabouts("ALT-100", "A2") == "at MAIN, serviceable")
        try expectOK(client.send("part add P-9 \"nine\""))
        #expect(try client.send("receive MAIN P-9#S1").lastText.hasSuffix("P-9 is not serialised: give P-9:<qty>"))
        let received = try client.send("receive MAIN ALT-100#X1")
        #expect(received.code == 201, "\(received)")
        let exception = try client.send("exception new \(received.lastText) ALT-100:1 kind=damaged")
        #expect(exception.code == 422, "\(exception)")
        #expect(exception.lastText.contains("ALT-100 is serialised: an exception moves a quantity, not named units"))
        #expect(try daemon.value("SELECT count(*) FROM document") == String(Int(documents)! + 1))
        try daemon.expectConsistent()
    }

    /// Goods issues of serialised parts leave the set path (post_document_set) to the one-by-one
    /// path, which moves their units: a batch of them still posts each and moves each unit once.
    @Test func issuesOfUnitsPostedTogetherMoveEachUnitOnce() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try daemon.seedSerials(client, units: 8)
        try expectOK(client.send("part add P-1 \"pad\" cost=10"))
        try expectOK(client.send("receive MAIN P-1:20"))
        let codes = raceCodes(8, socketPath: daemon.socketPath) { index in
            index % 2 == 0 ? "issue MAIN ALT-100#A\(index + 1) P-1:1" : "issue MAIN ALT-100#A\(index + 1)"
        }
        #expect(codes == Array(repeating: 201, count: 8))
        #expect(try daemon.balance("MAIN", "ALT-100").hasPrefix("0 @"))
        #expect(try daemon.value("SELECT count(*) FROM unit WHERE place = 'customer'") == "8")
        #expect(try daemon.value("SELECT count(*) FROM unit_move m JOIN document d ON d.id = m.document_id WHERE d.doc_type = 'GI'") == "8")
        try daemon.expectConsistent()
    }

    @Test func requisitionsIssueNamedUnits() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try daemon.seedSerials(client)
        let rq = try client.send("req new MAIN ALT-100:2 for=WO-12").lastText
        try expectOK(client.send("req approve \(rq)"))
        #expect(try client.send("req issue \(rq)").lastText.hasSuffix("ALT-100 is serialised: name each unit as ALT-100#<serial>, one line a unit"))
        #expect(try client.send("req issue \(rq) ALT-100#A1 ALT-100#A2 ALT-100#A3").code == 409)
        let issued = try client.send("req issue \(rq) ALT-100#A1 ALT-100#A3")
        #expect(issued.code == 201, "\(issued)")
        #expect(try daemon.value("SELECT state FROM requisition") == "issued")
        #expect(try daemon.value("SELECT issued || '/' || reserved FROM requisition_line") == "2.000/0.000")
        #expect(try daemon.whereabouts("ALT-100", "A3") == "out with customer \(rq)")
        try daemon.expectConsistent()
    }

    @Test func aPurchaseOrderIsReceivedUnitByUnit() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try daemon.seedSerials(client, units: 0)
        let po = try client.send("po new BOSCH ALT-100:2@200 location=MAIN").lastText
        #expect(try client.send("receive MAIN ALT-100#P1 ALT-100#P2 ALT-100#P3 po=\(po)").code == 409)
        let received = try client.send("receive MAIN ALT-100#P1 ALT-100#P2 po=\(po)")
        #expect(received.code == 201, "\(received)")
        #expect(try daemon.value("SELECT state FROM purchase_order") == "received")
        #expect(try daemon.balance("MAIN", "ALT-100") == "2 @ 200.0000")
        try daemon.expectConsistent()
    }

    @Test func unitsAreScrappedOrHandedBackAndTheDatabaseRefusesADriftingBalance() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try daemon.seedSerials(client)
        let clerk = try daemon.socat(as: TestDaemon.clerkUID, ["unit scrap MAIN ALT-100#A1 reason=\"cracked\""])
        #expect(clerk.contains("403 FORBIDDEN unit scrap needs role manager"))
        #expect(try client.send("unit scrap MAIN ALT-100#A1").code == 400)
        let scrapped = try client.send("unit scrap MAIN ALT-100#A1 reason=\"cracked housing\" ref=s1")
        #expect(scrapped.code == 201, "\(scrapped)")
        #expect(scrapped.lastText.hasPrefix("SC-"))
        #expect(scrapped.lines.contains { $0.contains("220.00      220.00") })
        #expect(try client.send("unit scrap MAIN ALT-100#A1 reason=\"cracked housing\" ref=s1").lastText == scrapped.lastText)
        #expect(try daemon.whereabouts("ALT-100", "A1") == "scrapped")
        #expect(try client.send("unit scrap MAIN ALT-100#A1 reason=again").code == 409)
        #expect(try daemon.balance("MAIN", "ALT-100") == "2 @ 220.0000")
        // A customer's unit is never stock: it goes back to its customer with a record.
        try expectOK(client.send("repair new MAIN ALT-100#C7 vendor=BOSCH fault=\"noisy\" origin=customer customer=Wang"))
        let ro = try daemon.value("SELECT ro_no FROM repair_order")
        try expectOK(client.send("repair return \(ro) outcome=repaired cost=80"))
        #expect(try daemon.whereabouts("ALT-100", "C7") == "at MAIN, serviceable, customer Wang's unit")
        #expect(try client.send("issue MAIN ALT-100#C7").lastText.hasSuffix("ALT-100#C7 at MAIN is customer Wang's unit, not stock"))
        #expect(try client.send("unit release MAIN ALT-100#A2").code == 409)
        let released = try client.send("unit release MAIN ALT-100#C7")
        #expect(released.code == 201, "\(released)")
        #expect(released.lastText.hasPrefix("CH-"))
        #expect(try daemon.whereabouts("ALT-100", "C7") == "out with customer Wang")
        #expect(try daemon.balance("MAIN", "ALT-100") == "2 @ 220.0000")
        try daemon.expectConsistent()

        // By hand, a balance that leaves its units is refused when the transaction ends.
        #expect(throws: (any Error).self) {
            try daemon.sql("""
                BEGIN;
                UPDATE unit SET moved_at = now() WHERE serial = 'A2';
                UPDATE stock_balance SET on_hand = 5 FROM part WHERE part.id = stock_balance.part_id AND part.part_no = 'ALT-100';
                COMMIT;
                """)
        }
        try daemon.expectConsistent()
        // And one changed without a unit shows in serial_discrepancy.
        try daemon.sql("UPDATE stock_balance SET on_hand = 5 FROM part WHERE part.id = stock_balance.part_id AND part.part_no = 'ALT-100'")
        #expect(try daemon.value("SELECT count(*) FROM serial_discrepancy") == "1")
    }

    @Test func jsonNamesTheSerialOfEachLine() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try daemon.seedSerials(client, units: 0)
        _ = try client.send("format json")
        let received = try client.send("receive MAIN ALT-100#J1@100 ALT-100#J2@100")
        let json = try #require(received.json)
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
        let lines = (object["document"] as! [String: Any])["lines"] as! [[String: Any]]
        #expect(lines.map { $0["serial"] as? String } == ["J1", "J2"])
        let docNo = (object["document"] as! [String: Any])["doc_no"] as! String
        let again = try client.send("doc show \(docNo)")
        #expect(again.json?.contains("\"serial\":\"J2\"") == true, "\(again)")
    }
}
