import Foundation
import PartsClient
import PostgresClient
import Synchronization
import Testing

/// A serial is in one place at a time: 20 clients race to issue, ship to repair and give out
/// on an exchange the same units of a pool. Exactly one wins each unit, the rest are 409, and
/// afterwards every serialised balance is its units and every balance its ledger.
@Suite("serials under racing clients")
struct SerialRaceTests {
    @Test func exactlyOneClientWinsEachUnit() throws {
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        try daemon.seedSerials(client, units: 0)
        for round in 1...3 {
            let serials = (1...5).map { "R\(round)U\($0)" }
            try expectOK(client.send("receive ROT " + serials.map { "ALT-100#\($0)@200" }.joined(separator: " ")))
            let outcomes = Mutex([String: [Int]]())
            race(20, socketPath: daemon.socketPath) { index, connection in
                let serial = serials[index % 5]
                let command = switch (index / 5 + round) % 3 {
                case 0: "issue ROT ALT-100#\(serial) to=WO-\(index)"
                case 1: "repair new ROT ALT-100#\(serial) vendor=BOSCH fault=\"race \(index)\""
                default: "exchange out ROT ALT-100#\(serial) customer=C\(index)"
                }
                if let reply = try? connection.send(command) { outcomes.withLock { $0[serial, default: []].append(reply.code) } }
            }
            let seen = outcomes.withLock { $0 }
            for serial in serials {
                #expect(seen[serial]?.sorted() == [201, 409, 409, 409], "round \(round) \(serial): \(seen[serial] ?? [])")
            }
            #expect(try daemon.value("""
                SELECT count(*) FROM unit WHERE serial LIKE 'R\(round)U%' AND place = 'location'
                """) == "0")
            // Each unit left on exactly one document and is where that document put it.
            #expect(try daemon.value("""
                SELECT count(*) FROM unit u WHERE u.serial LIKE 'R\(round)U%'
                   AND (SELECT count(*) FROM unit_move m WHERE m.unit_id = u.id) <> 2
                """) == "0")
            try daemon.expectConsistent()
        }
        #expect(try daemon.balance("ROT", "ALT-100").hasPrefix("0 @"))
    }
}
