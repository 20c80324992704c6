import Foundation
import PartsClient
import PostgresClient
import Testing

@Suite("partsctl --import-history")
struct HistoryImportTests {
    /// 250 weekly lines for one part (three commands of at most 100), one line with a quoted
    /// field for another, a header: all of it lands once, however often the import runs.
    @Test func aCSVOfPastDemandIsImportedInBatchesAndOnlyOnce() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try daemon.seed(client, parts: [("P-1", "1"), ("P-2", "1")])
        let dates = try daemon.sql("SELECT (current_date - 7 * k)::text FROM generate_series(1, 250) k").rows.map { $0[0]! }
        var csv = "part_no,location,date,quantity\r\n"
        csv += dates.map { "P-1,MAIN,\($0),2\r\n" }.joined()
        csv += "\"P-2\",MAIN,\(dates[0]),1.5\n"
        let file = daemon.directory.appendingPathComponent("history.csv")
        try csv.write(to: file, atomically: true, encoding: .utf8)
        let partsctl = TestCluster.binary("partsctl")
        let first = try TestCluster.run(partsctl, ["--socket", daemon.socketPath, "--import-history", file.path])
        #expect(first.status == 0, "\(first.output)")
        #expect(first.output.contains("imported 251 history lines from \(file.path) in 4 commands"), "\(first.output)")
        let again = try TestCluster.run(partsctl, ["--socket", daemon.socketPath, "--import-history", file.path])
        #expect(again.status == 0, "\(again.output)")
        #expect(try daemon.sql("SELECT count(*), sum(quantity) FROM demand_history").rows == [["251", "501.500"]])
        #expect(try daemon.sql("SELECT count(*) FROM client_request WHERE ref LIKE 'csv-%'").scalar == "4")
    }

    @Test func aBadRowStopsTheImportWithItsLineNumber() throws {
        let daemon = try TestDaemon()
        try daemon.seed(try daemon.connect())
        let file = daemon.directory.appendingPathComponent("bad.csv")
        try "P-1001,MAIN,2026-01-05,1\nP-1001,MAIN,yesterday,1\nP-1001,MAIN,2026-01-12,1\n".write(to: file, atomically: true, encoding: .utf8)
        let partsctl = TestCluster.binary("partsctl")
        let run = try TestCluster.run(partsctl, ["--socket", daemon.socketPath, "--import-history", file.path])
        #expect(run.status == 1)
        #expect(run.output.contains("bad.csv:2: column date: 'yesterday' is not a date like 2026-11-22"), "\(run.output)")
        // What came before the bad row was sent; nothing after it.
        #expect(try daemon.sql("SELECT demand_date::text FROM demand_history").rows == [["2026-01-05"]])

        let unknown = daemon.directory.appendingPathComponent("unknown.csv")
        try "P-404,MAIN,2026-01-05,1\n".write(to: unknown, atomically: true, encoding: .utf8)
        let refused = try TestCluster.run(partsctl, ["--socket", daemon.socketPath, "--import-history", unknown.path])
        #expect(refused.status == 1)
        #expect(refused.output.contains("404 NOT_FOUND unknown part P-404"), "\(refused.output)")
    }
}
