import Foundation
import PartsClient
import PostgresClient
import Testing

/// What `status` reports of the build and the database (issue 13), beside its lines of before.
@Suite("status")
struct StatusTests {
    @Test func statusReportsBuildSchemaAndServer() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        let server = try daemon.sql("SHOW server_version").scalar ?? "?"
        let schema = try daemon.sql("SELECT max(version)::text FROM schema_migration").scalar ?? "?"
        // deploy/test.sh writes partsd.commit beside the build; a bare build has none.
        let besideBinary = URL(fileURLWithPath: TestCluster.binary("partsd")).deletingLastPathComponent().appendingPathComponent("partsd.commit")
        let commit = (try? String(contentsOf: besideBinary, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "unknown"
        let status = try client.send("status")
        // The lines that were there before stay as they were; the new ones come beside them.
        #expect(status.body.first == "version            partsd/0.1.0")
        #expect(status.body.contains("commit             \(commit)"))
        #expect(status.body.contains("schema version     \(schema)"))
        #expect(status.body.contains("server version     \(server)"))
        #expect(status.body.contains { $0.hasPrefix("database") && $0.hasSuffix("reachable") })
        try expectOK(client.send("format json"))
        let json = try #require(try client.send("status").json)
        #expect(json.contains(#""commit":"\#(commit)""#))
        #expect(json.contains(#""schema_version":"\#(schema)""#))
        #expect(json.contains(#""server_version":"\#(server)""#))
    }

    /// A build the deploy scripts wrote `partsd.commit` for reports that commit.
    @Test func statusReportsTheCommitWrittenBesideTheBinary() throws {
        let folder = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("pb-" + UUID().uuidString.prefix(8))
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        // A hard link where it can be: a copy is open for writing a moment, and a child that a
        // parallel test forks then makes the new binary "busy" (ETXTBSY) until it execs.
        let copy = folder.appendingPathComponent("partsd").path
        if (try? FileManager.default.linkItem(atPath: TestCluster.binary("partsd"), toPath: copy)) == nil {
            try FileManager.default.copyItem(atPath: TestCluster.binary("partsd"), toPath: copy)
        }
        try "0a1b2c3d4e5f-dirty\n".write(to: folder.appendingPathComponent("partsd.commit"), atomically: true, encoding: .utf8)
        let daemon = try TestDaemon(binary: copy)
        #expect(try daemon.connect().send("status").body.contains("commit             0a1b2c3d4e5f-dirty"))
    }
}
