import PartsDomain
import PostgresClient

extension PartsStore {
    /// Stores a purchase order with its lines in one transaction; the outcome names its number
    /// (`201 CREATED PO-...`). Lines without a price take the part's standard cost.
    public func createPurchaseOrder(_ draft: PurchaseOrderDraft, _ context: CommandContext) async throws(StoreError) -> MutationOutcome {
        try await mutate(context) { connection throws(PostgresError) in
            guard let supplier = try connection.query("SELECT id, lead_days, min_order FROM supplier WHERE code = $1",
                                                      [draft.supplier]).rows.first else {
                throw refusal("PS404", "unknown supplier \(draft.supplier)")
            }
            let locationID = try receivingLocation(draft.location, connection)
            let dates = try connection.query("""
                SELECT coalesce($1::date, current_date + $2::integer), $1::date < current_date
                """, [draft.expected, supplier[1]]).rows[0]
            if dates[1] == "t" { throw refusal("PS422", "expected date \(draft.expected ?? "") is in the past") }

            let lines = try connection.query("""
                SELECT l.part_no, p.id, coalesce(l.price, p.cost), u.code, u.decimals, scale(trim_scale(l.quantity)),
                       round(l.quantity * coalesce(l.price, p.cost), 2)
                  FROM unnest($1::text[], $2::numeric[], $3::numeric[]) WITH ORDINALITY AS l(part_no, quantity, price, n)
                  LEFT JOIN part p ON p.part_no = l.part_no
                  LEFT JOIN unit_of_measure u ON u.code = p.unit
                 ORDER BY l.n
                """, [ArrayLiteral.quoted(draft.lines.map(\.partNo)), ArrayLiteral.plain(draft.lines.map(\.quantity.description)),
                      ArrayLiteral.plain(draft.lines.map { $0.price?.description ?? "NULL" })]).rows
            var value = ExactDecimal.zero
            for (line, row) in zip(draft.lines, lines) {
                guard row[1] != nil else { throw refusal("PS404", "unknown part \(line.partNo)") }
                if let allowed = Int(row[4]!), let scale = Int(row[5]!), scale > allowed {
                    throw refusal("PS422", "\(line.partNo) is counted in \(row[3]!): at most \(allowed) decimal places, got \(line.quantity.trimmed)")
                }
                value = value.adding(decimal(row[6])) ?? value
            }
            if let minimum = supplier[2].flatMap({ ExactDecimal($0) }), value < minimum {
                throw refusal("PS422", "the order is worth \(value.formatted(minimumScale: 2)), below \(draft.supplier)'s minimum order of \(minimum.formatted(minimumScale: 2))")
            }

            if let requisition = draft.forRequisition {
                guard let state = try connection.query("SELECT state FROM requisition WHERE req_no = $1", [requisition]).scalar else {
                    throw refusal("PS404", "unknown requisition \(requisition)")
                }
                guard ["submitted", "approved", "partly_issued"].contains(state) else {
                    throw refusal("PS409", "\(requisition) is \(state): a special order is placed for an open requisition")
                }
            }
            let header = try connection.query("""
                INSERT INTO purchase_order (po_no, supplier_id, expected, for_requisition, created_by)
                VALUES (next_doc_no('PO', current_date), $1::integer, $2::date, $3, $4)
                RETURNING id, po_no
                """, [supplier[0], dates[0], draft.forRequisition, context.peer.userName]).rows[0]
            try connection.query("""
                INSERT INTO po_line (po_id, line_no, part_id, location_id, quantity, price, expected)
                SELECT $1::integer, l.n, l.part_id, $2::integer, l.quantity, l.price, $3::date
                  FROM unnest($4::integer[], $5::numeric[], $6::numeric[]) WITH ORDINALITY AS l(part_id, quantity, price, n)
                """, [header[0], locationID, dates[0], ArrayLiteral.plain(lines.map { $0[1]! }),
                      ArrayLiteral.plain(draft.lines.map(\.quantity.description)), ArrayLiteral.plain(lines.map { $0[2]! })])
            return MutationOutcome(code: 201, message: header[1]!)
        }
    }

    /// Cancels what remains open on an order. What was received stays received (and in
    /// stock); the order's state becomes cancelled and nothing more can be received on it.
    /// A fully received or already cancelled order is a conflict.
    public func cancelPurchaseOrder(_ poNo: String, reason: String?, _ context: CommandContext) async throws(StoreError) -> MutationOutcome {
        try await mutate(context) { connection throws(PostgresError) in
            // The same row lock receive_purchase_order takes first: a cancellation and a
            // receipt of one order never interleave.
            guard let order = try connection.query("SELECT id, state FROM purchase_order WHERE po_no = $1 FOR UPDATE",
                                                   [poNo]).rows.first else {
                throw refusal("PS404", "unknown purchase order \(poNo)")
            }
            switch order[1] {
            case "received": throw refusal("PS409", "\(poNo) is fully received: nothing is left to cancel")
            case "cancelled": throw refusal("PS409", "\(poNo) is already cancelled")
            default: break
            }
            let open = try connection.query("""
                UPDATE po_line SET closed = true WHERE po_id = $1::integer AND NOT closed
                RETURNING quantity - received
                """, [order[0]]).rows.reduce(ExactDecimal.zero) { $0.adding(decimal($1[0])) ?? $0 }
            try connection.query("""
                UPDATE purchase_order SET state = 'cancelled', cancelled_by = $2, cancelled_at = now(), cancel_reason = $3
                 WHERE id = $1::integer
                """, [order[0], context.peer.userName, reason])
            let received = order[1] == "partly_received" ? "; what was received stays in stock" : ""
            return MutationOutcome(code: 200, message: "\(poNo) cancelled: its open quantity (\(open.trimmed)) is no longer on order\(received)")
        }
    }

    /// The location given, or else the only warehouse: an order for a site with several
    /// warehouses must say where its goods go.
    private func receivingLocation(_ code: String?, _ connection: Connection) throws(PostgresError) -> String {
        if let code {
            guard let id = try connection.query("SELECT id FROM location WHERE code = $1", [code]).scalar else {
                throw refusal("PS404", "unknown location \(code)")
            }
            return id
        }
        let warehouses = try connection.query("SELECT id, code FROM location WHERE kind = 'warehouse' ORDER BY code").rows
        switch warehouses.count {
        case 1: return warehouses[0][0]!
        case 0: throw refusal("PS422", "there is no warehouse to receive at: give location=<code>")
        default:
            throw refusal("PS422", "give location=<code>: there are \(warehouses.count) warehouses (\(warehouses.map { $0[1]! }.joined(separator: ", ")))")
        }
    }
}

/// A refusal raised from Swift inside a transaction, mapped like the schema's own PS errors.
func refusal(_ sqlState: String, _ message: String) -> PostgresError {
    .server(ServerError(sqlState: SQLState(sqlState), message: message))
}
