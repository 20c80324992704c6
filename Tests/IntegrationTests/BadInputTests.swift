import Foundation
import PartsClient
import PostgresClient
import Testing

@Suite("bad input")
struct BadInputTests {
    @Test(arguments: [
        ("frobnicate", 400, "unknown command 'frobnicate'; try help"),
        ("part", 400, "part needs a verb: add, set, load, show, list, export"),
        ("issue MAIN \"P-1001:1", 400, "unterminated quote"),
        ("issue MAIN", 400, "usage: issue <location> <part_no>:<qty> ... [to=<whom or work order>] [note=...] [ref=...]"),
        ("issue MAIN P-1001", 400, "'P-1001' is not <part_no>:<qty>"),
        ("issue MAIN P-1001:1 colour=red", 400, "issue takes no argument colour=; usage: issue <location> <part_no>:<qty> ... [to=<whom or work order>] [note=...] [ref=...]"),
        ("issue MAIN P-1001:0", 422, "quantity 0 must be greater than zero"),
        ("issue MAIN P-1001:-2", 422, "-2 must not be negative"),
        ("issue MAIN P-1001:1.2345", 422, "1.2345 has more than 3 decimal places"),
        ("issue MAIN P-1001:1e9", 422, "'1e9' is not a decimal number"),
        ("issue MAIN P-1001:99999999999", 422, "99999999999 is larger than the limit 1000000000"),
        ("issue MAIN P-1001:99999999999999999999999", 422, "'99999999999999999999999' is not a decimal number"),
        ("issue MAIN P-1001:1.5", 422, "P-1001 is counted in PCS: at most 0 decimal places, got 1.5"),
        ("issue MAIN P-1001:1 P-1001:2", 422, "P-1001 appears twice; put its whole quantity on one line"),
        ("issue MAIN P-404:1", 404, "unknown part P-404"),
        ("issue NOWHERE P-1001:1", 404, "unknown location NOWHERE"),
        ("receive MAIN P-1001:1@-3", 422, "-3 must not be negative"),
        ("part add P-2 \"two\" unit=FOO", 422, "unknown unit FOO; known units: BOX, KG, KIT, L, M, PAIR, PCS, ROLL, SET"),
        ("part add \"P 2\" \"two\"", 422, "'P 2' is not a valid part number (letters, digits, _ . / -, up to 40)"),
        ("part add P-1001 \"again\"", 409, "P-1001 already exists"),
        ("location add X1 \"x\" kind=shed", 422, "unknown kind shed; kinds: warehouse, branch, rotation, oldparts, repair, quarantine, transit"),
        ("transfer MAIN MAIN P-1001:1", 422, "a transfer needs two different locations"),
        ("stock list limit=0", 422, "limit must be a whole number from 1 to 1000, got 0"),
        ("doc list since=2026-02-30", 422, "since must be a date like 2026-11-22, got 2026-02-30"),
        ("doc show GI-1999-000001", 404, "no document GI-1999-000001"),
        ("adjust MAIN P-1001:1", 400, "adjust needs reason=\"...\""),
        ("issue MAIN P-1001:1 ref=\"a b\"", 422, "ref must be 1 to 100 characters without spaces"),
    ])
    func eachMistakeGetsItsCodeAndTheSessionGoesOn(line: String, code: Int, message: String) throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try daemon.seed(client)
        let reply = try client.send(line)
        #expect(reply.code == code, "\(line) → \(reply)")
        #expect(reply.lastText == message)
        #expect(try client.send("ping").word == "PONG")
        #expect(try daemon.sql("SELECT on_hand FROM stock_balance").scalar == "5.000")
    }

    @Test func invalidUTF8IsABadRequestAndTheSessionGoesOn() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try client.sendRaw([0x70, 0x69, 0xFF, 0x6E, 0x67, 0x0A])
        let reply = try client.readReply()
        #expect(reply.code == 400)
        #expect(reply.lastText == "request is not valid UTF-8")
        #expect(try client.send("ping").word == "PONG")
    }

    @Test func aLineOverEightKibibytesIsRefusedAndClosed() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        let exactly = "# " + String(repeating: "x", count: 8190)
        try client.writeLine(exactly)
        #expect(try client.send("ping").word == "PONG")
        try client.sendRaw(Array(("ping " + String(repeating: "y", count: 9000) + "\n").utf8))
        let reply = try client.readReply()
        #expect(reply.code == 413)
        #expect(reply.word == "TOO_LONG")
        #expect(throws: AdminClientError.self) { try client.send("ping") }
        #expect(try daemon.connect().send("ping").word == "PONG")
    }

    @Test func connectionsBeyondTheLimitGetBusy() throws {
        let daemon = try TestDaemon(extraArguments: ["--max-connections", "2"])
        // A connection counts until the daemon has seen it close, and TestDaemon's own probe
        // of the socket closed just now: on a loaded machine the first two may meet a 429.
        func admitted() throws -> AdminConnection? {
            for _ in 0..<100 {
                let connection = try daemon.connect()
                if connection.greeting.code == 200 { return connection }
                usleep(20_000)
            }
            return nil
        }
        let first = try #require(try admitted())
        let second = try #require(try admitted())
        #expect(try daemon.connect().greeting.lines == ["429 BUSY too many connections (limit 2); try later"])
        first.close()
        #expect(try second.send("ping").word == "PONG")
        #expect(try admitted() != nil)
    }

    @Test func aSilentClientHoldsNobodyUp() throws {
        let daemon = try TestDaemon()
        let silent = try daemon.connect()
        try silent.sendRaw(Array("pi".utf8))
        #expect(try daemon.connect().send("ping").word == "PONG")
        silent.close()
    }
}
