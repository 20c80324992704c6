-- Purchasing: suppliers, purchase orders, receipts against them, and the on-order quantity
-- that `stock show` and the reorder run read.

-- Open quantity of open and partly received orders: one SELECT in LANGUAGE sql, so a query
-- over many part-locations inlines it; an order's open lines are exactly its lines not closed.
CREATE FUNCTION on_order(p_part integer, p_location integer) RETURNS numeric
LANGUAGE sql STABLE AS $$
    SELECT coalesce(sum(l.quantity - l.received), 0)::numeric(15,3)
      FROM po_line l
     WHERE l.part_id = p_part AND l.location_id = p_location AND NOT l.closed
$$;

-- Every part-location's open quantity at once, for the reorder run, which joins this instead
-- of calling on_order() 100,000 times.
CREATE VIEW open_order_quantity AS
SELECT part_id, location_id, sum(quantity - received)::numeric(15,3) AS quantity
  FROM po_line WHERE NOT closed GROUP BY part_id, location_id;
