-- Parts requisitions (申请单 / 领料单): a technician's or branch's request for parts, approved
-- by a manager, reserved, issued (fully or partly) through goods issues, the rest back-ordered.

CREATE FUNCTION refuse_requisition_history_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'PS409';
END $$;
CREATE TRIGGER requisition_event_append_only BEFORE UPDATE OR DELETE ON requisition_event
    FOR EACH ROW EXECUTE FUNCTION refuse_requisition_history_change();
CREATE TRIGGER requisition_issue_append_only BEFORE UPDATE OR DELETE ON requisition_issue
    FOR EACH ROW EXECUTE FUNCTION refuse_requisition_history_change();

-- Approved but neither reserved nor issued on open requisitions. A single-SELECT SQL
-- function, so the planner inlines it into a query over many part-locations.
CREATE FUNCTION back_ordered(p_part integer, p_location integer) RETURNS numeric
LANGUAGE sql STABLE AS $$
    SELECT coalesce(sum(l.quantity - l.reserved - l.issued), 0)::numeric(15,3)
      FROM requisition_line l
     WHERE l.part_id = p_part AND l.location_id = p_location AND l.backorder_open
$$;

-- The same quantity for every part-location at once, for the reorder run.
CREATE VIEW back_order_quantity AS
SELECT l.part_id, l.location_id, sum(l.quantity - l.reserved - l.issued)::numeric(15,3) AS quantity
  FROM requisition_line l
 WHERE l.backorder_open
 GROUP BY l.part_id, l.location_id;

-- What one unit of a requisition line is worth to the approver: the location's average cost,
-- or the part's standard cost where the location has never held it.
CREATE FUNCTION requisition_unit_cost(p_part integer, p_location integer) RETURNS numeric
LANGUAGE sql STABLE AS $$
    SELECT coalesce((SELECT nullif(b.avg_cost, 0) FROM stock_balance b WHERE b.part_id = p_part AND b.location_id = p_location),
                    (SELECT p.cost FROM part p WHERE p.id = p_part))
$$;
