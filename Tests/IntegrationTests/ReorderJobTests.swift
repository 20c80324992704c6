import Foundation
import Synchronization
import PartsClient
import PostgresClient
import Testing

@Suite("jobs: reorder runs, proposals and snapshots")
struct ReorderJobTests {
    /// P-H: ten a week for twenty weeks, lead time two weeks, nothing on hand (the worked
    /// example of PlanTests, by cycle service level): reorder point 21.429, order-up-to 61.429,
    /// so the run proposes 62.
    private func smoothPart(_ daemon: TestDaemon, _ client: AdminConnection) throws {
        try expectOK(client.send("plan set service_measure=cycle"))
        try expectOK(client.send("location add MAIN \"Main\""))
        try expectOK(client.send("part add P-H \"filter\" lead_days=14 cost=4 supplier=ACME"))
        let today = try #require(try daemon.sql("SELECT current_date").scalar)
        let dates = try daemon.sql("SELECT (date '\(today)' - 7 * k)::text FROM generate_series(1, 20) k").rows.map { $0[0]! }
        try expectOK(client.send("history add MAIN P-H " + dates.map { "\($0):10" }.joined(separator: " ")))
    }

    /// Holds a job's advisory lock from another session, as another daemon's run would.
    private func holdLock(_ job: String, seconds: Double, _ daemon: TestDaemon) {
        daemon.hold("SELECT pg_advisory_lock(hashtextextended('partsd job \(job)', 0))", seconds: seconds)
    }

    private func fields(_ reply: Reply) throws -> [String: Any] {
        let json = try #require(reply.json)
        return try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    }

    @Test func aRunProposesWhatPlanShowExplainsAndTheManagerApprovesIt() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try smoothPart(daemon, client)
        let run = try client.send("job run reorder --wait")
        #expect(run.code == 200, "\(run)")
        let proposal = try #require(run.lastText.firstMatch(of: /RP-\d{4}-\d{6}/).map { String($0.output) })
        #expect(run.lastText.contains("1 to order, value 248.00, 0 flagged"))

        _ = try client.send("format json")
        let shown = try fields(client.send("reorder show"))
        #expect(shown["proposal"] as? String == proposal)
        let lines = try #require(shown["lines"] as? [[String: Any]])
        #expect(lines.count == 1)
        let line = try #require(lines.first)
        #expect(line["part_no"] as? String == "P-H")
        #expect(line["class"] as? String == "smooth")
        #expect(line["forecast"] as? String == "10.000")
        #expect(line["reorder_point"] as? String == "21.429")
        #expect(line["order_up_to"] as? String == "61.429")
        #expect(line["suggested"] as? String == "62.000")
        #expect(line["value"] as? String == "248.00")
        // plan show and the run plan through the same code: the same numbers.
        let plan = try fields(client.send("plan show P-H"))
        #expect(plan["reorder_point"] as? String == line["reorder_point"] as? String)
        #expect(plan["suggested_order"] as? String == line["suggested"] as? String)
        _ = try client.send("format text")

