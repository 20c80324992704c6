import PartsDomain
import PostgresClient

extension LockedRequisition {
    /// Moves the requisition to `state` and records the event, in the caller's transaction.
    /// Reservations must already be released when the new state holds none: the line CHECK
    /// (backorder_open OR reserved = 0) refuses otherwise.
    mutating func move(to newState: String, note: String?, rejectionReason: String? = nil,
                       _ context: CommandContext, _ connection: Connection) throws(PostgresError) {
        try connection.query("""
            UPDATE requisition r
               SET state = $2,
                   finished_at = CASE WHEN s.is_open THEN NULL ELSE now() END,
                   approved_by = CASE WHEN $2 = 'approved' THEN $3 ELSE r.approved_by END,
                   approved_at = CASE WHEN $2 = 'approved' THEN now() ELSE r.approved_at END,
                   rejection_reason = CASE WHEN $2 = 'rejected' THEN $4 ELSE r.rejection_reason END
              FROM requisition_state s
             WHERE s.state = $2 AND r.id = $1
            """, [id, newState, context.peer.userName, rejectionReason])
        try connection.query("""
            UPDATE requisition_line SET backorder_open = $2 IN ('approved', 'partly_issued')
             WHERE requisition_id = $1 AND backorder_open <> ($2 IN ('approved', 'partly_issued'))
            """, [id, newState])
        try connection.query("""
            INSERT INTO requisition_event (requisition_id, from_state, to_state, by_user, by_uid, note)
            VALUES ($1, $2, $3, $4, $5, $6)
            """, [id, state, newState, context.peer.userName, String(context.peer.uid), note])
        state = newState
    }
}
