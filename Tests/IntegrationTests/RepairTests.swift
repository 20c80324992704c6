import Foundation
import PartsClient
import PostgresClient
import Testing

/// Return-for-repair (配件返修): repair orders through the vendor's steps, the values they
/// move, and the refusals of each step.
@Suite("return-for-repair")
struct RepairTests {
    /// A1 (200), A2 (220), A3 (240) at MAIN: 3 @ 220. A2 goes to BOSCH: it leaves stock at the
    /// average cost, 220; it comes back repaired for 150, which averages in: (2 × 220 + 150) / 3.
    @Test func aUnitGoesThroughTheVendorsStepsAndComesBackAtItsRepairCost() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try daemon.seedSerials(client)
        let shipped = try client.send("repair new MAIN ALT-100#A2 vendor=BOSCH fault=\"no charge at idle\" promised=2099-01-31 ref=ro1")
        #expect(shipped.code == 201, "\(shipped)")
        let ro = shipped.lastText
        #expect(ro.hasPrefix("RO-"))
        #expect(shipped.lines.contains { $0.hasPrefix("201-REPAIR TAG 返修标签") && $0.hasSuffix(ro) })
        #expect(shipped.lines.contains { $0.hasPrefix("201-REPAIR DISPATCH 返修发货单") })
        #expect(shipped.lines.contains("201-Fault 故障         no charge at idle"))
        #expect(shipped.lines.contains("201-Vendor 返修厂      BOSCH  Bosch service 博世"))
        expectFits80(shipped)
        #expect(try client.send("repair new MAIN ALT-100#A2 vendor=BOSCH fault=\"no charge at idle\" promised=2099-01-31 ref=ro1").lines == shipped.lines)
        #expect(try daemon.balance("MAIN", "ALT-100") == "2 @ 220.0000")
        #expect(try daemon.value("SELECT value_out FROM repair_order") == "220.00")
        #expect(try daemon.whereabouts("ALT-100", "A2") == "at vendor BOSCH on \(ro)")
        #expect(try client.send("issue MAIN ALT-100#A2").code == 409)
        try daemon.expectConsistent()

