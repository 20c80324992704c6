import PostgresClient

/// A requisition's row, locked for the rest of the transaction: two commands on the same
/// requisition (two clerks issuing, an approval and a cancellation) run one after the other,
/// and the second sees what the first did.
struct LockedRequisition: Sendable {
    var id: String
    var number: String
    var state: String
    var locationID: String
    var location: String
    var purpose: String?
    var requester: String?
    var approvedBy: String?
    var approvedAt: String?
    var rejectionReason: String?

    /// Locks the requisition; 404 when there is none.
    static func lock(_ number: String, _ connection: Connection) throws(PostgresError) -> LockedRequisition {
        guard let row = try connection.query("""
            SELECT r.id, r.state, r.location_id, loc.code, r.purpose, r.requester, r.approved_by,
                   to_char(r.approved_at, 'YYYY-MM-DD HH24:MI'), r.rejection_reason
              FROM requisition r JOIN location loc ON loc.id = r.location_id
             WHERE r.req_no = $1 FOR UPDATE OF r
            """, [number]).rows.first else {
            throw .server(ServerError(sqlState: "PS404", message: "no requisition \(number)"))
        }
        return LockedRequisition(id: row[0]!, number: number, state: row[1]!, locationID: row[2]!, location: row[3]!,
                                 purpose: row[4], requester: row[5], approvedBy: row[6], approvedAt: row[7],
                                 rejectionReason: row[8])
    }

    /// Refuses `action` unless the requisition is in one of `allowed`, saying what state it is
    /// in and how it got there, so the clerk knows what to do instead.
    func require(_ allowed: Set<String>, toDo action: String) throws(PostgresError) {
        guard !allowed.contains(state) else { return }
        throw .server(ServerError(sqlState: "PS409", message: "cannot \(action) \(number): it \(situation)"))
    }

    private var situation: String {
        let approval = approvedBy.map { " (approved by \($0) at \(approvedAt ?? "?"))" } ?? ""
        return switch state {
        case "draft": "is a draft, not submitted"
        case "submitted": "is submitted and not approved yet"
        case "approved": "was already approved by \(approvedBy ?? "?") at \(approvedAt ?? "?")"
        case "partly_issued": "is already approved and partly issued\(approval)"
        case "issued": "is already fully issued"
        case "closed": "was closed"
        case "cancelled": "was cancelled"
        case "rejected": "was rejected: \(rejectionReason ?? "no reason given")"
        default: "is \(state)"
        }
    }
}

extension PostgresError {
    /// A refusal the daemon maps to a reply code: PS404, PS409, PS422 ...
    static func refusal(_ sqlState: String, _ message: String) -> PostgresError {
        .server(ServerError(sqlState: SQLState(sqlState), message: message))
    }
}
