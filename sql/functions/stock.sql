-- The clerks' stock documents: receive, issue, transfer and adjust (stock_post), posted in
-- batches (post_stock_documents), issues, receipts and transfers as one set (post_document_set), and
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
    -- request_begin only for a ref: without one it finds nothing, and the call alone costs
    -- more than the test (callgrind).
    v_reply jsonb := CASE WHEN p ? 'ref' THEN request_begin(p) END;
    v_document jsonb;
BEGIN
    IF v_reply IS NOT NULL THEN
        RETURN v_reply;
    END IF;
    IF p->>'type' NOT IN ('GR', 'GI', 'TR', 'AD') THEN
        RAISE EXCEPTION 'a clerk posts GR, GI, TR or AD documents, not %', p->>'type' USING ERRCODE = 'PS422';
    END IF;
    -- An unknown location is post_stock_document's to refuse; refuse_in_transit is called
    -- only to refuse (see request_begin above).
    PERFORM refuse_in_transit(l) FROM location l WHERE l.code IN (p->>'location', p->>'to_location') AND l.kind = 'transit';
    -- In a variable first: document_reply is inlined only when its argument is not a call that
    -- changes something (it names the argument three times).
    v_document := post_stock_document(p);
    RETURN request_end(p, document_reply(v_document));
END $$;

-- Several of the clerks' documents in one transaction, one commit for all: the daemon
-- answers each client only after that commit, so every acknowledged document is durable.
-- Returns, per document in order, {reply} or why it was refused {sqlstate, message,
-- constraint}; a refused document is rolled back alone, and no document is ever partly
-- posted.
--
-- Locks come in one order for the whole batch, so two batches (or a batch and any other
-- request) cannot deadlock: first every ref's lock, then every balance row the batch touches,
-- part then location. A batch of goods issues, receipts and transfers is posted as one set when
-- it can be (post_document_set), else a set per type where it can be (post_by_type), and every
-- other document in a subtransaction of its own.
CREATE FUNCTION post_stock_documents(p_batch jsonb) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    v_result json;
    v_parts integer[];
    v_locations integer[];
    v_made_parts integer[];
    v_made_locations integer[];
BEGIN
    -- Only a batch with refs has locks to take (the call alone was about 2 % of a set of two).
    IF jsonb_array_length(p_batch) > 1 AND jsonb_path_exists(p_batch, '$[*].ref') THEN
        PERFORM request_lock_all(p_batch);
    END IF;
    -- A one-line document alone costs less one by one: the set's statements have more to set
    -- up. From two lines on the set costs less (a 200-line receipt about half).
    IF jsonb_array_length(p_batch) > 1 OR jsonb_array_length(p_batch->0->'lines') > 1 THEN
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
    -- A lone document (a clerk posting while no other does) goes straight to the one-by-one
    -- path: sorting a batch of one by type took a sixth of its posting.
    v_result := CASE WHEN jsonb_array_length(p_batch) = 1 THEN requests_each('stock_post', p_batch)
                     ELSE post_by_type(p_batch)::json END;
    -- The rows lock_balances made for documents that were then refused hold nothing.
    IF v_made_parts IS NOT NULL THEN
        PERFORM drop_made_balances(v_made_parts, v_made_locations);
    END IF;
    RETURN v_result;
END $$;

-- The documents of a batch whose balance rows are all locked already (post_stock_documents),
-- which as a whole is not one set (stock would both leave and enter one balance row, or a
-- document would be refused): its issues as one set, its receipts as another and its
-- transfers as a third where each can be, then what is left one by one, which refuses what
-- must be refused alone. One by one a document costs about four times its share of a set.
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
    FOREACH v_type IN ARRAY ARRAY['GI', 'GR', 'TR'] LOOP
        SELECT jsonb_agg(d.item ORDER BY d.ord), array_agg(d.ord ORDER BY d.ord) INTO v_subset, v_positions
          FROM jsonb_array_elements(p_batch) WITH ORDINALITY AS d(item, ord)
         WHERE d.item->>'type' = v_type;
        -- One document alone costs less one by one (see post_stock_documents), and the whole
        -- batch as one set is what the caller tried already.
        CONTINUE WHEN coalesce(array_length(v_positions, 1), 0) NOT BETWEEN 2 AND jsonb_array_length(p_batch) - 1;
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
        v_left := requests_each('stock_post', v_subset)::jsonb;
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

