import Foundation
import PartsClient
import PostgresClient
import Synchronization
import Testing

/// The protocol promises that a retry with the same ref replays the first reply, even one
/// racing its original. For every kind of command that changes data: two connections send
/// the same line at the same moment; both get the identical reply, and it was carried out
/// once (one ref recorded, one audit row, one change).
@Suite("a retry racing its original")
struct RetryRaceTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        /// Commands run first; `{1}`, `{2}`... in later commands and in `line` stand for the
        /// last word of the reply of setup command 1, 2...
        let setup: [String]
        let line: String
        /// What must exist exactly once afterwards, counted in SQL.
        let effect: String

        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "receive", setup: [], line: "receive MAIN P-1:1@5", effect: "SELECT count(*) FROM document WHERE doc_type = 'GR' AND client_ref IS NOT NULL"),
        Case(name: "issue", setup: [], line: "issue MAIN P-1:1", effect: "SELECT count(*) FROM document WHERE doc_type = 'GI'"),
        Case(name: "transfer", setup: [], line: "transfer MAIN BR1 P-1:1", effect: "SELECT count(*) FROM document WHERE doc_type = 'TR'"),
        Case(name: "adjust", setup: [], line: "adjust MAIN P-1:7 reason=\"count\"", effect: "SELECT count(*) FROM document WHERE doc_type = 'AD'"),
        Case(name: "return", setup: ["issue MAIN P-1:2"], line: "return {1} P-1:1", effect: "SELECT count(*) FROM document WHERE doc_type = 'RT'"),
        Case(name: "req new", setup: [], line: "req new MAIN P-1:1", effect: "SELECT count(*) FROM requisition"),
        Case(name: "req approve", setup: ["req new MAIN P-1:1"], line: "req approve {1}",
             effect: "SELECT count(*) FROM requisition_event WHERE to_state = 'approved'"),
        Case(name: "req reject", setup: ["req new MAIN P-1:1"], line: "req reject {1} reason=\"not needed\"",
             effect: "SELECT count(*) FROM requisition_event WHERE to_state = 'rejected'"),
        Case(name: "req issue", setup: ["req new MAIN P-1:1", "req approve {1}"], line: "req issue {1}",
             effect: "SELECT count(*) FROM requisition_issue"),
        Case(name: "req cancel", setup: ["req new MAIN P-1:1"], line: "req cancel {1}",
             effect: "SELECT count(*) FROM requisition_event WHERE to_state = 'cancelled'"),
        Case(name: "req close", setup: ["req new MAIN P-1:4", "req approve {1}", "req issue {1} P-1:1"], line: "req close {1}",
             effect: "SELECT count(*) FROM requisition_event WHERE to_state = 'closed'"),
        Case(name: "req fill", setup: ["req new MAIN P-1:8", "req approve {1}", "receive MAIN P-1:5@10"], line: "req fill {1}",
             effect: "SELECT count(*) FROM requisition_line WHERE reserved = 8"),
        Case(name: "po new", setup: ["supplier add SUP-1 \"Supplier\""], line: "po new SUP-1 P-1:3@2 location=MAIN",
             effect: "SELECT count(*) FROM purchase_order"),
        Case(name: "po cancel", setup: ["supplier add SUP-1 \"Supplier\"", "po new SUP-1 P-1:3@2 location=MAIN"], line: "po cancel {2}",
             effect: "SELECT count(*) FROM purchase_order WHERE state = 'cancelled'"),
        Case(name: "receive po=", setup: ["supplier add SUP-1 \"Supplier\"", "po new SUP-1 P-1:3@2 location=MAIN"],
             line: "receive MAIN P-1:1 po={2}", effect: "SELECT count(*) FROM po_receipt"),
        Case(name: "ship", setup: [], line: "ship MAIN BR1 P-1:1", effect: "SELECT count(*) FROM transfer_order"),
        Case(name: "arrive", setup: ["ship MAIN BR1 P-1:2"], line: "arrive {1}",
             effect: "SELECT count(*) FROM transfer_order WHERE arrival_document_id IS NOT NULL"),
        Case(name: "exception new", setup: ["receive MAIN P-1:3@10"], line: "exception new {1} P-1:1 kind=damaged",
             effect: "SELECT count(*) FROM stock_exception"),
        Case(name: "exception resolve", setup: ["receive MAIN P-1:3@10", "exception new {1} P-1:1 kind=damaged"],
             line: "exception resolve {2} action=scrap", effect: "SELECT count(*) FROM stock_exception WHERE state = 'resolved'"),
        Case(name: "part add", setup: [], line: "part add P-9 \"part nine\" cost=3", effect: "SELECT count(*) FROM part WHERE part_no = 'P-9'"),
        Case(name: "part set", setup: [], line: "part set P-1 description=\"renamed\"", effect: "SELECT count(*) FROM part WHERE description = 'renamed'"),
        Case(name: "part load", setup: [], line: "part load columns=part_no,description P-8 eight P-9 nine P-1 \"renamed\"",
             effect: "SELECT (count(*) = 3)::int FROM part WHERE part_no IN ('P-8', 'P-9') OR description = 'renamed'"),
        Case(name: "location add", setup: [], line: "location add L-9 \"Nine\"", effect: "SELECT count(*) FROM location WHERE code = 'L-9'"),
        Case(name: "supplier add", setup: [], line: "supplier add S-9 \"Nine\"", effect: "SELECT count(*) FROM supplier WHERE code = 'S-9'"),
        Case(name: "history add", setup: [], line: "history add MAIN P-1 2026-01-05:3", effect: "SELECT count(*) FROM demand_history"),
        Case(name: "plan set", setup: [], line: "plan set alpha=0.2", effect: "SELECT count(*) FROM planning_setting WHERE alpha = 0.2"),
        Case(name: "target set", setup: [], line: "target set MAIN turnover=4 max_days=90", effect: "SELECT count(*) FROM turnover_target"),
        Case(name: "reorder set", setup: ["history add MAIN P-1 2026-01-05:30", "job run reorder --wait"], line: "reorder set {2} P-1:7",
             effect: "SELECT count(*) FROM reorder_line WHERE quantity = 7"),
        Case(name: "reorder approve", setup: ["history add MAIN P-1 2026-01-05:30", "job run reorder --wait"], line: "reorder approve {2}",
             effect: "SELECT count(*) FROM reorder_proposal WHERE state = 'approved'"),
        Case(name: "receive unit", setup: serialised, line: "receive MAIN ALT-1#S2@90",
             effect: "SELECT count(*) FROM unit WHERE serial = 'S2'"),
        Case(name: "unit scrap", setup: serialised, line: "unit scrap MAIN ALT-1#S1 reason=\"broken\"",
             effect: "SELECT count(*) FROM document WHERE doc_type = 'SC'"),
        Case(name: "unit release", setup: serialised + ["repair new MAIN ALT-1#C1 vendor=BOSCH fault=x origin=customer customer=Wang",
                                                        "repair return {4} outcome=repaired"],
             line: "unit release MAIN ALT-1#C1", effect: "SELECT count(*) FROM document WHERE doc_type = 'CH'"),
        Case(name: "repair new", setup: serialised, line: "repair new MAIN ALT-1#S1 vendor=BOSCH fault=\"dead\"",
             effect: "SELECT count(*) FROM repair_order"),
        Case(name: "repair ack", setup: repairing, line: "repair ack {4}",
             effect: "SELECT count(*) FROM repair_event WHERE to_state = 'acknowledged'"),
        Case(name: "repair quote", setup: repairing, line: "repair quote {4} amount=50",
             effect: "SELECT count(*) FROM repair_event WHERE to_state = 'quoted'"),
        Case(name: "repair authorize", setup: repairing + ["repair quote {4} amount=50"], line: "repair authorize {4}",
             effect: "SELECT count(*) FROM repair_event WHERE to_state = 'authorized'"),
        Case(name: "repair decline", setup: repairing + ["repair quote {4} amount=50"], line: "repair decline {4}",
             effect: "SELECT count(*) FROM repair_event WHERE to_state = 'declined'"),
        Case(name: "repair hold", setup: repairing, line: "repair hold {4} reason=\"approval\"",
             effect: "SELECT count(*) FROM repair_hold"),
        Case(name: "repair resume", setup: repairing + ["repair hold {4} reason=\"approval\""], line: "repair resume {4}",
             effect: "SELECT count(*) FROM repair_hold WHERE resumed_at IS NOT NULL"),
        Case(name: "repair return", setup: repairing, line: "repair return {4} outcome=repaired cost=10",
             effect: "SELECT count(*) FROM document WHERE doc_type = 'RR'"),
        Case(name: "exchange out", setup: pooled, line: "exchange out ROT ALT-1 customer=Li",
             effect: "SELECT count(*) FROM exchange"),
        Case(name: "exchange core", setup: pooled + ["exchange out ROT ALT-1 customer=Li"], line: "exchange core {6} serial=K1 grade=full",
             effect: "SELECT count(*) FROM exchange WHERE state = 'closed'"),
        Case(name: "pool set", setup: pooled, line: "pool set ROT ALT-1 target=2", effect: "SELECT count(*) FROM pool_target"),
    ]

    /// A serialised part with one unit at MAIN and a repair vendor: setup commands 1 to 3.
    static let serialised = ["part add ALT-1 \"alternator\" cost=100 serialized=yes", "receive MAIN ALT-1#S1@90",
                             "supplier add BOSCH \"Bosch\""]
    /// ... and the unit at the vendor: {4} is its repair order.
    static let repairing = serialised + ["repair new MAIN ALT-1#S1 vendor=BOSCH fault=\"dead\""]
    /// ... or in a rotation pool ROT instead (setup commands 4 and 5).
    static let pooled = serialised + ["location add ROT \"Pool\" kind=rotation", "transfer MAIN ROT ALT-1#S1"]

    @Test(arguments: cases)
    func bothGetTheFirstReplyAndItIsCarriedOutOnce(_ testCase: Case) throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try daemon.seed(client, parts: [("P-1", "5")])
        var results: [String] = []
        func resolve(_ text: String) -> String {
            var line = text
            for (index, result) in results.enumerated() { line = line.replacingOccurrences(of: "{\(index + 1)}", with: result) }
            return line
        }
        for command in testCase.setup {
            let reply = try client.send(resolve(command))
            try expectOK(reply)
            // The number a command made is the last word of its reply (or of a job's outcome).
            let words = reply.lastText.split(separator: " ")
            let word = words.first { $0.hasPrefix("RP-") } ?? words.last ?? ""
            results.append(word.hasSuffix(":") ? String(word.dropLast()) : String(word))
        }
        let line = resolve(testCase.line) + " ref=race-\(testCase.name.replacingOccurrences(of: " ", with: "-"))"
        let replies = Mutex([[String]]())
        race(2, socketPath: daemon.socketPath) { _, client in
            if let reply = try? client.send(line) { replies.withLock { $0.append(reply.lines) } }
        }
        let seen = replies.withLock { $0 }
        #expect(seen.count == 2)
        #expect(seen.first == seen.last, "\(line): \(seen)")
        #expect(seen.first?.last.map { $0.hasPrefix("20") } == true, "\(line): \(seen) after \(results)")
        let ref = String(line.split(separator: " ").last!.dropFirst(4))
        #expect(try daemon.sql("SELECT count(*) FROM client_request WHERE ref = '\(ref)'").scalar == "1")
        #expect(try daemon.sql("SELECT count(*) FROM audit_log WHERE ref = '\(ref)'").scalar == "1")
        #expect(try daemon.sql(testCase.effect).scalar == "1", "\(line)")
    }
}
