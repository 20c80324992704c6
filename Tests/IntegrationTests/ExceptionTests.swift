import Foundation
import PartsClient
import PostgresClient
import Testing

@Suite("exceptions (配件异常处理)")
struct ExceptionTests {
    /// On hand of a part at a location, "0" when it never was there.
    private func onHand(_ daemon: TestDaemon, _ location: String, _ part: String) throws -> String {
        try daemon.sql("""
            SELECT coalesce((SELECT trim_scale(b.on_hand)::text FROM stock_balance b
              JOIN part p ON p.id = b.part_id JOIN location l ON l.id = b.location_id
             WHERE p.part_no = '\(part)' AND l.code = '\(location)'), '0')
            """).scalar ?? "?"
    }

    private func noDiscrepancy(_ daemon: TestDaemon) throws {
        #expect(try daemon.sql("SELECT count(*) FROM ledger_discrepancy").scalar == "0")
    }

    @Test func eachKindMovesToQuarantineAndEachResolutionPostsItsDocument() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try daemon.seed(client, parts: [("P-1", "1"), ("P-2", "1")])
        let gr = try client.send("receive MAIN P-1:10@10 P-2:4@5 from=ACME").lastText

        // damaged → scrap: into quarantine (created on first use), then out with an SC.
        let damaged = try client.send("exception new \(gr) P-1:3 kind=damaged note=\"crushed box\" ref=d1")
        #expect(damaged.code == 201, "\(damaged)")
        let ex1 = damaged.lastText
        #expect(ex1.hasPrefix("EX-"))
        #expect(damaged.lines.contains { $0.contains("STOCK TRANSFER") })
        #expect(try onHand(daemon, "MAIN", "P-1") == "8")
        #expect(try onHand(daemon, "QUARANTINE", "P-1") == "3")
        #expect(try daemon.sql("SELECT kind FROM location WHERE code = 'QUARANTINE'").scalar == "quarantine")
        let scrapped = try client.send("exception resolve \(ex1) action=scrap note=\"not repairable\"")
        #expect(scrapped.code == 201, "\(scrapped)")
        #expect(scrapped.lastText.hasPrefix("SC-"))
        #expect(scrapped.lines.contains { $0.contains("SCRAP 报废单") })
        #expect(scrapped.lines.contains { $0.contains("Exception 异常") && $0.contains(ex1) })
        #expect(try onHand(daemon, "QUARANTINE", "P-1") == "0")
        #expect(try onHand(daemon, "MAIN", "P-1") == "8")

        // wrong → return: an RS out of quarantine.
        let ex2 = try client.send("exception new \(gr) P-1:2 kind=wrong").lastText
        #expect(try onHand(daemon, "QUARANTINE", "P-1") == "2")
        let returned = try client.send("exception resolve \(ex2) action=return")
        #expect(returned.lastText.hasPrefix("RS-"), "\(returned)")
        #expect(returned.lines.contains { $0.contains("RETURN TO SUPPLIER 退供应商单") && $0.contains(returned.lastText) })
        #expect(try onHand(daemon, "QUARANTINE", "P-1") == "0")
        #expect(try onHand(daemon, "MAIN", "P-1") == "6")

        // over → accept: a TR back into the location.
        let ex3 = try client.send("exception new \(gr) P-2:1 kind=over").lastText
        #expect(try onHand(daemon, "MAIN", "P-2") == "4")
        let accepted = try client.send("exception resolve \(ex3) action=accept")
        #expect(accepted.lastText.hasPrefix("TR-"), "\(accepted)")
        #expect(try onHand(daemon, "MAIN", "P-2") == "5")
        #expect(try onHand(daemon, "QUARANTINE", "P-2") == "0")

        // short: nothing moves; accept posts nothing, scrap and return book it out where it was received.
        let ex4 = try client.send("exception new \(gr) P-2:1 kind=short").lastText
        #expect(try onHand(daemon, "MAIN", "P-2") == "5")
        let shortAccepted = try client.send("exception resolve \(ex4) action=accept")
        #expect(shortAccepted.code == 200, "\(shortAccepted)")
        #expect(shortAccepted.lastText.contains("nothing to post"))
        #expect(try onHand(daemon, "MAIN", "P-2") == "5")
        let ex5 = try client.send("exception new \(gr) P-2:1 kind=short").lastText
        #expect(try client.send("exception resolve \(ex5) action=return").lastText.hasPrefix("RS-"))
        #expect(try onHand(daemon, "MAIN", "P-2") == "4")
        // Line P-2 had 4, 1 + 1 + 1 are under exception: 1 left.
        let ex6 = try client.send("exception new \(gr) P-2:1 kind=short").lastText
        #expect(try client.send("exception resolve \(ex6) action=scrap").lastText.hasPrefix("SC-"))
        #expect(try onHand(daemon, "MAIN", "P-2") == "3")

