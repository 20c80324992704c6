import Foundation
import PartsClient
import PostgresClient
import Testing

/// The SQL definitions planning and the reports share: turnover_figures (turnover and days of
/// supply) and abc_ranking (ABC classes), checked on the worked examples the Swift helpers they
/// replaced were checked on, and the ABC class a part gets in its plan and in `report abc`.
@Suite("planning definitions: turnover and ABC in SQL")
struct PlanningDefinitionTests {
    private func object(_ reply: Reply) throws -> [String: Any] {
        guard reply.code == 200, let json = reply.json else { throw TestFailure("expected a JSON 200 reply, got:\n\(reply)") }
        return try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    }

    /// trim_scale'd text of turnover and days of supply: "-" for NULL.
    private func figures(_ daemon: TestDaemon, issued: String, average: String, days: String) throws -> [String] {
        let result = try daemon.sql("""
            SELECT coalesce(trim_scale(turnover)::text, '-') AS turnover, coalesce(trim_scale(days_of_supply)::text, '-') AS days
              FROM turnover_figures(\(issued), \(average), \(days))
            """)
        return [result.value(0, "turnover") ?? "", result.value(0, "days") ?? ""]
    }

    @Test func turnoverIsIssuesOverAverageStockAndDaysOfSupplyItsInverse() throws {
        let daemon = try TestDaemon()
        #expect(try figures(daemon, issued: "120000", average: "30000", days: "365") == ["4", "91.25"])
        // Half a year: the same pace is the same turnover.
        #expect(try figures(daemon, issued: "60000", average: "30000", days: "182.5") == ["4", "91.25"])
        // Nothing issued: no turns, and stock that never moves covers for ever.
        #expect(try figures(daemon, issued: "0", average: "30000", days: "365") == ["0", "-"])
        // Nothing in stock: nothing to turn.
        #expect(try figures(daemon, issued: "100", average: "0", days: "365") == ["-", "-"])
    }

