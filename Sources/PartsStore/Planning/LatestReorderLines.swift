/// The plan in force for each part-location: its line in the newest open or approved reorder
/// proposal. A superseded proposal's levels and verdicts are not the plan any more. Read by
/// `report excess` (its order-up-to levels) and `report obsolete` (its verdicts).
enum LatestReorderLines {
    /// A CTE named `latest` (part_id, location_id, order_up_to, obsolete_why, proposal_no) over
    /// the location whose code is the parameter named, or every location when that is NULL.
    static func cte(location parameter: String) -> String {
        """
        latest AS (
            SELECT DISTINCT ON (rl.part_id, rl.location_id) rl.part_id, rl.location_id, rl.order_up_to, rl.obsolete_why,
                   rp.proposal_no
              FROM reorder_line rl JOIN reorder_proposal rp ON rp.id = rl.proposal_id
             WHERE rp.state IN ('open', 'approved')
               AND (\(parameter)::text IS NULL OR rl.location_id = (SELECT id FROM location WHERE code = \(parameter)::text))
             ORDER BY rl.part_id, rl.location_id, rp.id DESC
        )
        """
    }
}