        // Against a transfer: from its destination.
        let tr = try client.send("transfer MAIN BR1 P-1:4").lastText
        let ex7 = try client.send("exception new \(tr) P-1:1 kind=damaged").lastText
        #expect(try onHand(daemon, "BR1", "P-1") == "3")
        #expect(try onHand(daemon, "QUARANTINE", "P-1") == "1")
        #expect(try client.send("exception resolve \(ex7) action=accept").code == 201)
        #expect(try onHand(daemon, "BR1", "P-1") == "4")

        // Against a count, into a quarantine location named on the command.
        try expectOK(client.send("location add HOLD \"Hold area\" kind=quarantine"))
        let ad = try client.send("adjust MAIN P-1:4 reason=\"cycle count\"").lastText
        let ex8 = try client.send("exception new \(ad) P-1:2 kind=count quarantine=HOLD").lastText
        #expect(try onHand(daemon, "HOLD", "P-1") == "2")
        #expect(try onHand(daemon, "MAIN", "P-1") == "2")
        #expect(try client.send("exception resolve \(ex8) action=scrap").code == 201)
        #expect(try onHand(daemon, "HOLD", "P-1") == "0")
        // Two quarantine locations and none named: the clerk must choose.
        #expect(try client.send("exception new \(ad) P-1:1 kind=damaged").code == 422)

