-- Planning: the demand it reads, the stock snapshots turnover is measured on.

-- Every unit of demand, per part, location and day: posted goods issues, less returns to
-- stock, plus past demand a site brings from the system it leaves (`history add`).
CREATE VIEW demand_line AS
SELECT dl.part_id, d.location_id, d.doc_date AS demand_date, dl.quantity
  FROM document_line dl
  JOIN document d ON d.id = dl.document_id
 WHERE d.doc_type = 'GI'
UNION ALL
SELECT dl.part_id, d.location_id, d.doc_date, (-dl.quantity)::numeric(15,3)
  FROM document_line dl
  JOIN document d ON d.id = dl.document_id
 WHERE d.doc_type = 'RT'
UNION ALL
SELECT part_id, location_id, demand_date, quantity
  FROM demand_history;

-- Keeps stock_snapshot_total, the day's snapshot value per location and part category.
CREATE FUNCTION stock_snapshot_totals() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO stock_snapshot_total AS t (snapshot_date, location_id, category, value)
        SELECT o.snapshot_date, o.location_id, coalesce(p.category, '-'), -sum(o.value)
          FROM old_rows o JOIN part p ON p.id = o.part_id GROUP BY 1, 2, 3
        ON CONFLICT (location_id, snapshot_date, category) DO UPDATE SET value = t.value + excluded.value;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        INSERT INTO stock_snapshot_total AS t (snapshot_date, location_id, category, value)
        SELECT n.snapshot_date, n.location_id, coalesce(p.category, '-'), sum(n.value)
          FROM new_rows n JOIN part p ON p.id = n.part_id GROUP BY 1, 2, 3
        ON CONFLICT (location_id, snapshot_date, category) DO UPDATE SET value = t.value + excluded.value;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER stock_snapshot_totals_insert AFTER INSERT ON stock_snapshot
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION stock_snapshot_totals();
CREATE TRIGGER stock_snapshot_totals_update AFTER UPDATE ON stock_snapshot
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION stock_snapshot_totals();
CREATE TRIGGER stock_snapshot_totals_delete AFTER DELETE ON stock_snapshot
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION stock_snapshot_totals();
