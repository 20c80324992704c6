-- Where a part-location's demand history starts, when a site says so (`history add ...
-- since=`): the old system's records begin there, so the periods between it and the first
-- demand are periods without demand, not periods before the part existed. Planning starts a
-- series at the earliest of this, the part's creation and its first demand.
CREATE TABLE demand_history_start (
    part_id     integer NOT NULL REFERENCES part,
    location_id integer NOT NULL REFERENCES location,
    since       date NOT NULL,
    recorded_by text NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (part_id, location_id)
);