-- One movement of a batch posted as a set, resolved: a document line moves stock out of a
-- location (an issue, a transfer's first half) or into one (a receipt, a transfer's second
-- half, which comes in at the cost its stock left at). For each: how much later movements of
-- the batch move at the same part and location (to give each its running balance), and how
-- much all of them move together.
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
    -- A receipt's own cost or the part's standard cost; NULL for stock that moves at its
    -- average cost (out, and a transfer's way in, at the cost of from_location_id).
    unit_cost   numeric,
    inward      boolean,
    from_location_id integer
);

-- Goods issues, goods receipts and transfers posted as a set. Document by document, a posting
-- spends most of its time starting statements, not changing rows: every INSERT and UPDATE is a
-- new executor, with its CHECK constraints read again, for one row each. Issues are what a
-- parts room posts most (one per repair order), and receipts come with many lines (a delivery,
-- an opening balance), so a batch of them is posted here by a handful of statements for the
-- whole batch. Returns post_stock_documents' answer, or NULL when the batch is not one this
-- path posts, unchanged: anything but those three types at stock locations, an unknown part or
-- location, a serialised part, whose units post_stock_document moves one by one, a balance row
-- that stock would both leave and enter in the batch, or enter twice, whose average cost is
-- re-averaged movement by movement, a cost of more than four places, a ref seen before or twice
-- in the batch. Raises when a document would be refused (not enough stock, say), after taking
-- locks: the caller rolls the set back and posts the documents one by one, which refuses that
-- document alone.
CREATE FUNCTION post_document_set(p_batch jsonb) RETURNS json
LANGUAGE plpgsql
-- Custom plans of these statements cost more to make (about 2.5 ms for a batch of 16) than
-- the generic ones cost to run, and the generic ones are as good: index probes per line.
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    v_at timestamptz := now();
    v_lines set_line[];
    v_qualifies boolean;
    v_inward_only boolean;
    v_docs integer;
    v_groups integer;
    v_taken integer;
    v_result json;
    v_outcomes request_outcome[];
    v_parts integer[];
    v_locations integer[];
    v_inward boolean;
    v_refs boolean := jsonb_path_exists(p_batch, '$[*].ref');
