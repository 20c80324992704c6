import PartsDomain
import PostgresClient

/// req show and req list.
extension PartsStore {
    static let requisitionHeaderSelect = """
        SELECT r.req_no, r.state, loc.code, r.requester, r.purpose, r.needed_by::text, r.created_by,
               to_char(r.created_at, 'YYYY-MM-DD HH24:MI:SS'), r.approved_by, to_char(r.approved_at, 'YYYY-MM-DD HH24:MI:SS'),
               r.rejection_reason, to_char(r.finished_at, 'YYYY-MM-DD HH24:MI:SS'), current_date - r.created_at::date,
               (SELECT count(*) FROM requisition_line l WHERE l.requisition_id = r.id),
               (SELECT coalesce(sum(round(l.quantity * requisition_unit_cost(l.part_id, l.location_id), 2)), 0)
                  FROM requisition_line l WHERE l.requisition_id = r.id)
          FROM requisition r JOIN location loc ON loc.id = r.location_id
        """

    static func requisitionHeader(_ row: [String?]) -> RequisitionHeader {
        RequisitionHeader(number: row[0]!, state: row[1]!, location: row[2]!, requester: row[3], purpose: row[4], neededBy: row[5],
                          createdBy: row[6]!, createdAt: row[7]!, approvedBy: row[8], approvedAt: row[9], rejectionReason: row[10],
                          finishedAt: row[11], ageDays: Int(row[12]!) ?? 0, lines: Int(row[13]!) ?? 0, value: decimal(row[14]))
    }

    /// A requisition with what the approver checks per line, its transitions and its issues.
    public func requisition(_ number: String) async throws(StoreError) -> RequisitionDetail {
        let detail = try await read { connection throws(PostgresError) -> RequisitionDetail? in
            guard let header = try connection.query(Self.requisitionHeaderSelect + " WHERE r.req_no = $1", [number])
                .rows.first.map(Self.requisitionHeader) else { return nil }
            // Issues over 30 and 90 days come from demand_line like planning's, positive lines only.
            let lines = try connection.query(Self.lineDetailSQL, [number]).rows.map { row in
                RequisitionLineDetail(
                    lineNo: Int(row[0]!)!, partNo: row[1]!, description: row[2]!, unit: row[3]!, quantity: decimal(row[4]),
                    reserved: decimal(row[5]), issued: decimal(row[6]), backOrdered: decimal(row[7]), onHand: decimal(row[8]),
                    available: decimal(row[9]), onOrder: decimal(row[10]), issuedLast30Days: decimal(row[11]),
                    issuedLast90Days: decimal(row[12]), unitCost: decimal(row[13]), value: decimal(row[14]))
            }
            let events = try connection.query("""
                SELECT to_char(e.at, 'YYYY-MM-DD HH24:MI:SS'), e.from_state, e.to_state, e.by_user, e.note
                  FROM requisition_event e JOIN requisition r ON r.id = e.requisition_id
                 WHERE r.req_no = $1 ORDER BY e.id
                """, [number]).rows.map { RequisitionEvent(at: $0[0]!, from: $0[1], to: $0[2]!, by: $0[3]!, note: $0[4]) }
            let issues = try connection.query("""
                SELECT d.doc_no FROM requisition_issue i
                  JOIN requisition r ON r.id = i.requisition_id JOIN document d ON d.id = i.document_id
                 WHERE r.req_no = $1 ORDER BY d.id
                """, [number]).rows.map { $0[0]! }
            return RequisitionDetail(header: header, lines: lines, events: events, issues: issues)
        }
        guard let detail else { throw .notFound("no requisition \(number)") }
        return detail
    }

    private static let lineDetailSQL = """
        SELECT l.line_no, p.part_no, p.description, p.unit, l.quantity, l.reserved, l.issued,
               CASE WHEN l.backorder_open THEN l.quantity - l.reserved - l.issued ELSE 0 END,
               coalesce(b.on_hand, 0), coalesce(b.on_hand - b.reserved, 0), on_order(l.part_id, l.location_id),
               coalesce(d.last30, 0), coalesce(d.last90, 0),
               requisition_unit_cost(l.part_id, l.location_id),
               round(l.quantity * requisition_unit_cost(l.part_id, l.location_id), 2)
          FROM requisition r
          JOIN requisition_line l ON l.requisition_id = r.id
          JOIN part p ON p.id = l.part_id
          LEFT JOIN stock_balance b ON b.part_id = l.part_id AND b.location_id = l.location_id
          LEFT JOIN LATERAL (
              SELECT sum(dl.quantity) FILTER (WHERE dl.demand_date > current_date - 30) AS last30,
                     sum(dl.quantity) AS last90
                FROM demand_line dl
               WHERE dl.part_id = l.part_id AND dl.location_id = l.location_id
                 AND dl.quantity > 0 AND dl.demand_date > current_date - 90) d ON true
         WHERE r.req_no = $1
         ORDER BY l.line_no
        """

    /// Requisitions newest first, optionally in one state or at one location.
    public func requisitions(state: String?, location: String?, limit: Int) async throws(StoreError) -> [RequisitionHeader] {
        if let location { try await requireLocation(location) }
        return try await read { connection throws(PostgresError) in
            try connection.query(Self.requisitionHeaderSelect + """
                 WHERE ($1::text IS NULL OR r.state = $1) AND ($2::text IS NULL OR loc.code = $2)
                 ORDER BY r.id DESC LIMIT $3
                """, [state, location, String(limit)]).rows.map(Self.requisitionHeader)
        }
    }
}
