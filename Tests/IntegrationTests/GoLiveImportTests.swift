import Foundation
import PartsClient
import PostgresClient
import Testing

/// partsctl's go-live imports and exports against a real daemon: the CSV a dealer system
/// saves (quoted fields, GB18030, a BOM), bad rows named by line and column, reruns that post
/// nothing twice, and exports that import again as they were.
@Suite("partsctl --import-parts, --import-stock, --import-count and the exports")
struct GoLiveImportTests {
    let partsctl = TestCluster.binary("partsctl")

    private func write(_ text: String, _ name: String, in daemon: TestDaemon) throws -> String {
        let path = daemon.directory.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    private func partsctl(_ daemon: TestDaemon, _ arguments: [String]) throws -> (status: Int32, output: String) {
        try TestCluster.run(partsctl, ["--socket", daemon.socketPath] + arguments)
    }

    private func locations(_ daemon: TestDaemon) throws {
        let client = try daemon.connect()
        try expectOK(client.send("location add MAIN \"Main warehouse\""))
        try expectOK(client.send("location add BR1 \"Branch 1\" kind=branch"))
    }

    @Test func quotedFieldsWithCommasQuotesAndLineBreaksImportByHeaderName() throws {
        let daemon = try TestDaemon()
        // Columns in an order of their own; a description with a comma, doubled quotes, and a
        // line break (CR LF inside the quotes) that the part's one-line description gets as a space.
        let csv = "cost,description,part_no,unit,lead_days\r\n"
            + "12.50,\"Brake pad, front\",P-1,SET,14\r\n"
            + "3,\"Bolt \"\"M8\"\" 8.8\",P-2,,\r\n"
            + "7.1,\"Wiper blade\r\nleft side\",P-3,PCS,\r\n"
            + "1,Plain,P-4,PCS,2\r\n"
        let file = try write(csv, "parts.csv", in: daemon)
        let run = try partsctl(daemon, ["--import-parts", file])
        #expect(run.status == 0, "\(run.output)")
        #expect(run.output.contains("4 parts added, 0 unchanged, 0 rejected"), "\(run.output)")
        let rows = try daemon.sql("SELECT part_no, description, unit, cost::text, lead_days::text FROM part ORDER BY part_no").rows
        #expect(rows == [["P-1", "Brake pad, front", "SET", "12.5000", "14"], ["P-2", "Bolt \"M8\" 8.8", "PCS", "3.0000", nil],
                         ["P-3", "Wiper blade left side", "PCS", "7.1000", nil], ["P-4", "Plain", "PCS", "1.0000", "2"]])
        // The same file again changes nothing; a changed cost updates just that part.
        let again = try partsctl(daemon, ["--import-parts", file])
        #expect(again.output.contains("0 parts added, 4 unchanged, 0 rejected"), "\(again.output)")
        let changed = try write(csv.replacingOccurrences(of: "1,Plain,P-4", with: "1.25,Plain,P-4"), "changed.csv", in: daemon)
        let update = try partsctl(daemon, ["--import-parts", changed])
        #expect(update.output.contains("0 parts added, 1 updated, 3 unchanged, 0 rejected"), "\(update.output)")
        #expect(try daemon.sql("SELECT cost::text FROM part WHERE part_no = 'P-4'").scalar == "1.2500")
    }

    @Test func chineseDescriptionsInGB18030AndInUTF8WithAByteOrderMark() throws {
        let daemon = try TestDaemon()
        let utf8 = "part_no,description,unit\n" + "P-10,\"前刹车片，陶瓷\",SET\n" + "P-11,机油滤清器 “原厂”,PCS\n"
        let source = try write(utf8, "utf8.csv", in: daemon)
        let gb = daemon.directory.appendingPathComponent("gb.csv").path
        let converted = try TestCluster.run("/usr/bin/iconv", ["-f", "UTF-8", "-t", "GB18030", "-o", gb, source])
        #expect(converted.status == 0, "\(converted.output)")
        // Read as UTF-8, GB18030 is refused with the line of its first bad byte, not mangled.
        let wrong = try partsctl(daemon, ["--import-parts", gb])
        #expect(wrong.status == 1)
        #expect(wrong.output.contains("gb.csv:2: not valid UTF-8 (is it GB18030? try --encoding gb18030)"), "\(wrong.output)")
        let run = try partsctl(daemon, ["--import-parts", gb, "--encoding", "gb18030"])
        #expect(run.status == 0, "\(run.output)")
        #expect(try daemon.sql("SELECT description FROM part ORDER BY part_no").rows == [["前刹车片，陶瓷"], ["机油滤清器 “原厂”"]])

        let bom = daemon.directory.appendingPathComponent("bom.csv")
        try Data([0xEF, 0xBB, 0xBF] + Array("part_no,description\nP-12,左后视镜\n".utf8)).write(to: bom)
        let withBOM = try partsctl(daemon, ["--import-parts", bom.path])
        #expect(withBOM.status == 0, "\(withBOM.output)")
        #expect(try daemon.sql("SELECT description FROM part WHERE part_no = 'P-12'").scalar == "左后视镜")

        // An export in GB18030 is the same text in the other encoding.
        let out = daemon.directory.appendingPathComponent("out.csv").path
        let export = try partsctl(daemon, ["--export-parts", out, "--encoding", "gb18030"])
        #expect(export.status == 0, "\(export.output)")
        let back = try TestCluster.run("/usr/bin/iconv", ["-f", "GB18030", "-t", "UTF-8", out])
        #expect(back.output.contains("P-10,前刹车片，陶瓷,SET,0.0000,,1.000,,,no,no,\r\n"), "\(back.output)")
    }

    @Test func anUnknownColumnIsNamedAndNothingIsSent() throws {
        let daemon = try TestDaemon()
        let file = try write("part_no,description,colour,Size\nP-1,x,red,9\n", "parts.csv", in: daemon)
        let run = try partsctl(daemon, ["--import-parts", file])
        #expect(run.status == 1)
        #expect(run.output.contains("parts.csv:1: unknown columns 'colour', 'size'; known: part_no, description"), "\(run.output)")
        #expect(try daemon.sql("SELECT count(*) FROM part").scalar == "0")
        let stock = try write("location,part,quantity\n", "stock.csv", in: daemon)
        let missing = try partsctl(daemon, ["--import-stock", stock])
        #expect(missing.output.contains("stock.csv:1: unknown column 'part'"), "\(missing.output)")
    }

    @Test func aBadRowStopsTheImportOrGoesToTheRejectsFile() throws {
        let daemon = try TestDaemon()
        let csv = "part_no,description,cost\n" + "P-1,one,1\n" + "P-2,\"two,\nlines\",abc\n" + "P-3,three,3\n"
            + "P-1,again,1\n" + "P 4,four,4\n" + "P-5,five,1,extra\n" + "P-6,six,6\n"
        let file = try write(csv, "parts.csv", in: daemon)
        let stop = try partsctl(daemon, ["--import-parts", file])
        #expect(stop.status == 1)
        #expect(stop.output.contains("parts.csv:3: column cost: 'abc' is not a decimal number"), "\(stop.output)")
        #expect(stop.output.contains("1 parts added, 0 unchanged, 1 rejected"), "\(stop.output)")
        #expect(stop.output.contains("stopped at the first error"), "\(stop.output)")
        #expect(try daemon.sql("SELECT part_no FROM part ORDER BY 1").rows == [["P-1"]])

        let rejects = daemon.directory.appendingPathComponent("rejects.csv").path
        let goOn = try partsctl(daemon, ["--import-parts", file, "--rejects", rejects])
        #expect(goOn.status == 1)
        #expect(goOn.output.contains("2 parts added, 1 unchanged, 4 rejected (written to \(rejects))"), "\(goOn.output)")
        #expect(try daemon.sql("SELECT part_no FROM part ORDER BY 1").rows == [["P-1"], ["P-3"], ["P-6"]])
        let written = try String(contentsOfFile: rejects, encoding: .utf8)
        #expect(written == "part_no,description,cost,reject_reason\r\n"
            + "P-2,\"two,\nlines\",abc,line 3: column cost: 'abc' is not a decimal number\r\n"
            + "P-1,again,1,line 6: column part_no: P-1 is on line 2 already\r\n"
            + "P 4,four,4,\"line 7: column part_no: 'P 4' is not a valid part number (letters, digits, _ . / -, up to 40)\"\r\n"
            + "P-5,five,1,\"line 8: 4 fields, the header has 3\"\r\n", "\(written)")
        // The rejects file, fixed, imports as it is: its reason column is read past.
        let fixed = try write(written.replacingOccurrences(of: "abc", with: "2").replacingOccurrences(of: "P 4", with: "P-4")
            .replacingOccurrences(of: "P-1,again", with: "P-7,again"),
                              "fixed.csv", in: daemon)
        let rerun = try partsctl(daemon, ["--import-parts", fixed])
        #expect(rerun.status == 0, "\(rerun.output)")
        #expect(try daemon.sql("SELECT count(*) FROM part").scalar == "7")
    }

    /// Rows go as part load requests, a row refused by the daemon on its own: with --rejects
    /// it is written there with the daemon's reason and the rest goes in; without, the import
    /// stops after the request that carried it.
    @Test func aRowTheDaemonRefusesIsRejectedWithItsReason() throws {
        let daemon = try TestDaemon()
        var csv = "part_no,description,unit\n"
        for index in 1...60 { csv += "P-\(index),part \(index),\(index == 4 ? "CRATE" : "PCS")\n" }
        // Values that unquoted would read as a named argument and a flag, and an empty one.
        csv += "P-61,ratio=2,\nP-62,--x,PCS\n"
        let file = try write(csv, "parts.csv", in: daemon)
        let stop = try partsctl(daemon, ["--import-parts", file, "--batch", "2", "--connections", "1"])
        #expect(stop.status == 1)
        #expect(stop.output.contains("parts.csv:5: 422 unknown unit CRATE"), "\(stop.output)")
        #expect(stop.output.contains("not sent; stopped at the first error"), "\(stop.output)")
        // What was in flight went in, but for the bad row; what was not sent yet did not.
        let loaded = Int(try daemon.sql("SELECT count(*) FROM part").scalar ?? "") ?? 0
        #expect((3..<61).contains(loaded), "\(stop.output)")

        let rejects = daemon.directory.appendingPathComponent("rejects.csv").path
        let goOn = try partsctl(daemon, ["--import-parts", file, "--batch", "2", "--rejects", rejects])
        #expect(goOn.status == 1)
        #expect(goOn.output.contains("\(61 - loaded) parts added, \(loaded) unchanged, 1 rejected"), "\(goOn.output)")
        let written = try String(contentsOfFile: rejects, encoding: .utf8)
        #expect(written == "part_no,description,unit,reject_reason\r\nP-4,part 4,CRATE,\"line 5: 422 unknown unit CRATE; known units: BOX, KG, KIT, L, M, PAIR, PCS, ROLL, SET\"\r\n",
                "\(written)")
        #expect(try daemon.sql("SELECT count(*) FROM part").scalar == "61")
        #expect(try daemon.sql("SELECT string_agg(description || ' ' || unit, '; ' ORDER BY part_no) FROM part WHERE part_no IN ('P-61', 'P-62')").scalar
                == "ratio=2 PCS; --x PCS")
    }

    @Test func openingStockIsPostedInBatchesAndARerunPostsNothingTwice() throws {
        let daemon = try TestDaemon()
        try locations(daemon)
        var parts = "part_no,description,cost\n", stock = "part_no,quantity,location,unit_cost\n"
        for index in 1...25 {
            parts += "P-\(index),part \(index),2\n"
            stock += "P-\(index),\(index),\(index % 2 == 0 ? "MAIN" : "BR1"),\(index).5\n"
        }
        stock += "P-404,1,MAIN,1\n"
        let partsFile = try write(parts, "parts.csv", in: daemon), stockFile = try write(stock, "stock.csv", in: daemon)
        #expect(try partsctl(daemon, ["--import-parts", partsFile]).status == 0)
        let rejects = daemon.directory.appendingPathComponent("rejects.csv").path
        let first = try partsctl(daemon, ["--import-stock", stockFile, "--batch", "5", "--rejects", rejects])
        #expect(first.status == 1, "\(first.output)")
        #expect(first.output.contains("25 opening balances added, 0 unchanged, 1 rejected"), "\(first.output)")
        #expect(try String(contentsOfFile: rejects, encoding: .utf8).contains("line 27: column part_no: unknown part P-404 (import the parts first)"))
        // 12 at MAIN and 13 at BR1, five lines a receipt: 3 and 3 receipts.
        #expect(try daemon.sql("SELECT count(*), sum(line_count) FROM (SELECT d.id, count(*) AS line_count FROM document d JOIN document_line l ON l.document_id = d.id WHERE d.doc_type = 'GR' GROUP BY d.id) x").rows == [["6", "25"]])
        #expect(try daemon.sql("SELECT sum(on_hand)::text, sum(on_hand * avg_cost)::text FROM stock_balance").rows == [["325.000", "5687.5000000"]])
        #expect(try daemon.sql("SELECT count(*) FROM client_request WHERE ref LIKE 'open-%'").scalar == "6")

        // A rerun replays nothing new; an edited quantity is refused rather than posted again.
        let again = try partsctl(daemon, ["--import-stock", stockFile, "--batch", "5", "--rejects", rejects])
        #expect(again.output.contains("0 opening balances added, 25 unchanged, 1 rejected"), "\(again.output)")
        let edited = try write(stock.replacingOccurrences(of: "P-4,4,MAIN", with: "P-4,40,MAIN"), "edited.csv", in: daemon)
        let refused = try partsctl(daemon, ["--import-stock", edited])
        #expect(refused.output.contains("edited.csv:5: column quantity: MAIN already holds 4 of P-4; an opening balance is posted once"), "\(refused.output)")
        #expect(try daemon.sql("SELECT count(*) FROM document WHERE doc_type = 'GR'").scalar == "6")
        // The receipts carry the note the opening stock is known by.
        #expect(try daemon.sql("SELECT DISTINCT note FROM document WHERE doc_type = 'GR'").rows == [["opening balance"]])
    }

    /// Units of a serialised part open one row each, by serial; a serial twice, a missing one
    /// or a quantity other than 1 is a bad row, and a serial the daemon knows is refused by it.
    @Test func serialisedPartsOpenUnitByUnit() throws {
        let daemon = try TestDaemon()
        try locations(daemon)
        let partsFile = try write("part_no,description,cost,serialized\nALT-1,alternator,400,yes\nF-1,filter,2,no\n", "parts.csv", in: daemon)
        #expect(try partsctl(daemon, ["--import-parts", partsFile]).status == 0)
        let stock = """
            location,part_no,quantity,unit_cost,serial
            MAIN,ALT-1,1,420,A-001
            MAIN,ALT-1,1,,A-002
            BR1,ALT-1,1,410,A-003
            MAIN,F-1,10,2.5,
            MAIN,ALT-1,1,420,A-001
            MAIN,ALT-1,1,420,
            MAIN,ALT-1,2,420,A-009
            MAIN,F-1,1,2,X-1
            MAIN,ALT-1,1,420,bad serial

            """
        let rejects = daemon.directory.appendingPathComponent("rejects.csv").path
        let first = try partsctl(daemon, ["--import-stock", try write(stock, "stock.csv", in: daemon), "--rejects", rejects])
        #expect(first.output.contains("4 opening balances added, 0 unchanged, 5 rejected"), "\(first.output)")
        let rejected = try String(contentsOfFile: rejects, encoding: .utf8)
        for reason in ["line 6: column serial: ALT-1#A-001 is on line 2 already",
                       "line 7: column serial: ALT-1 is serialised: give each unit a row of its own with its serial",
                       "line 8: column quantity: a unit is one piece: ALT-1#A-009 cannot have 2",
                       "line 9: column serial: F-1 is not serialised: leave its serial empty",
                       "line 10: column serial: 'bad serial' is not a valid serial"] {
            #expect(rejected.contains(reason), "\(reason) in \(rejected)")
        }
        #expect(try daemon.sql("""
            SELECT string_agg(u.serial || '@' || l.code, ' ' ORDER BY u.serial) FROM unit u JOIN location l ON l.id = u.location_id
            """).scalar == "A-001@MAIN A-002@MAIN A-003@BR1")
        #expect(try daemon.sql("SELECT count(*) FROM ledger_discrepancy").scalar == "0")
        // A unit the daemon already has is its refusal, named by the receipt it was on.
        let known = try write("location,part_no,quantity,serial\nBR1,ALT-1,1,A-002\n", "known.csv", in: daemon)
        let refused = try partsctl(daemon, ["--import-stock", known])
        #expect(refused.status == 1 && refused.output.contains("A-002"), "\(refused.output)")
        #expect(try daemon.sql("SELECT count(*) FROM unit").scalar == "3")
    }

    @Test func anExportImportsIntoAFreshDatabaseAsTheSamePartsAndStock() throws {
        let old = try TestDaemon()
        try locations(old)
        let parts = "part_no,description,unit,cost,category,pack,lead_days,supplier,warranty_return,serialized\n"
            + "A-1,\"Filter, oil \"\"OEM\"\"\",PCS,4.25,FILTER,10,7,,yes,no\n" + "A-2,刹车盘,SET,88,BRAKE,1,,,no,no\n"
            + "A-3,Coolant,L,3.1234,,1,30,,no,no\n"
        let stock = "location,part_no,quantity,unit_cost\n" + "MAIN,A-1,40,4.25\n" + "BR1,A-1,5,4.5\n" + "MAIN,A-3,12.5,3\n"
        #expect(try partsctl(old, ["--import-parts", try write(parts, "parts.csv", in: old)]).status == 0)
        #expect(try partsctl(old, ["--import-stock", try write(stock, "stock.csv", in: old)]).status == 0)
        let partsOut = old.directory.appendingPathComponent("parts-out.csv").path
        let stockOut = old.directory.appendingPathComponent("stock-out.csv").path
        #expect(try partsctl(old, ["--export-parts", partsOut, "--encoding", "gb18030"]).output.contains("wrote 3 rows"))
        #expect(try partsctl(old, ["--export-stock", stockOut]).output.contains("wrote 3 rows"))

        let fresh = try TestDaemon()
        try locations(fresh)
        let importedParts = try partsctl(fresh, ["--import-parts", partsOut, "--encoding", "gb18030"])
        #expect(importedParts.output.contains("3 parts added"), "\(importedParts.output)")
        let importedStock = try partsctl(fresh, ["--import-stock", stockOut])
        #expect(importedStock.output.contains("3 opening balances added"), "\(importedStock.output)")
        let partsQuery = "SELECT part_no, description, unit, cost, category, pack, lead_days, supplier, warranty_return, serialized FROM part ORDER BY part_no"
        let stockQuery = "SELECT l.code, p.part_no, b.on_hand, b.avg_cost FROM stock_balance b JOIN part p ON p.id = b.part_id JOIN location l ON l.id = b.location_id ORDER BY 1, 2"
        #expect(try fresh.sql(partsQuery).rows == old.sql(partsQuery).rows)
        #expect(try fresh.sql(stockQuery).rows == old.sql(stockQuery).rows)
        #expect(try fresh.sql(stockQuery).rows.count == 3)
    }

    @Test func aFilledInCountSheetPostsOneAdjustPerLocation() throws {
        let daemon = try TestDaemon()
        try locations(daemon)
        let client = try daemon.connect()
        for part in ["C-1", "C-2", "C-3"] { try expectOK(client.send("part add \(part) \"count \(part)\" cost=1")) }
        try expectOK(client.send("receive MAIN C-1:10 C-2:4 C-3:1"))
        try expectOK(client.send("receive BR1 C-1:2"))
        let printed = try client.send("count sheet MAIN")
        #expect(printed.lines.contains { $0.contains("盘点表 COUNT SHEET") && $0.hasSuffix("MAIN") }, "\(printed)")
        #expect(printed.lines.last == "200 OK 3 parts at MAIN")

        let sheet = daemon.directory.appendingPathComponent("sheet.csv").path
        #expect(try partsctl(daemon, ["--export-count", sheet, "--location", "MAIN"]).status == 0)
        let blank = try String(contentsOfFile: sheet, encoding: .utf8)
        #expect(blank == "location,part_no,description,unit,counted\r\nMAIN,C-1,count C-1,PCS,\r\nMAIN,C-2,count C-2,PCS,\r\nMAIN,C-3,count C-3,PCS,\r\n")
        // Counted in a different order, the branch's line added at the end.
        let filled = "location,part_no,description,unit,counted\r\nMAIN,C-1,count C-1,PCS,9\r\nMAIN,C-3,count C-3,PCS,0\r\n"
            + "BR1,C-1,,,2\r\nMAIN,C-2,count C-2,PCS,6\r\n"
        let file = try write(filled, "filled.csv", in: daemon)
        let run = try partsctl(daemon, ["--import-count", file])
        #expect(run.status == 0, "\(run.output)")
        #expect(try daemon.sql("SELECT l.code, count(*) FROM document d JOIN location l ON l.id = d.location_id WHERE d.doc_type = 'AD' GROUP BY 1 ORDER BY 1").rows
            == [["BR1", "1"], ["MAIN", "1"]])
        #expect(try daemon.sql("SELECT p.part_no, b.on_hand::text FROM stock_balance b JOIN part p ON p.id = b.part_id JOIN location l ON l.id = b.location_id WHERE l.code = 'MAIN' ORDER BY 1").rows
            == [["C-1", "9.000"], ["C-2", "6.000"], ["C-3", "0.000"]])
        // Again: the same adjusts, replayed.
        #expect(try partsctl(daemon, ["--import-count", file]).status == 0)
        #expect(try daemon.sql("SELECT count(*) FROM document WHERE doc_type = 'AD'").scalar == "2")

        let uncounted = try write("location,part_no,counted\nMAIN,C-1,\n", "uncounted.csv", in: daemon)
        let refused = try partsctl(daemon, ["--import-count", uncounted])
        #expect(refused.output.contains("uncounted.csv:2: column counted: not counted: write the count (0 for none found)"), "\(refused.output)")
    }
}
