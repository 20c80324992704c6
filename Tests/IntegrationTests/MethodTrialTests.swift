import Foundation
import PartsClient
import PostgresClient
import Testing

@Suite("planning: the method chosen by replaying a part's history")
struct MethodTrialTests {
    private func fields(_ reply: Reply) throws -> [String: Any] {
        let json = try #require(reply.json)
        return try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    }

    /// Two years of an intermittent part (a twelve-week pattern of five demands) and a part
    /// with ten weeks only, at MAIN; with `branch`, the intermittent part's history at BR too.
    private func catalogue(_ daemon: TestDaemon, _ client: AdminConnection, branch: Bool = false) throws {
        try expectOK(client.send("location add MAIN \"Main\""))
        try expectOK(client.send("part add P-I \"bracket\" lead_days=14 cost=20"))
        try expectOK(client.send("part add P-N \"new lamp\" lead_days=7 cost=5"))
        let today = try #require(try daemon.sql("SELECT current_date").scalar)
        let pattern = [2, 0, 0, 3, 0, 1, 0, 0, 4, 0, 0, 2]
        let weeks = try daemon.sql("SELECT k, (date '\(today)' - 7 * k)::text FROM generate_series(1, 104) k").rows
        let entries = weeks.compactMap { row -> String? in
            let quantity = pattern[Int(row[0]!)! % pattern.count]
            return quantity > 0 ? "\(row[1]!):\(quantity)" : nil
        }
        try expectOK(client.send("history add MAIN P-I " + entries.joined(separator: " ")))
        if branch {
            try expectOK(client.send("location add BR \"Branch\""))
            try expectOK(client.send("history add BR P-I " + entries.joined(separator: " ")))
        }
        let recent = weeks.prefix(10).map { "\($0[1]!):1" }
        try expectOK(client.send("history add MAIN P-N " + recent.joined(separator: " ")))
    }

    @Test func theWeeklyTrialChoosesAMethodThatPlanShowAndTheRunUse() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try catalogue(daemon, client)
        #expect(try client.send("plan set method_choice=replay").code == 422)
        try expectOK(client.send("plan set method_choice=simulation"))
        _ = try client.send("format json")

        // Before any trial: the class rule, and why.
        let before = try fields(client.send("plan show P-I"))
        #expect(before["method_from"] as? String == "class")
        #expect(before["method"] as? String == "sba")
        #expect(before["method_reason"] as? String == "intermittent demand; not replayed yet: job run method-trial replays it")
        _ = try client.send("format text")

        let run = try client.send("job run method-trial --wait")
        #expect(run.code == 200, "\(run)")
        #expect(run.lastText.contains("method-trial succeeded: 2 part-locations, 1 replayed"), "\(run)")
        let stored = try daemon.sql("SELECT method, runner_up, fill_rate::text, average_on_hand::text, target::text FROM method_trial").rows
        #expect(stored.count == 1)
        let row = try #require(stored.first)
        #expect(row[4] == "0.980000")  // class A's fill-rate target: the location's only part with its demand

        _ = try client.send("format json")
        let plan = try fields(client.send("plan show P-I"))
        #expect(plan["method_from"] as? String == "replay")
        #expect(plan["replay_candidate"] as? String == row[0])
        #expect(plan["runner_up"] as? String == row[1])
        let reason = try #require(plan["method_reason"] as? String)
        #expect(reason.hasPrefix("chosen by replay: "), "\(reason)")
        #expect(reason.contains("; runner-up "), "\(reason)")
        #expect((plan["why"] as? String)?.contains(reason) == true)
        #expect(plan["replay_fill_rate"] as? String == String(row[2]!.prefix(6)))
        #expect(plan["replay_average_on_hand"] as? String == row[3])
        #expect(plan["replayed_on"] as? String == (try daemon.sql("SELECT current_date::text").scalar))
        #expect(plan["model"] as? String == (row[0] == "bootstrap" ? "bootstrap" : "compoundPoisson"))

        // Ten weeks are too few to replay: the class rule, saying so.
        let short = try fields(client.send("plan show P-N"))
        #expect(short["method_from"] as? String == "class")
        #expect(short["method_reason"] as? String
                == "too little history for Croston; too little history to replay: 10 weeks, a replay needs 52")

        // The nightly run plans with the stored choice, as plan show does.
        try expectOK(client.send("job run reorder --wait"))
        let lines = try #require(try fields(client.send("reorder show"))["lines"] as? [[String: Any]])
        let line = try #require(lines.first { $0["part_no"] as? String == "P-I" })
        #expect(line["method"] as? String == plan["method"] as? String)
        #expect(line["reorder_point"] as? String == plan["reorder_point"] as? String)

        // A stale choice is not used, and the words say so.
        _ = try daemon.sql("UPDATE method_trial SET tried_at = now() - interval '40 days'")
        let stale = try fields(client.send("plan show P-I"))
        #expect(stale["method_from"] as? String == "class")
        #expect((stale["method_reason"] as? String)?.contains("is 40 days old, more than 35") == true, "\(stale)")

        // With the class rule in force the stored choice stays unused.
        _ = try daemon.sql("UPDATE method_trial SET tried_at = now()")
        try expectOK(client.send("plan set method_choice=class"))
        let byClass = try fields(client.send("plan show P-I"))
        #expect(byClass["method_from"] as? String == "class")
        #expect(byClass["method_reason"] as? String == "intermittent demand")
        #expect(byClass["runner_up"] == nil)
    }

    /// A run for one location replaces only that location's trials; a part whose history
    /// can no longer be replayed loses its old one.
    @Test func aRunReplacesItsLocationsTrials() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try catalogue(daemon, client, branch: true)
        try expectOK(client.send("job run method-trial --wait"))
        #expect(try daemon.sql("SELECT count(*) FROM method_trial").scalar == "2")
        #expect(try client.send("job run snapshot location=MAIN").code == 400)
        // Three weeks of demand left at MAIN: too little to replay.
        _ = try daemon.sql("""
            DELETE FROM demand_history
             WHERE location_id = (SELECT id FROM location WHERE code = 'MAIN') AND demand_date < current_date - 21
            """)
        try expectOK(client.send("job run method-trial location=MAIN --wait"))
        let left = try daemon.sql("SELECT l.code FROM method_trial t JOIN location l ON l.id = t.location_id").rows
        #expect(left == [["BR"]])
        let runs = try daemon.sql("SELECT count(*) FROM job_run WHERE job = 'method-trial' AND state = 'succeeded'").scalar
        #expect(runs == "2")
    }
}
