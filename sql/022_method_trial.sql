-- The forecasting method chosen by replaying each part's own history (issue 15): the weekly
-- `job run method-trial` replays the candidates (SES, SBA, TSB, the bootstrap) over the last
-- year and keeps, per part-location, the one whose policy reached the target fill rate with
-- the least average stock, and the runner-up. One row per part-location, replaced by each run
-- over its locations; parts too short to replay have none. The nightly reorder run and
-- `plan show` use the row while it is recent (`plan set method_choice=simulation`).
--
-- No foreign keys to part and location, as reorder_line has none: neither is ever deleted (by
-- trigger), and a run writes a row for most of the catalogue.
INSERT INTO job_kind VALUES ('method-trial') ON CONFLICT DO NOTHING;

CREATE TABLE method_trial (
    part_id integer NOT NULL,
    location_id integer NOT NULL,
    job_id bigint NOT NULL REFERENCES job_run,
    target numeric(7,6) NOT NULL CHECK (target > 0 AND target < 1),
    method text NOT NULL CHECK (method IN ('ses', 'sba', 'tsb', 'bootstrap')),
    fill_rate numeric(7,6) NOT NULL CHECK (fill_rate BETWEEN 0 AND 1),
    average_on_hand numeric(14,3) NOT NULL CHECK (average_on_hand >= 0),
    average_value numeric(16,2) NOT NULL CHECK (average_value >= 0),
    runner_up text CHECK (runner_up IN ('ses', 'sba', 'tsb', 'bootstrap') AND runner_up <> method),
    runner_up_fill_rate numeric(7,6) CHECK (runner_up_fill_rate BETWEEN 0 AND 1),
    runner_up_on_hand numeric(14,3) CHECK (runner_up_on_hand >= 0),
    runner_up_value numeric(16,2) CHECK (runner_up_value >= 0),
    tried_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (part_id, location_id),
    CHECK ((runner_up IS NULL) = (runner_up_fill_rate IS NULL)
           AND (runner_up IS NULL) = (runner_up_on_hand IS NULL)
           AND (runner_up IS NULL) = (runner_up_value IS NULL))
);

-- Whether the run and plan show use that row (`simulation`) or the demand class alone
-- (`class`). NULL inherits, as for every setting; the built-in value is PlanningSettings'.
ALTER TABLE planning_setting
    ADD COLUMN method_choice text CHECK (method_choice IN ('class', 'simulation'));
