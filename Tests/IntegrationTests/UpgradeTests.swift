import Foundation
import PartsClient
import PartsDomain
import PostgresClient
import Testing

/// A database made by the last release, with documents, transfer orders, exceptions and refs
/// posted by that release's own SQL, upgraded by this build's `partsd migrate`.
///
/// The release's migrations are frozen in Fixtures/schema-0.1.0.tar.gz (`git archive d677c07
/// sql/0*.sql`): applied here as 0.1.0's migrator applied them, with the checksums it recorded.
@Suite("upgrading a 0.1.0 database")
struct UpgradeTests {
    @Test func everyBalanceDocumentAndRefSurvivesAndRetriesStillReplay() throws {
        let database = "u_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        try TestCluster.admin("CREATE DATABASE \(database)")
        defer { TestCluster.dropDatabase(database) }
        let conninfo = try TestCluster.conninfo(database: database)
        let old = try Connection(conninfo: conninfo)
        try Self.applyRelease(old)
        try Self.postAsTheReleaseDid(old)

        let before = try Self.state(old)
        #expect(before.documents.count == 5, "\(before.documents.keys.sorted())")
        #expect(before.refs.count == 5)

        let migrated = try TestCluster.run(TestCluster.binary("partsd"), ["migrate", "--database", conninfo, "--log-level", "warning"])
        #expect(migrated.status == 0, "\(migrated.output)")
        let upgraded = try Connection(conninfo: conninfo)
        let after = try Self.state(upgraded)
        #expect(after.balances == before.balances)
        #expect(after.documents == before.documents)
        #expect(after.refs == before.refs)
        #expect(try upgraded.query("SELECT count(*) FROM ledger_discrepancy").scalar == "0")
        #expect(try upgraded.query("SELECT count(*) FROM client_request WHERE reply IS NULL").scalar == "0")
        // The release's functions are gone, this build's are in place; a second migrate finds nothing to do.
        #expect(try upgraded.query("SELECT count(*) FROM pg_proc WHERE proname IN ('claim_request', 'replayed_document', 'post_stock_documents_one_by_one')").scalar == "0")
        let again = try TestCluster.run(TestCluster.binary("partsd"), ["migrate", "--database", conninfo])
        #expect(again.output.contains("schema up to date"), "\(again.output)")

        // Retries of requests the release answered replay its answers through this build.
        let daemon = try TestDaemon(database: database, conninfo: conninfo)
        let client = try daemon.connect()
        let issued = try client.send("issue MAIN P-1:2 to=WO-1 ref=old-gi")
        #expect(issued.code == 201, "\(issued)")
        #expect(issued.lastText == before.refs["old-gi"])
        #expect(issued.body.contains { $0.contains("WO-1") })
        let shipped = try client.send("ship MAIN BR1 P-2:3 ref=old-ship")
        #expect(shipped.code == 201, "\(shipped)")
        #expect(shipped.lastText.hasPrefix("TO-"))
        let added = try client.send("location add MAIN \"Main warehouse\" ref=old-loc")
        #expect(added.lines == ["200 OK location MAIN added"])
        #expect(try client.send("issue MAIN P-1:3 ref=old-gi").code == 409)
        #expect(try daemon.sql("SELECT count(*) FROM document").scalar == "5")
        // And new work posts on the upgraded books.
        #expect(try client.send("issue MAIN P-1:1 ref=new-gi").code == 201)
        #expect(try daemon.sql("SELECT count(*) FROM ledger_discrepancy").scalar == "0")
    }

    /// Balances, every document as document_json prints it, and every ref's number.
    private static func state(_ connection: Connection) throws -> (balances: [String], documents: [String: String], refs: [String: String]) {
        let balances = try connection.query("""
            SELECT concat_ws(' ', p.part_no, l.code, b.on_hand, b.reserved, b.avg_cost) AS line
              FROM stock_balance b JOIN part p ON p.id = b.part_id JOIN location l ON l.id = b.location_id
             ORDER BY 1
            """).records.map { try $0.text("line") }
        var documents: [String: String] = [:]
        for row in try connection.query("SELECT doc_no, document_json(doc_no)::text AS json FROM document").records {
            documents[try row.text("doc_no")] = try row.text("json")
        }
        var refs: [String: String] = [:]
        for row in try connection.query("SELECT ref, coalesce(doc_no, message) AS key FROM client_request").records {
            refs[try row.text("ref")] = try row.text("key")
        }
        return (balances, documents, refs)
    }

