import Foundation
import PartsClient
import PostgresClient
import Testing

/// Limits an operator sets through PARTSD_* variables, checked on a running daemon.
@Suite("configured limits")
struct LimitTests {
    @Test func aSilentClientIsClosedAfterTheIdleTimeout() throws {
        let daemon = try TestDaemon(environment: ["PARTSD_LIMITS_IDLE_TIMEOUT_S": "1"])
        let idle = try daemon.connect()
        Thread.sleep(forTimeInterval: 2.5)
        #expect(throws: AdminClientError.self) { try idle.send("ping") }
        #expect(try daemon.connect().send("ping").word == "PONG")
    }

    @Test func aDocumentHoldsAtMostTheConfiguredLines() throws {
        let daemon = try TestDaemon(environment: ["PARTSD_LIMITS_MAX_DOCUMENT_LINES": "2"])
        let client = try daemon.connect()
        try daemon.seed(client, parts: [("P-1", "5"), ("P-2", "5"), ("P-3", "5")])
        let refused = try client.send("issue MAIN P-1:1 P-2:1 P-3:1")
        #expect(refused.code == 422)
        #expect(refused.lastText == "3 lines; a document holds at most 2")
        #expect(try client.send("issue MAIN P-1:1 P-2:1").code == 201)
        #expect(try daemon.sql("SELECT count(*) FROM document WHERE doc_type = 'GI'").scalar == "1")
    }
}
