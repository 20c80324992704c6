import PartsDomain
import PostgresClient

/// req fill: stock that arrived after approval goes to the back-orders, oldest approval first.
extension PartsStore {
    /// Reserves newly available stock for one requisition's back-order, or with no number for
    /// every open requisition with a back-order (at `location`, when given), oldest first.
    public func fillBackorders(_ number: String?, location: String?, _ context: CommandContext) async throws(StoreError) -> MutationOutcome {
        try await mutate(context) { connection throws(PostgresError) in
            if let number {
                let requisition = try LockedRequisition.lock(number, connection)
                try requisition.require(["approved", "partly_issued"], toDo: "fill")
                let before = try requisition.backOrdered(connection)
                guard before.isPositive else { return MutationOutcome(code: 200, message: "\(number) has nothing back-ordered") }
                let reserved = try requisition.reserveAvailable(connection)
                let after = try requisition.backOrdered(connection)
                return MutationOutcome(code: 200, message: "\(number): " + Self.describe(reserved)
                    + (after.isPositive ? "; \(after.trimmed) still back-ordered" : "; back-order filled"))
            }
            if let location, try connection.query("SELECT 1 FROM location WHERE code = $1", [location]).count == 0 {
                throw .refusal("PS404", "unknown location \(location)")
            }
            // Oldest approval first: the technician who has waited longest gets the stock.
            let candidates = try connection.query("""
                SELECT r.req_no FROM requisition r JOIN location loc ON loc.id = r.location_id
                 WHERE r.state IN ('approved', 'partly_issued') AND ($1::text IS NULL OR loc.code = $1)
                   AND EXISTS (SELECT 1 FROM requisition_line l
                                WHERE l.requisition_id = r.id AND l.backorder_open AND l.quantity > l.reserved + l.issued)
                 ORDER BY r.approved_at, r.id
                """, [location]).rows.map { $0[0]! }
            var filled: [String] = []
            for candidate in candidates {
                let requisition = try LockedRequisition.lock(candidate, connection)
                // Another command may have changed it between the list and the lock.
                guard ["approved", "partly_issued"].contains(requisition.state) else { continue }
                let reserved = try requisition.reserveAvailable(connection)
                if !reserved.isEmpty { filled.append("\(candidate) (\(Self.describe(reserved)))") }
            }
            return MutationOutcome(code: 200, message: filled.isEmpty
                ? "no back-order could be filled: \(candidates.count) waiting, nothing available for them"
                : "filled \(filled.count) of \(candidates.count) back-ordered requisitions: " + filled.joined(separator: "; "))
        }
    }
}
