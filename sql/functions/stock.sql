-- The clerks' stock documents: receive, issue, transfer and adjust (stock_post), posted in
-- batches (post_stock_documents), batches of issues or of receipts as one set (post_document_set), and
-- returns against a goods issue (return_post).

-- Refuses an in-transit location where a workflow other than a transfer order's would move
-- stock: its stock belongs to the transfer orders shipped through it, which ship, arrive and
-- the exceptions on them move; stock issued, counted or sent away there by hand would leave an
-- order's in-transit quantity without the stock behind it. Returns the location.
CREATE FUNCTION refuse_in_transit(p_location location) RETURNS location
LANGUAGE plpgsql AS $$
BEGIN
    IF p_location.kind = 'transit' THEN
        RAISE EXCEPTION '% is an in-transit location: its stock moves by ship, arrive and exception', p_location.code
            USING ERRCODE = 'PS422';
    END IF;
    RETURN p_location;
END $$;

-- receive, issue, transfer, adjust: one document of type GR, GI, TR or AD, at stock locations
-- only (refuse_in_transit).
-- p: post_stock_document's input with the request's actor, command, ref and fingerprint.
CREATE FUNCTION stock_post(p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_reply jsonb := request_begin(p);
BEGIN
    IF v_reply IS NOT NULL THEN
        RETURN v_reply;
    END IF;
    IF p->>'type' NOT IN ('GR', 'GI', 'TR', 'AD') THEN
        RAISE EXCEPTION 'a clerk posts GR, GI, TR or AD documents, not %', p->>'type' USING ERRCODE = 'PS422';
    END IF;
    -- An unknown location is post_stock_document's to refuse.
    PERFORM refuse_in_transit(l) FROM location l WHERE l.code IN (p->>'location', p->>'to_location');
    RETURN request_end(p, document_reply(post_stock_document(p)));
END $$;

-- Several of the clerks' documents in one transaction, one commit for all: the daemon
-- answers each client only after that commit, so every acknowledged document is durable.
-- Returns, per document in order, {reply} or why it was refused {sqlstate, message,
-- constraint}; a refused document is rolled back alone, and no document is ever partly
-- posted.
--
-- Locks come in one order for the whole batch, so two batches (or a batch and any other
-- request) cannot deadlock: first every ref's lock, then every balance row the batch touches,
-- part then location. A batch of goods issues, or of goods receipts, is posted as one set when
-- it can be (post_document_set); a mixed one as a set of its issues and a set of its receipts
-- where it can be (post_by_type); every other document in a subtransaction of its own.
CREATE FUNCTION post_stock_documents(p_batch jsonb) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    v_result json;
    v_results jsonb;
    v_parts integer[];
    v_locations integer[];
    v_made_parts integer[];
    v_made_locations integer[];
BEGIN
    PERFORM request_lock_all(p_batch);
    -- A one-line document alone costs less one by one: the set's statements have more to set
    -- up. From two lines on the set costs less (a 200-line receipt about half).
    -- A batch of several types is no set as a whole: post_by_type takes it apart below.
    IF (jsonb_array_length(p_batch) > 1 OR jsonb_array_length(p_batch->0->'lines') > 1)
       AND NOT jsonb_path_exists(p_batch, '$[*] ? (@.type != $t)', jsonb_build_object('t', p_batch->0->'type')) THEN
        BEGIN
            v_result := post_document_set(p_batch);
        EXCEPTION WHEN OTHERS THEN
            v_result := NULL;
        END;
        IF v_result IS NOT NULL THEN
            RETURN v_result;
        END IF;
    END IF;

    -- One document locks its own rows in that order (post_stock_document); several must lock
    -- them all first, or the second could wait for a row while holding one the first wants.
    IF jsonb_array_length(p_batch) > 1 THEN
        -- An index probe per line (see post_stock_document): a plain join hashed the whole
        -- part table for every batch, 12 ms at 23,000 parts.
        SELECT array_agg(pt.id), array_agg(loc.id) INTO v_parts, v_locations
          FROM batch_part_locations(p_batch) x
          CROSS JOIN LATERAL (SELECT id FROM part WHERE part.part_no = x.part_no LIMIT 1) pt
          JOIN location loc ON loc.code = x.location;
        SELECT array_agg(made_part_id), array_agg(made_location_id) INTO v_made_parts, v_made_locations
          FROM lock_balances(v_parts, v_locations, true);
        -- Then the units the batch names, in (part, serial) order, before any document
        -- locks its own: documents of two batches naming the same units meet in that order.
        IF jsonb_path_exists(p_batch, '$[*].lines[*].serial') THEN
            PERFORM 1
               FROM unit u
               JOIN (SELECT DISTINCT pt.id AS part_id, l.item->>'serial' AS serial
                       FROM jsonb_array_elements(p_batch) AS d(item)
                      CROSS JOIN LATERAL jsonb_array_elements(d.item->'lines') AS l(item)
                      CROSS JOIN LATERAL (SELECT id FROM part WHERE part.part_no = l.item->>'part_no' LIMIT 1) pt
                      WHERE l.item ? 'serial') named ON named.part_id = u.part_id AND named.serial = u.serial
              ORDER BY u.part_id, u.serial
                FOR UPDATE OF u;
        END IF;
    END IF;
    v_results := post_by_type(p_batch);
    -- The rows lock_balances made for documents that were then refused hold nothing.
    IF v_made_parts IS NOT NULL THEN
        PERFORM drop_made_balances(v_made_parts, v_made_locations);
    END IF;
    RETURN v_results::json;
END $$;

-- The documents of a batch whose balance rows are all locked already (post_stock_documents),
-- which as a whole is not one set: the issues of it as one set and the receipts of it as
-- another where each can be, then what is left one by one. Mixed batches are what a parts
-- room posts under load, and one by one a document costs about four times its share of a set.
-- Documents that arrive together have no order among them, so posting one type before another
-- answers as a posting in some order of arrival would. Returns post_stock_documents' answer.
CREATE FUNCTION post_by_type(p_batch jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_type text;
    v_subset jsonb;
    v_positions integer[];
    v_set json;
    v_answers jsonb := '{}'::jsonb;
    v_left jsonb;
BEGIN
    FOREACH v_type IN ARRAY ARRAY['GI', 'GR'] LOOP
        SELECT jsonb_agg(d.item ORDER BY d.ord), array_agg(d.ord ORDER BY d.ord) INTO v_subset, v_positions
          FROM jsonb_array_elements(p_batch) WITH ORDINALITY AS d(item, ord)
         WHERE d.item->>'type' = v_type;
        -- One document alone costs less one by one (see post_stock_documents).
        CONTINUE WHEN coalesce(array_length(v_positions, 1), 0) < 2;
        BEGIN
            v_set := post_document_set(v_subset);
        EXCEPTION WHEN OTHERS THEN
            v_set := NULL;
        END;
        CONTINUE WHEN v_set IS NULL;
        SELECT v_answers || jsonb_object_agg(v_positions[a.ord]::text, a.item) INTO v_answers
          FROM jsonb_array_elements(v_set::jsonb) WITH ORDINALITY AS a(item, ord);
    END LOOP;
    SELECT jsonb_agg(d.item ORDER BY d.ord), array_agg(d.ord ORDER BY d.ord) INTO v_subset, v_positions
      FROM jsonb_array_elements(p_batch) WITH ORDINALITY AS d(item, ord)
     WHERE NOT v_answers ? d.ord::text;
    IF v_subset IS NOT NULL THEN
        v_left := requests_each('stock_post', v_subset);
        SELECT v_answers || jsonb_object_agg(v_positions[a.ord]::text, a.item) INTO v_answers
          FROM jsonb_array_elements(v_left) WITH ORDINALITY AS a(item, ord);
    END IF;
    RETURN (SELECT jsonb_agg(v_answers->(n::text) ORDER BY n) FROM generate_series(1, jsonb_array_length(p_batch)) n);
END $$;

-- Every part and location a batch's lines touch (both ends of a transfer), in no order.
CREATE FUNCTION batch_part_locations(p_batch jsonb) RETURNS TABLE (part_no text, location text)
LANGUAGE sql STABLE AS $$
    SELECT l.item->>'part_no', loc.code
      FROM jsonb_array_elements(p_batch) AS d(item)
     CROSS JOIN LATERAL jsonb_array_elements(d.item->'lines') AS l(item)
     CROSS JOIN LATERAL (VALUES (d.item->>'location'), (d.item->>'to_location')) AS loc(code)
     WHERE loc.code IS NOT NULL
$$;

-- One line of a batch posted as a set, resolved: what it moves where and at what cost (a
-- receipt's own cost, or the part's standard cost; an issue's is the average cost it leaves
-- at), how much later lines of the batch move of the same part and location (to give each
-- movement its running balance), and how much all of them move together.
CREATE TYPE set_line AS (
    doc         integer,
    line_no     integer,
    part_id     integer,
    part_no     text,
    description text,
    unit        text,
    location_id integer,
    quantity    numeric,
    later       numeric,
    total       numeric,
    unit_cost   numeric
);

-- Goods issues or goods receipts posted as a set. Document by document, a posting spends most
-- of its time starting statements, not changing rows: every INSERT and UPDATE is a new
-- executor, with its CHECK constraints read again, for one row each. Issues are what a parts
-- room posts most (one per repair order), and receipts come with many lines (a delivery, an
-- opening balance), so a batch whose documents are all issues, or all receipts, is posted here
-- by a handful of statements for the whole batch. Returns post_stock_documents' answer, or
-- NULL when the batch is not one this path posts (anything but issues or receipts at stock
-- locations, the two mixed, an unknown part or location, a serialised part, whose units
-- post_stock_document moves one by one, a receipt naming one part and location twice in the
-- batch, whose average cost is re-averaged line by line, a ref seen before or twice in the
-- batch), unchanged. Raises when a document would be refused (not enough stock, say), after
-- taking locks: the caller rolls the set back and posts the documents one by one, which
-- refuses that document alone.
CREATE FUNCTION post_document_set(p_batch jsonb) RETURNS json
LANGUAGE plpgsql
-- Custom plans of these statements cost more to make (about 2.5 ms for a batch of 16) than
-- the generic ones cost to run, and the generic ones are as good: index probes per line.
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    v_at timestamptz := now();
    v_lines set_line[];
    v_type text;
    v_qualifies boolean;
    v_docs integer;
    v_groups integer;
    v_taken integer;
    v_result json;
    v_outcomes request_outcome[];
BEGIN
    SELECT array_agg(x ORDER BY (x).doc, (x).line_no), min(type), bool_and(ok) AND count(DISTINCT type) = 1,
           count(DISTINCT (x).doc), count(*) FILTER (WHERE (x).later = 0)
      INTO v_lines, v_type, v_qualifies, v_docs, v_groups
      FROM (SELECT ROW(d.ord, l.ord, pt.id, pt.part_no, pt.description, pt.unit, loc.id, q.quantity,
                       coalesce(sum(q.quantity) OVER (PARTITION BY pt.id, loc.id ORDER BY d.ord, l.ord
                                                      ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING), 0),
                       sum(q.quantity) OVER (PARTITION BY pt.id, loc.id),
                       coalesce(q.unit_cost, pt.cost)
                      )::set_line AS x,
                   t.code AS type,
                   coalesce(t.code IN ('GI', 'GR') AND loc.id IS NOT NULL AND loc.kind NOT IN ('transit', 'oldparts')
                            AND pt.id IS NOT NULL AND q.quantity > 0 AND fits_unit(q.quantity, u.decimals)
                            AND NOT d.item ? 'to_location' AND NOT pt.serialized AND NOT l.item ? 'serial'
                            AND (t.code = 'GI' OR coalesce(q.unit_cost, pt.cost) >= 0
                                                  AND fits_unit(coalesce(q.unit_cost, pt.cost), 4::smallint)
                                                  AND count(*) OVER (PARTITION BY pt.id, loc.id) = 1), false) AS ok
              FROM jsonb_array_elements(p_batch) WITH ORDINALITY AS d(item, ord)
              LEFT JOIN document_type t ON t.code = d.item->>'type'
              LEFT JOIN location loc ON loc.code = d.item->>'location'
              CROSS JOIN LATERAL jsonb_array_elements(d.item->'lines') WITH ORDINALITY AS l(item, ord)
              CROSS JOIN LATERAL (SELECT (l.item->>'quantity')::numeric AS quantity,
                                         (l.item->>'unit_cost')::numeric AS unit_cost) q
              -- An index probe per line (see post_stock_document).
              LEFT JOIN LATERAL (SELECT * FROM part WHERE part.part_no = l.item->>'part_no' LIMIT 1) pt ON true
              LEFT JOIN unit_of_measure u ON u.code = pt.unit) resolved;
    IF NOT coalesce(v_qualifies, false) OR v_docs <> jsonb_array_length(p_batch) THEN
        RETURN NULL;
    END IF;
    -- A ref seen before is a replay or a conflict, and the same ref twice in one batch is a
    -- retry racing its first send: the one-by-one path answers both.
    IF EXISTS (SELECT 1 FROM jsonb_array_elements(p_batch) AS d(item)
                WHERE d.item ? 'ref'
                  AND (EXISTS (SELECT 1 FROM client_request WHERE ref = d.item->>'ref')
                       OR (SELECT count(*) FROM jsonb_array_elements(p_batch) AS o(item)
                            WHERE o.item->>'ref' = d.item->>'ref') > 1)) THEN
        RETURN NULL;
    END IF;

    -- Balance rows are locked in the one order, part then location; then one statement moves
    -- each part and location's total (carried by its last line): an issue only from what is
    -- available, as stock_out does, a receipt into a row it makes or re-averaging the cost of
    -- the one there, as stock_in does, rows taken in that order.
    IF v_type = 'GI' THEN
        PERFORM 1
           FROM unnest(v_lines) AS x
           JOIN stock_balance b ON b.part_id = (x).part_id AND b.location_id = (x).location_id
          WHERE (x).later = 0
          ORDER BY (x).part_id, (x).location_id
            FOR UPDATE OF b;
        UPDATE stock_balance b
           SET on_hand = b.on_hand - (x).total, last_issue_at = v_at
          FROM unnest(v_lines) AS x
         WHERE (x).later = 0 AND b.part_id = (x).part_id AND b.location_id = (x).location_id
           AND b.on_hand - b.reserved >= (x).total;
    ELSE
        -- A receipt's part and location are on one line of the batch, so total is its
        -- quantity; its cost has at most 4 places, so excluded's cost is the line's.
        INSERT INTO stock_balance AS b (part_id, location_id, on_hand, avg_cost, last_receipt_at)
        SELECT (x).part_id, (x).location_id, (x).total, (x).unit_cost, v_at
          FROM unnest(v_lines) AS x
         ORDER BY (x).part_id, (x).location_id
        ON CONFLICT (part_id, location_id) DO UPDATE SET
            avg_cost = CASE WHEN b.on_hand + excluded.on_hand = 0 THEN excluded.avg_cost
                            ELSE round((b.on_hand * b.avg_cost + excluded.on_hand * excluded.avg_cost)
                                       / (b.on_hand + excluded.on_hand), 4) END,
            on_hand = b.on_hand + excluded.on_hand,
            last_receipt_at = excluded.last_receipt_at;
    END IF;
    GET DIAGNOSTICS v_taken = ROW_COUNT;
    IF v_taken <> v_groups THEN
        RAISE EXCEPTION 'not enough stock for every document of the batch' USING ERRCODE = 'PS409';
    END IF;

    WITH doc AS MATERIALIZED (
        SELECT d.ord, d.item, next_doc_no(d.item->>'type', v_at::date) AS doc_no,
               t.title, t.title_zh, loc.id AS location_id, loc.code AS location, loc.name AS location_name
          FROM jsonb_array_elements(p_batch) WITH ORDINALITY AS d(item, ord)
          JOIN document_type t ON t.code = d.item->>'type'
          JOIN location loc ON loc.code = d.item->>'location'
         ORDER BY d.ord
    ), new_doc AS (
        INSERT INTO document (doc_no, doc_type, doc_date, posted_at, location_id, counterparty, note,
                              reason, clerk, clerk_uid, client_ref)
        SELECT doc_no, item->>'type', v_at::date, v_at, location_id, item->>'counterparty', item->>'note',
               item->>'reason', item->'actor'->>'user', (item->'actor'->>'uid')::bigint, item->>'ref'
          FROM doc ORDER BY ord
        RETURNING id, doc_no
    ), line AS MATERIALIZED (
        -- The balance as it is after the batch, less what later lines moved.
        SELECT (x).doc, (x).line_no, (x).part_id, (x).part_no, (x).description, (x).unit, (x).location_id,
               (x).quantity, n.id AS document_id, moved.unit_cost, round((x).quantity * moved.unit_cost, 2) AS value,
               CASE WHEN v_type = 'GI' THEN b.on_hand + (x).later ELSE b.on_hand - (x).later END AS balance_after,
               CASE WHEN v_type = 'GI' THEN -(x).quantity ELSE (x).quantity END AS movement
          FROM unnest(v_lines) AS x
          JOIN doc ON doc.ord = (x).doc
          JOIN new_doc n ON n.doc_no = doc.doc_no
          JOIN stock_balance b ON b.part_id = (x).part_id AND b.location_id = (x).location_id
         CROSS JOIN LATERAL (SELECT CASE WHEN v_type = 'GI' THEN b.avg_cost ELSE (x).unit_cost END AS unit_cost) moved
    ), new_line AS (
        INSERT INTO document_line (document_id, line_no, part_id, quantity, unit_cost, value)
        SELECT document_id, line_no, part_id, quantity, unit_cost, value FROM line
    ), movement AS (
        INSERT INTO stock_movement (document_id, line_no, part_id, location_id, quantity, unit_cost,
                                    balance_after, posted_at)
        SELECT document_id, line_no, part_id, location_id, movement, unit_cost, balance_after, v_at
          FROM line ORDER BY doc, line_no
    ), receipt AS (
        -- The receipts, shaped as post_stock_document returns them, as json: jsonb would sort
        -- and copy every key of every receipt only to be printed as text.
        SELECT doc.ord, doc.item, doc.doc_no, json_build_object(
                   'doc_no', doc.doc_no, 'type', doc.item->>'type', 'title', doc.title, 'title_zh', doc.title_zh,
                   'date', v_at::date, 'posted_at', v_at, 'location', doc.location, 'location_name', doc.location_name,
                   'to_location', NULL, 'to_location_name', NULL, 'counterparty', doc.item->>'counterparty',
                   'note', doc.item->>'note', 'reason', doc.item->>'reason', 'clerk', doc.item->'actor'->>'user',
                   'ref', doc.item->>'ref', 'lines', lines.items, 'total', lines.total::numeric(18,2)::text) AS document
          FROM doc
          JOIN (SELECT line.doc,
                       json_agg(json_build_object(
                           'line_no', line.line_no, 'part_no', line.part_no, 'description', line.description,
                           'quantity', line.quantity::numeric(15,3)::text, 'counted', NULL, 'unit', line.unit,
                           'unit_cost', line.unit_cost::numeric(15,4)::text, 'value', line.value::numeric(18,2)::text)
                           ORDER BY line.line_no) AS items,
                       sum(line.value) AS total
                  FROM line GROUP BY line.doc) lines ON lines.doc = doc.ord
    )
    SELECT json_agg(json_build_object('reply', json_build_object(
               'code', 201, 'key', r.doc_no, 'message', r.doc_no, 'document', r.document)) ORDER BY r.ord),
           -- Only a request with a ref keeps its reply (as jsonb) for a retry.
           array_agg(ROW(r.item, 201, r.doc_no,
                         CASE WHEN r.item ? 'ref' THEN document_reply(r.document::jsonb) END)::request_outcome ORDER BY r.ord)
      INTO v_result, v_outcomes
      FROM receipt r;
    PERFORM requests_record(v_outcomes);
    RETURN v_result;
END $$;

-- return: unused parts back into stock against the goods issue that gave them out (退料),
-- as an RT posted like a receipt at the cost they were issued at, into the location they
-- left, never more of a part than the issue gave out, counting what came back before. A unit
-- of a serialised part comes back only against the issue that gave it out.
-- p: {gi_no, lines: [{part_no, quantity, serial?}], note?, actor, command, ref?, fingerprint?}
CREATE FUNCTION return_post(p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_reply jsonb := request_begin(p);
    v_gi document;
    v_item record;
    v_lines jsonb := '[]'::jsonb;
    v_issued numeric;
    v_returned numeric;
    v_cost numeric;
BEGIN
    IF v_reply IS NOT NULL THEN
        RETURN v_reply;
    END IF;
    v_gi := document_locked(p->>'gi_no');
    IF v_gi.doc_type <> 'GI' THEN
        RAISE EXCEPTION '% is a % document: parts come back against a goods issue', p->>'gi_no', v_gi.doc_type
            USING ERRCODE = 'PS409';
    END IF;

    FOR v_item IN SELECT * FROM request_lines(p->'lines') LOOP
        SELECT sum(dl.quantity), max(dl.unit_cost) INTO v_issued, v_cost
          FROM document_line dl WHERE dl.document_id = v_gi.id AND dl.part_id = v_item.part_id;
        IF v_issued IS NULL THEN
            RAISE EXCEPTION '% was not issued on %', v_item.part_no, p->>'gi_no' USING ERRCODE = 'PS409';
        END IF;
        IF v_item.serial IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM unit_move m JOIN unit u ON u.id = m.unit_id
             WHERE m.document_id = v_gi.id AND u.part_id = v_item.part_id AND u.serial = v_item.serial) THEN
            RAISE EXCEPTION '%#% was not issued on %: it comes back against the issue that gave it out',
                v_item.part_no, v_item.serial, p->>'gi_no' USING ERRCODE = 'PS409';
        END IF;
        SELECT coalesce(sum(dl.quantity), 0) INTO v_returned
          FROM return_link r JOIN document_line dl ON dl.document_id = r.rt_document_id
         WHERE r.gi_document_id = v_gi.id AND dl.part_id = v_item.part_id;
        -- Two lines of one return for the same part count together.
        v_returned := v_returned + coalesce((
            SELECT sum((e->>'quantity')::numeric) FROM jsonb_array_elements(v_lines) e
             WHERE e->>'part_no' = v_item.part_no), 0);
        IF v_item.quantity > v_issued - v_returned THEN
            RAISE EXCEPTION '% issued % of % and % came back already: at most % can be returned',
                p->>'gi_no', trim_scale(v_issued), v_item.part_no, trim_scale(v_returned),
                trim_scale(v_issued - v_returned) USING ERRCODE = 'PS409';
        END IF;
        v_lines := v_lines || jsonb_build_array(jsonb_build_object(
            'part_no', v_item.part_no, 'quantity', v_item.quantity::text, 'unit_cost', v_cost::text)
            || CASE WHEN v_item.serial IS NOT NULL THEN jsonb_build_object('serial', v_item.serial) ELSE '{}' END);
    END LOOP;

    v_reply := document_reply(post_stock_document(p || jsonb_build_object(
        'type', 'RT', 'location', (SELECT code FROM location WHERE id = v_gi.location_id),
        'counterparty', p->>'gi_no', 'lines', v_lines)));
    INSERT INTO return_link (rt_document_id, gi_document_id)
    SELECT id, v_gi.id FROM document WHERE doc_no = v_reply->>'key';
    RETURN request_end(p, v_reply);
END $$;
