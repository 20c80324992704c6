-- Master data: parts, locations and suppliers (part add | set, location add, supplier add).

-- A unit named on a part must be one the ledger knows; the refusal lists them, so the clerk
-- can pick one.
CREATE FUNCTION check_unit_known(p_unit text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF p_unit IS NOT NULL AND NOT EXISTS (SELECT 1 FROM unit_of_measure WHERE code = p_unit) THEN
        RAISE EXCEPTION 'unknown unit %; known units: %', p_unit,
            (SELECT string_agg(code, ', ' ORDER BY code) FROM unit_of_measure) USING ERRCODE = 'PS422';
    END IF;
END $$;

-- The location a request names by its code; an unknown code is refused.
CREATE FUNCTION location_named(p_code text) RETURNS location
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_location location;
BEGIN
    SELECT * INTO v_location FROM location WHERE code = p_code;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown location %', p_code USING ERRCODE = 'PS404';
    END IF;
    RETURN v_location;
END $$;

-- The part a request names by its number; an unknown number is refused.
CREATE FUNCTION part_named(p_part_no text) RETURNS part
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_part part;
BEGIN
    SELECT * INTO v_part FROM part WHERE part_no = p_part_no;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown part %', p_part_no USING ERRCODE = 'PS404';
    END IF;
    RETURN v_part;
END $$;

-- The article a location kind takes in a message: an oldparts location, a quarantine location.
CREATE FUNCTION a_or_an(p_word text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$ SELECT CASE WHEN p_word ~ '^[aeiou]' THEN 'an' ELSE 'a' END $$;

-- The location of a special kind a request may name (quarantine=, location=): the one named,
-- which must be of that kind, else the only one of that kind there is, else a new one made
-- as p_default_code. With several and none named the clerk must choose.
CREATE FUNCTION location_of_kind(p_kind text, p_code text, p_argument text, p_default_code text,
                                 p_default_name text) RETURNS location
LANGUAGE plpgsql AS $$
DECLARE
    v_location location;
    v_count integer;
BEGIN
    IF p_code IS NOT NULL THEN
        v_location := location_named(p_code);
        IF v_location.kind <> p_kind THEN
            RAISE EXCEPTION '% is % % location, not % % location', p_code, a_or_an(v_location.kind), v_location.kind,
                a_or_an(p_kind), p_kind USING ERRCODE = 'PS422';
        END IF;
        RETURN v_location;
    END IF;
    SELECT count(*), min(code) INTO v_count, p_code FROM location WHERE kind = p_kind;
    IF v_count > 1 THEN
        RAISE EXCEPTION 'there are % % locations: name one with %=<code>', v_count, p_kind, p_argument USING ERRCODE = 'PS422';
    END IF;
    IF v_count = 0 THEN
        -- Two first uses at once both get here; the loser's insert does nothing.
        INSERT INTO location (code, name, kind) VALUES (p_default_code, p_default_name, p_kind)
        ON CONFLICT (code) DO NOTHING;
        p_code := p_default_code;
    END IF;
    SELECT * INTO v_location FROM location WHERE code = p_code;
    IF v_location.kind <> p_kind THEN
        RAISE EXCEPTION 'location % is % % location: add % % location or name one with %=<code>',
            p_code, a_or_an(v_location.kind), v_location.kind, a_or_an(p_kind), p_kind, p_argument USING ERRCODE = 'PS409';
    END IF;
    RETURN v_location;
END $$;

-- The checks and the insert of one new part, which part add and part load share. An
-- existing part number is a conflict.
CREATE FUNCTION part_insert(p jsonb) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM check_unit_known(p->>'unit');
    -- ON CONFLICT rather than a look first: of two adds of one part at once, the second
    -- waits for the first and then finds it.
    PERFORM serialised_unit_counted(p->>'part_no', coalesce(p->>'unit', 'PCS'), (p->>'serialized')::boolean);
    INSERT INTO part (part_no, description, unit, cost, category, pack, lead_days, supplier, warranty_return, serialized,
                      fill_rate)
    VALUES (p->>'part_no', p->>'description', coalesce(p->>'unit', 'PCS'), coalesce((p->>'cost')::numeric, 0),
            p->>'category', coalesce((p->>'pack')::numeric, 1), (p->>'lead_days')::integer, p->>'supplier',
            coalesce((p->>'warranty_return')::boolean, false), coalesce((p->>'serialized')::boolean, false),
            (p->>'fill_rate')::numeric)
    ON CONFLICT (part_no) DO NOTHING;
    IF NOT FOUND THEN
        RAISE EXCEPTION '% already exists', p->>'part_no' USING ERRCODE = 'PS409';
    END IF;
END $$;

-- part add: a new part.
-- p: {part_no, description, unit?, cost?, category?, pack?, lead_days?, supplier?, warranty_return?, serialized?,
--     fill_rate?, actor, command, ref?, fingerprint?}
CREATE FUNCTION part_add(p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_reply jsonb := request_begin(p);
BEGIN
    IF v_reply IS NOT NULL THEN
        RETURN v_reply;
    END IF;
    PERFORM part_insert(p);
    RETURN request_end(p, outcome(200, format('part %s added', p->>'part_no')));
END $$;

-- part add for a batch of requests as one set (requests_batch takes a workflow's `_set` form
-- first): one INSERT for every part instead of a subtransaction, a ref lookup and an insert
-- each. Measured on 2 cores, a batch of 32 adds took 70 us a part this way against 350 us one
-- by one. It answers only a batch it can add whole, as part_add would answer each request;
-- anything else (a ref used before or twice, an unknown unit, a part that exists or comes
-- twice, a value a constraint refuses) is NULL, and the batch goes one request at a time,
-- where each refusal gets its own message.
CREATE FUNCTION part_add_set(p_batch jsonb) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    v_count integer := jsonb_array_length(p_batch);
    v_added integer;
    v_result json;
    v_outcomes request_outcome[];
BEGIN
    IF EXISTS (SELECT 1
                 FROM jsonb_array_elements(p_batch) AS d(item)
                 LEFT JOIN unit_of_measure u ON u.code = coalesce(d.item->>'unit', 'PCS')
                 -- A probe of the ref's index per request (see ref_seen in post_document_set).
                 LEFT JOIN LATERAL (SELECT true AS seen FROM client_request c WHERE c.ref = d.item->>'ref' LIMIT 1) r ON true
                WHERE u.code IS NULL
                   OR (d.item->>'serialized')::boolean AND u.decimals > 0
                   OR r.seen)
       OR (SELECT count(DISTINCT d.item->>'part_no') <> v_count
                  OR count(DISTINCT d.item->>'ref') <> count(d.item->>'ref')
             FROM jsonb_array_elements(p_batch) AS d(item)) THEN
        RETURN NULL;
    END IF;
    BEGIN
        INSERT INTO part (part_no, description, unit, cost, category, pack, lead_days, supplier, warranty_return,
                          serialized, fill_rate)
        SELECT r.part_no, r.description, coalesce(r.unit, 'PCS'), coalesce(r.cost, 0), r.category, coalesce(r.pack, 1),
               r.lead_days, r.supplier, coalesce(r.warranty_return, false), coalesce(r.serialized, false), r.fill_rate
          FROM jsonb_to_recordset(p_batch) AS r(part_no text, description text, unit text, cost numeric, category text,
                                                pack numeric, lead_days integer, supplier text, warranty_return boolean,
                                                serialized boolean, fill_rate numeric)
        ON CONFLICT (part_no) DO NOTHING;
        GET DIAGNOSTICS v_added = ROW_COUNT;
        IF v_added <> v_count THEN
            RAISE EXCEPTION 'a part of the batch exists' USING ERRCODE = 'PS409';
        END IF;
    EXCEPTION WHEN OTHERS THEN
        RETURN NULL;
    END;
    SELECT json_agg(json_build_object('reply', o.reply) ORDER BY o.ord),
           array_agg(ROW(o.item, 200, NULL, o.reply)::request_outcome ORDER BY o.ord)
      INTO v_result, v_outcomes
      FROM (SELECT d.ord, d.item, outcome(200, format('part %s added', d.item->>'part_no')) AS reply
              FROM jsonb_array_elements(p_batch) WITH ORDINALITY AS d(item, ord)) o;
    PERFORM requests_record(v_outcomes);
    RETURN v_result;
END $$;

-- The checks and the change of one part's master data, never its stock, which part set and
-- part load share; a field absent from p stays as it is. The unit may change only while no
-- stock was ever moved, since the ledger's quantities were counted in the old unit. Whether
-- the part is serialised may change only while it has no stock (and, to stop, no units in our
-- hands or out): its balance must always be its units.
-- p: {part_no, and any of part_add's fields}; fill_rate null gives the part back its class's target.
CREATE FUNCTION part_change(p jsonb) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_part part;
BEGIN
    PERFORM check_unit_known(p->>'unit');
    -- The part's row lock: of two changes at once the second checks what the first left.
    SELECT * INTO v_part FROM part WHERE id = (part_named(p->>'part_no')).id FOR UPDATE;
    IF p->>'unit' <> v_part.unit AND EXISTS (SELECT 1 FROM stock_movement WHERE part_id = v_part.id) THEN
        RAISE EXCEPTION '% has stock movements in %: its unit cannot change', v_part.part_no, v_part.unit
            USING ERRCODE = 'PS409';
    END IF;
    PERFORM serialised_unit_counted(v_part.part_no, coalesce(p->>'unit', v_part.unit),
                                    coalesce((p->>'serialized')::boolean, v_part.serialized));
    IF (p->>'serialized')::boolean <> v_part.serialized THEN
        IF EXISTS (SELECT 1 FROM stock_balance WHERE part_id = v_part.id AND on_hand > 0) THEN
            RAISE EXCEPTION '% has stock: whether it is serialised can change only while it has none (% on hand)',
                v_part.part_no, qty_text((SELECT sum(on_hand) FROM stock_balance WHERE part_id = v_part.id))
                USING ERRCODE = 'PS409';
        END IF;
        IF EXISTS (SELECT 1 FROM unit WHERE part_id = v_part.id AND place <> 'gone') THEN
            RAISE EXCEPTION '% has units that are not gone (unit list %): it stays serialised', v_part.part_no, v_part.part_no
                USING ERRCODE = 'PS409';
        END IF;
    END IF;
    UPDATE part
       SET description = coalesce(p->>'description', description), unit = coalesce(p->>'unit', unit),
           cost = coalesce((p->>'cost')::numeric, cost), category = coalesce(p->>'category', category),
           pack = coalesce((p->>'pack')::numeric, pack), lead_days = coalesce((p->>'lead_days')::integer, lead_days),
           supplier = coalesce(p->>'supplier', supplier),
           warranty_return = coalesce((p->>'warranty_return')::boolean, warranty_return),
           serialized = coalesce((p->>'serialized')::boolean, serialized),
           fill_rate = CASE WHEN p ? 'fill_rate' THEN (p->>'fill_rate')::numeric ELSE fill_rate END, updated_at = now()
     WHERE id = v_part.id;
END $$;

-- part set: changes a part's master data (part_change).
-- p: {part_no, and any of part_add's fields, actor, command, ref?, fingerprint?}
CREATE FUNCTION part_set(p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_reply jsonb := request_begin(p);
BEGIN
    IF v_reply IS NOT NULL THEN
        RETURN v_reply;
    END IF;
    PERFORM part_change(p);
    RETURN request_end(p, outcome(200, format('part %s changed', p->>'part_no')));
END $$;

-- Whether every field a row of a load names is what the part (p_held, the row as jsonb)
-- holds: numbers by value, the rest as text.
CREATE FUNCTION part_row_same(p_item jsonb, p_held jsonb) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT NOT EXISTS (SELECT 1 FROM jsonb_each(p_item) f
                        WHERE f.key <> 'part_no'
                          AND CASE WHEN f.key IN ('cost', 'pack', 'fill_rate')
                                   THEN (f.value #>> '{}')::numeric IS DISTINCT FROM (p_held->>f.key)::numeric
                                   ELSE f.value #>> '{}' IS DISTINCT FROM p_held->>f.key END)
$$;

-- One row of a part load, read once: the part it names (locked) as it is, whether an earlier
-- row named it too, and whether its unit can be a new part's.
CREATE TYPE part_load_row AS (ord integer, item jsonb, part_id integer, held jsonb, again boolean, unit_fits boolean);

-- part load: many parts in one request, as a go-live import sends the parts master: each row
-- adds its part when it is new, changes the fields that differ when it exists (as part set
-- would, with part set's refusals), or leaves it unchanged. A row is refused on its own (the
-- reply says why, with the code part add or part set would answer) and the others still go
-- in, all in one transaction. New parts go in by one INSERT for the whole request, where the
-- one-by-one path costs a subtransaction each: that, one ref and one audit row for the lot,
-- and one request instead of a hundred are what make an import fast.
-- p: {rows: [{part_no, any of part_add's fields} | {part_no, refused}], actor, command, ref?, fingerprint?};
-- refused: the daemon's own refusal of the row's shape (422).
-- Reply: code 200, the counts, rows [{row, part_no, outcome (added, changed, unchanged, refused), code, message?}].
CREATE FUNCTION part_load(p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_reply jsonb := request_begin(p);
    v_rows part_load_row[];
    v_done jsonb := '{}'::jsonb;
    v_row part_load_row;
    v_state text;
    v_message text;
    v_answers jsonb;
BEGIN
    IF v_reply IS NOT NULL THEN
        RETURN v_reply;
    END IF;
    -- The parts the request names, locked in one order, so that what a row is compared with
    -- is what it changes, and two loads naming the same parts cannot deadlock. A probe of the
    -- part number's index per row: a join may hash the whole part table instead.
    PERFORM 1 FROM part
      WHERE id = ANY (ARRAY(SELECT pt.id FROM jsonb_array_elements(p->'rows') AS r(item)
                             CROSS JOIN LATERAL (SELECT id FROM part WHERE part_no = r.item->>'part_no' LIMIT 1) pt))
      ORDER BY id FOR UPDATE;
    SELECT array_agg(ROW(x.ord, x.item, x.part_id, x.held, x.again, x.unit_fits)::part_load_row ORDER BY x.ord)
      INTO v_rows
      FROM (SELECT d.ord, d.item, pt.id AS part_id, to_jsonb(pt) AS held,
                   row_number() OVER (PARTITION BY d.item->>'part_no' ORDER BY d.ord) > 1 AS again,
                   u.code IS NOT NULL AND NOT (coalesce((d.item->>'serialized')::boolean, false) AND u.decimals > 0)
                       AS unit_fits
              FROM jsonb_array_elements(p->'rows') WITH ORDINALITY AS d(item, ord)
              LEFT JOIN LATERAL (SELECT * FROM part WHERE part.part_no = d.item->>'part_no' LIMIT 1) pt ON true
              LEFT JOIN unit_of_measure u ON u.code = coalesce(d.item->>'unit', 'PCS')) x;
    -- New parts that meet part add's checks go in as one set; if that statement fails (a value
    -- a constraint refuses, a part another request added meanwhile), each goes alone below,
    -- where its refusal is its own. A plain INSERT: ON CONFLICT made it cost half as much again
    -- (measured: 7.7 ms against 5.4 ms for 100 parts), and the parts were looked for already.
    BEGIN
        WITH added AS (
            INSERT INTO part (part_no, description, unit, cost, category, pack, lead_days, supplier, warranty_return,
                              serialized, fill_rate)
            SELECT f.part_no, f.description, coalesce(f.unit, 'PCS'), coalesce(f.cost, 0), f.category,
                   coalesce(f.pack, 1), f.lead_days, f.supplier, coalesce(f.warranty_return, false),
                   coalesce(f.serialized, false), f.fill_rate
              FROM unnest(v_rows) AS r
             CROSS JOIN LATERAL jsonb_to_record(r.item)
                   AS f(part_no text, description text, unit text, cost numeric, category text, pack numeric,
                        lead_days integer, supplier text, warranty_return boolean, serialized boolean,
                        fill_rate numeric)
             WHERE r.part_id IS NULL AND NOT r.again AND r.unit_fits AND r.item ? 'description'
               AND NOT r.item ? 'refused'
             -- In part-number order: two loads adding some of the same parts meet in it.
             ORDER BY r.item->>'part_no'
            RETURNING part_no
        )
        SELECT coalesce(jsonb_object_agg(r.ord::text, '{"outcome": "added", "code": 200}'::jsonb), '{}')
          INTO v_done
          FROM unnest(v_rows) AS r
          JOIN added ON added.part_no = r.item->>'part_no'
         WHERE NOT r.again;
    EXCEPTION WHEN OTHERS THEN
        v_done := '{}'::jsonb;
    END;
    -- A row that names an existing part and nothing different from what it holds is unchanged.
    SELECT v_done || coalesce(jsonb_object_agg(r.ord::text, '{"outcome": "unchanged", "code": 200}'::jsonb), '{}')
      INTO v_done
      FROM unnest(v_rows) AS r
     WHERE r.part_id IS NOT NULL AND NOT r.again AND NOT r.item ? 'refused' AND part_row_same(r.item, r.held);
    -- Every other row alone, in order, in a subtransaction: what part add or part set would do.
    FOREACH v_row IN ARRAY v_rows LOOP
        CONTINUE WHEN v_done ? v_row.ord::text;
        -- A new part that another request added meanwhile (the set's insert waited for it,
        -- then failed) is the part as that request left it.
        IF v_row.part_id IS NULL AND NOT v_row.again THEN
            SELECT id, to_jsonb(part) INTO v_row.part_id, v_row.held
              FROM part WHERE part_no = v_row.item->>'part_no' FOR UPDATE;
        END IF;
        BEGIN
            IF v_row.item ? 'refused' THEN
                RAISE EXCEPTION '%', v_row.item->>'refused' USING ERRCODE = 'PS422';
            ELSIF v_row.again THEN
                RAISE EXCEPTION '% is on an earlier row of this load', v_row.item->>'part_no' USING ERRCODE = 'PS422';
            ELSIF v_row.part_id IS NOT NULL AND part_row_same(v_row.item, v_row.held) THEN
                v_done := v_done || jsonb_build_object(v_row.ord::text, '{"outcome": "unchanged", "code": 200}'::jsonb);
            ELSIF v_row.part_id IS NOT NULL THEN
                PERFORM part_change(v_row.item);
                v_done := v_done || jsonb_build_object(v_row.ord::text, '{"outcome": "changed", "code": 200}'::jsonb);
            ELSIF NOT v_row.item ? 'description' THEN
                RAISE EXCEPTION '% is a new part: it needs a description', v_row.item->>'part_no' USING ERRCODE = 'PS422';
            ELSE
                PERFORM part_insert(v_row.item);
                v_done := v_done || jsonb_build_object(v_row.ord::text, '{"outcome": "added", "code": 200}'::jsonb);
            END IF;
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_message = MESSAGE_TEXT;
            -- A refusal of the schema's own (PS) keeps its code, and a value a constraint or a
            -- cast refuses is the row's error, as it would be part add's; anything else is a bug.
            IF v_state NOT LIKE 'PS%' AND v_state NOT LIKE '22%' AND v_state NOT LIKE '23%' THEN
                RAISE;
            END IF;
            v_done := v_done || jsonb_build_object(v_row.ord::text, jsonb_build_object(
                'outcome', 'refused', 'code', CASE WHEN v_state LIKE 'PS%' THEN substr(v_state, 3)::integer ELSE 422 END,
                'message', v_message));
        END;
    END LOOP;
    SELECT jsonb_agg(jsonb_build_object('row', r.ord, 'part_no', r.item->>'part_no') || (v_done->(r.ord::text)) ORDER BY r.ord)
      INTO v_answers
      FROM unnest(v_rows) AS r;
    RETURN request_end(p, (
        SELECT outcome(200, format('%s parts: %s added, %s changed, %s unchanged, %s refused', count(*),
                                   count(*) FILTER (WHERE a->>'outcome' = 'added'),
                                   count(*) FILTER (WHERE a->>'outcome' = 'changed'),
                                   count(*) FILTER (WHERE a->>'outcome' = 'unchanged'),
                                   count(*) FILTER (WHERE a->>'outcome' = 'refused')))
          FROM jsonb_array_elements(v_answers) a) || jsonb_build_object('rows', v_answers));
END $$;

-- A serialised part counts whole units: a unit is one piece, never 2.5 litres.
CREATE FUNCTION serialised_unit_counted(p_part_no text, p_unit text, p_serialized boolean) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF p_serialized AND (SELECT decimals FROM unit_of_measure WHERE code = p_unit) > 0 THEN
        RAISE EXCEPTION '% is measured in %: a serialised part is counted in whole units', p_part_no, p_unit
            USING ERRCODE = 'PS422';
    END IF;
END $$;

-- location add: a new stock location. An existing code is a conflict.
-- p: {code, name, kind, actor, command, ref?, fingerprint?}
CREATE FUNCTION location_add(p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_reply jsonb := request_begin(p);
BEGIN
    IF v_reply IS NOT NULL THEN
        RETURN v_reply;
    END IF;
    INSERT INTO location (code, name, kind) VALUES (p->>'code', p->>'name', coalesce(p->>'kind', 'warehouse'))
    ON CONFLICT (code) DO NOTHING;
    IF NOT FOUND THEN
        RAISE EXCEPTION '% already exists', p->>'code' USING ERRCODE = 'PS409';
    END IF;
    RETURN request_end(p, outcome(200, format('location %s added', p->>'code')));
END $$;