    /// The release's migrations, each with the checksum its migrator recorded.
    private static func applyRelease(_ connection: Connection) throws {
        let fixture = try #require(Bundle.module.url(forResource: "schema-0.1.0", withExtension: "tar.gz", subdirectory: "Fixtures"))
        let directory = NSTemporaryDirectory() + "rel-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let unpacked = try TestCluster.run("/bin/tar", ["xzf", fixture.path, "-C", directory])
        guard unpacked.status == 0 else { throw TestFailure("tar: \(unpacked.output)") }
        try connection.execute("""
            CREATE TABLE schema_migration (version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,
                                           applied_at timestamptz NOT NULL DEFAULT now())
            """)
        let files = try FileManager.default.contentsOfDirectory(atPath: directory + "/sql").filter { $0.hasSuffix(".sql") }.sorted()
        #expect(files.count == 10)
        for file in files {
            let text = try String(contentsOfFile: directory + "/sql/" + file, encoding: .utf8)
            try connection.transaction { () throws(PostgresError) in
                try connection.execute(text)
                try connection.query("INSERT INTO schema_migration (version, name, checksum) VALUES ($1, $2, md5($3))",
                                     [String(Int(file.prefix(3))!), file, text])
            }
        }
    }

    /// What 0.1.0's daemon would have sent its functions: master data, a receipt, issues
    /// with and without a ref, a shipment to a branch, an exception, and a master-data change
    /// with a ref (which its Swift code recorded with record_request).
    private static func postAsTheReleaseDid(_ connection: Connection) throws {
        let actor = #""actor": {"uid": 0, "user": "root", "role": "admin"}"#
        let separator = "\u{1F}"
        /// As the release wrote it into its JSON: quoted, the separator escaped.
        func fingerprint(_ words: String...) -> String { String(JSONString.quoted(words.joined(separator: separator)).dropFirst().dropLast()) }
        try connection.execute("""
            INSERT INTO location (code, name) VALUES ('MAIN', 'Main warehouse');
            INSERT INTO location (code, name, kind) VALUES ('BR1', 'Branch 1', 'branch');
            INSERT INTO part (part_no, description, cost) VALUES ('P-1', 'alternator', 10), ('P-2', 'brake pad', 4);
            """)
        try connection.query("SELECT record_request('old-loc', $1, 200, NULL, 'location MAIN added', 'root')",
                             [["location", "add", "MAIN", "Main warehouse"].joined(separator: separator)])
        let receipt = """
            {"type": "GR", "location": "MAIN", "counterparty": "SUP-1", \(actor), "command": "receive MAIN P-1:10@11 P-2:20@4 ref=old-gr",
             "ref": "old-gr", "fingerprint": "\(fingerprint("receive", "MAIN", "P-1:10@11", "P-2:20@4", "from=SUP-1"))",
             "lines": [{"part_no": "P-1", "quantity": "10", "unit_cost": "11"}, {"part_no": "P-2", "quantity": "20", "unit_cost": "4"}]}
            """
        let issue = """
            {"type": "GI", "location": "MAIN", "counterparty": "WO-1", \(actor), "command": "issue MAIN P-1:2 to=WO-1 ref=old-gi",
             "ref": "old-gi", "fingerprint": "\(fingerprint("issue", "MAIN", "P-1:2", "to=WO-1"))",
             "lines": [{"part_no": "P-1", "quantity": "2"}]}
            """
        let plain = #"{"type": "GI", "location": "MAIN", \#(actor), "command": "issue MAIN P-2:1", "lines": [{"part_no": "P-2", "quantity": "1"}]}"#
        let posted = try connection.query("SELECT post_stock_documents($1::jsonb)::text", ["[\(receipt),\(issue),\(plain)]"]).scalar ?? ""
        #expect(!posted.contains("sqlstate"), "\(posted)")
        let shipment = """
            {"location": "MAIN", "to_location": "BR1", \(actor), "command": "ship MAIN BR1 P-2:3 ref=old-ship", "ref": "old-ship",
             "fingerprint": "\(fingerprint("ship", "MAIN", "BR1", "P-2:3"))", "lines": [{"part_no": "P-2", "quantity": "3"}]}
            """
        try connection.query("SELECT ship_transfer_order($1::jsonb)", [shipment])
        let grNo = try #require(try connection.query("SELECT doc_no FROM document WHERE doc_type = 'GR'").scalar)
        let exception = """
            {"part_no": "P-1", "quantity": "1", "kind": "damaged", \(actor), "command": "exception new \(grNo) P-1:1 kind=damaged ref=old-ex",
             "ref": "old-ex", "fingerprint": "\(fingerprint("exception", "new", grNo, "P-1:1", "kind=damaged"))"}
            """
        try connection.query("SELECT raise_exception($1::jsonb, $2)", [exception, grNo])
    }
}
