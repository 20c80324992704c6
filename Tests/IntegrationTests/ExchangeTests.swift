import Foundation
import PartsClient
import PostgresClient
import Synchronization
import Testing

/// The exchange pool (周转仓): a serviceable unit to the customer at once, the core owed and
/// graded when it comes back, the pool's target and availability.
@Suite("the exchange pool")
struct ExchangeTests {
    /// ALT-100 A1..A3 at MAIN (220 each on average), A2 and A3 moved into the pool ROT.
    private func pool(_ daemon: TestDaemon, _ client: AdminConnection) throws {
        try daemon.seedSerials(client)
        try expectOK(client.send("transfer MAIN ROT ALT-100#A2 ALT-100#A3"))
    }

    @Test func aUnitGoesOutAtOnceAndItsCoreComesBackIntoThePool() throws {
        let daemon = try TestDaemon(environment: ["PARTSD_EXCHANGES_CORE_DUE_DAYS": "21"])
        let client = try daemon.connect()
        try pool(daemon, client)
        let out = try client.send("exchange out ROT ALT-100#A3 customer=\"Wang Lei\" core=C-9 deposit=50 ref=x1")
        #expect(out.code == 201, "\(out)")
        let xc = out.lastText
        #expect(xc.hasPrefix("XC-"))
        #expect(out.lines.contains { $0.hasPrefix("201-EXCHANGE ISSUE 周转件发出单") })
        #expect(out.lines.contains { $0.hasPrefix("201-CORE RETURN TAG 旧件回收标签") && $0.hasSuffix(xc) })
        let due = try daemon.value("SELECT (current_date + 21)::text")
        #expect(out.lines.contains("201-Due 应还日期     \(due)"), "\(out)")
        #expect(out.lines.contains("201-Note 备注  core due \(due), deposit 50.00"))
        expectFits80(out)
        #expect(try client.send("exchange out ROT ALT-100#A3 customer=\"Wang Lei\" core=C-9 deposit=50 ref=x1").lines == out.lines)
        #expect(try daemon.whereabouts("ALT-100", "A3") == "out with customer Wang Lei on \(xc)")
        #expect(try daemon.balance("ROT", "ALT-100") == "1 @ 220.0000")

        // The core arrives unserviceable: no stock, no value, until it is repaired.
        #expect(try client.send("exchange core \(xc) grade=full").code == 422)
        #expect(try client.send("exchange core \(xc) serial=C-9 grade=shiny").code == 422)
        #expect(try client.send("exchange core \(xc) serial=C-9 grade=full charge=10").code == 422)
        let core = try client.send("exchange core \(xc) serial=C-9 grade=full")
        #expect(core.code == 201, "\(core)")
        #expect(core.lastText.hasPrefix("CR-"))
        #expect(core.body.contains("\(xc) closed: core ALT-100#C-9 back, full; send it to repair with repair new ROT ALT-100#C-9 vendor=<code> fault=\"...\" origin=exchange"))
        #expect(try client.send("exchange core \(xc) serial=C-9 grade=full").code == 409)
        #expect(try daemon.whereabouts("ALT-100", "C-9") == "at ROT, unserviceable")
        #expect(try daemon.balance("ROT", "ALT-100") == "1 @ 220.0000")
        // It goes to repair as a record and rejoins the pool at its repair cost.
        let ro = try client.send("repair new ROT ALT-100#C-9 vendor=BOSCH fault=\"core\" origin=exchange")
        #expect(ro.lines.contains { $0.contains("REPAIR DISPATCH, NOT STOCK") }, "\(ro)")
        try expectOK(client.send("repair return \(ro.lastText) outcome=repaired cost=100"))
        #expect(try daemon.balance("ROT", "ALT-100") == "2 @ 160.0000")
        let shown = try client.send("exchange show \(xc)")
        #expect(shown.body.contains("serial out     A3") && shown.body.contains("core serial    C-9"), "\(shown)")
        let unit = try client.send("unit show ALT-100#C-9")
        #expect(unit.body.contains { $0.contains(xc) && $0.contains("core") }, "\(unit)")
        try daemon.expectConsistent()
    }

