import Foundation
import PartsClient
import PostgresClient
import Testing

@Suite("turnover targets and the manager's reports")
struct ReportTests {
    @Test func targetsAreCheckedAuditedAndListed() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try daemon.seed(client)
        #expect(try client.send("target set MAIN turnover=4 max_days=90 ref=t-1").lines
            == ["200 OK target for MAIN set: turnover 4 per year, at most 90 days of supply"])
        #expect(try client.send("target set MAIN turnover=4 max_days=90 ref=t-1").lines
            == ["200 OK target for MAIN set: turnover 4 per year, at most 90 days of supply"])
        #expect(try client.send("target set MAIN turnover=5 max_days=90 ref=t-1").code == 409)
        #expect(try client.send("target set MAIN turnover=6.5 max_days=60 category=brakes").lastText
            == "target for MAIN category brakes set: turnover 6.5 per year, at most 60 days of supply")
        // Setting it again replaces it.
        try expectOK(client.send("target set MAIN turnover=4.25 max_days=80"))

        let zero = try client.send("target set MAIN turnover=0 max_days=90")
        #expect(zero.code == 422)
        #expect(zero.lastText == "turnover must be a number of turns per year above 0 and below 1000000, with at most 3 decimals, got 0")
        #expect(try client.send("target set MAIN turnover=-2 max_days=90").code == 422)
        #expect(try client.send("target set MAIN turnover=1.2345 max_days=90").code == 422)
        #expect(try client.send("target set MAIN turnover=fast max_days=90").code == 422)
        #expect(try client.send("target set MAIN turnover=1000000 max_days=90").code == 422)
        let negative = try client.send("target set MAIN turnover=4 max_days=-1")
        #expect(negative.code == 422)
        #expect(negative.lastText == "max_days must be a whole number of days from 1 to 3660, got -1")
        #expect(try client.send("target set MAIN turnover=4 max_days=0").code == 422)
        #expect(try client.send("target set MAIN turnover=4 max_days=3661").code == 422)
        #expect(try client.send("target set MAIN turnover=4 max_days=90 category=-").code == 422)
        #expect(try client.send("target set MAIN turnover=4").code == 400)
        let unknown = try client.send("target set NOWHERE turnover=4 max_days=90")
        #expect(unknown.code == 404)
        #expect(unknown.lastText == "unknown location NOWHERE")

        let clerk = try daemon.socat(as: TestDaemon.clerkUID, ["target set MAIN turnover=9 max_days=9"])
        #expect(clerk.contains("403 FORBIDDEN target set needs role manager"))
        let viewer = try daemon.socat(as: TestDaemon.viewerUID, ["target list location=MAIN"])
        #expect(viewer.contains("200 OK 2 targets"), "\(viewer)")

        #expect(try daemon.sql("SELECT count(*) FROM turnover_target").scalar == "2")
        #expect(try daemon.sql("SELECT turnover::text || '/' || max_days FROM turnover_target WHERE category = ''").scalar == "4.250/80")
        // Refused or not, every attempt is in the audit log.
        #expect(try daemon.sql("SELECT count(*) FROM audit_log WHERE command LIKE 'target set%'").scalar == "15")

        _ = try client.send("format json")
        let rows = try table(client.send("target list"))
        #expect(rows.count == 2)
        #expect(rows[0]["category"] is NSNull)
        #expect(rows[0]["turnover"] as? String == "4.250")
        #expect(rows[0]["max_days"] as? Int == 80)
        #expect(rows[0]["updated_by"] as? String == "root")
        #expect(rows[1]["category"] as? String == "brakes")
        #expect(rows[1]["turnover"] as? String == "6.500")
        #expect(try client.send("target list location=NOWHERE").code == 404)
    }

    private func words(_ line: String) -> [String] {
        line.split(separator: " ").map(String.init)
    }

    private func object(_ reply: Reply) throws -> [String: Any] {
        guard reply.code == 200, let json = reply.json else { throw TestFailure("expected a JSON 200 reply, got:\n\(reply)") }
        return try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    }

    private func table(_ reply: Reply) throws -> [[String: Any]] {
        try #require(try object(reply)["rows"] as? [[String: Any]])
    }
}
