import Foundation
import PartsClient
import PostgresClient
import Synchronization
import Testing

/// Old parts belong to their maker: whatever happens to them, the site's stock does not see
/// it; and of two clerks packing one part into two batches, one wins.
@Suite("warranty old parts and stock")
struct WarrantyStockTests {
    /// Available stock, stock value, planning and turnover, before and after claims of parts
    /// the site also stocks, their call-back, batch, shipment, verdicts and destruction.
    @Test func oldPartsNeverChangeStockValuePlanningOrTurnover() throws {
        let site = try WarrantySite(rules: "request_days=2 retention_days=2")
        let history = (1...12).map { "\(try! site.day(-$0 * 14)):\($0 % 3 + 1)" }.joined(separator: " ")
        try site.ok("history add MAIN P-1001 \(history)")
        try site.ok("issue MAIN P-1001:2 to=WO-1")
        // The old-parts area exists before: its row in location list shows no parts, no value.
        try site.ok("location add OLD-1 \"Old parts 旧件库\" kind=oldparts")
        func figures() throws -> [String] {
            [
                try site.ok("stock show P-1001").body.joined(separator: "\n"),
                try site.ok("stock show ECU-7").body.joined(separator: "\n"),
                try site.ok("location list").body.joined(separator: "\n"),
                try site.ok("plan show P-1001").body.joined(separator: "\n"),
                try site.ok("report turnover").body.joined(separator: "\n"),
                try site.ok("report dead").body.joined(separator: "\n"),
            ]
        }
        func proposal() throws -> String {
            let run = try site.ok("job run reorder --wait")
            #expect(run.isSuccess, "\(run)")
            return try site.daemon.sql("""
                SELECT string_agg(concat_ws(' ', part_id, location_id, forecast, reorder_point, order_up_to, position, suggested),
                                  ', ' ORDER BY location_id, part_id) AS lines
                  FROM reorder_line WHERE proposal_id = (SELECT max(id) FROM reorder_proposal)
                """).scalar ?? ""
        }
        let before = try figures()
        let plannedBefore = try proposal()

        try site.ok("claim new SAIC C-1 P-1001:3@80 ECU-7:1@900 vin=V1 failure=F1")
        try site.ok("claim new SAIC C-OLD P-1001:2 vin=V2 failure=F2 claimed=\(try site.day(-5))")
        let tags = try site.tags("C-1")
        try site.ok("claim call C-1")
        let rb = try site.ok("batch new SAIC \(tags[0]) \(tags[1]) \(tags[3])").lastText
        try site.ok("batch box \(rb) C-1 box=1")
        try site.ok("batch approve \(rb)")
        try site.ok("batch ship \(rb)")
        try site.ok("verdict \(tags[0]) accepted")
        try site.ok("verdict \(tags[1]) rejected reason=wrong_part")
        try site.ok("oldparts scrap --expired")

        for (after, first) in zip(try figures(), before) { #expect(after == first) }
        #expect(try proposal() == plannedBefore)
        #expect(try site.daemon.sql("""
            SELECT count(*) FROM stock_balance b JOIN location l ON l.id = b.location_id WHERE l.kind = 'oldparts'
            """).scalar == "0")
        #expect(try site.daemon.sql("SELECT count(*) FROM stock_movement m JOIN document d ON d.id = m.document_id "
                                    + "WHERE d.doc_type IN ('WS', 'WD')").scalar == "0")
        #expect(try site.daemon.sql("SELECT count(*) FROM ledger_discrepancy").scalar == "0")
    }

    /// Two clerks add the same tag to two open batches at the same moment: both wait on the
    /// part's row lock, one packs it, the other is refused and its batch is unchanged.
    @Test func twoClerksAddingOneTagToTwoBatchesOneWins() throws {
        let site = try WarrantySite()
        try site.ok("claim new SAIC C-1 P-1001:3 vin=V1 failure=F1")
        try site.ok("claim call C-1")
        let tags = try site.tags("C-1")
        let first = try site.ok("batch new SAIC \(tags[0])").lastText
        let second = try site.ok("batch new SAIC \(tags[1])").lastText
        // Both requests queue behind this lock, so they really meet on the part.
        site.daemon.hold("SELECT 1 FROM old_part WHERE tag_no = '\(tags[2])' FOR UPDATE", seconds: 1.5)
        let replies = Mutex([Int: (Int, String)]())
        race(2, socketPath: site.daemon.socketPath) { index, client in
            let batch = index == 0 ? first : second
            if let reply = try? client.send("batch add \(batch) \(tags[2])") {
                replies.withLock { $0[index] = (reply.code, reply.lastText) }
            }
        }
        let seen = replies.withLock { $0 }
        #expect(seen.count == 2)
        #expect(seen.values.map(\.0).sorted() == [200, 409], "\(seen)")
        let winner = seen[0]?.0 == 200 ? first : second
        let loser = winner == first ? second : first
        #expect(seen.values.contains { $0.0 == 409 && $0.1 == "\(tags[2]) is packed in \(winner) already" }, "\(seen)")
        #expect(try site.daemon.sql("""
            SELECT b.rb_no FROM old_part o JOIN return_batch b ON b.id = o.batch_id WHERE o.tag_no = '\(tags[2])'
            """).scalar == winner)
        #expect(try site.daemon.sql("""
            SELECT count(*) FROM old_part o JOIN return_batch b ON b.id = o.batch_id WHERE b.rb_no = '\(loser)'
            """).scalar == "1")
    }

    /// What the schema holds whatever code runs: a shipped batch, its parts' batch and box, a
    /// verdict and a claim never change; a part is in one batch; a tag is unique.
    @Test func theSchemaKeepsShippedBatchesAndVerdictsFinal() throws {
        let site = try WarrantySite()
        try site.ok("claim new SAIC C-1 P-1001:2 vin=V1 failure=F1")
        try site.ok("claim call C-1")
        let tags = try site.tags("C-1")
        let rb = try site.ok("batch new SAIC \(tags[0])").lastText
        let other = try site.ok("batch new SAIC \(tags[1])").lastText
        try site.ok("batch box \(rb) \(tags[0]) box=1")
        try site.ok("batch approve \(rb)")
        try site.ok("batch ship \(rb)")
        try site.ok("batch receive \(rb)")
        try site.ok("verdict \(tags[0]) accepted")
        let refusals = [
            "UPDATE return_batch SET carrier = 'X' WHERE rb_no = '\(rb)'",
            "UPDATE return_batch SET state = 'open' WHERE rb_no = '\(rb)'",
            "DELETE FROM return_batch WHERE rb_no = '\(other)'",
            "UPDATE old_part SET box_no = 2 WHERE tag_no = '\(tags[0])'",
            "UPDATE old_part SET batch_id = (SELECT id FROM return_batch WHERE rb_no = '\(other)') WHERE tag_no = '\(tags[0])'",
            "UPDATE old_part SET state = 'rejected' WHERE tag_no = '\(tags[0])'",
            "UPDATE old_part SET amount = 1 WHERE tag_no = '\(tags[1])'",
            "UPDATE old_part SET state = 'shipped' WHERE tag_no = '\(tags[1])'",
            "UPDATE old_part_verdict SET credit = 0",
            "DELETE FROM old_part_verdict",
            "UPDATE warranty_claim SET amount = 5",
            "UPDATE oem_rule SET ship_days = 1",
            "INSERT INTO old_part (tag_no, claim_id, line_no, part_id, quantity, amount, location_id, must_return, state) "
                + "SELECT tag_no, claim_id, 9, part_id, 1, 0, location_id, false, 'tagged' FROM old_part WHERE tag_no = '\(tags[1])'",
            "INSERT INTO old_part_verdict (old_part_id, round, outcome, credit, charge_back, decided, rule_id, recorded_by, recorded_uid) "
                + "SELECT id, 1, 'accepted', 0, 0, current_date, 1, 'x', 0 FROM old_part WHERE tag_no = '\(tags[0])'",
        ]
        let before = try site.state()
        for statement in refusals {
            #expect(throws: PostgresError.self, "\(statement)") { try site.daemon.sql(statement) }
        }
        #expect(try site.state() == before)
    }
}
