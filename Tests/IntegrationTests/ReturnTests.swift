import Foundation
import PartsClient
import PostgresClient
import Testing

@Suite("returns to stock (退料)")
struct ReturnTests {
    @Test func unusedPartsComeBackAgainstTheirIssueAndNeverMoreThanWasIssued() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try daemon.seed(client, parts: [("P-1", "10"), ("P-2", "10")])
        let issued = try client.send("issue MAIN P-1:4 P-2:1 to=WO-7")
        let gi = issued.lastText
        let returned = try client.send("return \(gi) P-1:3 note=\"not needed\" ref=r1")
        #expect(returned.code == 201, "\(returned)")
        #expect(returned.lastText.hasPrefix("RT-"))
        #expect(returned.lines.contains { $0.contains("RETURN TO STOCK 退料单") })
        #expect(returned.lines.contains { $0.contains("Issue 原单") && $0.contains(gi) })
        #expect(returned.lines.contains { $0.contains("Returned by 退料人") })
        // A retry replays; the same ref for something else is refused.
        #expect(try client.send("return \(gi) P-1:3 note=\"not needed\" ref=r1").lastText == returned.lastText)
        #expect(try client.send("return \(gi) P-1:1 ref=r1").code == 409)

        let tooMany = try client.send("return \(gi) P-1:2")
        #expect(tooMany.code == 409)
        #expect(tooMany.lastText.contains("issued 4 of P-1 and 3 came back already: at most 1 can be returned"), "\(tooMany)")
        #expect(try client.send("return \(gi) P-1:1 P-1:1").code == 422)
        #expect(try client.send("return \(gi) P-3:1").code == 404)
        #expect(try client.send("return \(gi) P-2:0").code == 422)
        #expect(try client.send("return GI-2026-999999 P-1:1").code == 404)
        let receipt = try client.send("receive MAIN P-1:1")
        let gr = receipt.lastText
        #expect(try client.send("return \(gr) P-1:1").lastText.contains("is a GR document"))
        #expect(try client.send("return \(gi) P-1:1").code == 201)

        // Stock is back at the issue's cost; the ledger still equals the balances.
        #expect(try daemon.sql("SELECT on_hand FROM stock_balance b JOIN part p ON p.id = b.part_id WHERE p.part_no = 'P-1'").scalar == "11.000")
        #expect(try daemon.sql("SELECT count(*) FROM ledger_discrepancy").scalar == "0")
        // Planning nets the returns from the demand: 4 issued, 4 back.
        #expect(try daemon.sql("""
            SELECT sum(d.quantity) FROM demand_line d JOIN part p ON p.id = d.part_id WHERE p.part_no = 'P-1'
            """).scalar == "0.000")
        let viewer = try daemon.socat(as: TestDaemon.viewerUID, ["return \(gi) P-2:1"])
        #expect(viewer.contains("403 FORBIDDEN"))
    }

    @Test func twoClerksReturningTheLastUnitAtOnceReturnItOnce() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try daemon.seed(client, parts: [("P-1", "10")])
        let gi = try client.send("issue MAIN P-1:1").lastText
        #expect(raceCodes(4, socketPath: daemon.socketPath) { _ in "return \(gi) P-1:1" } == [201, 409, 409, 409])
        #expect(try daemon.sql("SELECT count(*) FROM return_link").scalar == "1")
    }
}
