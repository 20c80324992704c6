-- Warranty claims and old-part return to the factory (三包旧件返厂, issue 11).
--
-- Every part replaced under warranty belongs to its manufacturer (OEM). The dealer files a
-- claim under the maker's claim number, tags each old part, keeps it in an old-parts area
-- and returns it in batches before the maker's deadline; the factory's verdict per part is a
-- credit or a charge-back. Old parts are not the site's stock: they live in old_part rows and
-- never in stock_balance (a trigger in sql/functions/warranty.sql refuses balances at
-- locations of kind oldparts), so available stock, its value, planning and turnover never
-- see them. Their shipment and destruction are record documents (direction 'record').
--
-- What the schema holds whatever code runs: rules are versions that are only ever added; a
-- claim never changes; an old part is in at most one batch (a column); a tag number is
-- unique; state changes follow the transition tables; a shipped batch and a recorded verdict
-- never change; one appeal per part, and a second verdict only after it.

-- Parts the makers always want back, whatever their rule says (return=called).
ALTER TABLE part ADD COLUMN warranty_return boolean NOT NULL DEFAULT false;

CREATE TABLE oem (
    id         integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code       text NOT NULL UNIQUE CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$'),
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    created_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- A maker's return rules, as versions: `oem set` adds one, valid from a date (the day it was
-- set unless it names another); the rules an OEM was added with are valid from -infinity.
-- The rules in force on a day are the version with the latest valid_from on or before it
-- (the last one set, among versions of one day). Deadlines are fixed when their clock
-- starts, from the rules in force on that day, and never computed again.
CREATE TABLE oem_rule (
    id             integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    oem_id         integer NOT NULL REFERENCES oem,
    valid_from     date NOT NULL,
    -- all: every warranty part comes back, due from the claim; called: only those the maker
    -- calls back within request_days of the claim.
    return_mode    text NOT NULL CHECK (return_mode IN ('all', 'called')),
    request_days   integer NOT NULL CHECK (request_days BETWEEN 1 AND 365),
    -- From the call-back (return=all: from the claim) to the last day to ship.
    ship_days      integer NOT NULL CHECK (ship_days BETWEEN 1 AND 365),
    -- How long a part never called back is kept, from the claim; then it may be scrapped.
    retention_days integer NOT NULL CHECK (retention_days BETWEEN 1 AND 3650),
    -- A shipment may leave at most this many days before a part's ship-by date; NULL: any time.
    earliest_days  integer CHECK (earliest_days BETWEEN 0 AND 365),
    appeal_days    integer NOT NULL CHECK (appeal_days BETWEEN 0 AND 365),
    cycle          text NOT NULL CHECK (cycle IN ('monthly', 'weekly', 'single')),
    set_by         text NOT NULL,
    set_at         timestamptz NOT NULL DEFAULT now(),
    -- A part may be called until request_days: it must still be there.
    CONSTRAINT oem_rule_retention_covers_request CHECK (retention_days >= request_days)
);
CREATE INDEX oem_rule_oem_idx ON oem_rule (oem_id, valid_from DESC, id DESC);

-- Why a factory rejects a claim's part: the fixed list the makers' forms use.
CREATE TABLE warranty_reject_reason (
    code     text PRIMARY KEY CHECK (code ~ '^[a-z][a-z_]{1,29}$'),
    title    text NOT NULL,
    title_zh text NOT NULL
);
INSERT INTO warranty_reject_reason (code, title, title_zh) VALUES
    ('wrong_part', 'wrong part number', '零件号不符'),
    ('no_fault_found', 'no fault found', '未发现故障'),
    ('part_missing', 'part missing', '旧件缺失'),
    ('not_genuine', 'not genuine', '非原厂件'),
    ('not_quality_failure', 'not a quality failure', '非质量故障'),
    ('not_primary_part', 'not the primary failed part', '非主损件'),
    ('transit_damage', 'damaged in transit', '运输损坏'),
    ('no_tag', 'no tag', '无旧件标签'),
    ('fault_mismatch', 'fault does not match the claim', '故障与索赔不符'),
    ('late', 'late', '超期返回');

