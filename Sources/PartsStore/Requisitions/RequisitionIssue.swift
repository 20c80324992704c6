import PartsDomain
import PostgresClient

/// req issue: a goods issue against an approved requisition.
extension PartsStore {
    /// In one transaction: releases the reservation for what is issued, posts the GI through
    /// post_stock_document, books the issued quantities on the lines and moves the state.
    /// `lines` nil issues everything reserved. A retry with the same ref returns the first GI.
    public func issueRequisition(_ number: String, lines requested: [StockDocumentDraft.Line]?,
                                 _ context: CommandContext) async throws(StoreError) -> PostedDocument {
        try await retryingDuplicateRef { () async throws(StoreError) in
            let json = try await write { connection throws(PostgresError) in
                var requisition = try LockedRequisition.lock(number, connection)
                // After the lock, so a retry racing its original waits for it and replays it.
                if let ref = context.ref,
                   let prior = try connection.query("SELECT doc_no FROM claim_request($1, $2) WHERE ref IS NOT NULL",
                                                    [ref, context.fingerprint]).scalar {
                    return try connection.query("SELECT document_json($1) || '{\"replayed\": true}'", [prior]).scalar ?? ""
                }
                try requisition.require(["approved", "partly_issued"], toDo: "issue")
                let issues = try Self.issueLines(requisition, requested, connection)
                for issue in issues.sorted(by: { $0.partID < $1.partID }) {
                    let fromReserved = min(issue.quantity, issue.reserved)
                    try connection.query("""
                        WITH line AS (
                            UPDATE requisition_line
                               SET reserved = reserved - $3::numeric, issued = issued + $4::numeric,
                                   fully_issued_at = CASE WHEN issued + $4::numeric = quantity THEN now() END
                             WHERE requisition_id = $1 AND line_no = $2 RETURNING part_id, location_id)
                        UPDATE stock_balance b SET reserved = b.reserved - $3::numeric
                          FROM line WHERE b.part_id = line.part_id AND b.location_id = line.location_id
                        """, [requisition.id, String(issue.lineNo), fromReserved.description, issue.quantity.description])
                }
                let note = [requisition.purpose.map { "for \($0)" }, requisition.requester.map { "requested by \($0)" }]
                    .compactMap { $0 }.joined(separator: ", ")
                let draft = StockDocumentDraft(kind: .issue, location: requisition.location, counterparty: number,
                                               note: note.isEmpty ? nil : note,
                                               lines: issues.map { .init(partNo: $0.partNo, quantity: $0.quantity) })
                let document = try connection.query("SELECT post_stock_document($1::jsonb)",
                                                    [Self.postingInput(draft, context).text]).scalar ?? ""
                let docNo = try connection.query("""
                    INSERT INTO requisition_issue (requisition_id, document_id)
                    SELECT $1, d.id FROM document d WHERE d.doc_no = $2::jsonb->>'doc_no'
                    RETURNING (SELECT doc_no FROM document WHERE id = document_id)
                    """, [requisition.id, document]).scalar
                let complete = try connection.query(
                    "SELECT bool_and(issued = quantity) FROM requisition_line WHERE requisition_id = $1", [requisition.id]).scalar == "t"
                try requisition.move(to: complete ? "issued" : "partly_issued", note: docNo, context, connection)
                return document
            }
            return try Self.decodeDocument(json)
        }
    }

    private struct IssueLine {
        var lineNo: Int
        var partID: Int
        var partNo: String
        var quantity: ExactDecimal
        var reserved: ExactDecimal
    }

    /// What to issue per line: the lines asked for, checked against the requisition, or every
    /// reserved quantity.
    private static func issueLines(_ requisition: LockedRequisition, _ requested: [StockDocumentDraft.Line]?,
                                   _ connection: Connection) throws(PostgresError) -> [IssueLine] {
        let rows = try connection.query("""
            SELECT l.line_no, l.part_id, p.part_no, l.quantity - l.issued, l.reserved
              FROM requisition_line l JOIN part p ON p.id = l.part_id
             WHERE l.requisition_id = $1 ORDER BY l.line_no
            """, [requisition.id]).rows
        let lines = rows.map { row in
            (line: IssueLine(lineNo: Int(row[0]!)!, partID: Int(row[1]!)!, partNo: row[2]!, quantity: decimal(row[3]),
                             reserved: decimal(row[4])), outstanding: decimal(row[3]))
        }
        guard let requested else {
            let reserved = lines.filter { $0.line.reserved.isPositive }.map { entry in
                var line = entry.line
                line.quantity = line.reserved
                return line
            }
            if reserved.isEmpty {
                throw .refusal("PS409", "nothing is reserved on \(requisition.number) to issue: it is back-ordered; "
                    + "req fill reserves stock that has arrived, or name the lines to issue from what is available")
            }
            return reserved
        }
        var issues: [IssueLine] = []
        for asked in requested {
            guard let entry = lines.first(where: { $0.line.partNo == asked.partNo }) else {
                throw .refusal("PS409", "\(asked.partNo) is not on \(requisition.number): its lines are "
                    + lines.map(\.line.partNo).joined(separator: ", "))
            }
            guard asked.quantity <= entry.outstanding else {
                throw .refusal("PS409", "\(asked.partNo) on \(requisition.number) has \(entry.outstanding.trimmed) left to issue, "
                    + "\(asked.quantity.trimmed) asked")
            }
            var line = entry.line
            line.quantity = asked.quantity
            issues.append(line)
        }
        return issues
    }
}