        // Listing: open ones by default with their age; resolved on request.
        let ex9 = try client.send("exception new \(gr) P-1:1 kind=damaged quarantine=QUARANTINE").lastText
        let open = try client.send("exception list")
        #expect(open.code == 200)
        #expect(open.lastText == "1 exceptions", "\(open)")
        #expect(open.lines.contains { $0.contains(ex9) && $0.contains("open") })
        #expect(try client.send("exception list state=resolved").lastText == "8 exceptions")
        #expect(try client.send("exception list state=all location=BR1").lastText == "1 exceptions")
        #expect(try client.send("exception list location=NOPE").code == 404)
        #expect(try client.send("exception list state=closed").code == 422)
        _ = try client.send("format json")
        let json = try client.send("exception list")
        #expect(json.json?.contains("\"age_days\":0") == true, "\(json)")
        #expect(json.json?.contains("\"quantity\":\"1.000\"") == true, "\(json)")
        _ = try client.send("format text")
        let shown = try client.send("exception show \(ex1)")
        #expect(shown.code == 200)
        #expect(shown.lastText == "\(ex1) resolved")
        #expect(shown.lines.contains { $0.contains("crushed box") })
        #expect(shown.lines.contains { $0.contains(scrapped.lastText) })
        #expect(try client.send("exception show EX-2026-999999").code == 404)
        try noDiscrepancy(daemon)
    }

    @Test func illegalStepsAreRefusedAndChangeNothing() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try daemon.seed(client, parts: [("P-1", "1"), ("P-2", "1")])
        let gr = try client.send("receive MAIN P-1:5@10").lastText
        let gi = try client.send("issue MAIN P-2:1").lastText
        let movements = try daemon.sql("SELECT count(*) FROM stock_movement").scalar

        let tooMany = try client.send("exception new \(gr) P-1:6 kind=damaged")
        #expect(tooMany.code == 409)
        #expect(tooMany.lastText.contains("has 5 of P-1 and 0 is under exception already: at most 5 more"), "\(tooMany)")
        let notOn = try client.send("exception new \(gr) P-2:1 kind=damaged")
        #expect(notOn.code == 409)
        #expect(notOn.lastText.contains("P-2 is not on \(gr)"), "\(notOn)")
        #expect(try client.send("exception new \(gi) P-2:1 kind=damaged").lastText.contains("is a GI document"))
        #expect(try client.send("exception new \(gr) P-1:1 kind=count").code == 409)
        #expect(try client.send("exception new \(gr) P-1:1 kind=lost").code == 422)
        #expect(try client.send("exception new \(gr) P-1:1").code == 400)
        #expect(try client.send("exception new \(gr) P-1:0 kind=damaged").code == 422)
        #expect(try client.send("exception new \(gr) P-9:1 kind=damaged").code == 404)
        #expect(try client.send("exception new GR-2026-999999 P-1:1 kind=damaged").code == 404)
        #expect(try client.send("exception new \(gr) P-1:1 kind=damaged quarantine=MAIN").code == 422)
        #expect(try daemon.sql("SELECT count(*) FROM stock_exception").scalar == "0")
        #expect(try daemon.sql("SELECT count(*) FROM stock_movement").scalar == movements)

        // Stock already gone: the move into quarantine is refused whole.
        try expectOK(client.send("issue MAIN P-1:6"))
        #expect(try client.send("exception new \(gr) P-1:1 kind=damaged").code == 409)
        #expect(try daemon.sql("SELECT count(*) FROM stock_exception").scalar == "0")
        try expectOK(client.send("receive MAIN P-1:5@10"))

        let ex = try client.send("exception new \(gr) P-1:4 kind=damaged").lastText
        #expect(try client.send("exception new \(gr) P-1:2 kind=wrong").lastText.contains("at most 1 more"))
        #expect(try client.send("exception resolve \(ex)").code == 400)
        #expect(try client.send("exception resolve \(ex) action=keep").code == 422)
        #expect(try client.send("exception resolve EX-2026-999999 action=scrap").code == 404)
        #expect(try client.send("exception resolve \(ex) action=scrap").code == 201)
        let before = try daemon.sql("SELECT count(*) FROM stock_movement").scalar
        let twice = try client.send("exception resolve \(ex) action=accept")
        #expect(twice.code == 409)
        #expect(twice.lastText.contains("was already resolved (scrap)"), "\(twice)")
        #expect(try daemon.sql("SELECT count(*) FROM stock_movement").scalar == before)
        #expect(try daemon.sql("SELECT resolution FROM stock_exception").scalar == "scrap")
        try noDiscrepancy(daemon)
    }

    @Test func refReplaysAndRolesAreEnforced() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try daemon.seed(client, parts: [("P-1", "1")])
        let gr = try client.send("receive MAIN P-1:5@10").lastText
        let first = try client.send("exception new \(gr) P-1:2 kind=damaged ref=x1")
        let again = try client.send("exception new \(gr) P-1:2 kind=damaged ref=x1")
        #expect(again.code == 201)
        #expect(again.lastText == first.lastText)
        #expect(try daemon.sql("SELECT count(*) FROM stock_exception").scalar == "1")
        #expect(try onHand(daemon, "QUARANTINE", "P-1") == "2")
        #expect(try client.send("exception new \(gr) P-1:1 kind=damaged ref=x1").code == 409)

        let ex = first.lastText
        let viewer = try daemon.socat(as: TestDaemon.viewerUID, ["exception list", "exception new \(gr) P-1:1 kind=wrong"])
        #expect(viewer.contains("200 OK 1 exceptions"), "\(viewer)")
        #expect(viewer.contains("403 FORBIDDEN"))
        let clerk = try daemon.socat(as: TestDaemon.clerkUID, ["exception resolve \(ex) action=scrap",
                                                               "exception new \(gr) P-1:1 kind=wrong"])
        #expect(clerk.contains("403 FORBIDDEN"), "\(clerk)")
        #expect(clerk.contains("201 CREATED EX-"), "\(clerk)")
        #expect(try daemon.sql("SELECT state FROM stock_exception WHERE ex_no = '\(ex)'").scalar == "open")

        let manager = try daemon.socat(as: TestDaemon.managerUID, ["exception resolve \(ex) action=return ref=r1",
                                                                   "exception resolve \(ex) action=return ref=r1"])
        let created = manager.split(separator: "\n").filter { $0.hasPrefix("201 CREATED RS-") }
        #expect(created.count == 2, "\(manager)")
        #expect(Set(created).count == 1)
        #expect(try daemon.sql("SELECT count(*) FROM document WHERE doc_type = 'RS'").scalar == "1")
        #expect(try onHand(daemon, "QUARANTINE", "P-1") == "1")
        try noDiscrepancy(daemon)
    }

    @Test func twoManagersResolvingAtOnceResolveOnce() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try daemon.seed(client, parts: [("P-1", "1")])
        let gr = try client.send("receive MAIN P-1:5@10").lastText
        let ex = try client.send("exception new \(gr) P-1:3 kind=damaged").lastText
        let codes = raceCodes(2, socketPath: daemon.socketPath) { index in
            "exception resolve \(ex) action=\(index == 0 ? "scrap" : "accept")"
        }
        #expect(codes == [201, 409])
        #expect(try daemon.sql("""
            SELECT count(*) FROM document WHERE doc_type IN ('SC', 'RS') OR (doc_type = 'TR' AND counterparty LIKE '\(ex)%')
            """).scalar == "2")
        #expect(try onHand(daemon, "QUARANTINE", "P-1") == "0")
        try noDiscrepancy(daemon)
    }
}
