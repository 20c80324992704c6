-- What the service targets count (`plan set service_measure=fill|cycle`) and the unit
-- fill-rate target per ABC class (`fill_rate_a` ...): the reorder point is set to reach the
-- share of demanded units served from the shelf, or, with service_measure=cycle, the chance
-- of a cycle without a stock-out (`service_a` ...). NULL inherits, as for every setting.
ALTER TABLE planning_setting
    ADD COLUMN service_measure text CHECK (service_measure IN ('fill', 'cycle')),
    ADD COLUMN fill_rate_a numeric(7,6) CHECK (fill_rate_a BETWEEN 0.5 AND 0.9999),
    ADD COLUMN fill_rate_b numeric(7,6) CHECK (fill_rate_b BETWEEN 0.5 AND 0.9999),
    ADD COLUMN fill_rate_c numeric(7,6) CHECK (fill_rate_c BETWEEN 0.5 AND 0.9999);
