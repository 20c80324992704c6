import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import PartsClient
import PostgresClient
import Testing

/// The Prometheus endpoint of issue 13: off unless `metrics.listen` is set, `GET /metrics`
/// and nothing else, and counters that move by exactly what the clients did.
@Suite("metrics endpoint")
struct MetricsTests {
    @Test func countersMoveByExactlyWhatWasDone() async throws {
        let port = try HTTPProbe.freePort()
        let daemon = try TestDaemon(environment: ["PARTSD_METRICS_LISTEN": "127.0.0.1:\(port)"])
        let client = try daemon.connect()
        try daemon.seed(client, parts: [("P-1001", "10")])
        let before = PrometheusSamples(try HTTPProbe.get(.tcp(port: port)).body)

        for _ in 0..<3 { #expect(try client.send("ping").word == "PONG") }
        #expect(try client.send("issue MAIN P-1001:1 to=WO-1").code == 201)
        #expect(try client.send("issue MAIN P-1001:2 to=WO-2").code == 201)
        #expect(try client.send("issue MAIN P-1001:999").code == 409)
        #expect(try client.send("receive MAIN P-1001:4@10 ref=m-1").code == 201)
        // A replay answers again and posts nothing.
        #expect(try client.send("receive MAIN P-1001:4@10 ref=m-1").code == 201)
        #expect(try client.send("transfer MAIN BR1 P-1001:1").code == 201)
        #expect(try client.send("nonsense").code == 400)
        let snapshotAsked = Date().timeIntervalSince1970
        try expectOK(client.send("job run snapshot --wait"))
        let snapshotDone = Date().timeIntervalSince1970

        // A real HTTP client, as Prometheus is one.
        let (data, response) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/metrics")!)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        #expect((response as? HTTPURLResponse)?.value(forHTTPHeaderField: "Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
        let after = PrometheusSamples(String(decoding: data, as: UTF8.self))
        func moved(_ name: String, _ labels: [String: String] = [:]) -> Double { after[name, labels] - before[name, labels] }

        #expect(moved("partsd_commands_total", ["command": "ping", "code": "200"]) == 3)
        #expect(moved("partsd_commands_total", ["command": "issue", "code": "201"]) == 2)
        #expect(moved("partsd_commands_total", ["command": "issue", "code": "409"]) == 1)
        #expect(moved("partsd_commands_total", ["command": "receive", "code": "201"]) == 2)
        #expect(moved("partsd_commands_total", ["command": "transfer", "code": "201"]) == 1)
        #expect(moved("partsd_commands_total", ["command": "unknown", "code": "400"]) == 1)
        #expect(moved("partsd_command_duration_seconds_count", ["command": "ping"]) == 3)
        #expect(after.series("partsd_command_duration_seconds_bucket", ["command": "ping", "le": "+Inf"]).first?.value
                    == after["partsd_command_duration_seconds_count", ["command": "ping"]])

        #expect(moved("partsd_documents_posted_total", ["type": "GI"]) == 2)
        #expect(moved("partsd_documents_posted_total", ["type": "GR"]) == 1)
        #expect(moved("partsd_documents_posted_total", ["type": "TR"]) == 1)
        // One client, one posting at a time: every batch held one document. Five batches:
        // two issues, the refused one, the receipt and its replay; the transfer makes six.
        #expect(moved("partsd_posting_batch_size_count") == 6)
        #expect(moved("partsd_posting_batch_size_sum") == 6)

        #expect(moved("partsd_job_runs_total", ["job": "snapshot", "outcome": "succeeded"]) == 1)
        let lastSnapshot = after["partsd_job_last_success_timestamp_seconds", ["job": "snapshot"]]
        #expect((snapshotAsked - 1...snapshotDone + 1).contains(lastSnapshot))
        #expect(after["partsd_database_up"] == 1)
        #expect(after["partsd_pool_connections"] == 8)
        #expect(after.series("partsd_pool_connections_in_use").count == 1)
        #expect(after.series("partsd_pool_waiting").count == 1)
        #expect(after.series("partsd_build_info", ["version": "0.1.0"]).first?.value == 1)
        #expect(after["partsd_repair_orders_overdue"] == 0)
        #expect(after["partsd_warranty_parts_overdue"] == 0)
        #expect(after.series("partsd_warranty_value_at_risk").first?.value == 0)

        // A restarted daemon knows when each job last succeeded: it reads job_run, not memory.
        daemon.stop()
        let restarted = try TestDaemon(environment: ["PARTSD_METRICS_LISTEN": "127.0.0.1:\(port)"], database: daemon.database)
        let again = PrometheusSamples(try HTTPProbe.get(.tcp(port: port)).body)
        #expect(again["partsd_job_last_success_timestamp_seconds", ["job": "snapshot"]] == lastSnapshot)
        #expect(again.series("partsd_job_runs_total").isEmpty)
        _ = restarted
    }

