import PartsDomain
import PostgresClient

/// req show and req list.
extension PartsStore {
    static let requisitionHeaderSelect = """
        SELECT r.req_no, r.state, loc.code AS location, r.requester, r.purpose, r.needed_by::text AS needed_by, r.created_by,
               to_char(r.created_at, 'YYYY-MM-DD HH24:MI:SS') AS created_at, r.approved_by,
               to_char(r.approved_at, 'YYYY-MM-DD HH24:MI:SS') AS approved_at, r.rejection_reason,
               to_char(r.finished_at, 'YYYY-MM-DD HH24:MI:SS') AS finished_at, current_date - r.created_at::date AS age_days,
               (SELECT count(*) FROM requisition_line l WHERE l.requisition_id = r.id) AS lines,
               requisition_value(r.id) AS value
          FROM requisition r JOIN location loc ON loc.id = r.location_id
        """

    static func requisitionHeader(_ row: Row) throws(PostgresError) -> RequisitionHeader {
        RequisitionHeader(number: try row.text("req_no"), state: try row.text("state"), location: try row.text("location"),
                          requester: try row.optionalText("requester"), purpose: try row.optionalText("purpose"),
                          neededBy: try row.optionalText("needed_by"), createdBy: try row.text("created_by"),
                          createdAt: try row.text("created_at"), approvedBy: try row.optionalText("approved_by"),
                          approvedAt: try row.optionalText("approved_at"), rejectionReason: try row.optionalText("rejection_reason"),
                          finishedAt: try row.optionalText("finished_at"), ageDays: try row.int("age_days"),
                          lines: try row.int("lines"), value: try row.decimal("value"))
    }

    /// A requisition with what the approver checks per line, its transitions and its issues.
    public func requisition(_ number: String) async throws(StoreError) -> RequisitionDetail {
        let detail = try await read { connection throws(PostgresError) -> RequisitionDetail? in
            guard let header = try connection.query(Self.requisitionHeaderSelect + " WHERE r.req_no = $1", [number])
                .singleRow().map(Self.requisitionHeader) else { return nil }
            let lines = try connection.query(Self.lineDetailSQL, [number]).records.map { row throws(PostgresError) in
                RequisitionLineDetail(
                    lineNo: try row.int("line_no"), partNo: try row.text("part_no"), description: try row.text("description"),
                    unit: try row.text("unit"), quantity: try row.decimal("quantity"), reserved: try row.decimal("reserved"),
                    issued: try row.decimal("issued"), backOrdered: try row.decimal("back_ordered"),
                    onHand: try row.decimal("on_hand"), available: try row.decimal("available"),
                    onOrder: try row.decimal("on_order"), issuedLast30Days: try row.decimal("issued_30d"),
                    issuedLast90Days: try row.decimal("issued_90d"), unitCost: try row.decimal("unit_cost"),
                    value: try row.decimal("value"))
            }
            let events = try connection.query("""
                SELECT to_char(e.at, 'YYYY-MM-DD HH24:MI:SS') AS at, e.from_state, e.to_state, e.by_user, e.note
                  FROM requisition_event e JOIN requisition r ON r.id = e.requisition_id
                 WHERE r.req_no = $1 ORDER BY e.id
                """, [number]).records.map { row throws(PostgresError) in
                RequisitionEvent(at: try row.text("at"), from: try row.optionalText("from_state"), to: try row.text("to_state"),
                                 by: try row.text("by_user"), note: try row.optionalText("note"))
            }
            let issues = try connection.query("""
                SELECT d.doc_no FROM requisition_issue i
                  JOIN requisition r ON r.id = i.requisition_id JOIN document d ON d.id = i.document_id
                 WHERE r.req_no = $1 ORDER BY d.id
                """, [number]).records.map { row throws(PostgresError) in try row.text("doc_no") }
            return RequisitionDetail(header: header, lines: lines, events: events, issues: issues)
        }
        guard let detail else { throw .notFound("no requisition \(number)") }
        return detail
    }

    /// Issues over 30 and 90 days come from demand_line like planning's, positive lines only.
    private static let lineDetailSQL = """
        SELECT l.line_no, p.part_no, p.description, p.unit, l.quantity, l.reserved, l.issued,
               CASE WHEN l.backorder_open THEN l.quantity - l.reserved - l.issued ELSE 0 END AS back_ordered,
               coalesce(b.on_hand, 0) AS on_hand, coalesce(b.on_hand - b.reserved, 0) AS available,
               on_order(l.part_id, l.location_id) AS on_order,
               coalesce(d.last30, 0) AS issued_30d, coalesce(d.last90, 0) AS issued_90d,
               requisition_unit_cost(l.part_id, l.location_id) AS unit_cost,
               round(l.quantity * requisition_unit_cost(l.part_id, l.location_id), 2) AS value
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
                """, [state, location, String(limit)]).records.map(Self.requisitionHeader)
        }
    }
}
