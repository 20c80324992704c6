-- The stock ledger's rules and its one posting primitive. Invariants that tables cannot
-- state alone live here: the ledger is append-only, master data is never deleted, every
-- balance equals the sum of its movements (ledger_discrepancy is always empty), balance rows
-- are locked in one global order, and one function posts every kind of stock document.

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

-- The types of the documents this transaction posted, for the daemon's
-- partsd_documents_posted_total (see PostedDocumentTypes.swift). A trigger, because documents
-- are inserted in more than one place; a transaction-local setting, because a subtransaction
-- that rolls back (a refused document of a batch) takes its marks with it, and the next
-- transaction starts with none.
CREATE FUNCTION document_posted_mark() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('partsd.posted_types',
                       coalesce(current_setting('partsd.posted_types', true), '') || NEW.doc_type || ' ', true);
    RETURN NULL;
END $$;
CREATE TRIGGER document_posted_mark AFTER INSERT ON document
    FOR EACH ROW EXECUTE FUNCTION document_posted_mark();

-- Documents, balances, history and proposals refer to parts, locations and suppliers by id
-- for ever: master data is changed, never deleted.
CREATE FUNCTION refuse_master_data_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are never deleted: history refers to them', TG_TABLE_NAME USING ERRCODE = 'PS409';
END $$;
CREATE TRIGGER part_never_deleted BEFORE DELETE ON part
    FOR EACH ROW EXECUTE FUNCTION refuse_master_data_delete();
CREATE TRIGGER part_never_truncated BEFORE TRUNCATE ON part
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_master_data_delete();
CREATE TRIGGER location_never_deleted BEFORE DELETE ON location
    FOR EACH ROW EXECUTE FUNCTION refuse_master_data_delete();
CREATE TRIGGER location_never_truncated BEFORE TRUNCATE ON location
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_master_data_delete();
CREATE TRIGGER supplier_never_deleted BEFORE DELETE ON supplier
    FOR EACH ROW EXECUTE FUNCTION refuse_master_data_delete();
CREATE TRIGGER supplier_never_truncated BEFORE TRUNCATE ON supplier
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_master_data_delete();

-- Balances whose on hand differs from the sum of their movements. Always empty; tests and
-- `status` check it.
CREATE VIEW ledger_discrepancy AS
SELECT b.part_id, b.location_id, b.on_hand, coalesce(m.total, 0) AS ledger_total
  FROM stock_balance b
  LEFT JOIN (SELECT part_id, location_id, sum(quantity) AS total
               FROM stock_movement GROUP BY part_id, location_id) m
         USING (part_id, location_id)
 WHERE b.on_hand <> coalesce(m.total, 0);

-- Whether a quantity fits its unit: pieces are counted, oil is measured. The one rule, which
-- the set path asks as a question and every other path through check_unit_decimals.
CREATE FUNCTION fits_unit(p_quantity numeric, p_decimals smallint) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$ SELECT scale(trim_scale(p_quantity)) <= p_decimals $$;

CREATE FUNCTION check_unit_decimals(p_part_no text, p_unit text, p_decimals smallint, p_quantity numeric) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF NOT fits_unit(p_quantity, p_decimals) THEN
        RAISE EXCEPTION '% is counted in %: at most % decimal places, got %',
            p_part_no, p_unit, p_decimals, trim_scale(p_quantity) USING ERRCODE = 'PS422';
    END IF;
END $$;

-- Whether a document line passes check_line: the one condition, which a hot path tests inline
-- (an inlined SQL function) to call check_line only for a line it refuses, since a plpgsql call
-- a line was about 1 % of a lone goods issue's instructions. A new refusal goes in both.
CREATE FUNCTION line_fits(p_part_id integer, p_decimals smallint, p_quantity numeric) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$ SELECT p_part_id IS NOT NULL AND fits_unit(p_quantity, p_decimals) $$;

