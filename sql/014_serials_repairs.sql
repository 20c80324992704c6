-- Repairable units (issue 10): serial numbers, return-for-repair to vendors (配件返修) and the
-- exchange (rotation) pool (周转仓) with its cores.
--
-- A serialised part's units are rows of `unit`, each in exactly one place at every moment: at
-- one of our locations, out with a customer, at a repair vendor, or gone. The balance of a
-- serialised part at a location counts its serviceable units there that are the site's own,
-- and nothing else: an unserviceable unit, or a customer's, is tracked but is no stock (see
-- serial_discrepancy and the unit_balance trigger in sql/functions/serials.sql).

ALTER TABLE part ADD COLUMN serialized boolean NOT NULL DEFAULT false;

-- Where a unit is, and what state it is in. The pairs that may go together are the CHECK on
-- unit below; the lists are rows, as every state machine's are (see 011).
CREATE TABLE unit_place (state text PRIMARY KEY);
INSERT INTO unit_place VALUES ('location'), ('customer'), ('vendor'), ('gone');

CREATE TABLE unit_condition (state text PRIMARY KEY);
INSERT INTO unit_condition VALUES ('serviceable'), ('unserviceable'), ('at_vendor'), ('scrapped');

CREATE TABLE unit (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    part_id     integer NOT NULL REFERENCES part,
    serial      text NOT NULL CHECK (serial ~ '^[A-Za-z0-9][A-Za-z0-9_./-]{0,39}$'),
    -- The site's own units are stock when serviceable at a location; a customer's unit is
    -- tracked for them; a vendor's is a faulty unit a repair vendor kept when it replaced it.
    owner       text NOT NULL DEFAULT 'site' CHECK (owner IN ('site', 'customer', 'vendor')),
    owner_name  text CHECK (length(owner_name) BETWEEN 1 AND 200),
    place       text NOT NULL REFERENCES unit_place,
    location_id integer REFERENCES location,
    vendor_id   integer REFERENCES supplier,
    -- Who has it while it is out with a customer (a goods issue's counterparty, an exchange's customer).
    holder      text CHECK (length(holder) BETWEEN 1 AND 200),
    condition   text NOT NULL REFERENCES unit_condition,
    created_at  timestamptz NOT NULL DEFAULT now(),
    moved_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (part_id, serial),
    CONSTRAINT unit_owner_named CHECK ((owner = 'customer') = (owner_name IS NOT NULL)),
    -- One place, and only the reference that place needs.
    CONSTRAINT unit_at_location CHECK ((place = 'location') = (location_id IS NOT NULL)),
    CONSTRAINT unit_at_vendor CHECK ((place = 'vendor') = (vendor_id IS NOT NULL)),
    CONSTRAINT unit_with_customer CHECK (holder IS NULL OR place = 'customer'),
    CONSTRAINT unit_condition_fits_place CHECK (CASE place
        WHEN 'location' THEN condition IN ('serviceable', 'unserviceable')
        WHEN 'customer' THEN condition IN ('serviceable', 'unserviceable')
        WHEN 'vendor' THEN condition = 'at_vendor'
        ELSE condition = 'scrapped' END),
    CONSTRAINT unit_moved_after_made CHECK (moved_at >= created_at)
);
-- Counting a part's units at a location (the balance check, unit list) reads this.
CREATE INDEX unit_location_idx ON unit (part_id, location_id, condition) WHERE place = 'location';

-- Which unit each serial line of a document moved, and where it was right after: a unit's
-- history is these rows. A table of its own rather than a column of document_line, so that
-- the lines of unserialised parts, nearly all of them, cost nothing more to post.
CREATE TABLE unit_move (
    document_id bigint NOT NULL,
    line_no     integer NOT NULL,
    unit_id     bigint NOT NULL REFERENCES unit,
    place       text NOT NULL REFERENCES unit_place,
    condition   text NOT NULL REFERENCES unit_condition,
    PRIMARY KEY (document_id, line_no),
    FOREIGN KEY (document_id, line_no) REFERENCES document_line,
    -- A unit is on a document once: the same serial twice is refused by the database too.
    UNIQUE (document_id, unit_id)
);
CREATE INDEX unit_move_unit_idx ON unit_move (unit_id, document_id);

-- How each document type moves the units on its serial lines: from where (a new unit, one of
-- our locations, a customer, a vendor) to where. post_stock_document reads it; a type
-- without a rule (a count, a return to supplier) takes no serial lines. Record documents
-- name units their workflow moved itself.
ALTER TABLE document_type
    ADD COLUMN unit_from text CHECK (unit_from IN ('new', 'location', 'customer', 'vendor')),
    ADD COLUMN unit_to text CHECK (unit_to IN ('location', 'customer', 'vendor', 'gone')),
    ADD CONSTRAINT document_type_unit_rule CHECK ((unit_from IS NULL) = (unit_to IS NULL)
                                                  AND (unit_from IS NULL OR direction <> 'record'));
