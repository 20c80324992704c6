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

CREATE FUNCTION refuse_ledger_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: post a reversing document instead', TG_TABLE_NAME
        USING ERRCODE = 'PS409';
END $$;
CREATE TRIGGER stock_movement_append_only BEFORE UPDATE OR DELETE ON stock_movement
    FOR EACH ROW EXECUTE FUNCTION refuse_ledger_change();
CREATE TRIGGER stock_movement_no_truncate BEFORE TRUNCATE ON stock_movement
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_ledger_change();
CREATE TRIGGER document_line_append_only BEFORE UPDATE OR DELETE ON document_line
    FOR EACH ROW EXECUTE FUNCTION refuse_ledger_change();

-- Balances whose on hand differs from the sum of their movements. Always empty; tests and
-- `status` check it.
CREATE VIEW ledger_discrepancy AS
SELECT b.part_id, b.location_id, b.on_hand, coalesce(m.total, 0) AS ledger_total
  FROM stock_balance b
  LEFT JOIN (SELECT part_id, location_id, sum(quantity) AS total
               FROM stock_movement GROUP BY part_id, location_id) m
         USING (part_id, location_id)
 WHERE b.on_hand <> coalesce(m.total, 0);

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

-- Errors raised below use SQLSTATE class PS ("partsd"); the daemon maps PS404, PS409 and
-- PS422 straight to the protocol's reply codes.

-- The earlier outcome of `ref`, or NULL when the ref is new. The same ref with other content
-- is a conflict, never a silent replay.
CREATE FUNCTION claim_request(p_ref text, p_fingerprint text) RETURNS client_request
LANGUAGE plpgsql AS $$
DECLARE
    prior client_request;
BEGIN
    SELECT * INTO prior FROM client_request WHERE ref = p_ref;
    IF FOUND AND prior.fingerprint <> p_fingerprint THEN
        RAISE EXCEPTION 'ref % was already used for a different command', p_ref USING ERRCODE = 'PS409';
    END IF;
    RETURN prior;
END $$;

-- The helpers below are PL/pgSQL rather than SQL functions on purpose: PostgreSQL plans a
-- non-inlined SQL function on every call, while PL/pgSQL keeps its plans for the session.
-- On the posting path that difference was most of the time spent per document.
CREATE FUNCTION record_request(p_ref text, p_fingerprint text, p_code integer, p_doc_no text,
                               p_message text, p_user text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO client_request (ref, fingerprint, reply_code, doc_no, message, user_name)
    VALUES (p_ref, p_fingerprint, p_code, p_doc_no, p_message, p_user);
END $$;

CREATE FUNCTION write_audit(p_actor jsonb, p_command text, p_code integer, p_doc_no text, p_ref text)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO audit_log (peer_uid, user_name, role, command, reply_code, doc_no, ref)
    VALUES ((p_actor->>'uid')::bigint, p_actor->>'user', p_actor->>'role', p_command, p_code, p_doc_no, p_ref);
END $$;

-- Document numbers: TYPE-YEAR-SEQUENCE from one sequence per type and year. Sequences never
-- block concurrent postings (a counter row would serialize every commit of a type); the
-- price is that a rolled-back posting leaves a gap in the numbers.
CREATE FUNCTION next_doc_no(p_type text, p_date date) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    year integer := extract(year FROM p_date)::integer;
    seq text := format('doc_seq_%s_%s', lower(p_type), year);
    n bigint;
BEGIN
    IF to_regclass(seq) IS NULL THEN
        BEGIN
            EXECUTE format('CREATE SEQUENCE IF NOT EXISTS %I', seq);
        EXCEPTION WHEN unique_violation OR duplicate_table THEN
            NULL;  -- another posting created it at the same moment
        END;
    END IF;
    n := nextval(seq);
    RETURN format('%s-%s-%s', p_type, year, lpad(n::text, greatest(6, length(n::text)), '0'));
END $$;

-- A posted document as the receipt and `doc show` need it.
CREATE FUNCTION document_json(p_doc_no text) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT jsonb_build_object(
        'doc_no', d.doc_no,
        'type', d.doc_type,
        'title', t.title,
        'title_zh', t.title_zh,
        'date', d.doc_date,
        'posted_at', d.posted_at,
        'location', l.code,
        'location_name', l.name,
        'to_location', tl.code,
        'to_location_name', tl.name,
        'counterparty', d.counterparty,
        'note', d.note,
        'reason', d.reason,
        'clerk', d.clerk,
        'ref', d.client_ref,
        'lines', coalesce(lines.items, '[]'::jsonb),
        'total', coalesce(lines.total, 0)::numeric(18,2)::text)
      FROM document d
      JOIN document_type t ON t.code = d.doc_type
      JOIN location l ON l.id = d.location_id
      LEFT JOIN location tl ON tl.id = d.to_location_id
      LEFT JOIN LATERAL (
          SELECT jsonb_agg(jsonb_build_object(
                     'line_no', dl.line_no,
                     'part_no', p.part_no,
                     'description', p.description,
                     'quantity', dl.quantity::text,
                     'counted', dl.counted::text,
                     'unit', p.unit,
                     'unit_cost', dl.unit_cost::text,
                     'value', dl.value::text) ORDER BY dl.line_no) AS items,
                 sum(dl.value) AS total
            FROM document_line dl JOIN part p ON p.id = dl.part_id
           WHERE dl.document_id = d.id) lines ON true
     WHERE d.doc_no = p_doc_no);
