import Foundation
import Logging
import PartsClient
import PartsStore
import PostgresClient
import Testing

/// The deadlines job's work as the job runner calls it: PartsStore.markDeadlines, one
/// transaction that marks late repair orders and cores and says what it found.
@Suite("deadlines")
struct DeadlineTests {
    @Test func lateRepairsAndCoresAreMarkedOnceAndListedEveryDay() async throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try daemon.seedSerials(client)
        try expectOK(client.send("transfer MAIN ROT ALT-100#A3"))
        let late = try client.send("repair new MAIN ALT-100#A1 vendor=BOSCH fault=x promised=2099-01-01").lastText
        _ = try client.send("repair new MAIN ALT-100#A2 vendor=BOSCH fault=y promised=2099-01-01")
        let xc = try client.send("exchange out ROT ALT-100#A3 customer=Li due=2099-01-01").lastText
        try daemon.sql("""
            UPDATE repair_order SET shipped_at = now() - interval '30 days', promised = current_date - 5 WHERE ro_no = '\(late)';
            UPDATE exchange SET due = current_date - 2 WHERE xc_no = '\(xc)';
            """)
        #expect(try daemon.value("SELECT count(*) FROM job_kind WHERE job = 'deadlines'") == "1")

        let pool = ConnectionPool(.init(conninfo: daemon.conninfo, size: 1))
        let store = PartsStore(pool: pool, logger: Logger(label: "deadline-test"))
        let first = try await store.markDeadlines()
        #expect(first.markedRepairs == 1 && first.markedCores == 1)
        #expect(first.repairs.map(\.roNo) == [late] && first.repairs.first?.daysLate == 5)
        #expect(first.cores.map(\.xcNo) == [xc] && first.cores.first?.daysLate == 2)
        #expect(first.lines == ["\(late) at BOSCH: ALT-100#A1 promised \(first.repairs[0].promised), 5 days late",
                                "\(xc) Li: core for ALT-100#A3 due \(first.cores[0].due), 2 days late"])
        #expect(first.summary.hasPrefix("1 repairs past their promised date (1 new), 1 cores past their due date (1 new), on "))
        let again = try await store.markDeadlines()
        #expect(again.markedRepairs == 0 && again.markedCores == 0 && again.repairs.count == 1 && again.cores.count == 1)
        // Another day: a week on, both are later still.
        let later = try await store.markDeadlines(on: try daemon.value("SELECT (current_date + 7)::text"))
        #expect(later.repairs.first?.daysLate == 12 && later.cores.first?.daysLate == 9)
        await pool.close()
        #expect(try daemon.value("SELECT state FROM exchange") == "overdue")
        #expect(try client.send("repair list --overdue").body.count == 2)
    }

    /// The same through the socket, as partsd-deadlines.timer runs it: `job run deadlines
    /// --wait` marks what is late, and `job show` lists each finding.
    @Test func theDeadlinesJobRunsBothHalvesAndListsItsFindings() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try daemon.seedSerials(client)
        let late = try client.send("repair new MAIN ALT-100#A1 vendor=BOSCH fault=x promised=2099-01-01").lastText
        try daemon.sql("UPDATE repair_order SET shipped_at = now() - interval '30 days', promised = current_date - 5 WHERE ro_no = '\(late)'")
        let run = try client.send("job run deadlines --wait")
        #expect(run.code == 200, "\(run)")
        #expect(run.lastText.contains("1 repairs past their promised date (1 new)"), "\(run)")
        #expect(run.lastText.contains("old parts reminded"), "\(run)")
        let id = try #require(run.lastText.split(separator: " ").first { $0.hasPrefix("job=") }?.dropFirst(4))
        let shown = try client.send("job show \(id)")
        #expect(shown.body.contains { $0.contains("\(late) at BOSCH: ALT-100#A1") && $0.contains("5 days late") }, "\(shown)")
        let viewer = try daemon.socat(as: TestDaemon.viewerUID, ["job run deadlines"])
        #expect(viewer.contains("403 FORBIDDEN"))
    }
}
