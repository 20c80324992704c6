-- The stock ledger: master data, balances, posted documents and their movements.
-- Invariants live here, not in the daemon: on hand never negative, reserved never above on
-- hand, every movement belongs to a posted document, the ledger is append-only.

CREATE TABLE unit_of_measure (
    code     text PRIMARY KEY CHECK (code ~ '^[A-Z]{1,8}$'),
    name     text NOT NULL,
    -- Decimal places a quantity in this unit may carry: pieces are counted, oil is measured.
    decimals smallint NOT NULL CHECK (decimals BETWEEN 0 AND 3)
);
INSERT INTO unit_of_measure (code, name, decimals) VALUES
    ('PCS', 'piece 个', 0), ('SET', 'set 套', 0), ('PAIR', 'pair 对', 0), ('BOX', 'box 箱', 0),
    ('KIT', 'kit 组', 0), ('ROLL', 'roll 卷', 0), ('L', 'litre 升', 3), ('KG', 'kilogram 千克', 3),
    ('M', 'metre 米', 3);

CREATE TABLE location (
    id         integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code       text NOT NULL UNIQUE CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$'),
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    kind       text NOT NULL DEFAULT 'warehouse'
               CHECK (kind IN ('warehouse', 'branch', 'rotation', 'oldparts', 'repair', 'quarantine', 'transit')),
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE part (
    id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    part_no     text NOT NULL UNIQUE CHECK (part_no ~ '^[A-Za-z0-9][A-Za-z0-9_./-]{0,39}$'),
    description text NOT NULL CHECK (length(description) BETWEEN 1 AND 200),
    unit        text NOT NULL DEFAULT 'PCS' REFERENCES unit_of_measure,
    -- Standard cost: the value of a receipt that names no cost of its own.
    cost        numeric(15,4) NOT NULL DEFAULT 0 CHECK (cost >= 0),
    category    text CHECK (length(category) BETWEEN 1 AND 40),
    pack        numeric(15,3) NOT NULL DEFAULT 1 CHECK (pack > 0),
    lead_days   integer CHECK (lead_days BETWEEN 0 AND 3650),
    supplier    text CHECK (length(supplier) BETWEEN 1 AND 40),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX part_category_idx ON part (category, part_no);

CREATE TABLE stock_balance (
    part_id         integer NOT NULL REFERENCES part,
    location_id     integer NOT NULL REFERENCES location,
    on_hand         numeric(15,3) NOT NULL DEFAULT 0 CHECK (on_hand >= 0),
    reserved        numeric(15,3) NOT NULL DEFAULT 0 CHECK (reserved >= 0),
    -- Moving average unit cost, recomputed on every receipt.
    avg_cost        numeric(15,4) NOT NULL DEFAULT 0 CHECK (avg_cost >= 0),
    last_receipt_at timestamptz,
    last_issue_at   timestamptz,
    PRIMARY KEY (part_id, location_id),
    CONSTRAINT reserved_within_on_hand CHECK (reserved <= on_hand)
);
CREATE INDEX stock_balance_location_idx ON stock_balance (location_id, part_id);

CREATE TABLE document_type (
    code     text PRIMARY KEY CHECK (code ~ '^[A-Z]{2}$'),
    title    text NOT NULL,
    title_zh text NOT NULL
);
INSERT INTO document_type (code, title, title_zh) VALUES
    ('GR', 'GOODS RECEIPT', '入库单'),
    ('GI', 'GOODS ISSUE', '出库单'),
    ('TR', 'STOCK TRANSFER', '调拨单'),
    ('AD', 'STOCK COUNT ADJUSTMENT', '盘点调整单');

CREATE TABLE document (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    doc_no         text NOT NULL UNIQUE,
    doc_type       text NOT NULL REFERENCES document_type,
    doc_date       date NOT NULL DEFAULT current_date,
    posted_at      timestamptz NOT NULL DEFAULT now(),
    location_id    integer NOT NULL REFERENCES location,
    to_location_id integer REFERENCES location,
    counterparty   text CHECK (length(counterparty) <= 200),
    note           text CHECK (length(note) <= 1000),
    reason         text CHECK (length(reason) <= 1000),
    clerk          text NOT NULL,
    clerk_uid      bigint NOT NULL,
    client_ref     text,
    CHECK (doc_type <> 'TR' OR (to_location_id IS NOT NULL AND to_location_id <> location_id))
);
CREATE INDEX document_type_posted_idx ON document (doc_type, posted_at DESC);
CREATE INDEX document_posted_idx ON document (posted_at DESC);

CREATE TABLE document_line (
    document_id bigint NOT NULL REFERENCES document,
    line_no     integer NOT NULL CHECK (line_no > 0),
    part_id     integer NOT NULL REFERENCES part,
    -- Signed only on adjustments: the counted quantity minus what the books said.
    quantity    numeric(15,3) NOT NULL,
    counted     numeric(15,3) CHECK (counted >= 0),
    unit_cost   numeric(15,4) NOT NULL CHECK (unit_cost >= 0),
    value       numeric(18,2) NOT NULL,
    PRIMARY KEY (document_id, line_no)
);

-- The append-only ledger. balance_after is the running balance at this part and location
-- right after the movement, written while the balance row was locked.
CREATE TABLE stock_movement (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    document_id   bigint NOT NULL,
    line_no       integer NOT NULL,
    part_id       integer NOT NULL,
    location_id   integer NOT NULL,
    quantity      numeric(15,3) NOT NULL CHECK (quantity <> 0),
    unit_cost     numeric(15,4) NOT NULL CHECK (unit_cost >= 0),
    balance_after numeric(15,3) NOT NULL CHECK (balance_after >= 0),
    posted_at     timestamptz NOT NULL,
    FOREIGN KEY (document_id, line_no) REFERENCES document_line,
    FOREIGN KEY (part_id, location_id) REFERENCES stock_balance
);
CREATE INDEX stock_movement_part_idx ON stock_movement (part_id, location_id, id);
CREATE INDEX stock_movement_document_idx ON stock_movement (document_id);

-- A mutating command sent with ref=: its first outcome, returned again on a retry.
CREATE TABLE client_request (
    ref         text PRIMARY KEY CHECK (length(ref) BETWEEN 1 AND 100),
    fingerprint text NOT NULL,
    reply_code  integer NOT NULL,
    doc_no      text,
    message     text NOT NULL,
    user_name   text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE audit_log (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at         timestamptz NOT NULL DEFAULT now(),
    peer_uid   bigint NOT NULL,
    user_name  text NOT NULL,
    role       text NOT NULL,
    command    text NOT NULL,
    reply_code integer NOT NULL,
    doc_no     text,
    ref        text
);
CREATE INDEX audit_log_at_idx ON audit_log (at DESC);
