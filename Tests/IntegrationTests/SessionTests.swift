import Foundation
import PartsClient
import Testing

@Suite("session commands")
struct SessionTests {
    @Test func greetsThenAnswersSessionCommands() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        #expect(client.greeting.lines == ["200 READY partsd/0.1.0 proto=1 user=root role=admin"])
        #expect(try client.send("ping").lines == ["200 PONG"])
        let whoami = try client.send("whoami")
        #expect(whoami.code == 200)
        #expect(whoami.body.contains { $0.hasPrefix("role") && $0.hasSuffix("admin") })
        let status = try client.send("status")
        #expect(status.body.contains { $0.contains("database") && $0.contains("reachable") })
        #expect(status.body.contains { $0.hasPrefix("connections") })
        #expect(try client.send("quit").lines == ["200 BYE"])
        #expect(throws: AdminClientError.self) { try client.readReply() }
    }

    @Test func blankAndCommentLinesAreIgnored() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try client.writeLine("")
        try client.writeLine("# a comment")
        #expect(try client.send("ping").lines == ["200 PONG"])
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try daemon.seed(client)
        try client.sendRaw(Array("ping\nstock show P-1001\nissue MAIN P-1001:1\nnonsense\nping\n".utf8))
        #expect(try client.readReply().word == "PONG")
        #expect(try client.readReply().code == 200)
        #expect(try client.readReply().code == 201)
        #expect(try client.readReply().code == 400)
        #expect(try client.readReply().word == "PONG")
    }

    @Test func jsonModeAnswersOneLinePerReply() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try daemon.seed(client)
        #expect(try client.send("format json").code == 200)
        let stock = try client.send("stock show P-1001")
        #expect(stock.lines.count == 1)
        let object = try JSONSerialization.jsonObject(with: Data(stock.json!.utf8)) as! [String: Any]
        let rows = object["locations"] as! [[String: Any]]
        #expect(rows.first?["on_hand"] as? String == "5.000")
        #expect(rows.first?["avg_cost"] as? String == "10.0000")
        let error = try client.send("issue MAIN P-1001:99")
        #expect(error.lines.count == 1)
        #expect(error.code == 409)
        let errorObject = try JSONSerialization.jsonObject(with: Data(error.json!.utf8)) as! [String: Any]
        #expect(errorObject["error"] as? String == "CONFLICT")
        let issued = try client.send("issue MAIN P-1001:2")
        #expect(issued.code == 201)
        let document = (try JSONSerialization.jsonObject(with: Data(issued.json!.utf8)) as! [String: Any])["document"] as! [String: Any]
        #expect((document["lines"] as! [[String: Any]]).first?["quantity"] as? String == "2.000")
    }

    @Test func helpListsOnlyWhatTheRoleMayUse() throws {
        let daemon = try TestDaemon()
        let admin = try daemon.connect().send("help")
        #expect(admin.body.contains { $0.hasPrefix("adjust") })
        let viewer = try daemon.socat(as: TestDaemon.viewerUID, ["help", "help part add"])
        #expect(viewer.contains("stock show"))
        #expect(!viewer.contains("\n200-issue "))
        #expect(viewer.contains("part add <part_no>"))
    }

    @Test func everyCommandHelpKnowsIsDocumented() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        _ = try client.send("format json")
        let help = try client.send("help")
        let object = try JSONSerialization.jsonObject(with: Data(help.json!.utf8)) as! [String: Any]
        let commands = (object["commands"] as! [[String: Any]]).map { $0["command"] as! String }
        #expect(commands.count > 15)
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("docs/protocol.md"), encoding: .utf8)
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        for command in commands {
            let escaped = command.replacingOccurrences(of: "|", with: "\\|")
            #expect(text.contains("`\(escaped)`"), "docs/protocol.md lacks `\(command)`")
            // The README's command list: each synopsis on a line of its own after the role.
            #expect(readme.contains(" \(command)\n"), "README.md lacks \(command)")
        }
    }
}