UPDATE document_type SET unit_from = rule.unit_from, unit_to = rule.unit_to
  FROM (VALUES ('GR', 'new', 'location'), ('RT', 'customer', 'location'), ('GI', 'location', 'customer'),
               ('TR', 'location', 'location'), ('SC', 'location', 'gone')) AS rule(code, unit_from, unit_to)
 WHERE document_type.code = rule.code;
INSERT INTO document_type (code, title, title_zh, direction, unit_from, unit_to) VALUES
    ('RV', 'REPAIR DISPATCH', '返修发货单', 'out', 'location', 'vendor'),
    ('RR', 'REPAIR RETURN', '返修入库单', 'in', 'vendor', 'location'),
    ('XO', 'EXCHANGE ISSUE', '周转件发出单', 'out', 'location', 'customer');
INSERT INTO document_type (code, title, title_zh, direction) VALUES
    ('VD', 'REPAIR DISPATCH, NOT STOCK', '返修发货单(非库存)', 'record'),
    ('VR', 'REPAIR RETURN, NOT STOCK', '返修收货单(非库存)', 'record'),
    ('SX', 'SCRAP, NO STOCK VALUE', '报废登记单', 'record'),
    ('CR', 'CORE RECEIPT', '旧件回收单', 'record'),
    ('CH', 'CUSTOMER UNIT HANDOVER', '客户件交还单', 'record');

-- Repair orders (返修单, RO-YEAR-SEQUENCE): a unit (or a quantity of an unserialised part)
-- shipped to a repair vendor, tracked through the vendor's steps until it comes back or is
-- scrapped.
CREATE TABLE repair_state (state text PRIMARY KEY);
INSERT INTO repair_state VALUES ('shipped'), ('acknowledged'), ('quoted'), ('authorized'), ('declined'), ('returned');

CREATE TABLE repair_transition (
    from_state text NOT NULL REFERENCES repair_state,
    to_state   text NOT NULL REFERENCES repair_state,
    PRIMARY KEY (from_state, to_state)
);
-- A quote needs a decision before the unit may come back; a vendor that repairs without a
-- quote (warranty, a standing agreement) returns it from shipped or acknowledged.
INSERT INTO repair_transition (from_state, to_state) VALUES
    ('shipped', 'acknowledged'), ('shipped', 'quoted'), ('shipped', 'returned'),
    ('acknowledged', 'quoted'), ('acknowledged', 'returned'),
    ('quoted', 'quoted'), ('quoted', 'authorized'), ('quoted', 'declined'),
    ('authorized', 'returned'), ('declined', 'returned');

