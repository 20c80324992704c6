-- Returns to stock (退料): unused parts come back from a goods issue, never more than it
-- issued, as an RT document posted like a receipt at the cost they were issued at.

-- How each document type moves stock. post_stock_document reads it, so a new type (scrap,
-- return to supplier, ...) is a row here rather than another copy of that function.
ALTER TABLE document_type ADD COLUMN direction text CHECK (direction IN ('in', 'out', 'move', 'count'));
UPDATE document_type SET direction = CASE code WHEN 'GR' THEN 'in' WHEN 'RT' THEN 'in' WHEN 'GI' THEN 'out'
                                               WHEN 'TR' THEN 'move' WHEN 'AD' THEN 'count' END;
ALTER TABLE document_type ALTER COLUMN direction SET NOT NULL;

-- post_stock_document as 001 wrote it, but driven by the type's direction instead of its code,
-- so RT posts like GR (stock in at the given unit cost). Migrations are never edited, so the
-- function is replaced whole here, once.
CREATE OR REPLACE FUNCTION post_stock_document(p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_type text := p->>'type';
    v_direction text;
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

    SELECT * INTO v_title FROM document_type WHERE code = v_type;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown document type %', v_type USING ERRCODE = 'PS422';
    END IF;
    v_direction := v_title.direction;
    SELECT * INTO v_from FROM location WHERE code = p->>'location';
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown location %', p->>'location' USING ERRCODE = 'PS404';
    END IF;
    IF v_direction = 'move' THEN
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
            SELECT * INTO v_after, v_cost FROM stock_out(v_line.part_id, v_from.id, v_line.qty, v_at);
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
        -- The receipt is built from what was just posted rather than read back: reading the
        -- document again cost as much as posting it. Same shape as document_json; lines come
        -- in part order and the daemon sorts them by line number.
        v_lines := v_lines || jsonb_build_array(jsonb_build_object(
            'line_no', v_line.line_no, 'part_no', v_line.part_no, 'description', v_line.description,
            'quantity', v_quantity::numeric(15,3)::text,
            'counted', CASE WHEN v_direction = 'count' THEN v_line.qty::numeric(15,3)::text END,
            'unit', v_line.unit, 'unit_cost', v_cost::numeric(15,4)::text, 'value', v_value::numeric(18,2)::text));
        v_total := v_total + v_value;
    END LOOP;

    IF v_ref IS NOT NULL THEN
        PERFORM record_request(v_ref, p->>'fingerprint', 201, v_doc_no, v_doc_no, p->'actor'->>'user');
    END IF;
    PERFORM write_audit(p->'actor', p->>'command', 201, v_doc_no, v_ref);
    RETURN jsonb_build_object(
        'doc_no', v_doc_no, 'type', v_type, 'title', v_title.title, 'title_zh', v_title.title_zh,
        'date', v_at::date, 'posted_at', v_at, 'location', v_from.code, 'location_name', v_from.name,
        'to_location', v_to.code, 'to_location_name', v_to.name, 'counterparty', p->>'counterparty',
        'note', p->>'note', 'reason', p->>'reason', 'clerk', p->'actor'->>'user', 'ref', v_ref,
        'lines', v_lines, 'total', v_total::numeric(18,2)::text, 'replayed', false);
END $$;

-- Which goods issue each return came back from.
CREATE TABLE return_link (
    rt_document_id bigint PRIMARY KEY REFERENCES document,
    gi_document_id bigint NOT NULL REFERENCES document
);
CREATE INDEX return_link_gi_idx ON return_link (gi_document_id);

-- Posts a return against goods issue p_gi_no in the caller's transaction.
-- p: {lines: [{part_no, quantity}], note?, actor, command, ref?, fingerprint?}
CREATE FUNCTION post_return(p jsonb, p_gi_no text) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_gi document;
    v_item record;
    v_lines jsonb := '[]'::jsonb;
    v_posted jsonb;
BEGIN
    -- The issue's row lock first: returns of one issue run one after the other, so what is
    -- left to return cannot shrink before this commits, and a retry with the same ref waits
    -- here and then replays instead of being refused as returning too much.
    SELECT * INTO v_gi FROM document WHERE doc_no = p_gi_no FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown document %', p_gi_no USING ERRCODE = 'PS404';
    END IF;
    v_posted := replayed_document(p);
    IF v_posted IS NOT NULL THEN
        RETURN v_posted;
    END IF;
    IF v_gi.doc_type <> 'GI' THEN
        RAISE EXCEPTION '% is a % document: parts come back against a goods issue', p_gi_no, v_gi.doc_type
            USING ERRCODE = 'PS409';
    END IF;

    FOR v_item IN
        SELECT l.item->>'part_no' AS part_no, (l.item->>'quantity')::numeric AS qty, pt.id AS part_id
          FROM jsonb_array_elements(p->'lines') WITH ORDINALITY AS l(item, ordinality)
          LEFT JOIN part pt ON pt.part_no = l.item->>'part_no'
         ORDER BY l.ordinality
    LOOP
        DECLARE
            v_issued numeric;
            v_returned numeric;
            v_cost numeric;
        BEGIN
            IF v_item.part_id IS NULL THEN
                RAISE EXCEPTION 'unknown part %', v_item.part_no USING ERRCODE = 'PS404';
            END IF;
            SELECT sum(dl.quantity), max(dl.unit_cost) INTO v_issued, v_cost
              FROM document_line dl WHERE dl.document_id = v_gi.id AND dl.part_id = v_item.part_id;
            IF v_issued IS NULL THEN
                RAISE EXCEPTION '% was not issued on %', v_item.part_no, p_gi_no USING ERRCODE = 'PS409';
            END IF;
            SELECT coalesce(sum(dl.quantity), 0) INTO v_returned
              FROM return_link r JOIN document_line dl ON dl.document_id = r.rt_document_id
             WHERE r.gi_document_id = v_gi.id AND dl.part_id = v_item.part_id;
            -- Two lines of one return for the same part count together.
            v_returned := v_returned + coalesce((
                SELECT sum((e->>'quantity')::numeric) FROM jsonb_array_elements(v_lines) e
                 WHERE e->>'part_no' = v_item.part_no), 0);
            IF v_item.qty > v_issued - v_returned THEN
                RAISE EXCEPTION '% issued % of % and % came back already: at most % can be returned',
                    p_gi_no, trim_scale(v_issued), v_item.part_no, trim_scale(v_returned),
                    trim_scale(v_issued - v_returned) USING ERRCODE = 'PS409';
            END IF;
            v_lines := v_lines || jsonb_build_array(jsonb_build_object(
                'part_no', v_item.part_no, 'quantity', v_item.qty::text, 'unit_cost', v_cost::text));
        END;
    END LOOP;

    v_posted := post_stock_document(p || jsonb_build_object(
        'type', 'RT', 'location', (SELECT code FROM location WHERE id = v_gi.location_id),
        'counterparty', p_gi_no, 'lines', v_lines));
    INSERT INTO return_link (rt_document_id, gi_document_id)
    SELECT id, v_gi.id FROM document WHERE doc_no = v_posted->>'doc_no';
    RETURN v_posted;
END $$;