-- The two refusals of a document line whatever the workflow: it names no part (p_part_id is
-- what looking its number up found), or a quantity its unit cannot have.
CREATE FUNCTION check_line(p_part_no text, p_part_id integer, p_unit text, p_decimals smallint, p_quantity numeric)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF line_fits(p_part_id, p_decimals, p_quantity) THEN
        RETURN;
    END IF;
    IF p_part_id IS NULL THEN
        RAISE EXCEPTION 'unknown part %', p_part_no USING ERRCODE = 'PS404';
    END IF;
    PERFORM check_unit_decimals(p_part_no, p_unit, p_decimals, p_quantity);
END $$;

-- One line of a request's lines ({part_no, quantity, unit_cost?, serial?, ...}), resolved: its
-- number in the clerk's order, the line as sent (for a workflow's own keys), its part, and
-- the unit the part is counted in.
CREATE TYPE request_line AS (
    line_no         integer,
    item            jsonb,
    part_no         text,
    quantity        numeric,
    unit_cost       numeric,
    serial          text,
    part_id         integer,
    description     text,
    standard_cost   numeric,
    serialized      boolean,
    warranty_return boolean,
    unit            text,
    decimals        smallint
);

-- A request's lines, resolved in the clerk's order, every line checked (check_line) before
-- the first is returned: what each workflow checks beyond that is its own. post_stock_document
-- resolves its lines itself, in part order so that balance rows are locked in the one order,
-- and refuses them with check_line too; post_document_set resolves a batch as one set and
-- leaves any line check_line would refuse to the one-by-one path.
CREATE FUNCTION request_lines(p_lines jsonb) RETURNS SETOF request_line
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_line request_line;
BEGIN
    FOR v_line IN
        SELECT l.ordinality, l.item, l.item->>'part_no', (l.item->>'quantity')::numeric, (l.item->>'unit_cost')::numeric,
               l.item->>'serial', pt.id, pt.description, pt.cost, pt.serialized, pt.warranty_return, u.code, u.decimals
          FROM jsonb_array_elements(coalesce(p_lines, '[]')) WITH ORDINALITY AS l(item, ordinality)
          -- An index probe per line, as in post_stock_document.
          LEFT JOIN LATERAL (SELECT * FROM part WHERE part.part_no = l.item->>'part_no' LIMIT 1) pt ON true
          LEFT JOIN unit_of_measure u ON u.code = pt.unit
         ORDER BY l.ordinality
    LOOP
        PERFORM check_line(v_line.part_no, v_line.part_id, v_line.unit, v_line.decimals, v_line.quantity);
        RETURN NEXT v_line;
    END LOOP;
END $$;

-- Locks the balance rows of the given part-locations in the one order every path uses, part
-- then location, so that no two transactions lock them in opposite orders and deadlock.
-- With p_create, a row that does not exist yet is made (empty) in its turn, so that two first
-- receipts of one part at one location also meet in that order; the rows made are returned,
-- for the caller to drop again when nothing was posted on them. (ON CONFLICT DO UPDATE with
-- a WHERE that is never true locks an existing row without writing it.)
CREATE FUNCTION lock_balances(p_parts integer[], p_locations integer[], p_create boolean DEFAULT false)
RETURNS TABLE (made_part_id integer, made_location_id integer)
LANGUAGE plpgsql AS $$
BEGIN
    IF p_create THEN
        RETURN QUERY
        WITH made AS (
            INSERT INTO stock_balance AS b (part_id, location_id)
            SELECT DISTINCT k.part_id, k.location_id FROM unnest(p_parts, p_locations) AS k(part_id, location_id)
             WHERE k.part_id IS NOT NULL AND k.location_id IS NOT NULL
             ORDER BY 1, 2
            ON CONFLICT ON CONSTRAINT stock_balance_pkey DO UPDATE SET on_hand = b.on_hand WHERE false
            RETURNING b.part_id, b.location_id)
        SELECT * FROM made;
        RETURN;
    END IF;
    -- A probe a row, in the keys' order: as a join its generic plan (post_document_set's
    -- statements are generic) hashed the keys and read every balance row.
    PERFORM 1
       FROM (SELECT DISTINCT k.part_id, k.location_id FROM unnest(p_parts, p_locations) AS k(part_id, location_id)
              ORDER BY 1, 2) k
      CROSS JOIN LATERAL (SELECT 1 FROM stock_balance b
                           WHERE b.part_id = k.part_id AND b.location_id = k.location_id
                             FOR UPDATE) b;