END $$;

-- Stock into a location at a unit cost, re-averaging the location's cost. Returns the new
-- on-hand quantity.
CREATE FUNCTION stock_in(p_part integer, p_location integer, p_qty numeric, p_cost numeric, p_at timestamptz)
RETURNS numeric LANGUAGE plpgsql AS $$
DECLARE
    after numeric;
BEGIN
    INSERT INTO stock_balance AS b (part_id, location_id, on_hand, avg_cost, last_receipt_at)
    VALUES (p_part, p_location, p_qty, p_cost, p_at)
    ON CONFLICT (part_id, location_id) DO UPDATE SET
        avg_cost = CASE WHEN b.on_hand + p_qty = 0 THEN p_cost
                        ELSE round((b.on_hand * b.avg_cost + p_qty * p_cost) / (b.on_hand + p_qty), 4) END,
        on_hand = b.on_hand + p_qty,
        last_receipt_at = p_at
    RETURNING on_hand INTO after;
    RETURN after;
END $$;

-- Stock out of a location, only from what is available (on hand minus reserved). The
-- conditional UPDATE is the concurrency guard: of two clerks taking the last unit, the second
-- re-reads the row after the first commits and finds nothing left.
CREATE FUNCTION stock_out(p_part integer, p_location integer, p_qty numeric, p_at timestamptz,
                          OUT balance_after numeric, OUT unit_cost numeric)
LANGUAGE plpgsql AS $$
DECLARE
    available numeric;
BEGIN
    UPDATE stock_balance
       SET on_hand = on_hand - p_qty, last_issue_at = p_at
     WHERE part_id = p_part AND location_id = p_location AND on_hand - reserved >= p_qty
    RETURNING on_hand, avg_cost INTO balance_after, unit_cost;
    IF NOT FOUND THEN
        SELECT b.on_hand - b.reserved INTO available
          FROM stock_balance b WHERE b.part_id = p_part AND b.location_id = p_location;
        RAISE EXCEPTION 'not enough stock: % at % has % available, % asked',
            (SELECT part_no FROM part WHERE id = p_part),
            (SELECT code FROM location WHERE id = p_location),
            trim_scale(coalesce(available, 0)), trim_scale(p_qty)
            USING ERRCODE = 'PS409';
    END IF;
END $$;

