import Foundation
import PartsClient
import PartsProtocol
import PostgresClient
import Testing

/// A daemon set up for the warranty tests: the site in Asia/Shanghai, a warehouse with parts
/// in stock, and the maker SAIC (its rules as given).
struct WarrantySite {
    static let zone = "Asia/Shanghai"
    let daemon: TestDaemon
    let client: AdminConnection

    init(rules: String = "", zone: String = WarrantySite.zone) throws {
        daemon = try TestDaemon(environment: ["PARTSD_SITE_TIME_ZONE": zone])
        client = try daemon.connect()
        try daemon.seed(client, parts: [("P-1001", "10"), ("ECU-7", "2")])
        try expectOK(client.send("part set P-1001 description=\"前刹车片 front brake pad\" supplier=BOSCH"))
        try expectOK(client.send("part set ECU-7 description=\"发动机电脑 engine control unit\" supplier=CONTI"))
        try expectOK(client.send("oem add SAIC \"SAIC Motor 上汽\" \(rules)"))
    }

    /// The site's local date `offset` days from today.
    func day(_ offset: Int) throws -> String {
        try daemon.sql("SELECT ((now() AT TIME ZONE '\(Self.zone)')::date + \(offset))::text AS day").scalar!
    }

    /// Sends a line that must succeed; returns its reply.
    @discardableResult
    func ok(_ line: String) throws -> PartsClient.Reply {
        let reply = try client.send(line)
        guard reply.isSuccess else { throw TestFailure("\(line)\n→ \(reply)") }
        return reply
    }

    /// The tags of a claim, in line order.
    func tags(_ claim: String) throws -> [String] {
        try daemon.sql("""
            SELECT o.tag_no FROM old_part o JOIN warranty_claim c ON c.id = o.claim_id
             WHERE c.claim_no = '\(claim)' ORDER BY o.line_no
            """).records.map { try $0.text("tag_no") }
    }

    /// One column of an old part, by tag.
    func part(_ tag: String, _ column: String) throws -> String? {
        try daemon.sql("SELECT \(column)::text AS value FROM old_part WHERE tag_no = '\(tag)'").records.first?.optionalText("value")
    }

    /// Everything the warranty workflows and the ledger hold, as one digest: equal before and
    /// after a refusal, a replay or a refused role.
    func state() throws -> String {
        try daemon.sql("""
            SELECT md5(concat_ws('|',
                (SELECT string_agg(x::text, ',' ORDER BY id) FROM oem x),
                (SELECT string_agg(x::text, ',' ORDER BY id) FROM oem_rule x),
                (SELECT string_agg(x::text, ',' ORDER BY id) FROM warranty_claim x),
                (SELECT string_agg(x::text, ',' ORDER BY id) FROM old_part x),
                (SELECT string_agg(x::text, ',' ORDER BY id) FROM return_batch x),
                (SELECT string_agg(x::text, ',' ORDER BY old_part_id, round) FROM old_part_verdict x),
                (SELECT string_agg(x::text, ',' ORDER BY old_part_id) FROM old_part_appeal x),
                (SELECT string_agg(x::text, ',' ORDER BY id) FROM location x),
                (SELECT string_agg(x::text, ',' ORDER BY id) FROM part x),
                (SELECT string_agg(x::text, ',' ORDER BY part_id, location_id) FROM stock_balance x),
                (SELECT count(*)::text FROM document), (SELECT count(*)::text FROM stock_movement),
                (SELECT count(*)::text FROM client_request))) AS state
            """).scalar ?? ""
    }
}

/// Terminal columns of a reply's data lines, CJK counted as two.
func widestLine(_ reply: PartsClient.Reply) -> (width: Int, line: String) {
    reply.body.map { (DisplayWidth.of($0), $0) }.max { $0.0 < $1.0 } ?? (0, "")
}