END $$;

-- Drops again the balance rows lock_balances made (p_parts, p_locations: what it returned)
-- that nothing was posted or reserved on: rows made only to be locked in their turn are not
-- left behind.
CREATE FUNCTION drop_made_balances(p_parts integer[], p_locations integer[]) RETURNS void
LANGUAGE sql AS $$
    DELETE FROM stock_balance b
     USING unnest(p_parts, p_locations) AS made(part_id, location_id)
     WHERE b.part_id = made.part_id AND b.location_id = made.location_id AND b.on_hand = 0 AND b.reserved = 0
       AND NOT EXISTS (SELECT 1 FROM stock_movement m WHERE m.part_id = b.part_id AND m.location_id = b.location_id)
$$;

-- The posted document p_doc_no, its row locked for the rest of the transaction: what is
-- booked against one document (exceptions against a receipt, returns against an issue) is
-- booked one after the other, so what is left on its lines cannot shrink before a commit.
CREATE FUNCTION document_locked(p_doc_no text) RETURNS document
LANGUAGE plpgsql AS $$
DECLARE
    v_document document;
BEGIN
    SELECT * INTO v_document FROM document WHERE doc_no = p_doc_no FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown document %', p_doc_no USING ERRCODE = 'PS404';
    END IF;
    RETURN v_document;
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
                     'value', dl.value::text)
                     || CASE WHEN u.serial IS NOT NULL THEN jsonb_build_object('serial', u.serial) ELSE '{}' END
                     ORDER BY dl.line_no) AS items,
                 sum(dl.value) AS total
            FROM document_line dl JOIN part p ON p.id = dl.part_id
            LEFT JOIN unit_move m ON m.document_id = dl.document_id AND m.line_no = dl.line_no
            LEFT JOIN unit u ON u.id = m.unit_id
           WHERE dl.document_id = d.id) lines ON true
     WHERE d.doc_no = p_doc_no);
END $$;

-- The reply of a workflow that posted a document: 201 and the receipt.
-- STABLE, not IMMUTABLE: jsonb_build_object is stable, and PostgreSQL never inlines a SQL function
-- declared more immutable than its body; it parses and plans it again at every call instead.
CREATE FUNCTION document_reply(p_document jsonb) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object('code', 201, 'key', p_document->>'doc_no', 'message', p_document->>'doc_no',
                              'document', p_document)
$$;

-- The reply of a workflow on a record of its own (a repair order, an exchange): 201 with the
-- document it posted, else 200; the record after it under p_field.
-- STABLE as document_reply is.
CREATE FUNCTION record_reply(p_key text, p_message text, p_field text, p_record jsonb, p_document jsonb) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT outcome(CASE WHEN p_document IS NULL THEN 200 ELSE 201 END, p_message, p_key)
           || jsonb_build_object(p_field, p_record)
           || CASE WHEN p_document IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('document', p_document) END
$$;

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

