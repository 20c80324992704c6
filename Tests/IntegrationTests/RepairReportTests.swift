import Foundation
import PartsClient
import PostgresClient
import Testing

/// `report repair` against a fixed set of repair orders with known dates: each order is made
/// through the socket, then its milestones are set to days counted from a base day D (100
/// days ago) with SQL, so the figures below are known in advance.
@Suite("report repair")
struct RepairReportTests {
    @Test func turnaroundMedianAndP90PerStepAndTheOtherFiguresAreTheKnownOnes() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try daemon.seedSerials(client, units: 7)
        var orders: [String] = []
        for unit in 1...7 {
            orders.append(try client.send("repair new MAIN ALT-100#A\(unit) vendor=BOSCH fault=\"case \(unit)\"").lastText)
        }
        // 1: quoted, authorized, repaired for 100, sent back before it arrived.
        for line in ["repair ack {1}", "repair quote {1} amount=100", "repair authorize {1}", "repair return {1} outcome=repaired cost=100",
                     // 2: no fault found, on hold four days while at the vendor.
                     "repair ack {2}", "repair return {2} outcome=unrepaired",
                     // 3: declined, back unrepaired: not a "no fault found".
                     "repair ack {3}", "repair quote {3} amount=100", "repair decline {3}", "repair return {3} outcome=unrepaired",
                     // 4: beyond economic repair, authorized anyway, replaced for 200.
                     "repair ack {4}", "repair quote {4} amount=230", "repair authorize {4} --ber",
                     "repair return {4} outcome=replaced serial=B4 cost=200",
                     // 5: scrapped. 6 and 7 stay at the vendor.
                     "repair return {5} outcome=scrapped"] {
            var resolved = line
            for (index, order) in orders.enumerated() { resolved = resolved.replacingOccurrences(of: "{\(index + 1)}", with: order) }
            try expectOK(client.send(resolved))
        }
        func day(_ offset: Int?) -> String {
            offset.map { "(current_date - 100 + \($0))::timestamptz + interval '10 hours'" } ?? "NULL"
        }
        // order: shipped, acknowledged, quoted, decided, sent back, returned, promised (days from D)
        let dates: [(Int, Int?, Int?, Int?, Int?, Int?, Int?)] = [
            (0, 2, 5, 6, 10, 12, 14), (0, 3, nil, nil, nil, 20, 14), (0, 1, 4, 5, nil, 9, nil), (0, 4, 6, 11, 25, 28, 30),
            (0, nil, nil, nil, nil, 5, nil), (55, nil, nil, nil, nil, nil, nil), (0, nil, nil, nil, nil, nil, nil),
        ]
        for (order, date) in zip(orders, dates) {
            try daemon.sql("""
                UPDATE repair_order SET shipped_at = \(day(date.0)), acknowledged_at = \(day(date.1)), quoted_at = \(day(date.2)),
                       decided_at = \(day(date.3)), sent_back_on = \(date.4.map { "current_date - 100 + \($0)" } ?? "NULL"),
                       returned_at = \(day(date.5)), promised = \(date.6.map { "current_date - 100 + \($0)" } ?? "NULL")
                 WHERE ro_no = '\(order)'
                """)
        }
        try daemon.sql("""
            INSERT INTO repair_hold (repair_order_id, held_at, held_by, reason, resumed_at, resumed_by)
            SELECT id, \(day(5)), 'li', 'waiting for a part', \(day(9)), 'li' FROM repair_order WHERE ro_no = '\(orders[1])'
            """)

        _ = try client.send("format json")
        let reply = try client.send("report repair")
        #expect(reply.code == 200, "\(reply)")
        let object = try JSONSerialization.jsonObject(with: Data(try #require(reply.json).utf8)) as! [String: Any]
        let turnaround = try #require((object["turnaround"] as? [[String: Any]])?.first)
        // Totals without hold time: 12, 16 (20 less 4 on hold), 9, 28, 5 → median 12, p90 23.2.
        #expect(turnaround["orders"] as? Int == 7)
        #expect(turnaround["returned"] as? Int == 5)
        #expect(turnaround["total_median"] as? String == "12.0")
        #expect(turnaround["total_p90"] as? String == "23.2")
        // On time: 1 and 4 by their promise; 2 came back on day 20, promised 14 plus 4 on hold.
        #expect(turnaround["on_time_pct"] as? String == "66.7")
        #expect(turnaround["nff_pct"] as? String == "20.0")
        #expect(turnaround["ber_pct"] as? String == "40.0")
        let steps = try #require((object["steps"] as? [[String: Any]])?.first)
        // To the vendor 2, 3, 1, 4; quoting 4, 4, 7; repair 4, 13, 4, 14, 5; the way back 2, 3.
        let expected: [String: String] = [
            "to_vendor_median": "2.5", "to_vendor_p90": "3.7", "quote_median": "4.0", "quote_p90": "6.4",
            "repair_median": "5.0", "repair_p90": "13.6", "back_median": "2.5", "back_p90": "2.9",
        ]
        for (key, value) in expected { #expect(steps[key] as? String == value, "\(key): \(steps)") }
        let costs = try #require((object["costs"] as? [[String: Any]])?.first)
        #expect(costs["average_cost"] as? String == "150.00")
        #expect(costs["price"] as? String == "245.00")
        #expect(costs["cost_pct"] as? String == "61.2")
        // At the vendor: 6 for 45 days, 7 for 100, each at the price.
        let atVendors = try #require((object["at_vendors"] as? [[String: Any]])?.first)
        #expect(atVendors["orders"] as? Int == 2)
        #expect(atVendors["days_31_60"] as? String == "245.00")
        #expect(atVendors["over_90"] as? String == "245.00")
        #expect(atVendors["days_0_30"] as? String == "0.00")
        #expect(atVendors["total"] as? String == "490.00")

        // A shorter window holds only the order shipped 45 days ago; filters narrow it.
        let recent = try JSONSerialization.jsonObject(with: Data(try #require(client.send("report repair days=60").json).utf8)) as! [String: Any]
        #expect((recent["turnaround"] as? [[String: Any]])?.first?["orders"] as? Int == 1)
        #expect((try client.send("report repair vendor=NOBODY")).code == 404)
        #expect((try client.send("report repair part=NOPE")).code == 404)
        #expect((try client.send("report repair days=0")).code == 422)
        _ = try client.send("format text")
        let text = try client.send("report repair")
        expectFits80(text)
        #expect(text.body.contains { $0.hasPrefix("BOSCH   ALT-100       7     5      12  23.2       66.7     20     40") }, "\(text)")
    }
}