-- Posts a goods receipt (GR), goods issue (GI), transfer (TR) or count adjustment (AD) in
-- the caller's transaction, one statement for the whole document, and returns it as JSON.
-- p: {type, location, to_location?, counterparty?, note?, reason?, lines: [{part_no,
--     quantity, unit_cost?}], actor: {uid, user, role}, command, ref?, fingerprint?}
-- For AD, a line's quantity is the counted quantity.
CREATE FUNCTION post_stock_document(p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_type text := p->>'type';
    v_ref text := p->>'ref';
    v_at timestamptz := now();
    v_prior client_request;
    v_from location;
    v_to location;
    v_doc_id bigint;
    v_doc_no text;
    v_line record;
    v_after numeric;
    v_cost numeric;
    v_delta numeric;
    v_on_hand numeric;
    v_reserved numeric;
    v_quantity numeric;
    v_value numeric;
    v_lines jsonb := '[]'::jsonb;
    v_total numeric := 0;
    v_title document_type;
BEGIN
    IF v_ref IS NOT NULL THEN
        v_prior := claim_request(v_ref, p->>'fingerprint');
        IF v_prior.ref IS NOT NULL THEN
            RETURN document_json(v_prior.doc_no) || '{"replayed": true}';
        END IF;
    END IF;

    SELECT * INTO v_from FROM location WHERE code = p->>'location';
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown location %', p->>'location' USING ERRCODE = 'PS404';
    END IF;
    IF v_type = 'TR' THEN
        SELECT * INTO v_to FROM location WHERE code = p->>'to_location';
        IF NOT FOUND THEN
            RAISE EXCEPTION 'unknown location %', p->>'to_location' USING ERRCODE = 'PS404';
        END IF;
        IF v_to.id = v_from.id THEN
            RAISE EXCEPTION 'a transfer needs two different locations' USING ERRCODE = 'PS422';
        END IF;
    END IF;

    v_doc_no := next_doc_no(v_type, v_at::date);
    INSERT INTO document (doc_no, doc_type, doc_date, posted_at, location_id, to_location_id,
                          counterparty, note, reason, clerk, clerk_uid, client_ref)
    VALUES (v_doc_no, v_type, v_at::date, v_at, v_from.id, v_to.id,
            p->>'counterparty', p->>'note', p->>'reason',
            p->'actor'->>'user', (p->'actor'->>'uid')::bigint, v_ref)
    RETURNING id INTO v_doc_id;

    -- Lines are worked in part order so that two multi-line documents lock balance rows in the
    -- same order and cannot deadlock; line numbers keep the clerk's order.
    FOR v_line IN
        SELECT l.ordinality::integer AS line_no, l.item->>'part_no' AS part_no,
               (l.item->>'quantity')::numeric AS qty, (l.item->>'unit_cost')::numeric AS cost,
               pt.id AS part_id, pt.cost AS standard_cost, pt.description, u.code AS unit, u.decimals
          FROM jsonb_array_elements(p->'lines') WITH ORDINALITY AS l(item, ordinality)
          -- One index probe per line: with a plain join the cached generic plan hashed the whole
          -- part table on every posting, a cost that grew with the catalogue. LIMIT 1 (part
          -- numbers are unique) keeps the planner from turning this back into that join.
          LEFT JOIN LATERAL (SELECT * FROM part WHERE part.part_no = l.item->>'part_no' LIMIT 1) pt ON true
          LEFT JOIN unit_of_measure u ON u.code = pt.unit
         ORDER BY pt.id NULLS FIRST, l.ordinality
    LOOP
        IF v_line.part_id IS NULL THEN
            RAISE EXCEPTION 'unknown part %', v_line.part_no USING ERRCODE = 'PS404';
        END IF;
        IF scale(trim_scale(v_line.qty)) > v_line.decimals THEN
            RAISE EXCEPTION '% is counted in %: at most % decimal places, got %',
                v_line.part_no, v_line.unit, v_line.decimals, trim_scale(v_line.qty)
                USING ERRCODE = 'PS422';
        END IF;

        CASE v_type
        WHEN 'GR' THEN
            v_cost := coalesce(v_line.cost, v_line.standard_cost);
            v_quantity := v_line.qty;
            v_value := round(v_line.qty * v_cost, 2);
            INSERT INTO document_line (document_id, line_no, part_id, quantity, unit_cost, value)
            VALUES (v_doc_id, v_line.line_no, v_line.part_id, v_line.qty, v_cost, v_value);
            v_after := stock_in(v_line.part_id, v_from.id, v_line.qty, v_cost, v_at);
            INSERT INTO stock_movement (document_id, line_no, part_id, location_id, quantity, unit_cost, balance_after, posted_at)
            VALUES (v_doc_id, v_line.line_no, v_line.part_id, v_from.id, v_line.qty, v_cost, v_after, v_at);
        WHEN 'GI', 'TR' THEN
            SELECT * INTO v_after, v_cost FROM stock_out(v_line.part_id, v_from.id, v_line.qty, v_at);
            v_quantity := v_line.qty;
            v_value := round(v_line.qty * v_cost, 2);
            INSERT INTO document_line (document_id, line_no, part_id, quantity, unit_cost, value)
            VALUES (v_doc_id, v_line.line_no, v_line.part_id, v_line.qty, v_cost, v_value);
            INSERT INTO stock_movement (document_id, line_no, part_id, location_id, quantity, unit_cost, balance_after, posted_at)
            VALUES (v_doc_id, v_line.line_no, v_line.part_id, v_from.id, -v_line.qty, v_cost, v_after, v_at);
            IF v_type = 'TR' THEN
                v_after := stock_in(v_line.part_id, v_to.id, v_line.qty, v_cost, v_at);
                INSERT INTO stock_movement (document_id, line_no, part_id, location_id, quantity, unit_cost, balance_after, posted_at)
                VALUES (v_doc_id, v_line.line_no, v_line.part_id, v_to.id, v_line.qty, v_cost, v_after, v_at);
            END IF;
        WHEN 'AD' THEN
            INSERT INTO stock_balance (part_id, location_id) VALUES (v_line.part_id, v_from.id)
            ON CONFLICT DO NOTHING;
            SELECT b.on_hand, b.reserved, CASE WHEN b.avg_cost > 0 THEN b.avg_cost ELSE v_line.standard_cost END
              INTO v_on_hand, v_reserved, v_cost
              FROM stock_balance b
             WHERE b.part_id = v_line.part_id AND b.location_id = v_from.id
               FOR UPDATE;
            IF v_line.qty < v_reserved THEN
                RAISE EXCEPTION 'count of % at % is %, below the % reserved: release reservations first',
                    v_line.part_no, v_from.code, trim_scale(v_line.qty), trim_scale(v_reserved)
                    USING ERRCODE = 'PS409';
            END IF;
            v_delta := v_line.qty - v_on_hand;
            v_quantity := v_delta;
            v_value := round(v_delta * v_cost, 2);
            INSERT INTO document_line (document_id, line_no, part_id, quantity, counted, unit_cost, value)
            VALUES (v_doc_id, v_line.line_no, v_line.part_id, v_delta, v_line.qty, v_cost, v_value);
            IF v_delta <> 0 THEN
                UPDATE stock_balance
                   SET on_hand = v_line.qty,
                       avg_cost = CASE WHEN avg_cost = 0 THEN v_cost ELSE avg_cost END
                 WHERE part_id = v_line.part_id AND location_id = v_from.id;
                INSERT INTO stock_movement (document_id, line_no, part_id, location_id, quantity, unit_cost, balance_after, posted_at)
                VALUES (v_doc_id, v_line.line_no, v_line.part_id, v_from.id, v_delta, v_cost, v_line.qty, v_at);
            END IF;
        ELSE
            RAISE EXCEPTION 'unknown document type %', v_type USING ERRCODE = 'PS422';
        END CASE;
        -- The receipt is built from what was just posted rather than read back: reading the
        -- document again cost as much as posting it. Same shape as document_json; lines come
        -- in part order and the daemon sorts them by line number.
        v_lines := v_lines || jsonb_build_array(jsonb_build_object(
            'line_no', v_line.line_no, 'part_no', v_line.part_no, 'description', v_line.description,
            'quantity', v_quantity::numeric(15,3)::text,
            'counted', CASE WHEN v_type = 'AD' THEN v_line.qty::numeric(15,3)::text END,
            'unit', v_line.unit, 'unit_cost', v_cost::numeric(15,4)::text, 'value', v_value::numeric(18,2)::text));
        v_total := v_total + v_value;
    END LOOP;

    IF v_ref IS NOT NULL THEN
        PERFORM record_request(v_ref, p->>'fingerprint', 201, v_doc_no, v_doc_no, p->'actor'->>'user');
    END IF;
    PERFORM write_audit(p->'actor', p->>'command', 201, v_doc_no, v_ref);
    SELECT * INTO v_title FROM document_type WHERE code = v_type;
    RETURN jsonb_build_object(
        'doc_no', v_doc_no, 'type', v_type, 'title', v_title.title, 'title_zh', v_title.title_zh,
        'date', v_at::date, 'posted_at', v_at, 'location', v_from.code, 'location_name', v_from.name,
        'to_location', v_to.code, 'to_location_name', v_to.name, 'counterparty', p->>'counterparty',
        'note', p->>'note', 'reason', p->>'reason', 'clerk', p->'actor'->>'user', 'ref', v_ref,
        'lines', v_lines, 'total', v_total::numeric(18,2)::text, 'replayed', false);
END $$;

-- Quantity on order from suppliers. Zero until purchase orders exist; the purchasing
-- migration replaces this function, and every reader goes through it.
CREATE FUNCTION on_order(p_part integer, p_location integer) RETURNS numeric
LANGUAGE plpgsql STABLE AS $$ BEGIN RETURN 0::numeric(15,3); END $$;
