import Foundation
import PartsClient
import PostgresClient
import Testing

/// Every command `help` lists above a role, tried by that role: each is refused with 403, each
/// refusal is in the audit log with the peer, its role and the code, and no table changed.
@Suite("refusals are audited")
struct RefusalAuditTests {
    @Test(arguments: [(TestDaemon.viewerUID, "viewer"), (TestDaemon.clerkUID, "clerk")])
    func everyCommandAboveTheRoleIsRefusedAuditedAndChangesNothing(uid: UInt32, role: String) throws {
        let daemon = try TestDaemon()
        let admin = try daemon.connect()
        try daemon.seed(admin)
        _ = try admin.send("format json")
        let help = try JSONSerialization.jsonObject(with: Data(try #require(admin.send("help").json).utf8)) as? [String: Any]
        let commands = try #require(help?["commands"] as? [[String: Any]])
        let ranks = ["viewer": 1, "clerk": 2, "manager": 3, "admin": 4]
        let refused = commands.compactMap { command -> String? in
            guard let synopsis = command["command"] as? String, let needs = command["role"] as? String,
                  ranks[needs]! > ranks[role]! else { return nil }
            return Self.example(synopsis)
        }
        #expect(refused.count > (role == "viewer" ? 20 : 10), "\(refused)")
        let tables = try Self.rowCounts(daemon)
        let output = try daemon.socat(as: uid, refused)
        let replies = output.split(separator: "\n").dropFirst().map(String.init)
        #expect(replies.count == refused.count, "\(output)")
        for (line, reply) in zip(refused, replies) {
            #expect(reply.hasPrefix("403 FORBIDDEN"), "\(line) → \(reply)")
        }
        let audited = try daemon.sql("""
            SELECT command FROM audit_log WHERE peer_uid = \(uid) AND role = '\(role)' AND reply_code = 403
             AND user_name = '\(uid)'
            """).records.map { try $0.text("command") }
        #expect(Set(audited) == Set(refused), "not audited: \(Set(refused).subtracting(audited))")
        #expect(try Self.rowCounts(daemon) == tables)
    }

    /// A well-formed line from a synopsis: optional parts dropped, each placeholder a word,
    /// document lines one `P-1001:1`, alternatives their first choice.
    static func example(_ synopsis: String) -> String {
        // A placeholder is one word even when it reads "<per year>"; a note after two spaces
        // ("(description, unit, ...)") is no part of the grammar.
        var text = ""
        var depth = 0
        for character in synopsis.components(separatedBy: "  (")[0] {
            if character == "<" { depth += 1 }
            if character == ">" { depth -= 1 }
            text.append(depth > 0 && character == " " ? "_" : character)
        }
        while let open = text.range(of: " ["), let close = text[open.upperBound...].firstIndex(of: "]") {
            text.removeSubrange(open.lowerBound...close)
        }
        text = text.replacingOccurrences(of: " ...", with: "")
        var words: [String] = []
        for word in text.split(separator: " ") {
            if word.contains("<date>") { words.append("2026-01-05:1"); continue }
            if word.contains("<part_no>") { words.append("P-1001:1"); continue }
            if word.contains("=") {
                // `<setting>=<value>`: any one setting's name would do; none is fine too, the
                // role is checked before the arguments' meaning.
                let key = word.split(separator: "=")[0]
                if !key.hasPrefix("<") { words.append("\(key)=x") }
                continue
            }
            if word.hasPrefix("<") || word.hasPrefix("\"<") { words.append("X1"); continue }
            words.append(String(word.split(separator: "|")[0]))
        }
        return words.joined(separator: " ")
    }

    static func rowCounts(_ daemon: TestDaemon) throws -> [String: String] {
        var counts: [String: String] = [:]
        let tables = try daemon.sql("""
            SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN ('audit_log')
            """).records.map { try $0.text("tablename") }
        for table in tables { counts[table] = try daemon.sql("SELECT count(*) FROM \(table)").scalar }
        return counts
    }
}
