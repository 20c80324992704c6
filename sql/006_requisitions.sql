-- Parts requisitions (申请单 / 领料单): a technician's or branch's request for parts, approved
-- by a manager, reserved, issued (fully or partly) through goods issues, the rest back-ordered.
-- Numbered 006: 005 belongs to purchasing.

CREATE TABLE requisition_state (
    state text PRIMARY KEY,
    -- Open requisitions still hold reservations or back-orders (or may come to).
    is_open boolean NOT NULL
);
INSERT INTO requisition_state (state, is_open) VALUES
    ('draft', true), ('submitted', true), ('approved', true), ('partly_issued', true),
    ('rejected', false), ('issued', false), ('closed', false), ('cancelled', false);

-- The legal transitions. Every event row must name one of them, so no code path can record
-- (or make) a move the workflow does not have.
CREATE TABLE requisition_transition (
    from_state text NOT NULL REFERENCES requisition_state,
    to_state   text NOT NULL REFERENCES requisition_state,
    PRIMARY KEY (from_state, to_state)
);
INSERT INTO requisition_transition (from_state, to_state) VALUES
    ('draft', 'submitted'), ('draft', 'cancelled'),
    ('submitted', 'approved'), ('submitted', 'rejected'), ('submitted', 'cancelled'),
    ('approved', 'partly_issued'), ('approved', 'issued'), ('approved', 'cancelled'),
    ('partly_issued', 'partly_issued'), ('partly_issued', 'issued'), ('partly_issued', 'closed'),
    ('partly_issued', 'cancelled');

CREATE TABLE requisition (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    req_no           text NOT NULL UNIQUE CHECK (req_no ~ '^RQ-[0-9]{4}-[0-9]{6,}$'),
    location_id      integer NOT NULL REFERENCES location,
    requester        text CHECK (length(requester) BETWEEN 1 AND 200),
    purpose          text CHECK (length(purpose) BETWEEN 1 AND 200),
    needed_by        date,
    state            text NOT NULL DEFAULT 'submitted' REFERENCES requisition_state,
    created_by       text NOT NULL,
    created_uid      bigint NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    approved_by      text,
    approved_at      timestamptz,
    rejection_reason text CHECK (length(rejection_reason) BETWEEN 1 AND 1000),
    -- When it reached a state it never leaves.
    finished_at      timestamptz,
    client_ref       text,
    CHECK ((approved_by IS NULL) = (approved_at IS NULL)),
    CHECK (state NOT IN ('approved', 'partly_issued', 'issued', 'closed') OR approved_at IS NOT NULL),
    CHECK (state NOT IN ('draft', 'submitted', 'rejected') OR approved_at IS NULL),
    CHECK ((state = 'rejected') = (rejection_reason IS NOT NULL)),
    CHECK ((state IN ('rejected', 'issued', 'closed', 'cancelled')) = (finished_at IS NOT NULL)),
    CHECK (approved_at IS NULL OR approved_at >= created_at),
    CHECK (finished_at IS NULL OR finished_at >= created_at)
);
CREATE INDEX requisition_state_idx ON requisition (state, created_at);

CREATE TABLE requisition_line (
    requisition_id  bigint NOT NULL REFERENCES requisition,
    line_no         integer NOT NULL CHECK (line_no > 0),
    part_id         integer NOT NULL REFERENCES part,
    -- The header's location, repeated so back_ordered() reads one index and no join.
    location_id     integer NOT NULL REFERENCES location,
    quantity        numeric(15,3) NOT NULL CHECK (quantity > 0),
    reserved        numeric(15,3) NOT NULL DEFAULT 0 CHECK (reserved >= 0),
    issued          numeric(15,3) NOT NULL DEFAULT 0 CHECK (issued >= 0),
    -- True while the requisition is approved or partly issued: only then does what is neither
    -- reserved nor issued count as back-ordered.
    backorder_open  boolean NOT NULL DEFAULT false,
    fully_issued_at timestamptz,
    PRIMARY KEY (requisition_id, line_no),
    UNIQUE (requisition_id, part_id),
    CHECK (issued <= quantity),
    CHECK (reserved <= quantity - issued),
    CHECK ((fully_issued_at IS NOT NULL) = (issued = quantity)),
    -- A closed line (finished, or never approved) holds no reservation.
    CHECK (backorder_open OR reserved = 0)
);
-- back_ordered() for one part and location is a lookup in this index, which holds only the
-- lines of open requisitions.
CREATE INDEX requisition_line_backorder_idx ON requisition_line (part_id, location_id)
    INCLUDE (quantity, reserved, issued) WHERE backorder_open;

-- Every transition, with who and when.
CREATE TABLE requisition_event (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    requisition_id bigint NOT NULL REFERENCES requisition,
    -- NULL for the creation.
    from_state     text,
    to_state       text NOT NULL REFERENCES requisition_state,
    by_user        text NOT NULL,
    by_uid         bigint NOT NULL,
    at             timestamptz NOT NULL DEFAULT now(),
    note           text CHECK (length(note) <= 1000),
    FOREIGN KEY (from_state, to_state) REFERENCES requisition_transition,
    CHECK (from_state IS NOT NULL OR to_state IN ('draft', 'submitted'))
);
CREATE INDEX requisition_event_idx ON requisition_event (requisition_id, id);

-- The goods issues posted against a requisition.
CREATE TABLE requisition_issue (
    requisition_id bigint NOT NULL REFERENCES requisition,
    document_id    bigint NOT NULL UNIQUE REFERENCES document,
    PRIMARY KEY (requisition_id, document_id)
);
