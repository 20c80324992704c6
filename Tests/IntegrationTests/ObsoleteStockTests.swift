import Foundation
import PartsClient
import Testing

@Suite("obsolescence: no reorder, and report obsolete")
struct ObsoleteStockTests {
    /// At MAIN: P-O last asked for 500 days ago (3 × 7.50 = 22.50 on hand): no demand for
    /// more than obsolete_after_days (365). P-F asked for every fifth week from 100 to 35 weeks
    /// ago (1 × 4.00): 245 days quiet, under the span, but 35 quiet weeks make its demand
    /// decaying and TSB's probability 0.25 × 0.9³⁵ ≈ 0.006 falls below 0.01. P-L is asked for
    /// every week: alive, and not listed.
    @Test func partsWhoseDemandStoppedAreNotReorderedAndAreListed() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try expectOK(client.send("location add MAIN \"Main\""))
        try expectOK(client.send("part add P-O \"old bracket\" cost=7.5 lead_days=14"))
        try expectOK(client.send("part add P-F \"fading lamp\" cost=4 lead_days=14"))
        try expectOK(client.send("part add P-L \"live filter\" cost=5 lead_days=14"))
        try expectOK(client.send("receive MAIN P-O:3@7.5 P-F:1@4 P-L:2@5"))
        func days(_ sql: String) throws -> [String] { try daemon.sql(sql).rows.map { $0[0]! } }
        let old = try days("SELECT (current_date - 500)::text")
        let fading = try days("SELECT (current_date - 7 * k)::text FROM generate_series(35, 100, 5) k")
        let live = try days("SELECT (current_date - 7 * k)::text FROM generate_series(1, 60) k")
        try expectOK(client.send("history add MAIN P-O " + old.map { "\($0):2" }.joined(separator: " ")))
        try expectOK(client.send("history add MAIN P-F " + fading.map { "\($0):1" }.joined(separator: " ")))
        try expectOK(client.send("history add MAIN P-L " + live.map { "\($0):3" }.joined(separator: " ")))

        _ = try client.send("format json")
        let plan = try object(client.send("plan show P-O"))
        #expect((plan["obsolete"] as? String)?.hasPrefix("no demand in ") == true, "\(plan)")
        #expect((plan["obsolete"] as? String)?.hasSuffix(" days ≥ 365") == true)
        #expect(plan["suggested_order"] as? String == "0.000")
        #expect((plan["why"] as? String)?.contains("no order; its stock is a candidate for return") == true)
        let fadingPlan = try object(client.send("plan show P-F"))
        #expect((fadingPlan["obsolete"] as? String)?.hasPrefix("demand decaying, probability 0.00") == true, "\(fadingPlan)")
        #expect(try object(client.send("plan show P-L"))["obsolete"] as? String == "no")

        try expectOK(client.send("job run reorder --wait"))
        let lines = try daemon.sql("""
            SELECT p.part_no, l.suggested::text, l.obsolete_why IS NOT NULL FROM reorder_line l JOIN part p ON p.id = l.part_id
             ORDER BY p.part_no
            """).rows.map { $0.map { $0! } }
        #expect(lines.map { [$0[0], $0[2]] } == [["P-F", "t"], ["P-L", "f"], ["P-O", "t"]])
        #expect(lines.filter { $0[2] == "t" }.map { $0[1] } == ["0.000", "0.000"])

        let report = try object(client.send("report obsolete location=MAIN"))
        let rows = try #require(report["rows"] as? [[String: Any]])
        #expect(rows.map { $0["part_no"] as? String } == ["P-O", "P-F"])
        #expect(rows.map { $0["value"] as? String } == ["22.50", "4.00"])
        #expect((rows[0]["why"] as? String)?.hasPrefix("no demand in ") == true)
        #expect((rows[0]["proposal_no"] as? String)?.hasPrefix("RP-") == true)
        #expect(rows[0]["last_issue"] as? String == old[0])
        #expect(report["obsolete_parts"] as? Int == 2)
        #expect(report["total_value"] as? String == "26.50")
        #expect(report["message"] as? String == "2 obsolete part-locations worth 26.50")
        let limited = try object(client.send("report obsolete limit=1"))
        #expect(limited["message"] as? String == "2 obsolete part-locations worth 26.50 (1 shown)")
        #expect(try client.send("report obsolete location=NOWHERE").code == 404)

        // Text mode, and a viewer may read it.
        let text = try daemon.socat(as: TestDaemon.viewerUID, ["report obsolete"])
        #expect(text.contains("200 OK 2 obsolete part-locations worth 26.50"), "\(text)")
        #expect(text.contains("P-O"))
    }

    @Test func settingsAreValidated() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try expectOK(client.send("location add MAIN \"Main\""))
        #expect(try client.send("plan set obsolete_after_days=0").code == 422)
        // A plan reads history_days (728) of history: a longer span could never be seen.
        let tooLong = try client.send("plan set obsolete_after_days=800")
        #expect(tooLong.code == 422)
        #expect(tooLong.lastText.contains("must not exceed history_days (728)"), "\(tooLong)")
        #expect(try client.send("plan set obsolete_probability=0.6").code == 422)
        #expect(try client.send("plan set obsolete_probability=x").code == 422)
        try expectOK(client.send("plan set location=MAIN obsolete_after_days=200 obsolete_probability=0.02"))
        let settings = try client.send("plan settings location=MAIN")
        #expect(settings.body.contains { $0.contains("obsolete_after_days") && $0.contains("200") && $0.contains("MAIN") })
        #expect(settings.body.contains { $0.contains("obsolete_probability") && $0.contains("0.02") })
        #expect(try client.send("plan settings").body.contains { $0.contains("obsolete_after_days") && $0.contains("365") && $0.contains("built-in") })
    }

    private func object(_ reply: Reply) throws -> [String: Any] {
        guard reply.code == 200, let json = reply.json else { throw TestFailure("expected a JSON 200 reply, got:\n\(reply)") }
        return try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    }
}
