-- How often orders are placed, in days (`plan set review_days=`): with periodic review a part
-- must be covered for its lead time plus the time to the next order, not the lead time alone.
ALTER TABLE planning_setting ADD COLUMN review_days numeric(9,3) CHECK (review_days BETWEEN 0 AND 365);
