import PartsDomain
import PostgresClient

extension PartsStore {
    /// Stock on hand at part-locations the plan in force calls obsolete (demand has stopped:
    /// `Obsolescence`), highest value first: the candidates for return to the supplier or
    /// write-down. The verdicts are the latest reorder run's, as `report excess` reads its
    /// levels: the run plans the whole catalogue in bounded chunks off the clients' threads,
    /// and a report that planned it again would hold a connection for as long.
    public func obsoleteStock(location: String?, limit: Int) async throws(StoreError) -> IdleStockReport {
        if let location { try await requireLocation(location) }
        return try await report { connection throws(PostgresError) in
            try IdleStock.report(connection.query("""
                WITH \(LatestReorderLines.cte(location: "$1")),
                picked AS MATERIALIZED (
                    SELECT x.part_id, x.location_id, l.code, b.on_hand, \(IdleStock.value) AS value,
                           x.obsolete_why AS why, x.proposal_no
                      FROM latest x
                      JOIN stock_balance b ON b.part_id = x.part_id AND b.location_id = x.location_id
                      JOIN location l ON l.id = x.location_id
                     WHERE x.obsolete_why IS NOT NULL AND b.on_hand > 0
                )
                """ + IdleStock.ranked(limit: "$2"), [location, String(limit)]))
        }
    }
}
