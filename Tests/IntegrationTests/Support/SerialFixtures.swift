import Foundation
import PartsClient
import PartsProtocol
import PostgresClient
import Testing

extension TestDaemon {
    /// MAIN, BR1 and a rotation pool ROT; a repair vendor BOSCH (14 lead days); the serialised
    /// ALT-100 (price 245) with `units` received at MAIN, A1 at 200, A2 at 220, ... 20 more each.
    func seedSerials(_ client: AdminConnection, units: Int = 3) throws {
        try expectOK(client.send("location add MAIN \"Main warehouse\""))
        try expectOK(client.send("location add BR1 \"Branch 1\" kind=branch"))
        try expectOK(client.send("location add ROT \"Rotation pool 周转仓\" kind=rotation"))
        try expectOK(client.send("supplier add BOSCH \"Bosch service 博世\" lead_days=14"))
        try expectOK(client.send("part add ALT-100 \"Alternator 140A 发电机\" cost=245 serialized=yes"))
        if units > 0 {
            let lines = (1...units).map { "ALT-100#A\($0)@\(180 + 20 * $0)" }.joined(separator: " ")
            try expectOK(client.send("receive MAIN \(lines)"))
        }
    }

    /// The scalar of `statement`, "" for NULL.
    func value(_ statement: String) throws -> String {
        try sql(statement).scalar ?? ""
    }

    /// On hand and average cost of a part at a location, as "2 @ 210.0000" ("0" when it never was there).
    func balance(_ location: String, _ part: String) throws -> String {
        try value("""
            SELECT coalesce((SELECT trim_scale(b.on_hand)::text || ' @ ' || b.avg_cost FROM stock_balance b
              JOIN part p ON p.id = b.part_id JOIN location l ON l.id = b.location_id
             WHERE p.part_no = '\(part)' AND l.code = '\(location)'), '0')
            """)
    }

    /// Where a unit is, in the words `unit show` uses.
    func whereabouts(_ part: String, _ serial: String) throws -> String {
        try value("SELECT unit_where(u) FROM unit u JOIN part p ON p.id = u.part_id WHERE p.part_no = '\(part)' AND u.serial = '\(serial)'")
    }

    /// Both invariants of the ledger: every balance is its movements, every serialised
    /// balance is its serviceable own units.
    func expectConsistent(sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(try value("SELECT count(*) FROM ledger_discrepancy") == "0", sourceLocation: sourceLocation)
        #expect(try value("SELECT count(*) FROM serial_discrepancy") == "0", sourceLocation: sourceLocation)
    }
}

/// Every line of a reply fits 80 columns after its `NNN-` code, as a receipt does, wide (CJK)
/// characters counted as two.
func expectFits80(_ reply: PartsClient.Reply, sourceLocation: SourceLocation = #_sourceLocation) {
    for line in reply.lines {
        #expect(DisplayWidth.of(line.dropFirst(4)) <= 80, "over 80 columns: \(line)", sourceLocation: sourceLocation)
    }
}
