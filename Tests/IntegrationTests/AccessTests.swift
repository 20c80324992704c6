import Foundation
import PartsClient
import PostgresClient
import Testing

/// Roles come from the peer's real uid: these clients run as other users through setpriv.
@Suite("roles from peer credentials")
struct AccessTests {
    @Test func aClerkCannotAdjustOrAddPartsButCanIssue() throws {
        let daemon = try TestDaemon()
        try daemon.seed(try daemon.connect())
        let output = try daemon.socat(as: TestDaemon.clerkUID, [
            "adjust MAIN P-1001:1 reason=\"count\"",
            "part add P-9 \"nine\"",
            "issue MAIN P-1001:1",
        ])
        let lines = output.split(separator: "\n").map(String.init)
        #expect(lines.first == "200 READY partsd/0.1.0 proto=1 user=\(TestDaemon.clerkUID) role=clerk")
        #expect(lines.contains("403 FORBIDDEN adjust needs role manager; \(TestDaemon.clerkUID) is clerk"))
        #expect(lines.contains("403 FORBIDDEN part add needs role manager; \(TestDaemon.clerkUID) is clerk"))
        #expect(lines.contains { $0.hasPrefix("201 CREATED GI-") })
        #expect(try daemon.sql("SELECT count(*) FROM part").scalar == "1")
        #expect(try daemon.sql("SELECT count(*) FROM audit_log WHERE reply_code = 403").scalar == "2")
    }

    @Test func aViewerCannotIssue() throws {
        let daemon = try TestDaemon()
        try daemon.seed(try daemon.connect())
        let output = try daemon.socat(as: TestDaemon.viewerUID, ["issue MAIN P-1001:1", "stock show P-1001"])
        #expect(output.contains("403 FORBIDDEN issue needs role clerk"))
        #expect(output.contains("200 OK"))
        #expect(try daemon.sql("SELECT on_hand FROM stock_balance").scalar == "5.000")
    }

    @Test func aManagerMayAdjust() throws {
        let daemon = try TestDaemon()
        try daemon.seed(try daemon.connect())
        let output = try daemon.socat(as: TestDaemon.managerUID, ["adjust MAIN P-1001:4 reason=\"count\""])
        #expect(output.contains("201 CREATED AD-"))
    }

    @Test func aPeerWithoutARoleIsRefusedAndClosed() throws {
        let daemon = try TestDaemon()
        // Nothing is sent: the server refuses and closes at once, and a write racing that close
        // would make socat exit on EPIPE before printing the refusal.
        let output = try daemon.socat(as: TestDaemon.strangerUID, [])
        #expect(output == "403 FORBIDDEN user \(TestDaemon.strangerUID) (uid \(TestDaemon.strangerUID)) has no role on this server\n")
    }
}
