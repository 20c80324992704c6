import PartsDomain
import PostgresClient

/// What reserving did to one line.
struct LineReservation: Sendable {
    var partNo: String
    var reserved: ExactDecimal
}

extension LockedRequisition {
    /// Reserves what is available now for every line's unreserved, unissued quantity. Balance
    /// rows are locked in part order, as postings lock them, so the two cannot deadlock.
    /// Returns the lines that got something.
    func reserveAvailable(_ connection: Connection) throws(PostgresError) -> [LineReservation] {
        let lines = try connection.query("""
            SELECT l.line_no, p.part_no FROM requisition_line l JOIN part p ON p.id = l.part_id
             WHERE l.requisition_id = $1 AND l.quantity - l.reserved - l.issued > 0
             ORDER BY l.part_id
            """, [id]).rows
        var reservations: [LineReservation] = []
        for line in lines {
            // FOR UPDATE reads the balance as the last committed change left it, and holds it
            // until commit: what is counted here as available stays available.
            guard let take = try connection.query("""
                SELECT greatest(least(b.on_hand - b.reserved, l.quantity - l.reserved - l.issued), 0)
                  FROM requisition_line l
                  JOIN stock_balance b ON b.part_id = l.part_id AND b.location_id = l.location_id
                 WHERE l.requisition_id = $1 AND l.line_no = $2
                   FOR UPDATE OF b
                """, [id, line[0]]).scalar, let quantity = ExactDecimal(take), quantity.isPositive else { continue }
            try connection.query("""
                WITH line AS (
                    UPDATE requisition_line SET reserved = reserved + $3::numeric
                     WHERE requisition_id = $1 AND line_no = $2 RETURNING part_id, location_id)
                UPDATE stock_balance b SET reserved = b.reserved + $3::numeric
                  FROM line WHERE b.part_id = line.part_id AND b.location_id = line.location_id
                """, [id, line[0], take])
            reservations.append(LineReservation(partNo: line[1]!, reserved: quantity))
        }
        return reservations
    }

    /// Gives back every line's reservation to available stock, in part order.
    func releaseReservations(_ connection: Connection) throws(PostgresError) {
        let lines = try connection.query("""
            SELECT line_no, reserved FROM requisition_line
             WHERE requisition_id = $1 AND reserved > 0 ORDER BY part_id
            """, [id]).rows
        for line in lines {
            try connection.query("""
                WITH line AS (
                    UPDATE requisition_line SET reserved = 0
                     WHERE requisition_id = $1 AND line_no = $2 RETURNING part_id, location_id)
                UPDATE stock_balance b SET reserved = b.reserved - $3::numeric
                  FROM line WHERE b.part_id = line.part_id AND b.location_id = line.location_id
                """, [id, line[0], line[1]])
        }
    }

    /// Quantity still back-ordered on the whole requisition.
    func backOrdered(_ connection: Connection) throws(PostgresError) -> ExactDecimal {
        decimal(try connection.query("""
            SELECT coalesce(sum(quantity - reserved - issued), 0) FROM requisition_line WHERE requisition_id = $1
            """, [id]).scalar)
    }
}
