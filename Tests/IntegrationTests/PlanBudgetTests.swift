import Foundation
import PartsClient
import PostgresClient
import Testing

@Suite("plan budget: reorder points within a stock value")
struct PlanBudgetTests {
    /// Three parts at MAIN with a year of weekly history: P-A, the cheapest per unit of fill,
    /// P-B and P-C dearer. A budget of 0 leaves every part at reorder point 0; more buys more
    /// fill, never more than the value; each line's value is its reorder point × its cost,
    /// exactly; nothing is stored.
    @Test func theBudgetBuysTheMostFill() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try expectOK(client.send("location add MAIN \"Main\""))
        try expectOK(client.send("part add P-A \"wiper\" cost=2.5 lead_days=14"))
        try expectOK(client.send("part add P-B \"pump\" cost=40 lead_days=14"))
        try expectOK(client.send("part add P-C \"sensor\" cost=12.25 lead_days=14"))
        let weeks = try daemon.sql("SELECT (current_date - 7 * k)::text FROM generate_series(1, 52) k").rows.map { $0[0]! }
        let patterns: [(String, [Int])] = [("P-A", [2, 0, 3, 1, 0, 2]), ("P-B", [0, 1, 0, 0, 2, 0]), ("P-C", [1, 1, 0, 2, 0, 1])]
        for (part, sizes) in patterns {
            let lines = weeks.enumerated().compactMap { index, day in
                sizes[index % sizes.count] > 0 ? "\(day):\(sizes[index % sizes.count])" : nil
            }
            try expectOK(client.send("history add MAIN \(part) " + lines.joined(separator: " ")))
        }
        let proposalsBefore = try daemon.sql("SELECT count(*) FROM reorder_proposal").scalar
        _ = try client.send("format json")
        func budget(_ value: String) throws -> [String: Any] {
            let reply = try client.send("plan budget MAIN value=\(value)")
            #expect(reply.code == 200, "\(reply)")
            let json = try #require(reply.json)
            return try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        }
        let nothing = try budget("0")
        #expect(nothing["budget"] as? String == "0.00")
        #expect(nothing["budget_used"] as? String == "0.00")
        #expect((nothing["rows"] as? [[String: Any]])?.allSatisfy { $0["reorder_point"] as? String == "0" } == true)

        var last = -1.0
        for value in ["50", "200.50", "1000"] {
            let reply = try budget(value)
            let usedText = try #require(reply["budget_used"] as? String)
            let used = try #require(Double(usedText))
            #expect(used <= Double(value)!)
            let fillText = try #require(reply["expected_fill_rate"] as? String)
            let fill = try #require(Double(fillText))
            #expect(fill >= last, "\(value): \(fill) after \(last)")
            last = fill
            #expect(reply["stored"] as? String == "no")
            #expect(reply["parts"] as? Int == 3)
            let rows = try #require(reply["rows"] as? [[String: Any]])
            let costs = ["P-A": 2.5, "P-B": 40, "P-C": 12.25]
            var sum = 0.0
            for row in rows {
                let part = try #require(row["part_no"] as? String)
                let levelText = try #require(row["reorder_point"] as? String)
                let level = try #require(Double(levelText))
                let worth = try #require(row["value"] as? String)
                // Money is exact decimal text: two places here, the product of level and cost.
                #expect(worth == String(format: "%.2f", level * costs[part]!), "\(row)")
                sum += Double(worth)!
                #expect(row["fill_rate"] is String)
            }
            #expect(abs(sum - used) < 0.001)
        }
        // A large budget reaches nearly every unit: 0.9999 is as far as any part is raised.
        #expect(last > 0.99)
        #expect(try daemon.sql("SELECT count(*) FROM reorder_proposal").scalar == proposalsBefore)

        _ = try client.send("format text")
        let text = try client.send("plan budget MAIN value=50")
        #expect(text.lastText.hasPrefix("budget 50.00 at MAIN: "), "\(text)")
        #expect(text.lastText.hasSuffix("over 3 parts; proposed only, nothing stored"))
    }

    @Test func refusals() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try expectOK(client.send("location add MAIN \"Main\""))
        #expect(try client.send("plan budget MAIN").code == 400)
        #expect(try client.send("plan budget MAIN value=-5").code == 422)
        #expect(try client.send("plan budget MAIN value=1.005").code == 422)
        #expect(try client.send("plan budget NOWHERE value=10").code == 404)
        // A location with nothing to plan: an empty proposal.
        let empty = try client.send("plan budget MAIN value=10")
        #expect(empty.code == 200, "\(empty)")
        // The manager's: a proposal plans the whole location.
        for uid in [TestDaemon.viewerUID, TestDaemon.clerkUID] {
            #expect(try daemon.socat(as: uid, ["plan budget MAIN value=10"]).contains("403 FORBIDDEN plan budget needs role manager"))
        }
    }
}