CREATE TABLE repair_order (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ro_no                text NOT NULL UNIQUE CHECK (ro_no ~ '^RO-[0-9]{4}-[0-9]{6,}$'),
    part_id              integer NOT NULL REFERENCES part,
    -- NULL for a quantity of an unserialised part.
    unit_id              bigint REFERENCES unit,
    quantity             numeric(15,3) NOT NULL CHECK (quantity > 0),
    -- Where it was shipped from.
    location_id          integer NOT NULL REFERENCES location,
    vendor_id            integer NOT NULL REFERENCES supplier,
    origin               text NOT NULL CHECK (origin IN ('stock', 'customer', 'exchange', 'warranty')),
    customer             text CHECK (length(customer) BETWEEN 1 AND 200),
    fault                text NOT NULL CHECK (length(fault) BETWEEN 1 AND 1000),
    promised             date,
    vendor_rma           text CHECK (length(vendor_rma) BETWEEN 1 AND 100),
    state                text NOT NULL DEFAULT 'shipped' REFERENCES repair_state,
    -- The stock value that left with it (the RV at average cost); 0 for what was no stock.
    value_out            numeric(18,2) NOT NULL DEFAULT 0 CHECK (value_out >= 0),
    quote                numeric(15,2) CHECK (quote >= 0),
    -- The quote was above the configured share of the part's price: beyond economic repair.
    beyond_repair        boolean NOT NULL DEFAULT false,
    decision             text CHECK (decision IN ('authorized', 'declined')),
    outcome              text CHECK (outcome IN ('repaired', 'unrepaired', 'replaced', 'scrapped')),
    -- The final repair cost of the whole order.
    cost                 numeric(15,2) CHECK (cost >= 0),
    return_location_id   integer REFERENCES location,
    replacement_unit_id  bigint UNIQUE REFERENCES unit,
    shipped_at           timestamptz NOT NULL DEFAULT now(),
    shipped_by           text NOT NULL,
    acknowledged_at      timestamptz,
    acknowledged_by      text,
    quoted_at            timestamptz,
    quoted_by            text,
    decided_at           timestamptz,
    decided_by           text,
    -- The day the vendor sent it back (its delivery note), when the clerk knows it.
    sent_back_on         date,
    returned_at          timestamptz,
    returned_by          text,
    -- Marked by the deadlines job: the day it was first found past its promised date.
    overdue_since        date,
    dispatch_document_id bigint NOT NULL UNIQUE REFERENCES document,
    return_document_id   bigint UNIQUE REFERENCES document,
    CONSTRAINT repair_order_one_unit CHECK (unit_id IS NULL OR quantity = 1),
    CONSTRAINT repair_order_customer_named CHECK (origin <> 'customer' OR customer IS NOT NULL),
    CONSTRAINT repair_order_acknowledged CHECK ((acknowledged_at IS NULL) = (acknowledged_by IS NULL)),
    CONSTRAINT repair_order_quoted CHECK ((quoted_at IS NULL) = (quoted_by IS NULL) AND (quoted_at IS NULL) = (quote IS NULL)),
    CONSTRAINT repair_order_decided CHECK ((decided_at IS NULL) = (decided_by IS NULL) AND (decided_at IS NULL) = (decision IS NULL)
                                           AND (decision IS NULL OR quoted_at IS NOT NULL)),
    CONSTRAINT repair_order_state_recorded CHECK (CASE state
        WHEN 'acknowledged' THEN acknowledged_at IS NOT NULL
        WHEN 'quoted' THEN quoted_at IS NOT NULL AND decision IS NULL
        WHEN 'authorized' THEN decision = 'authorized'
        WHEN 'declined' THEN decision = 'declined'
        ELSE true END),
    CONSTRAINT repair_order_returned CHECK ((state = 'returned') = (returned_at IS NOT NULL)
        AND (returned_at IS NULL) = (returned_by IS NULL) AND (returned_at IS NULL) = (outcome IS NULL)
        AND (returned_at IS NULL) = (return_document_id IS NULL)
        AND (returned_at IS NOT NULL OR (return_location_id IS NULL AND cost IS NULL AND sent_back_on IS NULL))),
    CONSTRAINT repair_order_replacement CHECK (replacement_unit_id IS NULL OR outcome = 'replaced'),
    CONSTRAINT repair_order_declined_unrepaired CHECK (decision IS DISTINCT FROM 'declined' OR outcome IS NULL
                                                       OR outcome IN ('unrepaired', 'scrapped')),
    CONSTRAINT repair_order_in_order CHECK (acknowledged_at >= shipped_at AND quoted_at >= shipped_at
                                            AND decided_at >= quoted_at AND returned_at >= shipped_at
                                            AND sent_back_on >= shipped_at::date AND sent_back_on <= returned_at::date)
);
CREATE INDEX repair_order_open_idx ON repair_order (vendor_id, shipped_at) WHERE state <> 'returned';
CREATE INDEX repair_order_shipped_idx ON repair_order (shipped_at);
-- A unit is on one open repair order at a time.
CREATE UNIQUE INDEX repair_order_open_unit_idx ON repair_order (unit_id) WHERE state <> 'returned';
CREATE INDEX repair_order_replacement_idx ON repair_order (replacement_unit_id) WHERE replacement_unit_id IS NOT NULL;

-- Every step, with who and when; only the transitions above can be recorded.
CREATE TABLE repair_event (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    repair_order_id bigint NOT NULL REFERENCES repair_order,
    -- NULL for the shipment that made the order.
    from_state      text,
    to_state        text NOT NULL REFERENCES repair_state,
    by_user         text NOT NULL,
    by_uid          bigint NOT NULL,
    at              timestamptz NOT NULL DEFAULT now(),
    note            text CHECK (length(note) <= 1000),
    FOREIGN KEY (from_state, to_state) REFERENCES repair_transition,
    CHECK (from_state IS NOT NULL OR to_state = 'shipped')
);
CREATE INDEX repair_event_order_idx ON repair_event (repair_order_id, id);

-- The on-hold overlay: while a hold is open the turnaround clock stops, whatever the state.
CREATE TABLE repair_hold (
    repair_order_id bigint NOT NULL REFERENCES repair_order,
    held_at         timestamptz NOT NULL DEFAULT now(),
    held_by         text NOT NULL,
    reason          text NOT NULL CHECK (length(reason) BETWEEN 1 AND 1000),
    resumed_at      timestamptz,
    resumed_by      text,
    PRIMARY KEY (repair_order_id, held_at),
    CHECK ((resumed_at IS NULL) = (resumed_by IS NULL)),
    CHECK (resumed_at >= held_at)
);
-- At most one open hold per order.
CREATE UNIQUE INDEX repair_hold_open_idx ON repair_hold (repair_order_id) WHERE resumed_at IS NULL;