    @Test func aDamagedOrMissingCoreIsCharged() throws {
        let daemon = try TestDaemon(environment: ["PARTSD_EXCHANGES_CORE_CHARGE_PCT": "80"])
        let client = try daemon.connect()
        try pool(daemon, client)
        let kept = try client.send("exchange out ROT ALT-100#A2 customer=Li deposit=50").lastText
        let charged = try client.send("exchange out ROT ALT-100#A3 customer=Zhao").lastText
        #expect(try client.send("exchange core \(kept) serial=C-1 grade=damaged").body
                    .contains("\(kept) closed: core ALT-100#C-1 back damaged; the customer owes 50.00 (deposit kept)"))
        #expect(try client.send("exchange core \(charged) serial=C-2 grade=none").code == 422)
        let none = try client.send("exchange core \(charged) grade=none")
        #expect(none.code == 200, "\(none)")
        #expect(none.lastText == "\(charged) closed: no core came back; the customer owes 196.00 (core charge)")
        #expect(try daemon.value("SELECT charge || ' ' || charge_basis FROM exchange WHERE xc_no = '\(charged)'") == "196.00 core charge")
        try expectOK(client.send("receive ROT ALT-100#A9@200"))
        let agreed = try client.send("exchange out ROT ALT-100 customer=Sun").lastText
        #expect(try client.send("exchange core \(agreed) grade=none charge=120").lastText.hasSuffix("owes 120.00 (agreed)"))
        let list = try client.send("exchange list state=closed")
        #expect(list.body.count == 4, "\(list)")
        expectFits80(list)
        try daemon.expectConsistent()
    }

    /// An empty pool answers 409 naming where units are, and that answer is kept: a retry gets
    /// it again, and the request counts against the pool's availability.
    @Test func anEmptyPoolSaysWhereUnitsAreAndCountsTheRequestItCouldNotServe() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try pool(daemon, client)
        try expectOK(client.send("repair new MAIN ALT-100#A1 vendor=BOSCH fault=x promised=2099-03-01"))
        try expectOK(client.send("exchange out ROT ALT-100 customer=Li"))
        try expectOK(client.send("exchange out ROT ALT-100 customer=Wu"))
        let empty = try client.send("exchange out ROT ALT-100 customer=Zhao ref=z1")
        #expect(empty.code == 409, "\(empty)")
        let ro = try daemon.value("SELECT ro_no FROM repair_order")
        #expect(empty.lastText == "no serviceable ALT-100 in pool ROT: in repair \(ro) at BOSCH promised 2099-03-01")
        #expect(try client.send("exchange out ROT ALT-100 customer=Zhao ref=z1").lines == empty.lines)
        #expect(try daemon.value("SELECT count(*) FROM exchange_shortage") == "1")
        #expect(try daemon.value("SELECT count(*) FROM audit_log WHERE ref = 'z1'") == "1")
        // A named unit that is not in the pool is the clerk's mistake, not the pool's shortage.
        try expectOK(client.send("receive ROT ALT-100#A8@200"))
        #expect(try client.send("exchange out ROT ALT-100#A2 customer=Ma").lastText
                    == "ALT-100#A2 is not a serviceable unit in pool ROT: it is out with customer Li on XC-\(try daemon.value("SELECT extract(year FROM current_date)::text"))-000001; serviceable there: A8")
        #expect(try daemon.value("SELECT count(*) FROM exchange_shortage") == "1")
        try expectOK(client.send("pool set ROT ALT-100 target=3"))
        let report = try client.send("report pool")
        #expect(report.body.contains { $0.hasPrefix("ROT   ALT-100       3        1         0          0       2        1     66.7") }, "\(report)")
        #expect(report.body.contains { $0.hasPrefix("ROT   ALT-100    2        0      490.00       0") }, "\(report)")
        expectFits80(report)
        try daemon.expectConsistent()
    }

    @Test func overdueCoresAreMarkedAndBadInputChangesNothing() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try pool(daemon, client)
        let xc = try client.send("exchange out ROT ALT-100#A2 customer=Li due=2099-12-31").lastText
        try daemon.sql("UPDATE exchange SET due = current_date - 3 WHERE xc_no = '\(xc)'")
        let findings = try daemon.value("SELECT deadlines_mark(current_date)")
        #expect(findings.contains("\"cores\": {\"late\": [{\"due\"") && findings.contains("\"days_late\": 3") && findings.contains(xc), "\(findings)")
        #expect(try daemon.value("SELECT state FROM exchange") == "overdue")
        #expect(try client.send("exchange list state=overdue").body.contains { $0.hasPrefix(xc) && $0.hasSuffix(" 3") })
        #expect(try client.send("exchange list").body.count == 2)
        try expectOK(client.send("exchange core \(xc) serial=C-7 grade=full"))
        #expect(try daemon.value("SELECT state FROM exchange") == "closed")

        let before = try daemon.value("SELECT count(*) FROM exchange")
        for (line, code) in [("exchange out MAIN ALT-100#A1 customer=Li", 422), ("exchange out ROT ALT-100#A3", 400),
                             ("exchange out ROT ALT-100#A3 customer=Li due=2000-01-01", 422),
                             ("exchange out ROT ALT-100#NOPE customer=Li", 404), ("exchange out NOWHERE ALT-100 customer=Li", 404),
                             ("exchange out ROT ALT-100#A3 customer=Li deposit=1.234", 422),
                             ("exchange core XC-2026-999999 grade=none", 404), ("exchange core 17 grade=none", 422),
                             ("exchange show XC-2026-999999", 404)] {
            #expect(try client.send(line).code == code, "\(line)")
        }
        try expectOK(client.send("part add P-1 \"pad\""))
        #expect(try client.send("exchange out ROT P-1 customer=Li").code == 422)
        #expect(try client.send("pool set ROT P-1 target=2").code == 422)
        #expect(try client.send("pool set MAIN ALT-100 target=2").code == 422)
        #expect(try client.send("pool set ROT ALT-100 target=-1").code == 422)
        #expect(try daemon.value("SELECT count(*) FROM exchange") == before)
        let clerk = try daemon.socat(as: TestDaemon.clerkUID, ["pool set ROT ALT-100 target=2", "exchange out ROT ALT-100 customer=Li"])
        #expect(clerk.contains("403 FORBIDDEN pool set needs role manager"))
        #expect(clerk.contains("201 CREATED XC-"))
        #expect(try daemon.socat(as: TestDaemon.viewerUID, ["exchange out ROT ALT-100 customer=Li"]).contains("403 FORBIDDEN"))
        try daemon.expectConsistent()
    }
}
