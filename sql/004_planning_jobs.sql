-- Planning settings, turnover targets, scheduled job runs, reorder proposals and daily stock
-- snapshots (issue 4).

-- Returns to stock (退料) are netted from demand once they exist as documents of type RT.
INSERT INTO document_type (code, title, title_zh)
VALUES ('RT', 'RETURN TO STOCK', '退料单')
ON CONFLICT (code) DO NOTHING;

-- The planning maths' settings. The row with no location holds the defaults every location
-- inherits; a location's row overrides only the columns it sets. NULL means "inherit".
CREATE TABLE planning_setting (
    location_id       integer REFERENCES location,
    period            text CHECK (period IN ('day', 'week', 'month')),
    history_days      integer CHECK (history_days BETWEEN 28 AND 3660),
    service_a         numeric(7,6) CHECK (service_a > 0 AND service_a < 1),
    service_b         numeric(7,6) CHECK (service_b > 0 AND service_b < 1),
    service_c         numeric(7,6) CHECK (service_c > 0 AND service_c < 1),
    alpha             numeric(7,6) CHECK (alpha > 0 AND alpha <= 1),
    beta              numeric(7,6) CHECK (beta > 0 AND beta <= 1),
    review_periods    numeric(9,3) CHECK (review_periods > 0),
    ordering_cost     numeric(15,4) CHECK (ordering_cost >= 0),
    holding_rate      numeric(7,6) CHECK (holding_rate > 0),
    lead_days         integer CHECK (lead_days BETWEEN 0 AND 3650),
    lead_days_sd      numeric(9,3) CHECK (lead_days_sd >= 0),
    slow_mover        numeric(15,3) CHECK (slow_mover >= 0),
    dead_days         integer CHECK (dead_days BETWEEN 1 AND 3660),
    updated_by        text NOT NULL,
    updated_at        timestamptz NOT NULL DEFAULT now(),
    -- The period and the history window shape every series of a run: one value for all.
    CHECK (location_id IS NULL OR (period IS NULL AND history_days IS NULL))
);
CREATE UNIQUE INDEX planning_setting_location_idx ON planning_setting (coalesce(location_id, 0));

-- Turnover targets per warehouse, optionally per part category.
CREATE TABLE turnover_target (
    location_id     integer NOT NULL REFERENCES location,
    category        text NOT NULL DEFAULT '' CHECK (length(category) <= 40),
    turnover        numeric(9,3) NOT NULL CHECK (turnover > 0),
    max_days        integer NOT NULL CHECK (max_days BETWEEN 1 AND 3660),
    updated_by      text NOT NULL,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (location_id, category)
);

-- Every run of a scheduled job. A run holds a PostgreSQL advisory lock while it works, so
-- two daemons on one database never run the same job at once.
CREATE TABLE job_run (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job           text NOT NULL CHECK (job IN ('reorder', 'snapshot')),
    scope         text CHECK (length(scope) <= 100),
    state         text NOT NULL DEFAULT 'running' CHECK (state IN ('queued', 'running', 'succeeded', 'failed')),
    requested_by  text NOT NULL,
    started_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    finished_at   timestamptz,
    progress      text CHECK (length(progress) <= 500),
    items         bigint NOT NULL DEFAULT 0 CHECK (items >= 0),
    result        text CHECK (length(result) <= 40),
    message       text CHECK (length(message) <= 2000),
    CHECK ((state IN ('queued', 'running')) = (finished_at IS NULL))
);
CREATE INDEX job_run_recent_idx ON job_run (job, id DESC);

-- A reorder run's output, reviewed by the manager. Lines and header commit together with the
-- run or not at all.
CREATE SEQUENCE reorder_proposal_seq;
CREATE TABLE reorder_proposal (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    proposal_no   text NOT NULL UNIQUE,
    job_id        bigint NOT NULL REFERENCES job_run,
    scope         text,
    state         text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'approved', 'superseded')),
    period        text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    approved_by   text,
    approved_at   timestamptz,
    CHECK ((state = 'approved') = (approved_at IS NOT NULL))
);

-- part_id and location_id carry no foreign keys: a run writes a line for every part-location
-- of the catalogue, and the per-row key checks (a share lock on each part row) tripled the
-- cost of writing a proposal. The run takes both ids from the rows it just read, and parts
-- and locations are never deleted (triggers in sql/functions/ledger.sql), so the references
-- cannot dangle.
CREATE TABLE reorder_line (
    proposal_id     bigint NOT NULL REFERENCES reorder_proposal,
    part_id         integer NOT NULL,
    location_id     integer NOT NULL,
    demand_class    text NOT NULL,
    abc_class       char(1) NOT NULL CHECK (abc_class IN ('A', 'B', 'C')),
    method          text NOT NULL,
    forecast        numeric(15,3) NOT NULL CHECK (forecast >= 0),
    safety_stock    numeric(15,3) NOT NULL CHECK (safety_stock >= 0),
    reorder_point   numeric(15,3) NOT NULL,
    order_up_to     numeric(15,3) NOT NULL,
    position        numeric(15,3) NOT NULL,
    suggested       numeric(15,3) NOT NULL CHECK (suggested >= 0),
    quantity        numeric(15,3) NOT NULL CHECK (quantity >= 0),
    unit_cost       numeric(15,4) NOT NULL CHECK (unit_cost >= 0),
    days_of_supply  numeric(12,1),
    flagged         boolean NOT NULL DEFAULT false,
    why             text NOT NULL,
    changed_by      text,
    PRIMARY KEY (proposal_id, location_id, part_id)
);

-- Value on hand per part and location at the end of a day, for turnover over real averages.
CREATE TABLE stock_snapshot (
    snapshot_date date NOT NULL,
    location_id   integer NOT NULL REFERENCES location,
    part_id       integer NOT NULL REFERENCES part,
    on_hand       numeric(15,3) NOT NULL CHECK (on_hand >= 0),
    value         numeric(18,2) NOT NULL CHECK (value >= 0),
    PRIMARY KEY (snapshot_date, location_id, part_id)
);

-- The day's snapshot value per location and part category, kept by triggers (sql/functions), so a
-- turnover report over a year reads 365 rows per location and category instead of a year of
-- part-level snapshots. The category is the part's when the snapshot was taken.
CREATE TABLE stock_snapshot_total (
    snapshot_date date NOT NULL,
    location_id   integer NOT NULL REFERENCES location,
    category      text NOT NULL,
    value         numeric(18,2) NOT NULL,
    PRIMARY KEY (location_id, snapshot_date, category)
);