-- The exchange pool (周转仓): a serviceable unit out to a customer at once, their failed unit
-- (the core) due back by a date, graded on arrival. XC-YEAR-SEQUENCE: EX- is an exception's.
CREATE TABLE exchange_state (state text PRIMARY KEY);
INSERT INTO exchange_state VALUES ('open'), ('overdue'), ('closed');

CREATE TABLE exchange (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    xc_no            text NOT NULL UNIQUE CHECK (xc_no ~ '^XC-[0-9]{4}-[0-9]{6,}$'),
    -- The pool: a location of kind rotation.
    location_id      integer NOT NULL REFERENCES location,
    part_id          integer NOT NULL REFERENCES part,
    -- The serviceable unit the customer got.
    unit_id          bigint NOT NULL REFERENCES unit,
    customer         text NOT NULL CHECK (length(customer) BETWEEN 1 AND 200),
    expected_core    text CHECK (expected_core ~ '^[A-Za-z0-9][A-Za-z0-9_./-]{0,39}$'),
    due              date NOT NULL,
    deposit          numeric(15,2) CHECK (deposit >= 0),
    state            text NOT NULL DEFAULT 'open' REFERENCES exchange_state,
    out_document_id  bigint NOT NULL UNIQUE REFERENCES document,
    created_at       timestamptz NOT NULL DEFAULT now(),
    created_by       text NOT NULL,
    -- Marked by the deadlines job: the day the core was first found past its due date.
    overdue_since    date,
    core_grade       text CHECK (core_grade IN ('full', 'damaged', 'none')),
    core_unit_id     bigint UNIQUE REFERENCES unit,
    core_document_id bigint UNIQUE REFERENCES document,
    -- What the customer owes for a damaged or missing core, and why that amount.
    charge           numeric(15,2) CHECK (charge >= 0),
    charge_basis     text CHECK (charge_basis IN ('deposit kept', 'core charge', 'agreed')),
    closed_at        timestamptz,
    closed_by        text,
    CONSTRAINT exchange_closed CHECK ((state = 'closed') = (closed_at IS NOT NULL)
        AND (closed_at IS NULL) = (closed_by IS NULL) AND (closed_at IS NULL) = (core_grade IS NULL)),
    CONSTRAINT exchange_overdue_marked CHECK (state <> 'overdue' OR overdue_since IS NOT NULL),
    -- A core that arrived is a unit with its receipt; none arrived for grade none.
    CONSTRAINT exchange_core_arrived CHECK ((core_unit_id IS NULL) = (core_document_id IS NULL)
        AND (core_unit_id IS NULL OR core_grade IN ('full', 'damaged'))
        AND (core_grade NOT IN ('full', 'damaged') OR core_unit_id IS NOT NULL)),
    CONSTRAINT exchange_charged CHECK ((charge IS NULL) = (charge_basis IS NULL)
        AND (charge IS NULL OR core_grade IN ('damaged', 'none'))
        AND (core_grade NOT IN ('damaged', 'none') OR charge IS NOT NULL)),
    CONSTRAINT exchange_closed_after CHECK (closed_at >= created_at)
);
CREATE INDEX exchange_open_idx ON exchange (due, id) WHERE state <> 'closed';
CREATE INDEX exchange_pool_idx ON exchange (location_id, part_id, created_at);
CREATE UNIQUE INDEX exchange_open_unit_idx ON exchange (unit_id) WHERE state <> 'closed';

-- An exchange asked for when the pool had no serviceable unit: the request is answered 409
-- and this row is written in the same transaction, so availability counts the customers the
-- pool could not serve without a refused transaction having to write anything.
CREATE TABLE exchange_shortage (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    location_id integer NOT NULL REFERENCES location,
    part_id     integer NOT NULL REFERENCES part,
    customer    text NOT NULL CHECK (length(customer) BETWEEN 1 AND 200),
    asked_by    text NOT NULL,
    asked_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX exchange_shortage_pool_idx ON exchange_shortage (location_id, part_id, asked_at);

-- How many serviceable units a pool should hold of a part.
CREATE TABLE pool_target (
    location_id integer NOT NULL REFERENCES location,
    part_id     integer NOT NULL REFERENCES part,
    target      integer NOT NULL CHECK (target BETWEEN 0 AND 100000),
    updated_by  text NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (location_id, part_id)
);

-- The daily job that marks repairs past their promised date and cores past their due date.
INSERT INTO job_kind VALUES ('deadlines') ON CONFLICT DO NOTHING;