    @Test func onlyGetMetricsIsServed() throws {
        let directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("pm-" + UUID().uuidString.prefix(8))
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let socket = HTTPProbe.Address.unix(path: directory.appendingPathComponent("metrics.sock").path)
        let daemon = try TestDaemon(environment: ["PARTSD_METRICS_LISTEN": directory.appendingPathComponent("metrics.sock").path])

        #expect(try HTTPProbe.get(socket).status == 200)
        #expect(try HTTPProbe.get(socket, "/metrics?name=x").status == 200)
        #expect(try HTTPProbe.get(socket, "/").status == 404)
        #expect(try HTTPProbe.get(socket, "/metrics/").status == 404)
        #expect(try HTTPProbe.get(socket, "/status").status == 404)
        for method in ["POST", "PUT", "DELETE", "HEAD", "OPTIONS"] {
            let answer = try HTTPProbe.send(socket, "\(method) /metrics HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n")
            #expect(answer.status == 405, "\(method)")
            #expect(answer.headers["allow"] == "GET", "\(method)")
        }
        #expect(try HTTPProbe.send(socket, "NOT HTTP AT ALL\r\n\r\n").status == 400)
        let huge = "GET /metrics HTTP/1.1\r\nHost: localhost\r\nX-Padding: \(String(repeating: "a", count: 20_000))\r\n\r\n"
        #expect(try HTTPProbe.send(socket, huge).status == 413)
        // None of it hurt the endpoint or the admin socket.
        #expect(try HTTPProbe.get(socket).body.contains("partsd_database_up 1"))
        #expect(try daemon.connect().send("ping").word == "PONG")
        // The socket goes when the daemon does.
        #expect(daemon.stop() == 0)
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("metrics.sock").path))
    }

    @Test func offUnlessConfigured() throws {
        let port = try HTTPProbe.freePort()
        let daemon = try TestDaemon()
        #expect(try daemon.connect().send("ping").word == "PONG")
        #expect(!HTTPProbe.accepts(.tcp(port: port)))
        // Not on some other port either: the daemon has no TCP listening socket at all.
        #expect(try listeningTCPSockets(of: daemon.process.pid).isEmpty)
        #expect(!daemon.log.contains("metrics endpoint"))
    }

    /// The sample alert rules are valid rules, and fire when they should (their promtool unit
    /// tests); without promtool (Debian's package prometheus has it), valid YAML at least.
    @Test func sampleAlertRulesHold() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("deploy/prometheus")
        let rules = folder.appendingPathComponent("partsd-alerts.yml").path
        let tests = folder.appendingPathComponent("partsd-alerts.test.yml").path
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/promtool") {
            let checked = try TestCluster.run("/usr/bin/promtool", ["check", "rules", rules])
            #expect(checked.status == 0, "\(checked.output)")
            let tested = try TestCluster.run("/usr/bin/promtool", ["test", "rules", tests])
            #expect(tested.status == 0, "\(tested.output)")
        } else {
            let script = "import sys, yaml\nfor path in sys.argv[1:]: yaml.safe_load(open(path))"
            let parsed = try TestCluster.run("/usr/bin/python3", ["-c", script, rules, tests])
            #expect(parsed.status == 0, "\(parsed.output)")
        }
    }

    /// The inodes of the TCP sockets in LISTEN state that process `pid` holds.
    private func listeningTCPSockets(of pid: Int32) throws -> Set<String> {
        var listening = Set<String>()
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            guard let text = try? String(contentsOfFile: table, encoding: .utf8) else { continue }
            for line in text.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ")
                if fields.count > 9, fields[3] == "0A" { listening.insert(String(fields[9])) }
            }
        }
        let descriptors = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")
        let held = Set(descriptors.compactMap { fd -> String? in
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\(fd)"),
                  target.hasPrefix("socket:[") else { return nil }
            return String(target.dropFirst("socket:[".count).dropLast())
        })
        return listening.intersection(held)
    }
}