        // The steps, each with its date and who; a step out of order is 409 saying why.
        #expect(try client.send("repair authorize \(ro)").lastText == "cannot authorize \(ro): it is shipped to the vendor and has no quote yet")
        #expect(try client.send("repair ack \(ro) rma=BX-5521").lastText == "\(ro) acknowledged by the vendor, RMA BX-5521")
        #expect(try client.send("repair ack \(ro)").code == 409)
        #expect(try client.send("repair quote \(ro)").code == 400)
        #expect(try client.send("repair quote \(ro) amount=-3").code == 422)
        #expect(try client.send("repair quote \(ro) amount=150").lastText == "\(ro) quoted 150.00, 61.2% of the price 245.00")
        #expect(try client.send("repair return \(ro) outcome=repaired").lastText
                    == "cannot return \(ro): its quote of 150.00 waits for a decision: repair authorize or repair decline")
        let clerk = try daemon.socat(as: TestDaemon.clerkUID, ["repair authorize \(ro)", "repair decline \(ro)", "repair hold \(ro) reason=\"approval\""])
        #expect(clerk.contains("403 FORBIDDEN repair authorize needs role manager"))
        #expect(clerk.contains("403 FORBIDDEN repair decline needs role manager"))
        #expect(clerk.contains("200 OK \(ro) on hold: approval"), "\(clerk)")
        #expect(try client.send("repair hold \(ro) reason=again").code == 409)
        let manager = try daemon.socat(as: TestDaemon.managerUID, ["repair authorize \(ro)"])
        #expect(manager.contains("200 OK \(ro) authorized at 150.00"), "\(manager)")
        #expect(try client.send("repair resume \(ro)").lastText.hasPrefix("\(ro) resumed after 0 days on hold (approval)"))
        #expect(try client.send("repair resume \(ro)").code == 409)
        #expect(try client.send("repair return \(ro) outcome=fixed").code == 422)
        #expect(try client.send("repair return \(ro) outcome=repaired serial=B1").code == 422)
        #expect(try client.send("repair return \(ro) outcome=repaired location=NOWHERE").code == 404)
        #expect(try client.send("repair return \(ro) outcome=repaired sent=2000-01-01").code == 422)

        let back = try client.send("repair return \(ro) outcome=repaired ref=back1")
        #expect(back.code == 201, "\(back)")
        #expect(back.lastText.hasPrefix("RR-"))
        #expect(back.lines.contains { $0.contains("REPAIR RETURN 返修入库单") })
        #expect(back.lines.contains { $0.contains("150.00      150.00") })
        #expect(try client.send("repair return \(ro) outcome=repaired ref=back1").lastText == back.lastText)
        #expect(try client.send("repair return \(ro) outcome=repaired").code == 409)
        #expect(try daemon.balance("MAIN", "ALT-100") == "3 @ 196.6667")
        #expect(try daemon.whereabouts("ALT-100", "A2") == "at MAIN, serviceable")
        #expect(try daemon.value("SELECT cost FROM repair_order") == "150.00")

        let shown = try client.send("repair show \(ro)")
        #expect(shown.lastText == "\(ro) returned")
        for expected in ["outcome             repaired", "vendor rma          BX-5521", "decided by          \(TestDaemon.managerUID)",
                         "dispatch doc        RV-", "return doc          RR-"] {
            #expect(shown.body.contains { $0.hasPrefix(expected) }, "\(expected): \(shown)")
        }
        #expect(shown.body.filter { $0.contains("approval") }.count == 1)
        #expect(try client.send("repair show RO-2026-999999").code == 404)
        #expect(try client.send("repair show 42").code == 422)
        let unit = try client.send("unit show ALT-100#A2")
        #expect(unit.body.contains { $0.contains(ro) && $0.contains("repair") }, "\(unit)")
        #expect(unit.body.contains { $0.contains("RR-") } && unit.body.contains { $0.contains("RV-") })
        try daemon.expectConsistent()
    }

    @Test func aQuoteBeyondEconomicRepairIsFlaggedAndNeverAuthorizedByHabit() throws {
        let daemon = try TestDaemon(environment: ["PARTSD_REPAIRS_BER_PCT": "60"])
        let client = try daemon.connect()
        try daemon.seedSerials(client)
        let ro = try client.send("repair new MAIN ALT-100#A1 vendor=BOSCH fault=\"dead\"").lastText
        let quoted = try client.send("repair quote \(ro) amount=150")
        #expect(quoted.lastText == "\(ro) quoted 150.00: beyond economic repair, 61.2% of the price 245.00 (limit 60%); decline it, or authorize it with --ber")
        #expect(quoted.body.contains("beyond repair  yes"))
        #expect(try client.send("repair authorize \(ro)").lastText == "\(ro)'s quote of 150.00 is beyond economic repair: decline it, or authorize it with --ber")
        #expect(try daemon.value("SELECT state FROM repair_order") == "quoted")
        // A new quote replaces the old one; under the limit it may be authorized as usual.
        #expect(try client.send("repair quote \(ro) amount=140").lastText == "\(ro) quoted 140.00, 57.1% of the price 245.00")
        #expect(try client.send("repair authorize \(ro)").code == 200)
        let second = try client.send("repair new MAIN ALT-100#A2 vendor=BOSCH fault=\"dead\"").lastText
        _ = try client.send("repair quote \(second) amount=200")
        #expect(try client.send("repair authorize \(second) --ber").lastText == "\(second) authorized at 200.00, beyond economic repair")
    }

    /// Declined: back unserviceable, no stock. Replaced: a new serial comes back and the two
    /// units name each other. Scrapped: the unit leaves the books with an SX.
    @Test func declinedReplacedAndScrappedUnitsEndWhereTheyShould() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try daemon.seedSerials(client)
        let declined = try client.send("repair new MAIN ALT-100#A1 vendor=BOSCH fault=\"dead\"").lastText
        _ = try client.send("repair quote \(declined) amount=100")
        try expectOK(client.send("repair decline \(declined)"))
        #expect(try client.send("repair return \(declined) outcome=repaired").lastText == "\(declined)'s quote was declined: it comes back unrepaired or is scrapped")
        let back = try client.send("repair return \(declined) outcome=unrepaired cost=20")
        #expect(back.lastText.hasPrefix("VR-"), "\(back)")
        #expect(try daemon.whereabouts("ALT-100", "A1") == "at MAIN, unserviceable")
        #expect(try daemon.balance("MAIN", "ALT-100") == "2 @ 220.0000")
        #expect(try client.send("issue MAIN ALT-100#A1").lastText.contains("is unserviceable, so it is not stock"))
        // The unserviceable unit goes out again, recorded only: it carries no stock value.
        let again = try client.send("repair new MAIN ALT-100#A1 vendor=BOSCH fault=\"second opinion\"")
        #expect(again.lines.contains { $0.contains("REPAIR DISPATCH, NOT STOCK") }, "\(again)")
        #expect(try daemon.value("SELECT value_out FROM repair_order WHERE ro_no = '\(again.lastText)'") == "0.00")
        let replaced = try client.send("repair return \(again.lastText) outcome=replaced serial=B9 cost=120")
        #expect(replaced.lastText.hasPrefix("RR-"), "\(replaced)")
        #expect(try daemon.balance("MAIN", "ALT-100") == "3 @ 186.6667")
        let old = try client.send("unit show ALT-100#A1")
        #expect(old.body.contains("replaced by    ALT-100#B9"), "\(old)")
        #expect(old.body.contains("where          at vendor BOSCH, which kept it when it replaced the unit"))
        #expect(try client.send("unit show ALT-100#B9").body.contains("replaces       ALT-100#A1"))
        #expect(try client.send("repair return \(declined) outcome=replaced serial=A2").code == 409)

        let scrap = try client.send("repair new MAIN ALT-100#A2 vendor=BOSCH fault=\"burnt\"").lastText
        let gone = try client.send("repair return \(scrap) outcome=scrapped")
        #expect(gone.lastText.hasPrefix("SX-"), "\(gone)")
        #expect(gone.lines.contains { $0.contains("SCRAP, NO STOCK VALUE 报废登记单") })
        #expect(try daemon.whereabouts("ALT-100", "A2") == "scrapped")
        let noSerial = try client.send("repair new MAIN ALT-100#A3 vendor=BOSCH fault=\"x\"").lastText
        #expect(try client.send("repair return \(noSerial) outcome=replaced").lastText == "outcome=replaced needs serial=<the new unit's serial>")
        try daemon.expectConsistent()
    }

    @Test func customerUnitsAndUnserialisedQuantitiesAreRepairedToo() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try daemon.seedSerials(client, units: 1)
        try expectOK(client.send("part add PUMP-7 \"Fuel pump\" cost=80"))
        try expectOK(client.send("receive MAIN PUMP-7:4@70"))
        // A quantity of an unserialised part leaves stock and comes back at its cost per piece.
        let pumps = try client.send("repair new MAIN PUMP-7:2 vendor=BOSCH fault=\"leaking\"")
        #expect(pumps.code == 201, "\(pumps)")
        #expect(try daemon.balance("MAIN", "PUMP-7") == "2 @ 70.0000")
        try expectOK(client.send("repair return \(pumps.lastText) outcome=repaired cost=60"))
        #expect(try daemon.balance("MAIN", "PUMP-7") == "4 @ 50.0000")
        #expect(try client.send("repair new MAIN PUMP-7#S1 vendor=BOSCH fault=x").lastText == "PUMP-7 is not serialised: give PUMP-7:<qty>")
        #expect(try client.send("repair new MAIN ALT-100:1 vendor=BOSCH fault=x").lastText == "ALT-100 is serialised: name the unit as ALT-100#<serial>")

        // A customer's unit is tracked but never stock.
        #expect(try client.send("repair new MAIN ALT-100#C1 vendor=BOSCH fault=\"noisy\" origin=customer").code == 422)
        #expect(try client.send("repair new MAIN ALT-100#C1 vendor=BOSCH fault=\"noisy\"").code == 404)
        #expect(try client.send("repair new MAIN ALT-100#A1 vendor=BOSCH fault=\"noisy\" origin=customer customer=Wang").code == 409)
        let customer = try client.send("repair new MAIN ALT-100#C1 vendor=BOSCH fault=\"noisy\" origin=customer customer=Wang")
        #expect(customer.code == 201, "\(customer)")
        #expect(customer.lines.contains { $0.contains("REPAIR DISPATCH, NOT STOCK") })
        #expect(customer.lines.contains("201-Origin 来源        customer, customer Wang"))
        #expect(try daemon.balance("MAIN", "ALT-100") == "1 @ 200.0000")
        try expectOK(client.send("repair return \(customer.lastText) outcome=repaired cost=90"))
        #expect(try daemon.balance("MAIN", "ALT-100") == "1 @ 200.0000")
        #expect(try daemon.value("SELECT cost FROM repair_order WHERE ro_no = '\(customer.lastText)'") == "90.00")

        // Bad input, each a clear 4xx, nothing changed.
        let orders = try daemon.value("SELECT count(*) FROM repair_order")
        for (line, code) in [("repair new MAIN ALT-100#A1 fault=x", 400), ("repair new MAIN ALT-100#A1 vendor=BOSCH", 400),
                             ("repair new MAIN ALT-100#A1 vendor=NOBODY fault=x", 404), ("repair new NOWHERE ALT-100#A1 vendor=BOSCH fault=x", 404),
                             ("repair new MAIN ALT-100#A1 vendor=BOSCH fault=x origin=gift", 422),
                             ("repair new MAIN ALT-100#A1 vendor=BOSCH fault=x promised=2000-01-01", 422),
                             ("repair new MAIN ALT-100#A1 vendor=BOSCH fault=x promised=soon", 422),
                             ("repair new BR1 ALT-100#A1 vendor=BOSCH fault=x", 409)] {
            #expect(try client.send(line).code == code, "\(line)")
        }
        #expect(try daemon.value("SELECT count(*) FROM repair_order") == orders)
        #expect(try daemon.socat(as: TestDaemon.viewerUID, ["repair new MAIN ALT-100#A1 vendor=BOSCH fault=x"]).contains("403 FORBIDDEN"))
        try daemon.expectConsistent()
    }

    @Test func listsAndTheVendorsBatchFitEightyColumns() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try daemon.seedSerials(client)
        let first = try client.send("repair new MAIN ALT-100#A1 vendor=BOSCH fault=\"发电机不充电 no charge at idle, worse when warm\" promised=2099-01-01").lastText
        let second = try client.send("repair new MAIN ALT-100#A2 vendor=BOSCH fault=\"noise\" rma=BX-1").lastText
        _ = try client.send("repair ack \(second)")
        try daemon.sql("UPDATE repair_order SET shipped_at = shipped_at - interval '40 days', promised = current_date - 10 WHERE ro_no = '\(first)'")
        let list = try client.send("repair list")
        #expect(list.body.count == 3, "\(list)")
        #expect(list.body[1].hasPrefix(first) && list.body[1].contains(" 40 "), "\(list)")
        expectFits80(list)
        #expect(try client.send("repair list --overdue").body.count == 2)
        #expect(try client.send("repair list state=acknowledged").body.count == 2)
        #expect(try client.send("repair list state=lost").code == 422)
        #expect(try client.send("repair list vendor=NOBODY").code == 404)
        let batch = try client.send("repair batch BOSCH")
        #expect(batch.lines.first?.hasPrefix("200-OPEN REPAIRS 在修清单") == true, "\(batch)")
        #expect(batch.body.contains { $0.contains(second) && $0.contains("BX-1") })
        expectFits80(batch)
        // The deadlines: the late order is marked once, and found every day it stays late.
        let findings = try daemon.value("SELECT deadlines_mark(current_date)")
        #expect(findings.contains("\"marked\": 1") && findings.contains(first) && findings.contains("\"days_late\": 10"), "\(findings)")
        #expect(try daemon.value("SELECT deadlines_mark(current_date)").contains("\"marked\": 0"))
        #expect(try daemon.value("SELECT overdue_since = current_date FROM repair_order WHERE ro_no = '\(first)'") == "t")
        // A hold moves the promise back: four days on hold, four fewer days late.
        try daemon.sql("""
            INSERT INTO repair_hold (repair_order_id, held_at, held_by, reason, resumed_at, resumed_by)
            SELECT id, now() - interval '6 days', 'li', 'waiting for approval', now() - interval '2 days', 'li'
              FROM repair_order WHERE ro_no = '\(first)'
            """)
        #expect(try daemon.value("SELECT deadlines_mark(current_date)").contains("\"days_late\": 6"))
    }

    @Test func twoClerksReturningOneOrderAtOnceReturnItOnce() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try daemon.seedSerials(client)
        let ro = try client.send("repair new MAIN ALT-100#A1 vendor=BOSCH fault=x").lastText
        #expect(raceCodes(4, socketPath: daemon.socketPath) { _ in "repair return \(ro) outcome=repaired cost=10" } == [201, 409, 409, 409])
        #expect(try daemon.value("SELECT count(*) FROM document WHERE doc_type = 'RR'") == "1")
        try daemon.expectConsistent()
    }
}