-- A claim under the maker's own claim number (unique here, and never shaped like a tag, so
-- commands can take either). Its clocks start on the claim date: the call-back window and
-- the retention are fixed from the rules in force that day (rule_id).
CREATE TABLE warranty_claim (
    id           integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    claim_no     text NOT NULL UNIQUE CHECK (claim_no ~ '^[A-Za-z0-9][A-Za-z0-9_./-]{0,39}$' AND claim_no !~ '^TG-'),
    oem_id       integer NOT NULL REFERENCES oem,
    rule_id      integer NOT NULL REFERENCES oem_rule,
    vin          text NOT NULL CHECK (vin ~ '^[A-Za-z0-9][A-Za-z0-9_./-]{0,39}$'),
    failure      text NOT NULL CHECK (failure ~ '^[A-Za-z0-9][A-Za-z0-9_./-]{0,19}$'),
    -- Local dates in the site's time zone.
    claimed      date NOT NULL,
    repaired     date CHECK (repaired <= claimed),
    mileage      integer CHECK (mileage BETWEEN 0 AND 9999999),
    work_order   text CHECK (length(work_order) BETWEEN 1 AND 40),
    technician   text CHECK (length(technician) BETWEEN 1 AND 60),
    amount       numeric(15,2) NOT NULL CHECK (amount >= 0),
    note         text CHECK (length(note) BETWEEN 1 AND 1000),
    -- return=called: the last day the maker may call parts back; NULL for return=all.
    request_by   date CHECK (request_by >= claimed),
    retain_until date NOT NULL CHECK (retain_until >= claimed),
    recorded_by  text NOT NULL,
    recorded_uid bigint NOT NULL,
    recorded_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX warranty_claim_oem_idx ON warranty_claim (oem_id, claimed);

CREATE TABLE return_batch_state (state text PRIMARY KEY);
INSERT INTO return_batch_state VALUES ('open'), ('approved'), ('shipped'), ('received');
CREATE TABLE return_batch_transition (
    from_state text NOT NULL REFERENCES return_batch_state,
    to_state   text NOT NULL REFERENCES return_batch_state,
    PRIMARY KEY (from_state, to_state)
);
INSERT INTO return_batch_transition VALUES ('open', 'approved'), ('approved', 'shipped'), ('shipped', 'received');

-- A return batch (回运单): the old parts of one maker shipped together from one old-parts
-- area, with its return list. Open while it is packed, approved by a manager (三包旧件返厂的
-- 审批), shipped (a WS record document), received when the factory signs for it.
CREATE TABLE return_batch (
    id               integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    rb_no            text NOT NULL UNIQUE CHECK (rb_no ~ '^RB-[0-9]{4}-[0-9]{6,}$'),
    oem_id           integer NOT NULL REFERENCES oem,
    location_id      integer NOT NULL REFERENCES location,
    -- The claim month its parts were collected for (a monthly cycle), the 1st of that month.
    claim_month      date CHECK (claim_month = date_trunc('month', claim_month)::date),
    mode             text NOT NULL DEFAULT 'consolidated' CHECK (mode IN ('consolidated', 'truck', 'rail', 'air', 'courier')),
    state            text NOT NULL DEFAULT 'open' REFERENCES return_batch_state,
    note             text CHECK (length(note) BETWEEN 1 AND 1000),
    created_by       text NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    approved_by      text,
    approved_at      timestamptz,
    shipped_by       text,
    shipped_at       timestamptz,
    shipped_on       date,
    carrier          text CHECK (length(carrier) BETWEEN 1 AND 60),
    tracking         text CHECK (length(tracking) BETWEEN 1 AND 60),
    ship_document_id bigint UNIQUE REFERENCES document,
    received_by      text,
    received_on      date,
    received_at      timestamptz,
    CHECK ((state = 'open') = (approved_at IS NULL) AND (approved_at IS NULL) = (approved_by IS NULL)),
    CHECK ((state IN ('open', 'approved')) = (shipped_at IS NULL)
           AND (shipped_at IS NULL) = (shipped_by IS NULL) AND (shipped_at IS NULL) = (shipped_on IS NULL)
           AND (shipped_at IS NULL) = (ship_document_id IS NULL)),
    CHECK ((state = 'received') = (received_at IS NOT NULL)
           AND (received_at IS NULL) = (received_by IS NULL) AND (received_at IS NULL) = (received_on IS NULL)),
    CHECK (received_on >= shipped_on),
    CHECK (shipped_at >= approved_at AND approved_at >= created_at)
);
CREATE INDEX return_batch_oem_idx ON return_batch (oem_id, id DESC);

CREATE TABLE old_part_state (state text PRIMARY KEY);
INSERT INTO old_part_state VALUES ('tagged'), ('due'), ('called'), ('packed'), ('shipped'), ('received'),
    ('accepted'), ('rejected'), ('missing'), ('appealed'), ('expired'), ('scrapped');
-- tagged: kept, not (yet) wanted; due: wanted from the claim (return=all or the part's flag);
-- called: the maker called it back; packed: in an open or approved batch; shipped, received
-- (the factory signed for it); accepted, rejected, missing: the factory's verdict; appealed:
-- a rejection or charge-back contested; expired: never called, retention over; scrapped.
CREATE TABLE old_part_transition (
    from_state text NOT NULL REFERENCES old_part_state,
    to_state   text NOT NULL REFERENCES old_part_state,
    PRIMARY KEY (from_state, to_state)
);
INSERT INTO old_part_transition VALUES
    ('tagged', 'called'), ('tagged', 'packed'), ('tagged', 'expired'),
    ('due', 'packed'), ('due', 'missing'),
    ('called', 'packed'), ('called', 'missing'),
    ('packed', 'tagged'), ('packed', 'due'), ('packed', 'called'), ('packed', 'shipped'),
    ('shipped', 'received'), ('shipped', 'accepted'), ('shipped', 'rejected'), ('shipped', 'missing'),
    ('received', 'accepted'), ('received', 'rejected'), ('received', 'missing'),
    ('rejected', 'appealed'), ('missing', 'appealed'),
    ('appealed', 'accepted'), ('appealed', 'rejected'), ('appealed', 'missing'),
    ('expired', 'scrapped');

-- One old part, one tag (旧件标签): a whole unit, or for measured units the quantity removed.
-- Kept at an old-parts location, never in stock.
CREATE TABLE old_part (
    id                   integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tag_no               text NOT NULL UNIQUE CHECK (tag_no ~ '^TG-[0-9]{4}-[0-9]{6,}$'),
    claim_id             integer NOT NULL REFERENCES warranty_claim,
    line_no              integer NOT NULL CHECK (line_no > 0),
    part_id              integer NOT NULL REFERENCES part,
    -- The removed unit's serial, as text: old parts need no unit records.
    serial               text CHECK (serial ~ '^[A-Za-z0-9][A-Za-z0-9_./-]{0,39}$'),
    quantity             numeric(15,3) NOT NULL CHECK (quantity > 0),
    -- This part's share of the claimed amount.
    amount               numeric(15,2) NOT NULL CHECK (amount >= 0),
    location_id          integer NOT NULL REFERENCES location,
    -- Wanted from the claim: return=all, or the part's warranty_return flag.
    must_return          boolean NOT NULL,
    state                text NOT NULL REFERENCES old_part_state,
    -- The last day to ship, and the first (earliest_days before it), once the part is wanted.
    ship_by              date,
    ship_from            date,
    called_on            date,
    called_by            text,
    called_at            timestamptz,
    -- The rules in force on the call-back day, which set ship_by for a called part.
    call_rule_id         integer REFERENCES oem_rule,
    batch_id             integer REFERENCES return_batch,
    box_no               integer CHECK (box_no BETWEEN 1 AND 9999),
    packed_by            text,
    packed_at            timestamptz,
    shipped_on           date,
    received_on          date,
    -- What the deadlines run marked: the smallest reminder bucket reached, the day it found
    -- the part overdue, the day its retention was found over.
    reminded_days        integer CHECK (reminded_days >= 0),
    overdue_on           date,
    expired_on           date,
    scrap_document_id    bigint REFERENCES document,
    UNIQUE (claim_id, line_no),
    CHECK (serial IS NULL OR quantity = 1),
    CONSTRAINT old_part_wanted CHECK ((ship_by IS NULL) = (NOT must_return AND called_on IS NULL)),
    CHECK (ship_from <= ship_by),
    CHECK ((called_on IS NULL) = (called_by IS NULL) AND (called_on IS NULL) = (called_at IS NULL)
           AND (called_on IS NULL) = (call_rule_id IS NULL)),
    CHECK (NOT (must_return AND called_on IS NOT NULL)),
    -- A part that missed its batch (charged back before it was packed) has none.
    CONSTRAINT old_part_in_batch CHECK (state NOT IN ('packed', 'shipped', 'received', 'accepted', 'rejected') OR batch_id IS NOT NULL),
    CONSTRAINT old_part_not_in_batch CHECK (state NOT IN ('tagged', 'due', 'called', 'expired', 'scrapped') OR batch_id IS NULL),
    CHECK (box_no IS NULL OR batch_id IS NOT NULL),
    CHECK ((packed_by IS NULL) = (batch_id IS NULL) AND (packed_by IS NULL) = (packed_at IS NULL)),
    CONSTRAINT old_part_shipped CHECK (state NOT IN ('shipped', 'received', 'accepted', 'rejected') OR shipped_on IS NOT NULL),
    CONSTRAINT old_part_not_shipped CHECK (state NOT IN ('tagged', 'due', 'called', 'packed', 'expired', 'scrapped') OR shipped_on IS NULL),
    CHECK (shipped_on IS NULL OR batch_id IS NOT NULL),
    CHECK (received_on IS NULL OR received_on >= shipped_on),
    CHECK (state NOT IN ('expired', 'scrapped') OR expired_on IS NOT NULL),
    CHECK ((state = 'scrapped') = (scrap_document_id IS NOT NULL))
);
CREATE INDEX old_part_claim_idx ON old_part (claim_id, line_no);
CREATE INDEX old_part_batch_idx ON old_part (batch_id) WHERE batch_id IS NOT NULL;
CREATE INDEX old_part_open_idx ON old_part (ship_by) WHERE state IN ('tagged', 'due', 'called', 'packed');

-- The factory's verdicts: one per part (round 1), and after an appeal one more (round 2).
-- Append-only (a trigger in sql/functions/warranty.sql): a recorded verdict never changes.
CREATE TABLE old_part_verdict (
    old_part_id  integer NOT NULL REFERENCES old_part,
    round        smallint NOT NULL CHECK (round IN (1, 2)),
    outcome      text NOT NULL CHECK (outcome IN ('accepted', 'rejected', 'missing')),
    reason       text REFERENCES warranty_reject_reason,
    note         text CHECK (length(note) BETWEEN 1 AND 1000),
    credit       numeric(15,2) NOT NULL CHECK (credit >= 0),
    charge_back  numeric(15,2) NOT NULL CHECK (charge_back >= 0),
    decided      date NOT NULL,
    -- The rules in force on the decision day, whose appeal_days set appeal_by.
    rule_id      integer NOT NULL REFERENCES oem_rule,
    appeal_by    date,
    -- Round 2 answers the part's appeal.
    appeal_of    integer,
    recorded_by  text NOT NULL,
    recorded_uid bigint NOT NULL,
    recorded_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (old_part_id, round),
    CHECK ((outcome = 'rejected') = (reason IS NOT NULL)),
    CHECK (outcome = 'accepted' OR credit = 0),
    CHECK (outcome <> 'accepted' OR charge_back = 0),
    CHECK ((outcome = 'accepted' OR round = 2) = (appeal_by IS NULL)),
    CHECK (appeal_by >= decided),
    CHECK ((round = 2) = (appeal_of IS NOT NULL) AND (appeal_of IS NULL OR appeal_of = old_part_id))
);
CREATE INDEX old_part_verdict_decided_idx ON old_part_verdict (decided);

-- An appeal of a part's first verdict: at most one (the key), and only of a verdict recorded.
CREATE TABLE old_part_appeal (
    old_part_id   integer PRIMARY KEY,
    verdict_round smallint NOT NULL DEFAULT 1 CHECK (verdict_round = 1),
    note          text CHECK (length(note) BETWEEN 1 AND 1000),
    appealed_on   date NOT NULL,
    appealed_by   text NOT NULL,
    appealed_uid  bigint NOT NULL,
    appealed_at   timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (old_part_id, verdict_round) REFERENCES old_part_verdict (old_part_id, round)
);
ALTER TABLE old_part_verdict ADD FOREIGN KEY (appeal_of) REFERENCES old_part_appeal;

-- The records of old parts leaving: shipped back to the factory, destroyed after retention.
INSERT INTO document_type (code, title, title_zh, direction) VALUES
    ('WS', 'OLD PARTS RETURN TO FACTORY', '旧件返厂单', 'record'),
    ('WD', 'OLD PARTS DESTRUCTION', '旧件销毁单', 'record');
