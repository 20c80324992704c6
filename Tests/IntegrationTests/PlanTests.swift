import Foundation
import PartsClient
import PartsDomain
import enum PartsProtocol.DisplayWidth
import PostgresClient
import Synchronization
import Testing

@Suite("planning: history and plan show")
struct PlanTests {
    /// Ten units a week for twenty weeks: smooth demand, forecast 10 a week. Lead time 14 days
    /// is two weeks and the nightly run reviews every day (1/7 week), so the protection
    /// interval is 15/7 weeks: lead-time demand 150/7 = 21.429 and, with no forecast error, so
    /// is the reorder point; four weeks of demand make an order of 40, order-up-to 61.429, and
    /// an empty shelf orders 62 whole units. The worked example of a cycle service level: with
    /// no forecast error any level reaches it at the lead-time demand.
    @Test func aSmoothPartIsPlannedFromItsHistory() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try expectOK(client.send("location add MAIN \"Main\""))
        try expectOK(client.send("part add P-H \"filter\" lead_days=14 cost=4"))
        try expectOK(client.send("plan set service_measure=cycle"))
        let today = try #require(try daemon.sql("SELECT current_date").scalar)
        let dates = try daemon.sql("SELECT (date '\(today)' - 7 * k)::text FROM generate_series(1, 20) k").rows.map { $0[0]! }
        let added = try client.send("history add MAIN P-H " + dates.map { "\($0):10" }.joined(separator: " ") + " ref=h1")
        #expect(added.lines == ["200 OK 20 history lines added for P-H at MAIN"])
        #expect(try client.send("history add MAIN P-H " + dates.map { "\($0):10" }.joined(separator: " ") + " ref=h1").lines == added.lines)
        _ = try client.send("format json")
        let plan = try client.send("plan show P-H")
        #expect(plan.code == 200, "\(plan)")
        let fields = try JSONSerialization.jsonObject(with: Data(plan.json!.utf8)) as! [String: Any]
        #expect(fields["location"] as? String == "MAIN")
        #expect(fields["series"] as? String == Array(repeating: "10.000", count: 20).joined(separator: " "))
        #expect(fields["class"] as? String == "smooth")
        #expect(fields["forecast_per_week"] as? String == "10.000")
        #expect(fields["review_interval_weeks"] as? String == "0.143")
        #expect(fields["lead_time_demand"] as? String == "21.429")
        #expect(fields["safety_stock"] as? String == "0.000")
        #expect(fields["reorder_point"] as? String == "21.429")
        #expect(fields["order_up_to"] as? String == "61.429")
        #expect(fields["suggested_order"] as? String == "62.000")
        #expect((fields["why"] as? String)?.isEmpty == false)
        #expect(fields["service_measure"] as? String == "cycle service level")
        #expect(fields["expected_fill_rate"] as? String == "1.0000")
    }

    /// A part's own fill-rate target stands over its class's at every location, shows on the
    /// part and in its export, and `default` gives the class's back. The same smooth part as
    /// `aSmoothPartByFillRate`: with the part's 0.9, s = 21.429 − 4 = 17.429 although the
    /// class (A) asks 0.98.
    @Test func aPartsOwnFillRateTarget() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try expectOK(client.send("location add MAIN \"Main\""))
        try expectOK(client.send("part add P-H \"filter\" lead_days=14 cost=4 fill_rate=0.9"))
        let today = try #require(try daemon.sql("SELECT current_date").scalar)
        let dates = try daemon.sql("SELECT (date '\(today)' - 7 * k)::text FROM generate_series(1, 20) k").rows.map { $0[0]! }
        try expectOK(client.send("history add MAIN P-H " + dates.map { "\($0):10" }.joined(separator: " ")))
        let shown = try client.send("part show P-H")
        #expect(shown.body.contains("fill rate    0.9"), "\(shown.body)")
        #expect(try client.send("part export").body.contains { $0.contains("P-H") && $0.hasSuffix("0.9") })
        _ = try client.send("format json")
        func plan() throws -> [String: Any] {
            let reply = try client.send("plan show P-H")
            #expect(reply.code == 200, "\(reply)")
            return try JSONSerialization.jsonObject(with: Data(reply.json!.utf8)) as! [String: Any]
        }
        var fields = try plan()
        #expect(fields["abc_class"] as? String == "A")
        #expect(fields["service_level"] as? String == "0.9")
        #expect(fields["target_from"] as? String == "part")
        #expect(fields["reorder_point"] as? String == "17.429")
        try expectOK(client.send("part set P-H fill_rate=default"))
        fields = try plan()
        #expect(fields["service_level"] as? String == "0.98")
        #expect(fields["target_from"] as? String == "class A")
        #expect(fields["reorder_point"] as? String == "20.629")
        for bad in ["0.3", "1", "0.95x", "0.12345678"] {
            let refused = try client.send("part set P-H fill_rate=\(bad)")
            #expect(refused.code == 422, "\(bad): \(refused)")
        }
        try expectOK(client.send("part set P-H fill_rate=0.995"))
        #expect(try plan()["service_level"] as? String == "0.995")
    }

    /// Lead times learned from purchase orders: each order line counts once, at its first
    /// receipt, from the part's current supplier. Four received lines are too few (the part
    /// master's 21 days stand); six, ordered 10, 12, 14, 16, 18 and 20 days before they arrived,
    /// give 15 days, sample spread √(70 / 5) = 3.742; in weeks 2.143 and 0.535. An order from
    /// another supplier, and the rest of a line received in two parts, do not count.
    @Test func leadTimesAreLearnedFromReceivedOrders() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try expectOK(client.send("location add MAIN \"Main\""))
        try expectOK(client.send("supplier add ACME \"Acme\" lead_days=21"))
        try expectOK(client.send("supplier add OTHER \"Other\" lead_days=3"))
        try expectOK(client.send("part add P-LT \"pump\" cost=40 supplier=ACME"))
        let today = try #require(try daemon.sql("SELECT current_date").scalar)
        let dates = try daemon.sql("SELECT (date '\(today)' - 7 * k)::text FROM generate_series(1, 20) k").rows.map { $0[0]! }
        try expectOK(client.send("history add MAIN P-LT " + dates.map { "\($0):10" }.joined(separator: " ")))
        _ = try client.send("format json")
        func lead() throws -> [String: Any] {
            let plan = try client.send("plan show P-LT")
            #expect(plan.code == 200, "\(plan)")
            return try JSONSerialization.jsonObject(with: Data(plan.json!.utf8)) as! [String: Any]
        }
        /// An order of 4 from `supplier`, received `days` after it was placed (in one receipt,
        /// or in two a day apart).
        func delivered(after days: Int, from supplier: String = "ACME", split: Bool = false) throws {
            let created = try client.send("po new \(supplier) P-LT:4 location=MAIN")
            #expect(created.code == 201, "\(created)")
            let poNo = try #require((try JSONSerialization.jsonObject(with: Data(created.json!.utf8)) as? [String: Any])?["po_no"] as? String
                ?? created.lastText.split(separator: " ").first.map(String.init))
            try expectOK(client.send("receive MAIN P-LT:\(split ? 2 : 4) po=\(poNo)"))
            if split {
                try daemon.sql("UPDATE document SET doc_date = doc_date - 1 WHERE id = (SELECT max(document_id) FROM po_receipt)")
                try expectOK(client.send("receive MAIN P-LT:2 po=\(poNo)"))
            }
            try daemon.sql("UPDATE purchase_order SET created_at = created_at - interval '\(days + (split ? 1 : 0)) days' WHERE po_no = '\(poNo)'")
        }
        #expect(try lead()["lead_days"] as? String == "21")
        #expect(try lead()["lead_days_from"] as? String == "part master")
        for days in [10, 12, 14] { try delivered(after: days) }
        try delivered(after: 16, split: true)
        try delivered(after: 2, from: "OTHER")
        #expect(try lead()["lead_days_from"] as? String == "part master")
        for days in [18, 20] { try delivered(after: days) }
        let learned = try lead()
        #expect(learned["lead_days_from"] as? String == "6 received order lines")
        #expect(learned["lead_days"] as? String == "15.0")
        #expect(learned["lead_time_weeks"] as? String == "2.143")
        #expect(learned["lead_time_sd_weeks"] as? String == "0.535")
    }

    /// The same part by fill rate, the default. Its lead-time demand is known exactly (no
    /// forecast error: the normal with σ 0), so a cycle of Q = 40 is short by what the reorder
    /// point leaves of 150/7 = 21.429: fill rate 1 − (21.429 − s) / 40. The part is the
    /// location's only one, class A, target 0.98: s = 21.429 − 0.8 = 20.629 (on the grid of
    /// thousandths, the first level that reaches it), expected fill rate 0.98001; with
    /// fill_rate_a=0.9, s = 21.429 − 4 = 17.429. A location that plans by cycle service says so.
    @Test func aSmoothPartByFillRate() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try expectOK(client.send("location add MAIN \"Main\""))
        try expectOK(client.send("part add P-H \"filter\" lead_days=14 cost=4"))
        let today = try #require(try daemon.sql("SELECT current_date").scalar)
        let dates = try daemon.sql("SELECT (date '\(today)' - 7 * k)::text FROM generate_series(1, 20) k").rows.map { $0[0]! }
        try expectOK(client.send("history add MAIN P-H " + dates.map { "\($0):10" }.joined(separator: " ")))
        func plan() throws -> [String: Any] {
            _ = try client.send("format json")
            defer { _ = try? client.send("format text") }
            let plan = try client.send("plan show P-H")
            #expect(plan.code == 200, "\(plan)")
            return try JSONSerialization.jsonObject(with: Data(try #require(plan.json).utf8)) as! [String: Any]
        }
        var fields = try plan()
        #expect(fields["abc_class"] as? String == "A")
        #expect(fields["service_measure"] as? String == "fill rate")
        #expect(fields["service_level"] as? String == "0.98")
        #expect(fields["model"] as? String == "normal")
        #expect(fields["demand_model"] as? String == "normal (smooth: lead-time demand 21.429 ≥ 5, σ 0 ≤ half of it)")
        #expect(fields["lead_time_demand"] as? String == "21.429")
        #expect(fields["reorder_point"] as? String == "20.629")
        #expect(fields["safety_stock"] as? String == "-0.800")
        #expect(fields["expected_fill_rate"] as? String == "0.9800")
        #expect(fields["order_up_to"] as? String == "60.629")
        #expect(fields["suggested_order"] as? String == "61.000")
        #expect((fields["why"] as? String)?.contains("normal: fill rate 98% with orders of 40 needs reorder point 20.629") == true,
                "\(fields)")

        try expectOK(client.send("plan set fill_rate_a=0.9"))
        fields = try plan()
        #expect(fields["reorder_point"] as? String == "17.429")
        #expect(fields["expected_fill_rate"] as? String == "0.9000")

        try expectOK(client.send("plan set location=MAIN service_measure=cycle"))
        fields = try plan()
        #expect(fields["service_measure"] as? String == "cycle service level")
        #expect(fields["reorder_point"] as? String == "21.429")
        let settings = try client.send("plan settings location=MAIN")
        #expect(settings.lines.contains { $0.contains("service_measure") && $0.contains("cycle") && $0.contains("MAIN") }, "\(settings)")
        #expect(settings.lines.contains { $0.contains("fill_rate_a") && $0.contains("0.9") && $0.contains("all locations") }, "\(settings)")
        #expect(settings.lines.contains { $0.contains("fill_rate_b") && $0.contains("0.95") && $0.contains("built-in") }, "\(settings)")

        for refused in ["fill_rate_a=1", "fill_rate_b=0.4", "fill_rate_c=0.99995", "service_measure=both"] {
            #expect(try client.send("plan set \(refused)").code == 422, "\(refused)")
        }
        #expect(try client.send("plan set fill_rate_c=0.9999").code == 200)
        #expect(try daemon.sql("SELECT service_measure, fill_rate_a, fill_rate_c FROM planning_setting WHERE location_id IS NULL").rows
            == [[nil, "0.900000", "0.999900"]])
    }

    /// `demand_model=bootstrap`: an intermittent part (36 weeks, 12 with demand of 1 to 6) is
    /// planned from Willemain's bootstrap of its own history, and says so; `default` brings the
    /// compound Poisson back. The same series and lead time as `BootstrapTests`, whose python
    /// reimplementation gives the bootstrap's mean, 1.86 over 15/7 + 1/7 weeks.
    @Test func anIntermittentPartByBootstrap() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try expectOK(client.send("location add MAIN \"Main\""))
        try expectOK(client.send("part add P-B \"bearing\" lead_days=15 cost=20"))
        let series = [0, 0, 3, 0, 1, 0, 0, 0, 6, 2, 0, 0, 1, 0, 0, 3, 0, 0, 0, 1, 0, 0, 2, 0, 0, 0, 4, 0, 1, 0, 0, 0, 2, 0, 0, 1]
        let today = try #require(try daemon.sql("SELECT current_date").scalar)
        // Oldest first: week k of the series lies 36 − k weeks back.
        let dates = try daemon.sql("SELECT (date '\(today)' - 7 * k)::text FROM generate_series(1, 36) k ORDER BY k DESC")
            .rows.map { $0[0]! }
        let lines = zip(dates, series).filter { $0.1 > 0 }.map { "\($0.0):\($0.1)" }
        try expectOK(client.send("history add MAIN P-B " + lines.joined(separator: " ") + " since=\(dates[0])"))
        func plan() throws -> [String: Any] {
            _ = try client.send("format json")
            defer { _ = try? client.send("format text") }
            let plan = try client.send("plan show P-B")
            #expect(plan.code == 200, "\(plan)")
            return try JSONSerialization.jsonObject(with: Data(try #require(plan.json).utf8)) as! [String: Any]
        }
        #expect(try plan()["model"] as? String == "compoundPoisson")

        for refused in ["demand_model=magic", "demand_model=Bootstrap"] {
            #expect(try client.send("plan set \(refused)").code == 422, "\(refused)")
        }
        try expectOK(client.send("plan set demand_model=bootstrap"))
        let fields = try plan()
        #expect(["intermittent", "lumpy"].contains(fields["class"] as? String), "\(fields)")
        #expect(fields["model"] as? String == "bootstrap")
        let model = try #require(fields["demand_model"] as? String)
        #expect(model.hasPrefix("bootstrap (Willemain: 1000 replications of "), "\(model)")
        #expect(model.contains("sizes resampled from 12 with jitter"), "\(model)")
        let reorderText = try #require(fields["reorder_point"] as? String)
        let reorderPoint = try #require(Double(reorderText))
        #expect(reorderPoint >= 1, "\(fields)")
        #expect(fields["expected_fill_rate"] as? String != "-")
        #expect(Double(fields["order_up_to"] as? String ?? "") ?? 0 > reorderPoint, "\(fields)")
        let settings = try client.send("plan settings")
        #expect(settings.lines.contains { $0.contains("demand_model") && $0.contains("bootstrap") }, "\(settings)")
        #expect(try daemon.sql("SELECT demand_model FROM planning_setting WHERE location_id IS NULL").rows == [["bootstrap"]])

        try expectOK(client.send("plan set demand_model=default"))
        #expect(try plan()["model"] as? String == "compoundPoisson")
    }

    /// An imported history that says where it starts: 18 months, demand of 4 in the 10th and
    /// 6 in the 16th. From since= the series is 18 months with 2 demands, ADI 9, CV² 0.04:
    /// intermittent, SBA with α 0.1. Croston's first interval counts from the series' start
    /// (10), so size 4 and interval 10, then size 0.1·6 + 0.9·4 = 4.2 and interval
    /// 0.1·6 + 0.9·10 = 9.6: 4.2 / 9.6 × (1 - 0.05) = 0.415625 a month. Without since= the
    /// series would start at the first sale, 9 months, and the part would count as new.
    @Test func aSeriesStartsWhereItsHistoryIsSaidToStart() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try expectOK(client.send("location add MAIN \"Main\""))
        try expectOK(client.send("part add P-S \"slow\" cost=4"))
        try expectOK(client.send("plan set period=month"))
        let days = try daemon.sql("""
            SELECT (date_trunc('month', current_date) - interval '18 months')::date::text,
                   (date_trunc('month', current_date) - interval '9 months' + interval '9 days')::date::text,
                   (date_trunc('month', current_date) - interval '3 months' + interval '14 days')::date::text
            """).rows[0].map { $0! }
        func plan() throws -> [String: Any] {
            let plan = try client.send("plan show P-S")
            #expect(plan.code == 200, "\(plan)")
            return try JSONSerialization.jsonObject(with: Data(try #require(plan.json).utf8)) as! [String: Any]
        }
        try expectOK(client.send("history add MAIN P-S \(days[1]):4 \(days[2]):6"))
        _ = try client.send("format json")
        #expect(try plan()["class"] as? String == "new")
        _ = try client.send("format text")
        let said = try client.send("history add MAIN P-S since=\(days[0])")
        #expect(said.lines == ["200 OK 0 history lines added for P-S at MAIN; its history starts \(days[0])"], "\(said)")
        _ = try client.send("format json")
        let fields = try plan()
        #expect(fields["periods"] as? String == "18 months from \(days[0])")
        #expect(fields["class"] as? String == "intermittent")
        #expect(fields["method"] as? String == "sba")
        #expect(fields["forecast_per_month"] as? String == "0.416")
        _ = try client.send("format text")
        #expect(try client.send("history add MAIN P-S \(days[0]):1 since=\(days[1])").code == 422)
        let tomorrow = try #require(try daemon.sql("SELECT (current_date + 1)::text").scalar)
        #expect(try client.send("history add MAIN P-S since=\(tomorrow)").code == 422)
        #expect(try client.send("history add MAIN P-S since=2026-02-30").code == 422)
        #expect(try client.send("history add MAIN P-S").code == 400)
    }

    @Test func historyRefusesWhatCannotBeDemand() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try daemon.seed(client)
        #expect(try client.send("history add MAIN P-1001 2999-01-01:1").lastText == "2999-01-01 is in the future: history records past demand")
        #expect(try client.send("history add MAIN P-1001 2026-02-30:1").code == 422)
        #expect(try client.send("history add MAIN P-1001 2026-01-05:0").code == 422)
        #expect(try client.send("history add MAIN P-404 2026-01-05:1").code == 404)
        #expect(try client.send("history add MAIN P-1001 yesterday").code == 400)
        #expect(try daemon.sql("SELECT count(*) FROM demand_history").scalar == "0")
        let clerk = try daemon.socat(as: TestDaemon.clerkUID, ["history add MAIN P-1001 2026-01-05:1"])
        #expect(clerk.contains("403 FORBIDDEN history add needs role manager"))
    }

    @Test func planShowAsksForALocationWhenThePartIsAtSeveral() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try daemon.seed(client)
        try expectOK(client.send("transfer MAIN BR1 P-1001:1"))
        #expect(try client.send("plan show P-1001").lastText == "P-1001 is planned per location: give location= one of BR1, MAIN")
        #expect(try client.send("plan show P-1001 location=BR1").code == 200)
        try expectOK(client.send("part add P-NONE \"never stocked\""))
        #expect(try client.send("plan show P-NONE").code == 404)
    }

    /// Issue 16: one huge imported demand with α = 0.999 used to keep `plan show` computing
    /// for minutes, a core busy long after the client gave up. The plan answers well within
    /// the client's patience, and the daemon answers others meanwhile.
    @Test func aHugeImportedDemandIsPlannedPromptlyWhileTheDaemonAnswersOthers() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try expectOK(client.send("location add MAIN \"Main\""))
        try expectOK(client.send("part add Z-1 \"one huge history line\""))
        let day = try #require(try daemon.sql("SELECT (date_trunc('month', current_date) - interval '6 months')::date::text").scalar)
        try expectOK(client.send("history add MAIN Z-1 \(day):1000000000"))
        try expectOK(client.send("plan set alpha=0.999 period=month"))

        let socketPath = daemon.socketPath
        let answered = DispatchSemaphore(value: 0)
        Thread {
            defer { answered.signal() }
            guard let planner = try? AdminConnection(socketPath: socketPath, timeoutSeconds: 20),
                  (try? planner.send("format json")) != nil,
                  let reply = try? planner.send("plan show Z-1 location=MAIN") else { return }
            Self.planReply.withLock { $0 = reply.json }
        }.start()
        #expect(try client.send("ping").code == 200)
        #expect(answered.wait(timeout: .now() + 25) == .success)
        let json = try #require(Self.planReply.withLock { $0 }, "no reply to plan show within the client's 20 s")
        let plan = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(plan["model"] as? String == "negativeBinomial", "\(plan)")
        #expect(plan["reorder_point"] as? String == "0.000")
        #expect(try client.send("ping").code == 200)
    }

    /// Ten units every other week for twenty weeks, the oldest week with demand: text mode
    /// draws the series after the fields, unchanged, with the weeks without demand marked and
    /// the reorder point and order-up-to named with the values the fields give; JSON carries
    /// the fields and no drawing. Daily periods are more than fit: the chart shows the latest.
    @Test func planShowDrawsTheSeriesInTextModeOnly() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try expectOK(client.send("location add MAIN \"总库 Main\""))
        try expectOK(client.send("part add P-C \"前刹车片 brake pad\" lead_days=14 cost=4"))
        let today = try #require(try daemon.sql("SELECT current_date").scalar)
        let dates = try daemon.sql("SELECT (date '\(today)' - 7 * k)::text FROM generate_series(2, 20, 2) k").rows.map { $0[0]! }
        try expectOK(client.send("history add MAIN P-C " + dates.map { "\($0):10" }.joined(separator: " ")))

        _ = try client.send("format json")
        let json = try client.send("plan show P-C")
        let object = try #require(json.json, "\(json)")
        let fields = try #require(try JSONSerialization.jsonObject(with: Data(object.utf8)) as? [String: Any])
        #expect(json.lines.count == 1)
        #expect(!json.lines[0].contains("demand per") && !json.lines[0].contains("▇") && !json.lines[0].contains("·"), "\(json)")
        let reorderPoint = try #require(fields["reorder_point"] as? String)
        let orderUpTo = try #require(fields["order_up_to"] as? String)
        let firstWeek = try #require((fields["periods"] as? String)?.split(separator: " ").last.map(String.init))

        _ = try client.send("format text")
        let text = try client.send("plan show P-C")
        #expect(text.code == 200, "\(text)")
        let blank = try #require(text.body.firstIndex(of: ""), "\(text)")
        // Before it, the fields' lines as they were: one a JSON field.
        #expect(Set(text.body[..<blank].map { $0.components(separatedBy: "  ")[0] })
            == Set(fields.keys.filter { $0 != "status" }.map { $0.replacingOccurrences(of: "_", with: " ") }))
        #expect(text.body[..<blank].count == fields.count - 1)
        #expect(text.body[blank...].dropFirst().first == "demand per week, 20 weeks from \(firstWeek), oldest left")
        let chart = Array(text.body[(blank + 2)...])
        #expect(chart.count == 6, "\(text)")
        let top = [ExactDecimal("10")!, ExactDecimal(reorderPoint)!, ExactDecimal(orderUpTo)!].max()!
        #expect(chart.first?.hasPrefix(top.trimmed.description + " ┤") == true, "\(text)")
        // Oldest first: a week with demand, then one without, ten times.
        let bottom = try #require(chart.dropLast().last?.split(separator: "│").last)
        #expect(bottom.count == 20)
        #expect(bottom.enumerated().allSatisfy { ($0.offset % 2 == 1) == ($0.element == "·") }, "\(bottom)")
        #expect(chart.last?.contains("─ reorder point \(plainDecimal(reorderPoint))  ═ order-up-to \(plainDecimal(orderUpTo))") == true,
                "\(text)")
        #expect(chart.allSatisfy { DisplayWidth.of($0) <= 76 })

        try expectOK(client.send("plan set period=day"))
        let daily = try client.send("plan show P-C")
        let title = try #require(daily.body.first { $0.hasPrefix("demand per day") }, "\(daily)")
        #expect(title.hasPrefix("demand per day, the last "), "\(title)")
        #expect(title.contains(" of 140 days from "), "\(title)")
        #expect(daily.body.filter { $0.contains("│") || $0.contains("┤") }.allSatisfy { DisplayWidth.of($0) <= 76 }, "\(daily)")
    }

    /// "21.430" as text mode prints it: "21.43".
    private func plainDecimal(_ text: String) -> String { ExactDecimal(text)!.trimmed.description }

    private static let planReply = Mutex<String?>(nil)
}
