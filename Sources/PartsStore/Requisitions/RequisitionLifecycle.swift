import PartsDomain
import PostgresClient

/// req new, approve, reject, cancel and close: each one transaction, audited, with ref= replay.
extension PartsStore {
    /// Stores a submitted requisition; the outcome names it (`201 CREATED RQ-...`).
    public func newRequisition(_ draft: RequisitionDraft, _ context: CommandContext) async throws(StoreError) -> MutationOutcome {
        try await mutate(context) { connection throws(PostgresError) in
            guard let locationID = try connection.query("SELECT id FROM location WHERE code = $1", [draft.location]).scalar else {
                throw .refusal("PS404", "unknown location \(draft.location)")
            }
            if let needed = draft.neededBy, try connection.query("SELECT $1::date < current_date", [needed]).scalar == "t" {
                throw .refusal("PS422", "needed=\(needed) is in the past")
            }
            let header = try connection.query("""
                INSERT INTO requisition (req_no, location_id, requester, purpose, needed_by, created_by, created_uid, client_ref)
                VALUES (next_doc_no('RQ', current_date), $1, $2, $3, $4::date, $5, $6, $7)
                RETURNING id, req_no
                """, [locationID, draft.requester, draft.purpose, draft.neededBy, context.peer.userName,
                      String(context.peer.uid), context.ref]).rows[0]
            for (index, line) in draft.lines.enumerated() {
                guard let part = try connection.query("""
                    SELECT p.id, u.code, u.decimals, scale(trim_scale($2::numeric)) <= u.decimals
                      FROM part p JOIN unit_of_measure u ON u.code = p.unit WHERE p.part_no = $1
                    """, [line.partNo, line.quantity.description]).rows.first else {
                    throw .refusal("PS404", "unknown part \(line.partNo)")
                }
                guard part[3] == "t" else {
                    throw .refusal("PS422", "\(line.partNo) is counted in \(part[1]!): at most \(part[2]!) decimal places, got \(line.quantity.trimmed)")
                }
                try connection.query("""
                    INSERT INTO requisition_line (requisition_id, line_no, part_id, location_id, quantity)
                    VALUES ($1, $2, $3, $4, $5::numeric)
                    """, [header[0], String(index + 1), part[0], locationID, line.quantity.description])
            }
            try connection.query("""
                INSERT INTO requisition_event (requisition_id, from_state, to_state, by_user, by_uid)
                VALUES ($1, NULL, 'submitted', $2, $3)
                """, [header[0], context.peer.userName, String(context.peer.uid)])
            return MutationOutcome(code: 201, message: header[1]!)
        }
    }

    /// Approves a submitted requisition and reserves what is available now; the rest is
    /// back-ordered. `limit`: the most the approver's role may approve (nil: no limit).
    public func approveRequisition(_ number: String, limit: ExactDecimal?, limitName: String,
                                   _ context: CommandContext) async throws(StoreError) -> MutationOutcome {
        try await mutate(context) { connection throws(PostgresError) in
            var requisition = try LockedRequisition.lock(number, connection)
            try requisition.require(["submitted"], toDo: "approve")
            if let limit {
                let value = decimal(try connection.query("""
                    SELECT coalesce(sum(round(quantity * requisition_unit_cost(part_id, location_id), 2)), 0)
                      FROM requisition_line WHERE requisition_id = $1
                    """, [requisition.id]).scalar)
                if value > limit {
                    throw .refusal("PS403", "\(number) is worth \(value.formatted(minimumScale: 2)), above the \(limitName) "
                        + "of \(limit.formatted(minimumScale: 2)): an admin must approve it")
                }
            }
            try requisition.move(to: "approved", note: nil, context, connection)
            let reserved = try requisition.reserveAvailable(connection)
            let backOrdered = try requisition.backOrdered(connection)
            return MutationOutcome(code: 200, message: "\(number) approved: " + Self.describe(reserved)
                + (backOrdered.isPositive ? "; \(backOrdered.trimmed) back-ordered" : ""))
        }
    }

    /// Rejects a submitted requisition; nothing was reserved yet.
    public func rejectRequisition(_ number: String, reason: String, _ context: CommandContext) async throws(StoreError) -> MutationOutcome {
        try await mutate(context) { connection throws(PostgresError) in
            var requisition = try LockedRequisition.lock(number, connection)
            try requisition.require(["submitted"], toDo: "reject")
            try requisition.move(to: "rejected", note: reason, rejectionReason: reason, context, connection)
            return MutationOutcome(code: 200, message: "\(number) rejected: \(reason)")
        }
    }

    /// Cancels an open requisition and releases what it still holds reserved.
    public func cancelRequisition(_ number: String, _ context: CommandContext) async throws(StoreError) -> MutationOutcome {
        try await mutate(context) { connection throws(PostgresError) in
            var requisition = try LockedRequisition.lock(number, connection)
            try requisition.require(["draft", "submitted", "approved", "partly_issued"], toDo: "cancel")
            let released = try requisition.reservedTotal(connection)
            try requisition.releaseReservations(connection)
            try requisition.move(to: "cancelled", note: nil, context, connection)
            return MutationOutcome(code: 200, message: "\(number) cancelled"
                + (released.isPositive ? ": \(released.trimmed) released from reservation" : ""))
        }
    }

    /// Closes a partly issued requisition: what was not issued is no longer owed, its
    /// reservation is released and its back-order dropped.
    public func closeRequisition(_ number: String, _ context: CommandContext) async throws(StoreError) -> MutationOutcome {
        try await mutate(context) { connection throws(PostgresError) in
            var requisition = try LockedRequisition.lock(number, connection)
            if requisition.state == "approved" {
                throw .refusal("PS409", "cannot close \(number): nothing was issued on it yet; cancel it instead")
            }
            try requisition.require(["partly_issued"], toDo: "close")
            let released = try requisition.reservedTotal(connection)
            let dropped = try requisition.backOrdered(connection)
            try requisition.releaseReservations(connection)
            try requisition.move(to: "closed", note: nil, context, connection)
            return MutationOutcome(code: 200, message: "\(number) closed: \(released.trimmed) released from reservation, "
                + "\(dropped.trimmed) back-order dropped")
        }
    }

    /// "P-1 3, P-2 1 reserved" or "nothing available to reserve".
    static func describe(_ reservations: [LineReservation]) -> String {
        reservations.isEmpty ? "nothing available to reserve"
            : reservations.map { "\($0.partNo) \($0.reserved.trimmed)" }.joined(separator: ", ") + " reserved"
    }
}

extension LockedRequisition {
    func reservedTotal(_ connection: Connection) throws(PostgresError) -> ExactDecimal {
        decimal(try connection.query("SELECT coalesce(sum(reserved), 0) FROM requisition_line WHERE requisition_id = $1", [id]).scalar)
    }
}