        #expect(try client.send("reorder set \(proposal) P-H:48 ref=s1").lastText == "\(proposal): 1 line changed")
        #expect(try client.send("reorder set \(proposal) P-X:1").code == 404)
        #expect(try client.send("reorder export \(proposal)").code == 409)
        let clerk = try daemon.socat(as: TestDaemon.clerkUID, ["reorder approve \(proposal)"])
        #expect(clerk.contains("403 FORBIDDEN"))
        let approved = try client.send("reorder approve \(proposal)")
        #expect(approved.lastText.hasPrefix("\(proposal) approved: 1 lines to order, value 192.00"), "\(approved)")
        let again = try client.send("reorder approve \(proposal)")
        #expect(again.code == 409)
        #expect(again.lastText.contains("already approved by root"))
        #expect(try client.send("reorder set \(proposal) P-H:1").code == 409)
        let export = try client.send("reorder export \(proposal)")
        #expect(export.lines.contains("200-supplier,part_no,description,location,quantity,unit,unit_cost,value,po_no"))
        // ACME is not a supplier partsd knows, so the line became no purchase order.
        #expect(export.lines.contains("200-ACME,P-H,filter,MAIN,48.000,PCS,4.0000,192.00,"), "\(export)")
        #expect(try daemon.sql("SELECT count(*) FROM audit_log WHERE command LIKE 'reorder %' OR command LIKE 'job run%'").scalar == "7")
    }

    /// With ACME known as a supplier, approval places the order; the next run counts it as on
    /// order and proposes nothing more. A part without its own lead time takes the supplier's.
    @Test func approvalPlacesPurchaseOrdersThatTheNextRunCountsAsOnOrder() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try smoothPart(daemon, client)
        try expectOK(client.send("supplier add ACME \"Acme parts\" lead_days=21"))
        try expectOK(client.send("job run reorder --wait"))
        let proposal = try #require(try daemon.sql("SELECT proposal_no FROM reorder_proposal").scalar)
        let approved = try client.send("reorder approve \(proposal)")
        let order = try #require(approved.lastText.firstMatch(of: /PO-\d{4}-\d{6}/).map { String($0.output) })
        #expect(approved.lastText == "\(proposal) approved: 1 lines to order, value 248.00; purchase orders \(order) (1 lines)")
        let placed = try daemon.sql("""
            SELECT s.code, l.quantity, l.price, l.expected - current_date FROM po_line l
              JOIN purchase_order o ON o.id = l.po_id JOIN supplier s ON s.id = o.supplier_id
            """).rows
        #expect(placed == [["ACME", "62.000", "4.0000", "21"]])
        #expect(try client.send("reorder export \(proposal)").lines.contains("200-ACME,P-H,filter,MAIN,62.000,PCS,4.0000,248.00,\(order)"))
        let next = try client.send("job run reorder --wait")
        #expect(next.lastText.contains("0 to order"), "\(next)")
        _ = try client.send("format json")
        let plan = try fields(client.send("plan show P-H"))
        #expect(plan["on_order"] as? String == "62.000")
        #expect(plan["position"] as? String == "62.000")
        _ = try client.send("format text")

        // A proposal whose order for a supplier falls short of its minimum is still placed,
        // and the reply says so.
        try daemon.sql("UPDATE supplier SET min_order = 1000")
        try expectOK(client.send("po cancel \(order)"))
        try expectOK(client.send("job run reorder --wait"))
        let small = try #require(try daemon.sql("SELECT proposal_no FROM reorder_proposal WHERE state = 'open'").scalar)
        let smallApproved = try client.send("reorder approve \(small)")
        #expect(smallApproved.lastText.hasSuffix("(ACME 248.00 < 1000.00)"), "\(smallApproved)")

        try expectOK(client.send("part add P-S \"seal\" cost=1 supplier=ACME"))
        try expectOK(client.send("receive MAIN P-S:1"))
        #expect(try client.send("plan show P-S").lines.contains { $0.hasPrefix("200-lead days") && $0.hasSuffix("21") })
    }

    /// Reading with one session or three, split by location, plans every part-location the same.
    @Test func readersSplitByLocationPlanExactlyAsOneReaderDoes() throws {
        let one = try TestDaemon(environment: ["PARTSD_JOBS_REORDER_READERS": "1", "PARTSD_JOBS_REORDER_CHUNK": "10"])
        let client = try one.connect()
        try expectOK(client.send("location add MAIN \"Main\""))
        try expectOK(client.send("location add BR1 \"Branch 1\" kind=branch"))
        try expectOK(client.send("location add BR2 \"Branch 2\" kind=branch"))
        try one.sql("""
            INSERT INTO part (part_no, description, unit, cost, lead_days)
            SELECT 'P-' || n, 'part ' || n, 'PCS', 1 + n % 17, 7 + n % 20 FROM generate_series(1, 40) n;
            INSERT INTO demand_history (part_id, location_id, demand_date, quantity, recorded_by)
            SELECT p.id, l.id, current_date - 1 - ((p.id * 7 + l.id * 13 + k * 29) % 700), 1 + (p.id + k) % 4, 'test'
              FROM part p CROSS JOIN location l CROSS JOIN generate_series(1, 3 + (p.id % 9)) k;
            """)
        try expectOK(client.send("job run reorder --wait"))
        let three = try TestDaemon(environment: ["PARTSD_JOBS_REORDER_READERS": "3", "PARTSD_JOBS_REORDER_CHUNK": "10"],
                                   database: one.database)
        try expectOK(try three.connect().send("job run reorder --wait"))
        let lines = """
            SELECT p.proposal_no, count(*), string_agg(concat_ws(':', l.part_id, l.location_id, l.abc_class, l.demand_class,
                   l.forecast, l.reorder_point, l.order_up_to, l.suggested), ',' ORDER BY l.location_id, l.part_id)
              FROM reorder_line l JOIN reorder_proposal p ON p.id = l.proposal_id GROUP BY p.proposal_no ORDER BY 1
            """
        let proposals = try one.sql(lines).rows
        #expect(proposals.count == 2)
        #expect(proposals[0][1] == "120")
        #expect(proposals[0][2] == proposals[1][2])
    }

    /// The run ranks ABC by the year's demand in the same pass that reads the window's; with a
    /// window of 13 weeks the year still counts in full: P-GONE (12,000 of demand value 250
    /// days ago, no stock) is ranked but not planned, and puts P-BIG (2,000, 200 days ago)
    /// past 80 % of the value ranked before it: B, as `plan show` and `report abc` say too.
    @Test func aRunRanksTheWholeYearWhenItsWindowIsShorter() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try expectOK(client.send("plan set obsolete_after_days=91"))
        try expectOK(client.send("plan set history_days=91"))
        try expectOK(client.send("location add MAIN \"Main\""))
        try expectOK(client.send("part add P-GONE \"gone\" cost=120"))
        try expectOK(client.send("part add P-BIG \"big\" cost=100"))
        try expectOK(client.send("part add P-NOW \"now\" cost=1"))
        let day = { (back: Int) throws -> String in try #require(try daemon.sql("SELECT (current_date - \(back))::text").scalar) }
        try expectOK(client.send("history add MAIN P-GONE \(day(250)):100"))
        try expectOK(client.send("history add MAIN P-BIG \(day(200)):20"))
        try expectOK(client.send("history add MAIN P-NOW " + (1...13).map { "\(try day(7 * $0)):1" }.joined(separator: " ")))
        try expectOK(client.send("receive MAIN P-BIG:5"))
        try expectOK(client.send("job run reorder --wait"))
        let lines = try daemon.sql("""
            SELECT p.part_no, l.abc_class FROM reorder_line l JOIN part p ON p.id = l.part_id ORDER BY p.part_no
            """).rows
        #expect(lines == [["P-BIG", "B"], ["P-NOW", "C"]])
        _ = try client.send("format json")
        let plan = try fields(client.send("plan show P-BIG"))
        #expect(plan["abc_class"] as? String == "B")
        let report = try fields(client.send("report abc"))
        let rows = try #require(report["rows"] as? [[String: Any]])
        #expect(rows.map { "\($0["part_no"] ?? "-"):\($0["class"] ?? "-")" } == ["P-GONE:A", "P-BIG:B", "P-NOW:C"], "\(rows)")
    }

    /// A line's reference to its proposal is kept by triggers, once a statement (migration 024:
    /// the foreign key, checked line by line, was 40 % of writing a run's lines): a line naming
    /// no proposal is refused as a foreign key would refuse it, a line stays in its proposal,
    /// and proposals are never deleted.
    @Test func aLineNamesAProposalThatExistsAndProposalsAreNeverDeleted() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try smoothPart(daemon, client)
        try expectOK(client.send("job run reorder --wait"))
        func refusal(_ statement: String) -> String? {
            do {
                try daemon.sql(statement)
                return nil
            } catch PostgresError.server(let error) {
                return error.sqlState.rawValue
            } catch {
                return "\(error)"
            }
        }
        func copyLines(to proposal: String) -> String {
            """
            INSERT INTO reorder_line (proposal_id, part_id, location_id, demand_class, abc_class, method, forecast,
                                      safety_stock, reorder_point, order_up_to, position, suggested, quantity, unit_cost, why)
            SELECT \(proposal), part_id, location_id, demand_class, abc_class, method, forecast, safety_stock, reorder_point,
                   order_up_to, position, suggested, quantity, unit_cost, why FROM reorder_line
            """
        }
        #expect(refusal(copyLines(to: "(SELECT max(id) + 1 FROM reorder_proposal)")) == "23503")
        // The run writes its lines by COPY, which fires the same statement trigger.
        let line = try daemon.sql("SELECT part_id, location_id FROM reorder_line LIMIT 1").records[0]
        var rows = CopyRows()
        for field in [try daemon.sql("SELECT (max(id) + 1)::text FROM reorder_proposal").scalar, try line.text("part_id"),
                      try line.text("location_id"), "smooth", "C", "ses", "1", "0", "1", "2", "0", "0", "0", "1", "-", "f"] {
            rows.add(field)
        }
        rows.endRow()
        do {
            try Connection(conninfo: daemon.conninfo).copyIn("""
                COPY reorder_line (proposal_id, part_id, location_id, demand_class, abc_class, method, forecast, safety_stock,
                                   reorder_point, order_up_to, position, suggested, quantity, unit_cost, why, flagged) FROM STDIN
                """, rows)
            Issue.record("a copied line named no proposal")
        } catch PostgresError.server(let error) {
            #expect(error.sqlState == .foreignKeyViolation)
        }
        #expect(refusal("UPDATE reorder_line SET proposal_id = proposal_id + 1") == "23503")
        #expect(refusal("DELETE FROM reorder_proposal") == "PS409")
        #expect(refusal("TRUNCATE reorder_proposal") == "PS409")
        try daemon.sql("""
            INSERT INTO reorder_proposal (proposal_no, job_id, scope, period)
            SELECT 'RP-COPY', job_id, scope, period FROM reorder_proposal
            """)
        #expect(refusal(copyLines(to: "(SELECT id FROM reorder_proposal WHERE proposal_no = 'RP-COPY')")) == nil)
        #expect(refusal("UPDATE reorder_line SET quantity = quantity + 1") == nil)
        #expect(try daemon.sql("SELECT count(DISTINCT proposal_id) FROM reorder_line").scalar == "2")
    }

    @Test func aNewRunSupersedesTheOpenProposalSoNothingIsOrderedTwice() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try smoothPart(daemon, client)
        try expectOK(client.send("job run reorder --wait"))
        try expectOK(client.send("job run reorder location=MAIN --wait"))
        let first = try #require(try daemon.sql("SELECT proposal_no FROM reorder_proposal ORDER BY id LIMIT 1").scalar)
        #expect(try daemon.sql("SELECT state FROM reorder_proposal ORDER BY id").rows.map { $0[0]! } == ["superseded", "open"])
        let refused = try client.send("reorder approve \(first)")
        #expect(refused.code == 409)
        #expect(refused.lastText.contains("superseded"))
        #expect(try client.send("job run reorder location=NOWHERE").code == 404)
        #expect(try client.send("job run snapshot location=MAIN").code == 400)
        #expect(try client.send("job run dinner").code == 400)
    }

    @Test func anOrderThatWouldPassTheMaximumDaysOfSupplyIsFlaggedNotCut() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try smoothPart(daemon, client)
        // 62 units at 10 a week last 43.4 days: over a 30-day maximum.
        try daemon.sql("""
            INSERT INTO turnover_target (location_id, turnover, max_days, updated_by)
            SELECT id, 12, 30, 'test' FROM location WHERE code = 'MAIN'
            """)
        let run = try client.send("job run reorder --wait")
        #expect(run.lastText.contains("1 to order, value 248.00, 1 flagged"), "\(run)")
        let line = try daemon.sql("SELECT quantity, flagged, days_of_supply, why FROM reorder_line").rows[0]
        #expect(line[0] == "62.000")
        #expect(line[1] == "t")
        #expect(line[2] == "43.4")
        #expect(line[3]!.contains("flagged: 43.4 days of supply after this order, the maximum is 30"))
    }

    @Test func aRunThatFailsPartWayLeavesNoHalfProposal() throws {
        let daemon = try TestDaemon(environment: ["PARTSD_JOBS_REORDER_CHUNK": "10"])
        let client = try daemon.connect()
        try expectOK(client.send("location add MAIN \"Main\""))
        for index in 1...25 {
            try expectOK(client.send("part add P-\(index) \"part\" cost=1"))
            try expectOK(client.send("receive MAIN P-\(index):1"))
        }
        // The second chunk's insert fails, after the first one was written.
        try daemon.sql("""
            CREATE SEQUENCE boom;
            CREATE FUNCTION boom() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN IF nextval('boom') > 1 THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NULL; END $$;
            CREATE TRIGGER boom AFTER INSERT ON reorder_line FOR EACH STATEMENT EXECUTE FUNCTION boom();
            """)
        let run = try client.send("job run reorder --wait")
        #expect(run.code == 500, "\(run)")
        #expect(run.lastText.hasPrefix("job=1 reorder failed: ") && run.lastText.contains("injected failure"))
        #expect(try daemon.sql("SELECT count(*) FROM reorder_proposal").scalar == "0")
        #expect(try daemon.sql("SELECT count(*) FROM reorder_line").scalar == "0")
        #expect(try daemon.sql("SELECT state, items FROM job_run").rows.map { $0.map { $0! } } == [["failed", "0"]])
        // The failure released the lock: the next run goes through.
        try daemon.sql("DROP TRIGGER boom ON reorder_line")
        let next = try client.send("job run reorder --wait")
        #expect(next.code == 200, "\(next)")
        #expect(next.lastText.contains("25 part-locations planned"))
    }

    /// The writer's connection dies while the run's transaction is open (here while its
    /// reader waits for a table another session locked, as a reader may wait for anything):
    /// the run must fail as a whole. Its last step must not go on in autocommit on a new
    /// connection, which would supersede the open proposal, lose the new one and still report
    /// success.
    @Test func aRunWhoseWriterConnectionIsLostFailsAndLeavesTheOpenProposalOpen() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try smoothPart(daemon, client)
        try expectOK(client.send("location add BR1 \"Branch 1\" kind=branch"))
        try expectOK(client.send("job run reorder --wait"))
        let open = try #require(try daemon.sql("SELECT proposal_no FROM reorder_proposal").scalar)
        let lines = try daemon.sql("SELECT count(*) FROM reorder_line").scalar
        daemon.hold("LOCK TABLE turnover_target IN ACCESS EXCLUSIVE MODE", seconds: 3)
        // A run for BR1 replaces the proposal for every location.
        let started = try client.send("job run reorder location=BR1")
        let id = try #require(started.lastText.firstMatch(of: /job=(\d+)/).map { String($0.output.1) })
        // The run's writer: it made the new proposal, and waits for its reader.
        var writer: String?
        let deadline = Date().addingTimeInterval(10)
        while writer == nil, Date() < deadline {
            writer = try daemon.sql("""
                SELECT pid FROM pg_stat_activity
                 WHERE datname = current_database() AND application_name = 'partsd job reorder'
                   AND state = 'idle in transaction' AND backend_xid IS NOT NULL
                """).scalar
            if writer == nil { Thread.sleep(forTimeInterval: 0.05) }
        }
        let pid = try #require(writer, "the run's writer never waited in its transaction")
        #expect(try daemon.sql("SELECT pg_terminate_backend(\(pid))").scalar == "t")

        let waited = try client.send("job wait \(id)")
        #expect(waited.code != 200, "\(waited)")
        #expect(try daemon.sql("SELECT state FROM job_run WHERE id = \(id)").scalar == "failed")
        let proposals = try daemon.sql("SELECT proposal_no, state FROM reorder_proposal ORDER BY id")
        #expect(proposals.count == 1)
        #expect(proposals.value(0, "proposal_no") == open)
        #expect(proposals.value(0, "state") == "open")
        #expect(try daemon.sql("SELECT count(*) FROM reorder_line").scalar == lines)
        // The lost connection took the run's lock with it: the next run goes through.
        try expectOK(client.send("job run reorder --wait"))
    }

    @Test func aRunningJobOnTheDatabaseMeans409OrAQueue() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try smoothPart(daemon, client)
        // Another daemon's run, as far as this one can tell: its session holds the lock.
        holdLock("reorder", seconds: 2, daemon)
        let refused = try client.send("job run reorder")
        #expect(refused.code == 409)
        #expect(refused.lastText.hasPrefix("reorder is already running"))

        let queued = try client.send("job run reorder --queue")
        #expect(queued.code == 202, "\(queued)")
        let id = try #require(queued.lastText.firstMatch(of: /job=(\d+)/).map { String($0.output.1) })
        #expect(queued.lines == ["202 ACCEPTED job=\(id)"])
        #expect(try client.send("job show \(id)").lastText == "job=\(id) queued")

        let waited = try client.send("job wait \(id)")
        #expect(waited.code == 200, "\(waited)")
        #expect(waited.lastText.hasPrefix("job=\(id) reorder succeeded: RP-"))
        let listed = try client.send("job list")
        #expect(listed.lines.contains { $0.contains("reorder") && $0.contains("succeeded") })
        #expect(try client.send("job show 999999").code == 404)
        #expect(try client.send("job wait x").code == 400)
    }

    @Test func waitingStreamsProgressLinesInTextAndCollectsThemInJSON() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try smoothPart(daemon, client)
        let viewer = try daemon.socat(as: TestDaemon.viewerUID, ["job run reorder --wait"])
        #expect(viewer.contains("403 FORBIDDEN job run needs role manager"))

        holdLock("reorder", seconds: 0.8, daemon)
        let started = try client.send("job run reorder --queue")
        let id = try #require(started.lastText.firstMatch(of: /job=(\d+)/).map { String($0.output.1) })
        _ = try client.send("format json")
        let json = try client.send("job wait \(id)")
        #expect(json.lines.count == 1)
        let reply = try fields(json)
        #expect(reply["state"] as? String == "succeeded")
        #expect((reply["progress_lines"] as? [String])?.first?.hasPrefix("job=\(id) reorder queued") == true, "\(json)")
        _ = try client.send("format text")

        holdLock("snapshot", seconds: 0.8, daemon)
        let next = try client.send("job run snapshot --queue")
        let snapshotID = try #require(next.lastText.firstMatch(of: /job=(\d+)/).map { String($0.output.1) })
        let text = try client.send("job wait \(snapshotID)")
        #expect(text.lines.first?.hasPrefix("202-job=\(snapshotID) snapshot queued") == true, "\(text)")
        #expect(text.lastText.hasPrefix("job=\(snapshotID) snapshot succeeded"))
    }

    @Test func theSnapshotRecordsValueOnHandAndStatusShowsTheLastRuns() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try daemon.seed(client, parts: [("P-1", "3"), ("P-2", "2")])
        try expectOK(client.send("issue MAIN P-2:2"))
        let run = try client.send("job run snapshot --wait")
        #expect(run.lastText.hasSuffix("1 part-locations, value 30.00"), "\(run)")
        #expect(try daemon.sql("SELECT on_hand, value FROM stock_snapshot").rows == [["3.000", "30.00"]])
        // Again the same day: still one row per part-location, with the latest figures.
        try expectOK(client.send("issue MAIN P-1:1"))
        try expectOK(client.send("job run snapshot --wait"))
        #expect(try daemon.sql("SELECT on_hand, value FROM stock_snapshot").rows == [["2.000", "20.00"]])
        // The per-category totals the turnover report reads follow every change.
        #expect(try daemon.sql("SELECT category, value FROM stock_snapshot_total").rows == [["-", "20.00"]])
        try expectOK(client.send("issue MAIN P-1:2"))
        try expectOK(client.send("job run snapshot --wait"))
        #expect(try daemon.sql("SELECT count(*) FROM stock_snapshot").scalar == "0")
        #expect(try daemon.sql("SELECT value FROM stock_snapshot_total").rows == [["0.00"]])
        let status = try client.send("status")
        #expect(status.lines.contains { $0.contains("last jobs") && $0.contains("job=snapshot") && $0.contains("state=succeeded") }, "\(status)")
    }

    @Test func settingsThatTheMathsCannotUseAreRefusedWhenSet() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try daemon.seed(client)
        #expect(try client.send("plan set service_a=1.5").code == 422)
        #expect(try client.send("plan set service_b=0").code == 422)
        #expect(try client.send("plan set lead_days=-1").code == 422)
        #expect(try client.send("plan set lead_days_sd=-2").code == 422)
        #expect(try client.send("plan set review_days=366").code == 422)
        #expect(try client.send("plan set review_days=-1").code == 422)
        #expect(try client.send("plan set alpha=1e-1").code == 422)
        #expect(try client.send("plan set location=MAIN period=month").code == 422)
        #expect(try client.send("plan set location=NOWHERE service_a=0.9").code == 404)
        #expect(try client.send("part set P-1001 lead_days=-3").code == 422)
        #expect(try client.send("plan set").code == 400)
        #expect(try daemon.sql("SELECT count(*) FROM planning_setting").scalar == "0")

        try expectOK(client.send("plan set service_a=0.97 period=month ref=p1"))
        try expectOK(client.send("plan set location=MAIN service_a=0.99 lead_days=21 review_days=7"))
        let settings = try client.send("plan settings location=MAIN")
        #expect(settings.lines.contains { $0.contains("service_a") && $0.contains("0.99") && $0.contains("MAIN") }, "\(settings)")
        #expect(settings.lines.contains { $0.contains("review_days") && $0.contains("7") && $0.contains("MAIN") }, "\(settings)")
        #expect(settings.lines.contains { $0.contains("period") && $0.contains("month") && $0.contains("all locations") })
        #expect(settings.lines.contains { $0.contains("beta") && $0.contains("0.1") && $0.contains("built-in") })
        try expectOK(client.send("plan set location=MAIN service_a=default"))
        #expect(try client.send("plan settings location=MAIN").lines.contains { $0.contains("service_a") && $0.contains("0.97") })
        let clerk = try daemon.socat(as: TestDaemon.clerkUID, ["plan set service_a=0.9"])
        #expect(clerk.contains("403 FORBIDDEN"))
    }

    @Test func stoppingTheDaemonEndsWaitsAndRunsAndExitsCleanly() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try smoothPart(daemon, client)
        holdLock("reorder", seconds: 30, daemon)
        let queued = try client.send("job run reorder --queue")
        let id = try #require(queued.lastText.firstMatch(of: /job=(\d+)/).map { String($0.output.1) })
        let socketPath = daemon.socketPath
        let waiting = Thread {
            guard let waiter = try? AdminConnection(socketPath: socketPath, timeoutSeconds: 30),
                  let reply = try? waiter.send("job wait \(id)") else { return }
            Self.waitReply.withLock { $0 = reply.lastText }
        }
        waiting.start()
        Thread.sleep(forTimeInterval: 0.5)
        let started = Date()
        #expect(daemon.stop() == 0)
        #expect(Date().timeIntervalSince(started) < 10)
        Thread.sleep(forTimeInterval: 0.3)
        #expect(Self.waitReply.withLock { $0 }?.hasPrefix("stopped waiting for job \(id): the daemon is stopping") == true)
        let run = try daemon.sql("SELECT state, message FROM job_run WHERE id = \(id)").rows[0]
        #expect(run[0] == "failed")
        #expect(run[1] == "the daemon stopped while the run waited for its lock")
        #expect(try daemon.sql("SELECT count(*) FROM reorder_proposal").scalar == "0")
    }

    private static let waitReply = Mutex<String?>(nil)
}
