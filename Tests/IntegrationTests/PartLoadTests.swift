import Foundation
import Synchronization
import PartsClient
import PostgresClient
import Testing

/// `part load`: many parts a request, each row added, changed, left or refused on its own, in
/// one transaction (part_load in sql/functions/master_data.sql).
@Suite("part load")
struct PartLoadTests {
    private func rows(_ reply: Reply) throws -> [[String: Any]] {
        let json = try #require(reply.json, "\(reply)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        return try #require(object["rows"] as? [[String: Any]], "\(json)")
    }

    private func outcomes(_ reply: Reply) throws -> [String] {
        try rows(reply).map { row in
            "\(row["part_no"] ?? "?") \(row["outcome"] ?? "?") \(row["code"] ?? "?")"
        }
    }

    @Test func eachRowIsAddedChangedLeftOrRefusedOnItsOwn() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try daemon.seed(client, parts: [("E-2", "5")])
        try expectOK(client.send("part add E-1 \"held as it is\" cost=1.00 lead_days=7"))
        try expectOK(client.send("part add E-3 \"to be changed\" cost=1"))
        try expectOK(client.send("format json"))
        let line = "part load columns=part_no,description,unit,cost,lead_days"
            + " N-1 \"new, with a comma\" \"\" 2.50 14"   // added
            + " E-1 \"\" \"\" 1 7"                         // unchanged: 1 is 1.00
            + " E-1 \"again\" \"\" \"\" \"\""              // the part twice
            + " E-3 \"changed now\" \"\" 3 \"\""           // changed
            + " N-2 \"\" \"\" 5 \"\""                      // new, but no description
            + " N-3 \"crated\" CRATE \"\" \"\""            // unknown unit
            + " E-2 \"\" L \"\" \"\""                      // its unit cannot change: it has stock
            + " \"bad no\" x \"\" \"\" \"\""               // not a part number
            + " N-4 \"bad cost\" \"\" abc \"\""            // not a number
            + " N-5 \"ratio=2:1\" KG 0.5 \"\""             // added, = inside a quoted value
            + " ref=load-1"
        let reply = try client.send(line)
        #expect(reply.code == 200, "\(reply)")
        #expect(try outcomes(reply) == [
            "N-1 added 200", "E-1 unchanged 200", "E-1 refused 422", "E-3 changed 200", "N-2 refused 422",
            "N-3 refused 422", "E-2 refused 409", "bad no refused 422", "N-4 refused 422", "N-5 added 200",
        ])
        let messages = try rows(reply).compactMap { $0["message"] as? String }
        #expect(messages.count == 6, "\(messages)")
        #expect(messages.contains { $0.contains("earlier row") } && messages.contains { $0.contains("needs a description") }
                && messages.contains { $0.contains("unknown unit CRATE") } && messages.contains { $0.contains("its unit cannot change") },
                "\(messages)")
        #expect(reply.lastText.contains("10 parts: 2 added, 1 changed, 1 unchanged, 6 refused"), "\(reply)")
        #expect(try daemon.sql("SELECT string_agg(part_no || ' ' || description || ' ' || unit || ' ' || cost || ' ' || coalesce(lead_days::text, '-'), '; ' ORDER BY part_no) FROM part WHERE part_no IN ('N-1', 'N-5', 'E-1', 'E-3')").scalar
                == "E-1 held as it is PCS 1.0000 7; E-3 changed now PCS 3.0000 -; N-1 new, with a comma PCS 2.5000 14; N-5 ratio=2:1 KG 0.5000 -")
        #expect(try daemon.sql("SELECT count(*) FROM part WHERE part_no IN ('N-2', 'N-3', 'N-4')").scalar == "0")
        // One request: one audit row, one ref.
        #expect(try daemon.sql("SELECT count(*) FROM audit_log WHERE command LIKE 'part load %'").scalar == "1")

        // The same line again replays its first reply and changes nothing; the ref with other
        // content is a conflict.
        try expectOK(client.send("part set E-3 cost=4"))
        let again = try client.send(line)
        #expect(again.code == 200, "\(again)")
        #expect(try outcomes(again) == outcomes(reply))
        #expect(try daemon.sql("SELECT cost FROM part WHERE part_no = 'E-3'").scalar == "4.0000")
        #expect(try client.send("part load columns=part_no,description N-9 other ref=load-1").code == 409)

        // Run again without the ref, the same rows find the parts as the first load left them.
        let rerun = try client.send("part load columns=part_no,description,cost N-1 \"new, with a comma\" 2.5 E-3 \"\" 3")
        #expect(try outcomes(rerun) == ["N-1 unchanged 200", "E-3 changed 200"], "\(rerun)")
    }

    @Test func newPartsGoInAsOneSetAndTheShapeIsChecked() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        let values = (1...50).map { "S-\($0) \"set part \($0)\" \($0).25" }.joined(separator: " ")
        let reply = try client.send("part load columns=part_no,description,cost \(values)")
        #expect(reply.code == 200 && reply.lastText.contains("50 parts: 50 added"), "\(reply)")
        // One insert for the lot: the rows share one transaction id (row by row, each would
        // have its subtransaction's own).
        #expect(try daemon.sql("SELECT count(DISTINCT xmin::text) FROM part WHERE part_no LIKE 'S-%'").scalar == "1")
        #expect(try daemon.sql("SELECT sum(cost) FROM part WHERE part_no LIKE 'S-%'").scalar == "1287.5000")

        let shapes: [(String, Int, String)] = [
            ("part load S-1 x", 400, "columns="),
            ("part load columns=description,cost x 1", 400, "part_no"),
            ("part load columns=part_no,colour S-1 red", 400, "unknown column 'colour'"),
            ("part load columns=part_no,cost,cost S-1 1 2", 400, "twice"),
            ("part load columns=part_no,cost S-1 1 S-2", 400, "do not make rows of 2"),
            ("part load columns=part_no " + (1...201).map { "M-\($0)" }.joined(separator: " "), 422, "at most 200"),
        ]
        for (line, code, text) in shapes {
            let refused = try client.send(line)
            #expect(refused.code == code && refused.lastText.contains(text), "\(line): \(refused)")
        }
        // A clerk may not load the parts master.
        let clerk = try daemon.socat(as: TestDaemon.clerkUID, ["part load columns=part_no,description C-1 x"])
        #expect(clerk.contains("403 FORBIDDEN"), "\(clerk)")
    }

    /// Two loads of the same new parts at once: one adds each part, the other finds it as the
    /// first left it; no row is refused, none added twice.
    @Test func twoLoadsOfTheSamePartsAtOnceAddEachOnce() throws {
        let daemon = try TestDaemon()
        // The held lock stops both loads' inserts, so that they meet.
        daemon.hold("LOCK TABLE part IN SHARE MODE", seconds: 2)
        let values = (1...40).reversed().map { "D-\($0) \"twin \($0)\" 1.5" }.joined(separator: " ")
        let outcomes = Mutex<[String]>([])
        race(2, socketPath: daemon.socketPath) { index, client in
            guard (try? client.send("format json")) != nil,
                  let reply = try? client.send("part load columns=part_no,description,cost \(values) ref=twin-\(index)"),
                  let rows = try? self.rows(reply) else {
                outcomes.withLock { $0.append("failed") }
                return
            }
            outcomes.withLock { $0 += rows.map { "\($0["outcome"] ?? "?")" } }
        }
        let all = outcomes.withLock { $0 }
        #expect(all.count == 80 && all.filter { $0 == "added" }.count == 40 && all.filter { $0 == "unchanged" }.count == 40,
                "\(all)")
        #expect(try daemon.sql("SELECT count(*) FROM part WHERE part_no LIKE 'D-%'").scalar == "40")
    }
}
