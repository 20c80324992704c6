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

    /// Root and the daemon's own user can read the database and the daemon's memory anyway:
    /// grants that do not name them leave them admin, unless the site says otherwise.
    @Test func rootIsAdminWhateverTheGrantsUnlessTheSiteSaysOtherwise() throws {
        let trusted = try TestDaemon(grants: ["\(TestDaemon.clerkUID)=clerk"])
        #expect(try trusted.connect().greeting.lines == ["200 READY partsd/0.1.0 proto=1 user=root role=admin"])
        let strict = try TestDaemon(environment: ["PARTSD_ACCESS_TRUST_ROOT": "false"],
                                    grants: ["\(TestDaemon.clerkUID)=clerk", "\(TestDaemon.managerUID)=admin"])
        #expect(throws: (any Error).self) { try strict.connect().send("ping") }
        let refused = try TestCluster.run("/usr/bin/socat", ["-t", "5", "-", "UNIX-CONNECT:\(strict.socketPath)"], input: "").output
        #expect(refused == "403 FORBIDDEN user root (uid 0) has no role on this server\n")
        #expect(try strict.socat(as: TestDaemon.clerkUID, ["whoami"]).contains("role=clerk"))
        #expect(try strict.socat(as: TestDaemon.managerUID, ["whoami"]).contains("role=admin"))
    }
}