    /// The average stock value is the mean of the daily snapshots (10, 20, 30 and 40: 25);
    /// without any, today's stock stands in.
    @Test func theAverageStockValueIsTheMeanOfTheSnapshots() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try daemon.seed(client, parts: [("P-1", "5")])
        try daemon.sql("""
            INSERT INTO stock_snapshot (snapshot_date, location_id, part_id, on_hand, value)
            SELECT current_date - v.age, l.id, p.id, 1, v.value
              FROM (VALUES (1, 10), (2, 20), (3, 30), (4, 40)) AS v(age, value)
              JOIN part p ON p.part_no = 'P-1' JOIN location l ON l.code = 'MAIN';
            """)
        let text = try client.send("report turnover location=MAIN days=30")
        let line = try #require(text.body.first { $0.hasPrefix("MAIN") }, "\(text)")
        #expect(line.split(separator: " ").prefix(5) == ["MAIN", "0.00", "25.00", "snapshots", "4"])
        let branch = try client.send("report turnover location=BR1 days=30")
        #expect(try #require(branch.body.first { $0.hasPrefix("BR1") }).contains("current stock"), "\(branch)")
    }

    /// One location per example, each part P-<i> valued at the i-th value (history at cost 1;
    /// a part of value 0 only holds stock). Classes come back in part order, so in the
    /// example's order.
    @Test func abcIsDecidedByTheShareOfTheValueRankedBeforeAPart() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        for index in 0..<7 { try expectOK(client.send("part add P-\(index) \"part \(index)\" cost=1")) }
        let yesterday = try #require(try daemon.sql("SELECT (current_date - 1)::text").scalar)
        let examples: [(values: [Int], classes: [String])] = [
            // Shares before each part: 0, 0.5, 0.8, 0.9, 0.95, 0.98.
            ([500, 300, 100, 50, 30, 20], ["A", "A", "B", "B", "C", "C"]),
            // The order given does not matter; zero value is C.
            ([20, 0, 500, 300, 50, 100, 30], ["C", "C", "A", "A", "B", "B", "C"]),
            ([900, 100], ["A", "B"]),  // 90 % before the second
            ([960, 40], ["A", "C"]),  // 96 % before the second
            // A tie: the part number decides the order, and both are A.
            ([50, 50], ["A", "A"]),
            // Nothing of value: every part is C.
            ([0, 0], ["C", "C"]),
            ([], []),
        ]
        for (number, example) in examples.enumerated() {
            let location = "L\(number)"
            try expectOK(client.send("location add \(location) \"example \(number)\""))
            for (index, value) in example.values.enumerated() {
                if value > 0 {
                    try expectOK(client.send("history add \(location) P-\(index) \(yesterday):\(value)"))
                } else {
                    try expectOK(client.send("receive \(location) P-\(index):1"))
                }
            }
            let classes = try daemon.sql("""
                SELECT p.part_no, r.abc_class
                  FROM abc_ranking(ARRAY(SELECT id FROM location WHERE code = '\(location)'), current_date - 364, current_date) r
                  JOIN part p ON p.id = r.part_id
                 ORDER BY p.part_no
                """)
            #expect((0..<classes.count).map { classes.value($0, "abc_class") ?? "" } == example.classes, "\(example.values)")
        }
    }

    /// Received at other costs than the standard ones, the parts' issue values would rank them
    /// differently (P-B, at 5, first): the plan and the report both class them by demand × the
    /// standard cost, 100, 10 and 10, so both say A, B, B.
    @Test func aPartHasTheSameClassInItsPlanAndInTheReport() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try expectOK(client.send("location add MAIN \"Main\""))
        try expectOK(client.send("part add P-A \"part a\" cost=10"))
        try expectOK(client.send("part add P-B \"part b\" cost=1"))
        try expectOK(client.send("part add P-C \"part c\" cost=1"))
        // P-D is stock without demand: ranked by the report at no value, left to C by the run.
        try expectOK(client.send("part add P-D \"part d\" cost=50"))
        try expectOK(client.send("receive MAIN P-A:100@1 P-B:100@5 P-C:100@1 P-D:5@50"))
        try expectOK(client.send("issue MAIN P-A:10 P-B:10 P-C:10"))
        // Issued last week and earlier: inside the plan's year of whole periods too.
        try daemon.sql("UPDATE document SET doc_date = current_date - 10")
        _ = try client.send("format json")
        let report = try object(client.send("report abc"))
        let rows = try #require(report["rows"] as? [[String: Any]])
        let reported = Dictionary(uniqueKeysWithValues: rows.map { ($0["part_no"] as? String ?? "", $0["class"] as? String ?? "") })
        #expect(reported == ["P-A": "A", "P-B": "B", "P-C": "B", "P-D": "C"])
        #expect(rows.map { $0["issue_value"] as? String } == ["100.00", "10.00", "10.00", "0.00"])
        for part in ["P-A", "P-B", "P-C", "P-D"] {
            let plan = try object(client.send("plan show \(part)"))
            #expect(plan["abc_class"] as? String == reported[part], "\(part)")
        }
        try expectOK(client.send("job run reorder --wait"))
        let run = try daemon.sql("""
            SELECT string_agg(p.part_no || '=' || l.abc_class, ',' ORDER BY p.part_no)
              FROM reorder_line l JOIN part p ON p.id = l.part_id
            """)
        #expect(run.scalar == "P-A=A,P-B=B,P-C=B,P-D=C")
    }

    /// The planning read groups imported history and the ledger's demand apart and joins the
    /// groups: a part with both gets their sum (history 4, issued 3, 1 of it returned: 6), and a
    /// part with one of them gets that one, in `plan show`'s series and in the run's classes,
    /// which rank the same year's value as `report abc` does.
    @Test func demandFromTheLedgerAndFromImportedHistoryIsAddedUp() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try expectOK(client.send("location add MAIN \"Main\""))
        for part in ["P-BOTH", "P-LEDGER", "P-HISTORY"] { try expectOK(client.send("part add \(part) \"\(part)\" cost=1")) }
        try expectOK(client.send("receive MAIN P-BOTH:10 P-LEDGER:30"))
        let issued = try client.send("issue MAIN P-BOTH:3 P-LEDGER:20")
        try expectOK(client.send("return \(issued.lastText) P-BOTH:1"))
        // Last week and earlier: inside the plan's whole periods.
        try daemon.sql("UPDATE document SET doc_date = current_date - 10")
        let earlier = try #require(try daemon.sql("SELECT (current_date - 10)::text").scalar)
        try expectOK(client.send("history add MAIN P-BOTH \(earlier):4"))
        try expectOK(client.send("history add MAIN P-HISTORY \(earlier):1"))
        _ = try client.send("format json")
        for (part, total) in [("P-BOTH", 6.0), ("P-LEDGER", 20), ("P-HISTORY", 1)] {
            let plan = try object(client.send("plan show \(part)"))
            let series = try #require(plan["series"] as? String)
            #expect(series.split(separator: " ").compactMap { Double($0) }.reduce(0, +) == total, "\(part): \(series)")
        }
        let report = try object(client.send("report abc"))
        let rows = try #require(report["rows"] as? [[String: Any]])
        #expect(rows.map { $0["issue_value"] as? String } == ["20.00", "6.00", "1.00"])
        try expectOK(client.send("job run reorder --wait"))
        let run = try daemon.sql("""
            SELECT string_agg(p.part_no || '=' || l.abc_class, ',' ORDER BY p.part_no)
              FROM reorder_line l JOIN part p ON p.id = l.part_id
            """)
        #expect(run.scalar == "P-BOTH=A,P-HISTORY=C,P-LEDGER=A")
    }
}
