import PostgresClient
import Testing

/// `Connection.copyIn` and `CopyRows` against a real server: what goes in comes back whole,
/// and a refused COPY is an error like any statement's, leaving nothing and the connection
/// usable.
@Suite("COPY FROM STDIN")
struct CopyInTests {
    private func connection() throws -> (Connection, String) {
        let database = try TestCluster.createDatabase()
        let connection = try Connection(conninfo: TestCluster.conninfo(database: database))
        try connection.execute("CREATE TABLE t (n bigint, q numeric(12,3) CHECK (q >= 0), s text, b boolean)")
        return (connection, database)
    }

    @Test func everyValueComesBackAsItWasWritten() throws {
        let (connection, database) = try connection()
        defer { TestCluster.dropDatabase(database) }
        let texts: [String?] = ["plain", "tab\there", "two\nlines", "carriage\rreturn", #"back\slash"#, #"\N"#, "",
                                "滤清器，机油 \"原厂\"", nil, "\t\n\\"]
        var rows = CopyRows()
        for (index, text) in texts.enumerated() {
            rows.add([0, -42, Int.max, Int.min + 1, 7, 10, 123_456, -1, 99, 5][index])
            rows.add("\(index).250")
            rows.add(text)
            rows.add(index % 2 == 0 ? "t" : "f")
            rows.endRow()
        }
        #expect(rows.count == texts.count)
        #expect(try connection.copyIn("COPY t (n, q, s, b) FROM STDIN", rows) == texts.count)
        let back = try connection.query("SELECT n::text AS n, q::text AS q, s, b::text AS b FROM t ORDER BY q").records
        #expect(try back.map { try $0.text("n") }
                == ["0", "-42", "9223372036854775807", "-9223372036854775807", "7", "10", "123456", "-1", "99", "5"])
        #expect(try back.map { try $0.optionalText("s") } == texts)
        #expect(try back.map { try $0.text("q") } == texts.indices.map { "\($0).250" })
        #expect(try back.map { try $0.text("b") } == texts.indices.map { $0 % 2 == 0 ? "true" : "false" })
    }

    @Test func aRefusedRowRefusesTheCopyAndTheConnectionGoesOn() throws {
        let (connection, database) = try connection()
        defer { TestCluster.dropDatabase(database) }
        var rows = CopyRows()
        for quantity in ["1", "-1", "2"] {
            rows.add(1)
            rows.add(quantity)
            rows.add("x")
            rows.add("t")
            rows.endRow()
        }
        do {
            try connection.copyIn("COPY t (n, q, s, b) FROM STDIN", rows)
            Issue.record("a negative quantity was copied")
        } catch {
            guard case .server(let server) = error else { Issue.record("not a server error: \(error)"); return }
            #expect(server.sqlState == .checkViolation)
        }
        #expect(try connection.query("SELECT count(*)::text AS n FROM t").records[0].text("n") == "0")
        // A statement the server cannot parse, and one that is not a COPY FROM STDIN.
        #expect(throws: PostgresError.self) { try connection.copyIn("COPY nowhere FROM STDIN", rows) }
        do {
            try connection.copyIn("SELECT 1", rows)
            Issue.record("a SELECT was taken for a COPY")
        } catch {
            guard case .decoding = error else { Issue.record("not a decoding error: \(error)"); return }
        }
        #expect(try connection.query("SELECT 2::text AS two").records[0].text("two") == "2")
        // A COPY the other way cannot be left half read: refused, and the connection dropped
        // for the next use to open afresh.
        do {
            try connection.copyIn("COPY t TO STDOUT", rows)
            Issue.record("a COPY TO STDOUT was taken for a COPY FROM STDIN")
        } catch {
            guard case .decoding = error else { Issue.record("not a decoding error: \(error)"); return }
        }
        #expect(!connection.isConnected)
        try connection.ensureConnected()
        #expect(try connection.query("SELECT 3::text AS three").records[0].text("three") == "3")
    }
}
