import Foundation
import PartsClient
import PostgresClient
import Testing

@Suite("partsctl and systemd units")
struct ClientAndUnitTests {
    @Test func partsctlOneShotPrintsTheReplyAndExitsByItsCode() throws {
        let daemon = try TestDaemon()
        try daemon.seed(try daemon.connect())
        let partsctl = TestCluster.binary("partsctl")
        let shown = try TestCluster.run(partsctl, ["--socket", daemon.socketPath, "stock", "show", "P-1001"])
        #expect(shown.status == 0)
        #expect(shown.output.contains("MAIN") && shown.output.hasSuffix("200 OK\n"))
        let issued = try TestCluster.run(partsctl, ["--socket", daemon.socketPath, "issue", "MAIN", "P-1001:2",
                                                    "note=left front door", "ref=ctl-1"])
        #expect(issued.status == 0)
        #expect(issued.output.contains("201 CREATED GI-"))
        #expect(try daemon.sql("SELECT note FROM document WHERE client_ref = 'ctl-1'").scalar == "left front door")
        let refused = try TestCluster.run(partsctl, ["--socket", daemon.socketPath, "issue", "MAIN", "P-1001:99"])
        #expect(refused.status == 1)
        #expect(refused.output.contains("409 CONFLICT not enough stock"))
        let json = try TestCluster.run(partsctl, ["--socket", daemon.socketPath, "--json", "part", "show", "P-1001"])
        #expect(json.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any]
        #expect(object?["on_hand"] as? String == "3.000")
        let unreachable = try TestCluster.run(partsctl, ["--socket", daemon.directory.path + "/none.sock", "ping"])
        #expect(unreachable.status == 2)
    }

    /// A data line whose text starts with a combining mark: "-" and the mark are one
    /// Character, so the frame must be taken off as bytes (found by deploy/fuzz.sh).
    @Test func aReplyLineKeepsACombiningMarkAfterItsFrame() throws {
        let reply = try Reply(lines: ["200-\u{064B}[json", "200 OK done"])
        #expect(reply.body == ["\u{064B}[json"])
        #expect(reply.code == 200 && reply.word == "OK" && reply.lastText == "done")
    }

    @Test func partsctlReadsCommandsFromStdin() throws {
        let daemon = try TestDaemon()
        let result = try TestCluster.run(TestCluster.binary("partsctl"), ["--socket", daemon.socketPath],
                                         input: "# setup\nlocation add MAIN \"Main\"\nping\nlocation list\n")
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("200 OK location MAIN added"))
        #expect(result.output.contains("200 PONG"))
    }

    @Test func systemdUnitsPassVerification() throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("deploy/verify-units.sh").path
        let result = try TestCluster.run("/bin/bash", [script, TestCluster.binDirectory.path])
        #expect(result.status == 0, "\(result.output)")
    }
}
