-- A part's own fill-rate target (`part set <part_no> fill_rate=`), over its ABC class's
-- (`fill_rate_a` ...) at every location: a part a workshop cannot work without, or one a
-- dealer keeps only on request. NULL: the class's target.
ALTER TABLE part ADD COLUMN fill_rate numeric(7,6) CHECK (fill_rate BETWEEN 0.5 AND 0.9999);
