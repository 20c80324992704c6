-- Obsolescence (`plan set obsolete_after_days= obsolete_probability=`): a part-location with
-- no demand for that many days, or whose demand is decaying and whose TSB probability of
-- demand in a period fell below that threshold, is obsolete: the reorder run orders none of
-- it and `report obsolete` lists its stock for return or write-down. NULL inherits, as for
-- every setting; the upper bounds are those of history_days and of a probability that still
-- means "hardly ever".
ALTER TABLE planning_setting
    ADD COLUMN obsolete_after_days integer CHECK (obsolete_after_days BETWEEN 1 AND 3660),
    ADD COLUMN obsolete_probability numeric(7,6) CHECK (obsolete_probability BETWEEN 0 AND 0.5);
-- The run's verdict per line, why the part is obsolete (NULL: it is not), which `report
-- obsolete` reads as `report excess` reads the order-up-to levels: the catalogue is planned
-- once a night, in bounded chunks, not again per report.
ALTER TABLE reorder_line ADD COLUMN obsolete_why text;