BEGIN
    -- With the lines, what the statements below need of them (the balance rows to lock, the
    -- rows stock leaves, whether any comes in): each of those was a statement of its own,
    -- and for a set of two, starting a statement costs more than its rows.
    WITH doc_in AS MATERIALIZED (
        -- A document's own fields once, apart from its lines: a line that carried its whole
        -- document (d.item) took it through the windows' sort below, every line of a
        -- 200-line receipt copying all 200 (measured: a third of this statement's time).
        SELECT d.ord, d.item->'lines' AS lines, d.item ? 'to_location' AS names_to, t.code AS type,
               loc.id AS from_id, loc.kind AS from_kind, dest.id AS to_id, dest.kind AS to_kind
          FROM jsonb_array_elements(p_batch) WITH ORDINALITY AS d(item, ord)
          LEFT JOIN document_type t ON t.code = d.item->>'type'
          LEFT JOIN location loc ON loc.code = d.item->>'location'
          LEFT JOIN location dest ON dest.code = d.item->>'to_location'
    ), resolved AS (
        SELECT d.ord AS doc, l.ord AS line_no, d.type, pt.id AS part_id, pt.part_no, pt.description, pt.unit,
               q.quantity, coalesce(q.unit_cost, pt.cost) AS unit_cost, d.from_id, d.to_id,
               coalesce(d.type IN ('GI', 'GR', 'TR') AND d.from_id IS NOT NULL AND d.from_kind NOT IN ('transit', 'oldparts')
                        AND (d.type = 'TR') = d.names_to
                        AND (d.type <> 'TR' OR d.to_id IS NOT NULL AND d.to_id <> d.from_id
                                               AND d.to_kind NOT IN ('transit', 'oldparts'))
                        AND pt.id IS NOT NULL AND q.quantity > 0 AND fits_unit(q.quantity, u.decimals)
                        AND NOT pt.serialized AND NOT l.item ? 'serial'
                        AND (d.type <> 'GR' OR coalesce(q.unit_cost, pt.cost) >= 0
                                               AND fits_unit(coalesce(q.unit_cost, pt.cost), 4::smallint)), false) AS ok
          FROM doc_in d
         CROSS JOIN LATERAL jsonb_array_elements(d.lines) WITH ORDINALITY AS l(item, ord)
         CROSS JOIN LATERAL (SELECT (l.item->>'quantity')::numeric AS quantity,
                                    (l.item->>'unit_cost')::numeric AS unit_cost) q
          -- An index probe per line (see post_stock_document).
          LEFT JOIN LATERAL (SELECT * FROM part WHERE part.part_no = l.item->>'part_no' LIMIT 1) pt ON true
          LEFT JOIN unit_of_measure u ON u.code = pt.unit
    ), movement AS (
        SELECT r.*, m.location_id, m.inward, m.cost, m.source
          FROM resolved r
         CROSS JOIN LATERAL (VALUES (r.from_id, r.type = 'GR', CASE WHEN r.type = 'GR' THEN r.unit_cost END, NULL::integer),
                                    (CASE WHEN r.type = 'TR' THEN r.to_id END, true, NULL, r.from_id))
                            AS m(location_id, inward, cost, source)
         WHERE m.location_id IS NOT NULL OR r.type <> 'TR' AND m.source IS NULL
    ), counted AS (
        -- Stock at one part and location moves one way in a batch, and into it at most once.
        SELECT mv.*,
               bool_and(mv.inward) OVER row_moves = bool_or(mv.inward) OVER row_moves
                   AND (NOT mv.inward OR count(*) OVER row_moves = 1) AS one_way,
               coalesce(sum(mv.quantity) OVER (row_moves ORDER BY mv.doc, mv.line_no
                                               ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING), 0) AS later,
               sum(mv.quantity) OVER row_moves AS total
          FROM movement mv
        WINDOW row_moves AS (PARTITION BY mv.part_id, mv.location_id)
    )
    SELECT array_agg(ROW(c.doc, c.line_no, c.part_id, c.part_no, c.description, c.unit, c.location_id, c.quantity,
                         c.later, c.total, c.cost, c.inward, c.source)::set_line ORDER BY c.doc, c.line_no, c.inward),
           bool_and(c.ok AND coalesce(c.one_way, false)), bool_and(c.inward), bool_or(c.inward), count(DISTINCT c.doc),
           array_agg(c.part_id) FILTER (WHERE c.later = 0), array_agg(c.location_id) FILTER (WHERE c.later = 0),
           count(*) FILTER (WHERE c.later = 0 AND NOT c.inward)
      INTO v_lines, v_qualifies, v_inward_only, v_inward, v_docs, v_parts, v_locations, v_groups
      FROM counted c;
    IF NOT coalesce(v_qualifies, false) OR v_docs <> jsonb_array_length(p_batch) THEN
        RETURN NULL;
    END IF;
    -- A ref seen before is a replay or a conflict, and the same ref twice in one batch is a
    -- retry racing its first send: the one-by-one path answers both. ref_seen is a LATERAL
    -- with LIMIT so that it stays a probe of the ref's index per request: written as EXISTS,
    -- the planner may hash all of client_request instead, which is cheapest while the table
    -- is small, and this function's generic plan, made then, is kept by the session as the
    -- table grows (measured: 10 ms a batch at 20,000 refs, growing with every request).
    IF v_refs AND EXISTS (SELECT 1 FROM jsonb_array_elements(p_batch) AS d(item)
                 LEFT JOIN LATERAL (SELECT true AS seen FROM client_request c WHERE c.ref = d.item->>'ref' LIMIT 1) ref_seen
                        ON true
                WHERE d.item ? 'ref'
                  AND (ref_seen.seen
                       OR (SELECT count(*) FROM jsonb_array_elements(p_batch) AS o(item)
                            WHERE o.item->>'ref' = d.item->>'ref') > 1)) THEN
        RETURN NULL;
    END IF;

    -- Balance rows are locked in the one order, part then location; then one statement moves
    -- each part and location's total out (carried by its last movement), only from what is
    -- available, as stock_out does, and one moves stock in, re-averaging the cost as stock_in
    -- does: at a transfer's cost, the average of the row it left, which only stock out of it
    -- touched. Receipts alone make their rows by one upsert in that order instead: a row made
    -- and then updated in one transaction has its foreign keys checked twice.
    IF v_inward_only THEN
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
    ELSE
        -- Rows are made only where stock comes in: stock cannot leave a row that is not there
        -- (the update below then takes less than every row, and the set is refused).
        PERFORM lock_balances(v_parts, v_locations, v_inward);
        UPDATE stock_balance b
           SET on_hand = b.on_hand - (x).total, last_issue_at = v_at
          FROM unnest(v_lines) AS x
         WHERE (x).later = 0 AND NOT (x).inward AND b.part_id = (x).part_id AND b.location_id = (x).location_id
           AND b.on_hand - b.reserved >= (x).total;
        GET DIAGNOSTICS v_taken = ROW_COUNT;
        IF v_taken <> v_groups THEN
            RAISE EXCEPTION 'not enough stock for every document of the batch' USING ERRCODE = 'PS409';
        END IF;
        IF v_inward THEN
            UPDATE stock_balance b
               SET avg_cost = CASE WHEN b.on_hand + m.total = 0 THEN m.cost
                                   ELSE round((b.on_hand * b.avg_cost + m.total * m.cost) / (b.on_hand + m.total), 4) END,
                   on_hand = b.on_hand + m.total, last_receipt_at = v_at
              FROM (SELECT (x).part_id, (x).location_id, (x).total, coalesce((x).unit_cost, src.avg_cost) AS cost
                      FROM unnest(v_lines) AS x
                      LEFT JOIN stock_balance src ON src.part_id = (x).part_id AND src.location_id = (x).from_location_id
                     WHERE (x).inward) m
             WHERE b.part_id = m.part_id AND b.location_id = m.location_id;
        END IF;
    END IF;

    WITH doc AS MATERIALIZED (
        SELECT d.ord, d.item, next_doc_no(d.item->>'type', v_at::date) AS doc_no,
               t.title, t.title_zh, loc.id AS location_id, loc.code AS location, loc.name AS location_name,
               dest.id AS to_location_id, dest.code AS to_location, dest.name AS to_location_name
          FROM jsonb_array_elements(p_batch) WITH ORDINALITY AS d(item, ord)
          JOIN document_type t ON t.code = d.item->>'type'
          JOIN location loc ON loc.code = d.item->>'location'
          LEFT JOIN location dest ON dest.code = d.item->>'to_location'
         ORDER BY d.ord
    ), new_doc AS (
        INSERT INTO document (doc_no, doc_type, doc_date, posted_at, location_id, to_location_id, counterparty, note,
                              reason, clerk, clerk_uid, client_ref)
        SELECT doc_no, item->>'type', v_at::date, v_at, location_id, to_location_id, item->>'counterparty', item->>'note',
               item->>'reason', item->'actor'->>'user', (item->'actor'->>'uid')::bigint, item->>'ref'
          FROM doc ORDER BY ord
        RETURNING id, doc_no
    ), moved AS MATERIALIZED (
        -- The balance as it is after the batch, less what later movements moved; the cost a
        -- movement moves at: a receipt's own, else the average of the row stock left.
        SELECT (x).*, n.id AS document_id, coalesce((x).unit_cost, src.avg_cost) AS cost,
               CASE WHEN (x).inward THEN b.on_hand - (x).later ELSE b.on_hand + (x).later END AS balance_after
          FROM unnest(v_lines) AS x
          JOIN doc ON doc.ord = (x).doc
          JOIN new_doc n ON n.doc_no = doc.doc_no
          JOIN stock_balance b ON b.part_id = (x).part_id AND b.location_id = (x).location_id
          LEFT JOIN stock_balance src
                 ON src.part_id = (x).part_id AND src.location_id = coalesce((x).from_location_id, (x).location_id)
    ), line AS (
        -- A document line is its first movement: out for an issue and a transfer, in for a receipt.
        SELECT DISTINCT ON (doc, line_no) doc, line_no, document_id, part_id, part_no, description, unit, quantity, cost,
               round(quantity * cost, 2) AS value
          FROM moved ORDER BY doc, line_no, inward
    ), new_line AS (
        INSERT INTO document_line (document_id, line_no, part_id, quantity, unit_cost, value)
        SELECT document_id, line_no, part_id, quantity, cost, value FROM line
    ), movement AS (
        INSERT INTO stock_movement (document_id, line_no, part_id, location_id, quantity, unit_cost,
                                    balance_after, posted_at)
        SELECT document_id, line_no, part_id, location_id, CASE WHEN inward THEN quantity ELSE -quantity END, cost,
               balance_after, v_at
          FROM moved ORDER BY doc, line_no, inward
    ), receipt_lines AS MATERIALIZED (
        -- Once: joined below as a subquery, the planner may run the aggregate again for every
        -- document, building every line's json again each time (measured: 11 objects a
        -- document of one line instead of 4).
        SELECT line.doc,
               json_agg(json_build_object(
                   'line_no', line.line_no, 'part_no', line.part_no, 'description', line.description,
                   'quantity', line.quantity::numeric(15,3)::text, 'counted', NULL, 'unit', line.unit,
                   'unit_cost', line.cost::numeric(15,4)::text, 'value', line.value::numeric(18,2)::text)
                   ORDER BY line.line_no) AS items,
               sum(line.value) AS total
          FROM line GROUP BY line.doc
    ), receipt AS MATERIALIZED (
        -- The receipts, shaped as post_stock_document returns them, as json: jsonb would sort
        -- and copy every key of every receipt only to be printed as text. Materialized, so
        -- that document_reply below gets a column, not this whole expression, which it names
        -- three times: over the expression it would not be inlined.
        SELECT doc.ord, doc.item, doc.doc_no, json_build_object(
                   'doc_no', doc.doc_no, 'type', doc.item->>'type', 'title', doc.title, 'title_zh', doc.title_zh,
                   'date', v_at::date, 'posted_at', v_at, 'location', doc.location, 'location_name', doc.location_name,
                   'to_location', doc.to_location, 'to_location_name', doc.to_location_name,
                   'counterparty', doc.item->>'counterparty',
                   'note', doc.item->>'note', 'reason', doc.item->>'reason', 'clerk', doc.item->'actor'->>'user',
                   'ref', doc.item->>'ref', 'lines', lines.items, 'total', lines.total::numeric(18,2)::text) AS document
          FROM doc
          JOIN receipt_lines lines ON lines.doc = doc.ord
    )
    SELECT json_agg(json_build_object('reply', json_build_object(
               'code', 201, 'key', r.doc_no, 'message', r.doc_no, 'document', r.document)) ORDER BY r.ord),
           -- Only a request with a ref keeps its reply (as jsonb) for a retry.
           array_agg(ROW(r.item, 201, r.doc_no,
                         CASE WHEN r.item ? 'ref' THEN document_reply(r.document::jsonb) END)::request_outcome ORDER BY r.ord)
      INTO v_result, v_outcomes
      FROM receipt r;
    PERFORM requests_record(v_outcomes, v_refs);
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
    v_document jsonb;
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

    -- A variable for document_reply, as stock_post passes it (so that it is inlined).
    v_document := post_stock_document(p || jsonb_build_object(
        'type', 'RT', 'location', (SELECT code FROM location WHERE id = v_gi.location_id),
        'counterparty', p->>'gi_no', 'lines', v_lines));
    v_reply := document_reply(v_document);
    INSERT INTO return_link (rt_document_id, gi_document_id)
    SELECT id, v_gi.id FROM document WHERE doc_no = v_reply->>'key';
    RETURN request_end(p, v_reply);
END $$;
