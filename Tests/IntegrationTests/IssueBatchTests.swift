import Foundation
import PartsClient
import PostgresClient
import Testing

/// Goods issues that arrive together, and goods receipts, are posted as one set
/// (post_document_set in sql/functions/stock.sql). These
/// call the database functions the daemon calls, with batches made to order, and race clerks
/// through the socket behind a held lock so that their issues do share batches.
@Suite("issues posted as a set")
struct IssueBatchTests {
    static func issue(_ lines: [(String, String)], counterparty: String = "WO-1", ref: String? = nil) -> String {
        let items = lines.map { #"{"part_no":"\#($0.0)","quantity":"\#($0.1)"}"# }.joined(separator: ",")
        let refField = ref.map { #","ref":"\#($0)","fingerprint":"f-\#($0)""# } ?? ""
        return #"{"type":"GI","location":"MAIN","counterparty":"\#(counterparty)","lines":[\#(items)],"#
            + #""actor":{"user":"tester","uid":0,"role":"admin"},"command":"issue"\#(refField)}"#
    }

    /// Movements whose running balance is not the sum of the part and location's movements
    /// up to them, in ledger order. Always 0.
    static let brokenRunningBalances = """
        SELECT count(*) FROM (SELECT balance_after,
                                     sum(quantity) OVER (PARTITION BY part_id, location_id ORDER BY id) AS running
                                FROM stock_movement) m
         WHERE balance_after <> running
        """

    @Test func aBatchOfIssuesPostsEachDocumentWithItsOwnReceiptAndRunningBalance() throws {
        let daemon = try TestDaemon()
        try daemon.seed(try daemon.connect(), parts: [("P-1", "10"), ("P-2", "10")])
        let batch = "[" + [
            Self.issue([("P-1", "1"), ("P-2", "2"), ("P-1", "3")], counterparty: "WO-1"),
            Self.issue([("P-1", "2")], counterparty: "WO-2", ref: "batch-ref-1"),
        ].joined(separator: ",") + "]"
        // The set path takes it whole (it answers NULL for a batch it leaves to the one-by-one path).
        let posted = try daemon.sql("SELECT post_document_set('\(batch)'::jsonb)::text").scalar
        let receipts = try #require(posted)
        let documents = try daemon.sql("""
            SELECT d.doc_no, d.counterparty, d.client_ref, sum(l.value)::text AS total
              FROM document d JOIN document_line l ON l.document_id = d.id
             WHERE d.doc_type = 'GI' GROUP BY d.id ORDER BY d.id
            """)
        #expect(documents.count == 2)
        #expect(documents.value(0, "counterparty") == "WO-1")
        #expect(documents.value(0, "total") == "60.00")
        #expect(documents.value(1, "client_ref") == "batch-ref-1")
        #expect(documents.value(1, "total") == "20.00")
        let doc1 = try #require(documents.value(0, "doc_no"))
        let doc2 = try #require(documents.value(1, "doc_no"))
        #expect(doc1 != doc2)
        #expect(receipts.contains(doc1) && receipts.contains(doc2))
        #expect(try daemon.sql("SELECT on_hand::text FROM stock_balance b JOIN part p ON p.id = b.part_id WHERE p.part_no = 'P-1'").scalar
                == "4.000")
        #expect(try daemon.sql(Self.brokenRunningBalances).scalar == "0")
        #expect(try daemon.sql("SELECT count(*) FROM ledger_discrepancy").scalar == "0")
        #expect(try daemon.sql("SELECT count(*) FROM audit_log WHERE doc_no IN ('\(doc1)', '\(doc2)')").scalar == "2")
        // The ref is recorded, so a retry would replay this document.
        #expect(try daemon.sql("SELECT doc_no FROM client_request WHERE ref = 'batch-ref-1'").scalar == doc2)
        // The document reads back as posted.
        let shown = try daemon.connect().send("doc show \(doc1)")
        try expectOK(shown)
        #expect(shown.description.contains("P-2") && shown.description.contains("60.00"), "\(shown)")
    }

    @Test func aDocumentThatWouldBeRefusedIsRefusedAloneAndTheOthersPost() throws {
        let daemon = try TestDaemon()
        try daemon.seed(try daemon.connect(), parts: [("P-1", "5"), ("P-2", "1")])
        let batch = "[" + [
            Self.issue([("P-1", "2")]),
            Self.issue([("P-2", "3")]),  // only 1 on hand
            Self.issue([("P-1", "1"), ("P-2", "1")]),
        ].joined(separator: ",") + "]"
        // The set takes the locks, finds the shortage and raises; nothing of it stays.
        #expect(throws: (any Error).self) { try daemon.sql("SELECT post_document_set('\(batch)'::jsonb)") }
        #expect(try daemon.sql("SELECT count(*) FROM document WHERE doc_type = 'GI'").scalar == "0")
        let results = try daemon.sql("""
            SELECT r->>'sqlstate' AS sqlstate, r->'reply'->'document'->>'doc_no' AS doc_no
              FROM json_array_elements(post_stock_documents('\(batch)'::jsonb)) WITH ORDINALITY AS e(r, n)
             ORDER BY n
            """)
        #expect(results.count == 3)
        #expect(results.value(0, "doc_no") != nil)
        #expect(results.value(1, "sqlstate") == "PS409")
        #expect(results.value(2, "doc_no") != nil)
        #expect(try daemon.sql("SELECT string_agg(b.on_hand::text, ' ' ORDER BY p.part_no) FROM stock_balance b JOIN part p ON p.id = b.part_id")
                .scalar == "2.000 0.000")
        // An unknown part is refused alone too: the set leaves such a batch to the one-by-one path.
        let unknown = "[\(Self.issue([("P-1", "1")])),\(Self.issue([("NO-SUCH", "1")]))]"
        #expect(try daemon.sql("""
            SELECT string_agg(coalesce(r->>'sqlstate', r->'reply'->'document'->>'type'), ' ' ORDER BY n)
              FROM json_array_elements(post_stock_documents('\(unknown)'::jsonb)) WITH ORDINALITY AS e(r, n)
            """).scalar == "GI PS404")
        // A part never stocked at the location: the set makes no balance row for stock going
        // out, finds it short and leaves the batch to the one-by-one path, which refuses that
        // issue alone and leaves no empty row behind.
        try expectOK(try daemon.connect().send("part add P-3 \"part P-3\" cost=10"))
        let unstocked = "[\(Self.issue([("P-1", "1")])),\(Self.issue([("P-3", "1")]))]"
        #expect(throws: (any Error).self) { try daemon.sql("SELECT post_document_set('\(unstocked)'::jsonb)") }
        #expect(try daemon.sql("""
            SELECT string_agg(coalesce(r->>'sqlstate', r->'reply'->'document'->>'type'), ' ' ORDER BY n)
              FROM json_array_elements(post_stock_documents('\(unstocked)'::jsonb)) WITH ORDINALITY AS e(r, n)
            """).scalar == "GI PS409")
        #expect(try daemon.sql("SELECT count(*) FROM stock_balance b JOIN part p ON p.id = b.part_id WHERE p.part_no = 'P-3'")
                .scalar == "0")
        #expect(try daemon.sql(Self.brokenRunningBalances).scalar == "0")
        #expect(try daemon.sql("SELECT count(*) FROM ledger_discrepancy").scalar == "0")
    }

    @Test func otherDocumentsAndTransfersAreLeftToTheOneByOnePath() throws {
        let daemon = try TestDaemon()
        try daemon.seed(try daemon.connect(), parts: [("P-1", "5")])
        let receipt = Self.issue([("P-1", "1")]).replacingOccurrences(of: #""type":"GI""#, with: #""type":"GR""#)
        let transfer = Self.issue([("P-1", "1")]).replacingOccurrences(of: #""type":"GI""#, with: #""type":"TR","to_location":"BR1""#)
        for batch in ["[\(Self.issue([("P-1", "1")])),\(receipt)]", "[\(transfer),\(transfer)]",
                      "[\(Self.issue([("P-1", "1.5")])),\(Self.issue([("P-1", "1")]))]"] {
            #expect(try daemon.sql("SELECT post_document_set('\(batch)'::jsonb) IS NULL").scalar == "t", "\(batch)")
        }
        // A ref used before is a replay or a conflict, and one ref twice in a batch a retry
        // racing its first send: the one-by-one path answers both.
        try daemon.sql("SELECT post_stock_documents('[\(Self.issue([("P-1", "1")], ref: "used"))]'::jsonb)")
        for batch in ["[\(Self.issue([("P-1", "1")], ref: "used")),\(Self.issue([("P-1", "1")]))]",
                      "[\(Self.issue([("P-1", "1")], ref: "twice")),\(Self.issue([("P-1", "1")], ref: "twice"))]"] {
            #expect(try daemon.sql("SELECT post_document_set('\(batch)'::jsonb) IS NULL").scalar == "t", "\(batch)")
        }
        #expect(try daemon.sql("SELECT count(*) FROM document WHERE doc_type NOT IN ('GR', 'GI')").scalar == "0")
        #expect(try daemon.sql("SELECT count(*) FROM document WHERE doc_type = 'GI'").scalar == "1")
    }

    static func receipt(_ lines: [(String, String, String?)], location: String = "MAIN") -> String {
        let items = lines.map { line in
            #"{"part_no":"\#(line.0)","quantity":"\#(line.1)""# + (line.2.map { #","unit_cost":"\#($0)""# } ?? "") + "}"
        }.joined(separator: ",")
        return #"{"type":"GR","location":"\#(location)","counterparty":"SUP-1","lines":[\#(items)],"#
            + #""actor":{"user":"tester","uid":0,"role":"admin"},"command":"receive"}"#
    }

    /// A receipt posted as a set leaves the same balances, average costs, lines and receipt as
    /// the one-by-one path: P-1 and P-2 start alike, P-1's receipt goes through the set and
    /// P-2's through stock_post, at the same quantities and costs.
    @Test func receiptsPostedAsASetMatchTheOneByOnePath() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try daemon.seed(client, parts: [("P-1", "3"), ("P-2", "3")])
        for part in ["N-1", "N-2", "P-3", "P-4"] { try expectOK(client.send("part add \(part) \"new \(part)\" cost=2.5")) }
        let set = "[" + Self.receipt([("P-1", "7", "13.3333"), ("N-1", "4", nil)]) + "]"
        let posted = try #require(try daemon.sql("SELECT post_document_set('\(set)'::jsonb)::text").scalar)
        let single = Self.receipt([("P-2", "7", "13.3333"), ("N-2", "4", nil)])
        let alone = try #require(try daemon.sql("""
            SELECT stock_post('\(single)'::jsonb || '{"command":"receive"}')::text
            """).scalar)
        // Balance, average cost and the receipt's line values agree part for part.
        let balances = try daemon.sql("""
            SELECT p.part_no, b.on_hand::text, b.avg_cost::text FROM stock_balance b JOIN part p ON p.id = b.part_id
             WHERE p.part_no IN ('P-1', 'P-2', 'N-1', 'N-2') ORDER BY p.part_no
            """)
        #expect(balances.value(0, "part_no") == "N-1" && balances.value(1, "part_no") == "N-2")
        #expect(balances.value(0, "avg_cost") == "2.5000" && balances.value(1, "avg_cost") == "2.5000")
        #expect(balances.value(2, "on_hand") == "10.000" && balances.value(3, "on_hand") == "10.000")
        // (3 × 10 + 7 × 13.3333) / 10 = 12.33331, kept at four places.
        #expect(balances.value(2, "avg_cost") == "12.3333" && balances.value(3, "avg_cost") == "12.3333")
        // One is json, the other jsonb: they space their colons differently.
        let compact = { (text: String) in text.replacingOccurrences(of: " : ", with: ":").replacingOccurrences(of: ": ", with: ":") }
        for needle in [#""value":"93.33""#, #""value":"10.00""#, #""unit_cost":"13.3333""#, #""total":"103.33""#] {
            #expect(compact(posted).contains(needle), "\(needle) in \(posted)")
            #expect(compact(alone).contains(needle), "\(needle) in \(alone)")
        }
        #expect(try daemon.sql("SELECT count(*) FROM document WHERE doc_type = 'GR' AND counterparty = 'SUP-1'").scalar == "2")
        #expect(try daemon.sql(Self.brokenRunningBalances).scalar == "0")
        #expect(try daemon.sql("SELECT count(*) FROM ledger_discrepancy").scalar == "0")

        // Through the socket, a receipt of several lines prints as it always did.
        let shown = try client.send("receive MAIN P-3:2@4.25 P-4:1 from=SUP-1")
        #expect(shown.code == 201, "\(shown)")
        #expect(shown.description.contains("8.50") && shown.description.contains("11.00"), "\(shown)")
        #expect(try daemon.sql(Self.brokenRunningBalances).scalar == "0")
    }

    /// What the set would re-average line by line, or refuse, is left to the one-by-one path.
    @Test func receiptsTheSetCannotPostAreLeftToTheOneByOnePath() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try daemon.seed(client, parts: [("P-1", "3"), ("P-2", "3")])
        try expectOK(client.send("location add OLD \"Old parts\" kind=oldparts"))
        for batch in ["[\(Self.receipt([("P-1", "1", "2"), ("P-1", "1", "3")]))]",
                      "[\(Self.receipt([("P-1", "1", "2")])),\(Self.receipt([("P-1", "1", "3")]))]",
                      "[\(Self.receipt([("P-1", "1", "2.00001"), ("P-2", "1", nil)]))]",
                      "[\(Self.receipt([("P-1", "1", nil), ("P-2", "1", nil)], location: "OLD"))]",
                      "[\(Self.receipt([("P-1", "1", "-1"), ("P-2", "1", nil)]))]"] {
            #expect(try daemon.sql("SELECT post_document_set('\(batch)'::jsonb) IS NULL").scalar == "t", "\(batch)")
        }
        // Two receipts of one part in one batch re-average one after the other, as they always did.
        let twice = "[\(Self.receipt([("P-1", "1", "20")])),\(Self.receipt([("P-1", "1", "30")]))]"
        #expect(try daemon.sql("SELECT count(*) FROM json_array_elements(post_stock_documents('\(twice)'::jsonb)) r WHERE r::jsonb ? 'reply'").scalar == "2")
        // (3 × 10 + 20) / 4 = 12.5, then (4 × 12.5 + 30) / 5 = 16.
        #expect(try daemon.sql("SELECT b.avg_cost::text FROM stock_balance b JOIN part p ON p.id = b.part_id WHERE p.part_no = 'P-1' AND b.location_id = (SELECT id FROM location WHERE code = 'MAIN')").scalar == "16.0000")
        let old = try client.send("receive OLD P-1:1 P-2:1")
        #expect(old.code == 422 && old.lastText.contains("old-parts location"), "\(old)")
        #expect(try daemon.sql("SELECT count(*) FROM stock_balance WHERE location_id = (SELECT id FROM location WHERE code = 'OLD')").scalar == "0")
        #expect(try daemon.sql(Self.brokenRunningBalances).scalar == "0")
        #expect(try daemon.sql("SELECT count(*) FROM ledger_discrepancy").scalar == "0")
    }

    /// A batch of issues, receipts and a transfer is no set as a whole: its issues post as one
    /// set, its receipts as another, the transfer alone, and every answer comes back in the
    /// batch's order; a document that would be refused is refused alone.
    @Test func aMixedBatchPostsItsIssuesAndItsReceiptsAsSets() throws {
        let daemon = try TestDaemon()
        try daemon.seed(try daemon.connect(), parts: [("P-1", "10"), ("P-2", "10"), ("P-3", "1")])
        let transfer = Self.issue([("P-2", "4")]).replacingOccurrences(of: #""type":"GI""#, with: #""type":"TR","to_location":"BR1""#)
        let batch = "[" + [
            Self.issue([("P-1", "1")]),
            Self.receipt([("P-3", "2", "16")]),
            transfer,
            Self.issue([("P-2", "2"), ("P-1", "3")]),
            Self.issue([("P-3", "5")]),  // 1 on hand, and the receipt of 2 may come after it
            Self.receipt([("P-1", "5", "4")]),
        ].joined(separator: ",") + "]"
        let results = try daemon.sql("""
            SELECT string_agg(coalesce(r->>'sqlstate', r->'reply'->'document'->>'type'), ' ' ORDER BY n)
              FROM json_array_elements(post_stock_documents('\(batch)'::jsonb)) WITH ORDINALITY AS e(r, n)
            """).scalar
        #expect(results == "GI GR TR GI PS409 GR", "\(results ?? "")")
        let balances = try daemon.sql("""
            SELECT string_agg(p.part_no || '@' || l.code || '=' || b.on_hand::text, ' ' ORDER BY p.part_no, l.code)
              FROM stock_balance b JOIN part p ON p.id = b.part_id JOIN location l ON l.id = b.location_id
            """).scalar
        #expect(balances == "P-1@MAIN=11.000 P-2@BR1=4.000 P-2@MAIN=4.000 P-3@MAIN=3.000", "\(balances ?? "")")
        #expect(try daemon.sql(Self.brokenRunningBalances).scalar == "0")
        #expect(try daemon.sql("SELECT count(*) FROM ledger_discrepancy").scalar == "0")
        // The five posted documents, the sets' and the one-by-one path's alike.
        #expect(try daemon.sql("SELECT count(*) FROM document WHERE clerk = 'tester'").scalar == "5")
    }

    /// Issues, receipts and transfers together are one set when stock moves one way at each
    /// part and location: a transfer comes in at the average cost it left at, as one by one.
    @Test func aMixedBatchWithATransferIsOneSet() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try daemon.seed(client, parts: [("P-1", "10"), ("P-2", "10"), ("P-3", "1"), ("P-4", "10")])
        // P-2 and P-4 alike at MAIN: 10 at 10, then 10 more at 13, so 11.5 on average.
        try expectOK(client.send("receive MAIN P-2:10@13 P-4:10@13"))
        let transfer = { (part: String) in
            Self.issue([(part, "4")]).replacingOccurrences(of: #""type":"GI""#, with: #""type":"TR","to_location":"BR1""#)
        }
        let batch = "[" + [Self.issue([("P-1", "1")]), transfer("P-2"), Self.receipt([("P-3", "2", "16")]),
                           Self.issue([("P-1", "2")])].joined(separator: ",") + "]"
        let posted = try #require(try daemon.sql("SELECT post_document_set('\(batch)'::jsonb)::text").scalar)
        #expect(posted.contains(#""to_location" : "BR1""#) && posted.contains(#""to_location_name" : "Branch 1""#), "\(posted)")
        // P-4's transfer one by one, for comparison.
        _ = try daemon.sql("SELECT stock_post('\(transfer("P-4"))'::jsonb)")
        let rows = try daemon.sql("""
            SELECT p.part_no || '@' || l.code || '=' || b.on_hand::text || '/' || b.avg_cost::text AS balance
              FROM stock_balance b JOIN part p ON p.id = b.part_id JOIN location l ON l.id = b.location_id
             ORDER BY p.part_no, l.code
            """).rows.map { $0[0] }
        #expect(rows == ["P-1@MAIN=7.000/10.0000", "P-2@BR1=4.000/11.5000", "P-2@MAIN=16.000/11.5000",
                         "P-3@MAIN=3.000/14.0000", "P-4@BR1=4.000/11.5000", "P-4@MAIN=16.000/11.5000"], "\(rows)")
        // The two transfers' lines and movements are alike but for the part.
        let shapes = try daemon.sql("""
            SELECT string_agg(m.quantity::text || '@' || m.unit_cost::text || '->' || m.balance_after::text || ' ' || dl.value::text,
                              ', ' ORDER BY m.id) AS shape
              FROM document d JOIN document_line dl ON dl.document_id = d.id
              JOIN stock_movement m ON m.document_id = d.id AND m.line_no = dl.line_no
             WHERE d.doc_type = 'TR' GROUP BY d.id ORDER BY d.id
            """).rows.map { $0[0] }
        #expect(shapes.count == 2 && shapes[0] == shapes[1], "\(shapes)")
        #expect(shapes.first == "-4.000@11.5000->16.000 46.00, 4.000@11.5000->4.000 46.00", "\(shapes)")
        #expect(try daemon.sql("SELECT count(*) FROM document WHERE doc_type = 'TR' AND to_location_id IS NOT NULL").scalar == "2")
        #expect(try daemon.sql(Self.brokenRunningBalances).scalar == "0")
        #expect(try daemon.sql("SELECT count(*) FROM ledger_discrepancy").scalar == "0")
        // Stock entering a row twice, or leaving and entering one, is left to the one-by-one path.
        for twice in ["[\(transfer("P-2")),\(transfer("P-2"))]", "[\(transfer("P-2")),\(Self.receipt([("P-2", "1", "1")], location: "BR1"))]",
                      "[\(Self.issue([("P-3", "1")])),\(Self.receipt([("P-3", "1", "1")]))]"] {
            #expect(try daemon.sql("SELECT post_document_set('\(twice)'::jsonb) IS NULL").scalar == "t", "\(twice)")
        }
    }

    @Test func clerksRacingForStockInSharedBatchesNeverOverdrawIt() throws {
        let daemon = try TestDaemon()
        try daemon.seed(try daemon.connect(), parts: [("P-1", "8"), ("P-2", "100")])
        // A slow transaction holds P-1's balance, so the issues below queue up behind it and
        // are posted in batches of several when it ends.
        daemon.hold("SELECT 1 FROM stock_balance b JOIN part p ON p.id = b.part_id WHERE p.part_no = 'P-1' FOR UPDATE",
                    seconds: 3)
        let outcome = raceCodes(12, socketPath: daemon.socketPath) { index in
            "issue MAIN \(index % 3 == 0 ? "P-1:1 P-2:1" : "P-1:1") to=WO-\(index)"
        }
        #expect(outcome.count == 12)
        #expect(outcome.filter { $0 == 201 }.count == 8, "\(outcome)")
        #expect(outcome.filter { $0 == 409 }.count == 4, "\(outcome)")
        let documents = try daemon.sql("SELECT string_agg(doc_no || ' ' || posted_at, ', ' ORDER BY id) FROM document").scalar ?? ""
        #expect(try daemon.sql("SELECT count(DISTINCT posted_at) < count(*) FROM document WHERE doc_type = 'GI'").scalar == "t",
                "the issues were expected to share batches: \(documents)")
        #expect(try daemon.sql("SELECT min(on_hand)::text FROM stock_balance").scalar == "0.000")
        #expect(try daemon.sql(Self.brokenRunningBalances).scalar == "0")
        #expect(try daemon.sql("SELECT count(*) FROM ledger_discrepancy").scalar == "0")
    }
}