-- Posts one stock document in the caller's transaction, whatever its type, and returns it as
-- the receipt prints it. The type's direction (document_type) says how it moves stock: in (at
-- the given unit cost or the part's standard cost), out (at the average cost), move (out of
-- one location into another at the cost it left at) or count (sets on hand to the counted
-- quantity, posts the difference). Every workflow that moves stock posts through here; the
-- ref and the audit row are the workflow's (see requests.sql), not this document's.
-- A line with a serial names one unit of a serialised part, which moves as the type's unit
-- rule says (unit_post, sql/functions/serials.sql); a serialised part takes only such lines.
-- p: {type, location, to_location?, counterparty?, note?, reason?, lines: [{part_no,
--     quantity, unit_cost?, serial?}], actor: {uid, user, role}, ref?; for units out to a
--     customer holder?, for units to a vendor vendor}
CREATE FUNCTION post_stock_document(p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_type text := p->>'type';
    v_direction text;
    v_at timestamptz := now();
    v_from location;
    v_to location;
    v_doc_id bigint;
    v_doc_no text;
    v_line record;
    v_out record;
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
    v_unit unit;
    v_parts integer[];
    v_locations integer[];
BEGIN
    SELECT * INTO v_title FROM document_type WHERE code = v_type;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown document type %', v_type USING ERRCODE = 'PS422';
    END IF;
    v_direction := v_title.direction;
    v_from := location_named(p->>'location');
    IF v_direction = 'move' THEN
        v_to := location_named(p->>'to_location');
        IF v_to.id = v_from.id THEN
            RAISE EXCEPTION 'a transfer needs two different locations' USING ERRCODE = 'PS422';
        END IF;
    END IF;

    -- Serial lines are checked before anything is posted, and every balance row the document
    -- touches is locked first, so that its units are locked after them, line by line in
    -- (part, serial) order: headers, balances, units, the one order.
    IF jsonb_path_exists(p->'lines', '$[*].serial') THEN
        PERFORM serial_lines_check(v_title, v_from.code, p->'lines');
        SELECT array_agg(pt.id), array_agg(loc.id) INTO v_parts, v_locations
          FROM jsonb_array_elements(p->'lines') AS l(item)
         CROSS JOIN LATERAL (SELECT id FROM part WHERE part.part_no = l.item->>'part_no' LIMIT 1) pt
         CROSS JOIN LATERAL (VALUES (v_from.id), (v_to.id)) AS loc(id)
         WHERE loc.id IS NOT NULL;
        PERFORM lock_balances(v_parts, v_locations, v_direction IN ('in', 'move'));
    END IF;

    v_doc_no := next_doc_no(v_type, v_at::date);
    INSERT INTO document (doc_no, doc_type, doc_date, posted_at, location_id, to_location_id,
                          counterparty, note, reason, clerk, clerk_uid, client_ref)
    VALUES (v_doc_no, v_type, v_at::date, v_at, v_from.id, v_to.id,
            p->>'counterparty', p->>'note', p->>'reason',
            p->'actor'->>'user', (p->'actor'->>'uid')::bigint, p->>'ref')
    RETURNING id INTO v_doc_id;

    -- Lines are worked in part order, and a transfer's two rows of one part in location order,
    -- so that documents lock balance rows in the one order (see lock_balances); line numbers
    -- keep the clerk's order.
    FOR v_line IN
        SELECT l.ordinality::integer AS line_no, l.item->>'part_no' AS part_no, l.item->>'serial' AS serial,
               (l.item->>'quantity')::numeric AS qty, (l.item->>'unit_cost')::numeric AS cost,
               pt.id AS part_id, pt.cost AS standard_cost, pt.description, pt.serialized, u.code AS unit, u.decimals
          FROM jsonb_array_elements(p->'lines') WITH ORDINALITY AS l(item, ordinality)
          -- One index probe per line: with a plain join the cached generic plan hashed the whole
          -- part table on every posting, a cost that grew with the catalogue. LIMIT 1 (part
          -- numbers are unique) keeps the planner from turning this back into that join.
          LEFT JOIN LATERAL (SELECT * FROM part WHERE part.part_no = l.item->>'part_no' LIMIT 1) pt ON true
          -- A probe too: a join hashed the unit table at every posting.
          LEFT JOIN LATERAL (SELECT * FROM unit_of_measure WHERE unit_of_measure.code = pt.unit LIMIT 1) u ON true
         ORDER BY pt.id NULLS FIRST, l.item->>'serial', l.ordinality
    LOOP
        -- check_line says why a line is refused; called only then (see line_fits).
        IF NOT line_fits(v_line.part_id, v_line.decimals, v_line.qty) THEN
            PERFORM check_line(v_line.part_no, v_line.part_id, v_line.unit, v_line.decimals, v_line.qty);
        END IF;
        IF v_line.serial IS NULL AND v_line.serialized THEN
            PERFORM serial_refusal(v_title, v_line.part_no, v_from.code);
        ELSIF v_line.serial IS NOT NULL THEN
            IF NOT v_line.serialized THEN
                RAISE EXCEPTION '% is not serialised: give %:<qty>', v_line.part_no, v_line.part_no USING ERRCODE = 'PS422';
            END IF;
            IF v_line.qty <> 1 THEN
                RAISE EXCEPTION 'a unit is one piece: %#% cannot move %', v_line.part_no, v_line.serial, qty_text(v_line.qty)
                    USING ERRCODE = 'PS422';
            END IF;
            v_unit := unit_post(v_title, v_line.part_id, v_line.part_no, v_line.serial, v_from, v_to, p);
        END IF;

        CASE v_direction
        WHEN 'in' THEN
            v_cost := coalesce(v_line.cost, v_line.standard_cost);
            v_quantity := v_line.qty;
            v_value := round(v_line.qty * v_cost, 2);
            INSERT INTO document_line (document_id, line_no, part_id, quantity, unit_cost, value)
            VALUES (v_doc_id, v_line.line_no, v_line.part_id, v_line.qty, v_cost, v_value);
            v_after := stock_in(v_line.part_id, v_from.id, v_line.qty, v_cost, v_at);
            INSERT INTO stock_movement (document_id, line_no, part_id, location_id, quantity, unit_cost, balance_after, posted_at)
            VALUES (v_doc_id, v_line.line_no, v_line.part_id, v_from.id, v_line.qty, v_cost, v_after, v_at);
        WHEN 'out', 'move' THEN
            IF v_direction = 'move' AND v_to.id < v_from.id THEN
                PERFORM lock_balances(ARRAY[v_line.part_id, v_line.part_id], ARRAY[v_to.id, v_from.id], true);
            END IF;
            -- An assignment, not SELECT ... FROM stock_out(): that is a query of its own to start.
            v_out := stock_out(v_line.part_id, v_from.id, v_line.qty, v_at);
            v_after := v_out.balance_after;
            v_cost := v_out.unit_cost;
            v_quantity := v_line.qty;
            v_value := round(v_line.qty * v_cost, 2);
            INSERT INTO document_line (document_id, line_no, part_id, quantity, unit_cost, value)
            VALUES (v_doc_id, v_line.line_no, v_line.part_id, v_line.qty, v_cost, v_value);
            INSERT INTO stock_movement (document_id, line_no, part_id, location_id, quantity, unit_cost, balance_after, posted_at)
            VALUES (v_doc_id, v_line.line_no, v_line.part_id, v_from.id, -v_line.qty, v_cost, v_after, v_at);
            IF v_direction = 'move' THEN
                v_after := stock_in(v_line.part_id, v_to.id, v_line.qty, v_cost, v_at);
                INSERT INTO stock_movement (document_id, line_no, part_id, location_id, quantity, unit_cost, balance_after, posted_at)
                VALUES (v_doc_id, v_line.line_no, v_line.part_id, v_to.id, v_line.qty, v_cost, v_after, v_at);
            END IF;
        WHEN 'count' THEN
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
        IF v_line.serial IS NOT NULL THEN
            PERFORM unit_moved(v_doc_id, v_line.line_no, v_unit);
        END IF;
        -- The receipt is built from what was just posted rather than read back: reading the
        -- document again cost as much as posting it. Same shape as document_json; lines come
        -- in part order and the daemon sorts them by line number.
        v_lines := v_lines || jsonb_build_array(jsonb_build_object(
            'line_no', v_line.line_no, 'part_no', v_line.part_no, 'description', v_line.description,
            'quantity', v_quantity::numeric(15,3)::text,
            'counted', CASE WHEN v_direction = 'count' THEN v_line.qty::numeric(15,3)::text END,
            'unit', v_line.unit, 'unit_cost', v_cost::numeric(15,4)::text, 'value', v_value::numeric(18,2)::text)
            || CASE WHEN v_line.serial IS NOT NULL THEN jsonb_build_object('serial', v_line.serial) ELSE '{}' END);
        v_total := v_total + v_value;
    END LOOP;

    RETURN jsonb_build_object(
        'doc_no', v_doc_no, 'type', v_type, 'title', v_title.title, 'title_zh', v_title.title_zh,
        'date', v_at::date, 'posted_at', v_at, 'location', v_from.code, 'location_name', v_from.name,
        'to_location', v_to.code, 'to_location_name', v_to.name, 'counterparty', p->>'counterparty',
        'note', p->>'note', 'reason', p->>'reason', 'clerk', p->'actor'->>'user', 'ref', p->>'ref',
        'lines', v_lines, 'total', v_total::numeric(18,2)::text);
END $$;

-- Posts a document of a type whose direction is 'record': goods that are not the site's
-- stock (see 012). Its lines name parts and quantities at no value, and move nothing: no
-- balance changes, so stock, its value, planning and turnover never see them. A line with a
-- serial names a unit the workflow has already moved; the document records where it went.
-- Returns the document as the receipt prints it. p: {type, location, to_location?,
-- counterparty?, note?, reason?, lines: [{part_no, quantity, serial?}], actor, ref?}
CREATE FUNCTION post_record_document(p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_at timestamptz := now();
    v_title document_type;
    v_from location;
    v_to location;
    v_doc_id bigint;
    v_doc_no text;
    v_line record;
    v_unit unit;
BEGIN
    SELECT * INTO v_title FROM document_type WHERE code = p->>'type';
    IF NOT FOUND OR v_title.direction <> 'record' THEN
        RAISE EXCEPTION '% is not a document type that records goods outside stock', p->>'type' USING ERRCODE = 'PS422';
    END IF;
    v_from := location_named(p->>'location');
    IF p ? 'to_location' THEN
        v_to := location_named(p->>'to_location');
    END IF;
    v_doc_no := next_doc_no(v_title.code, v_at::date);
    INSERT INTO document (doc_no, doc_type, doc_date, posted_at, location_id, to_location_id,
                          counterparty, note, reason, clerk, clerk_uid, client_ref)
    VALUES (v_doc_no, v_title.code, v_at::date, v_at, v_from.id, v_to.id, p->>'counterparty', p->>'note',
            p->>'reason', p->'actor'->>'user', (p->'actor'->>'uid')::bigint, p->>'ref')
    RETURNING id INTO v_doc_id;
    FOR v_line IN SELECT * FROM request_lines(p->'lines') LOOP
        INSERT INTO document_line (document_id, line_no, part_id, quantity, unit_cost, value)
        VALUES (v_doc_id, v_line.line_no, v_line.part_id, v_line.quantity, 0, 0);
        IF v_line.serial IS NOT NULL THEN
            SELECT * INTO v_unit FROM unit WHERE part_id = v_line.part_id AND serial = v_line.serial;
            IF NOT FOUND OR v_line.quantity <> 1 THEN
                RAISE EXCEPTION 'a record of %#% names no unit of one piece', v_line.part_no, v_line.serial USING ERRCODE = 'PS500';
            END IF;
            PERFORM unit_moved(v_doc_id, v_line.line_no, v_unit);
        END IF;
    END LOOP;
    RETURN document_json(v_doc_no);
END $$;
