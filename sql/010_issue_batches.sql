-- Goods issues posted as a set. Document by document, a posting spends most of its time
-- starting statements, not changing rows: every INSERT and UPDATE is a new executor, with its
-- CHECK constraints read again, for one row each. Issues are what a parts room posts most (one
-- per repair order), so a batch whose documents all take stock out is posted here by a handful
-- of statements for the whole batch. Anything else, or any document that would be refused,
-- sends the batch back to the one-by-one path (002), which refuses that document alone.

-- One line of a batch, resolved: what it takes from where, how much later lines of the batch
-- take from the same part and location (to give each movement its running balance), and how
-- much all of them take together.
CREATE TYPE issue_batch_line AS (
    doc         integer,
    line_no     integer,
    part_id     integer,
    part_no     text,
    description text,
    unit        text,
    location_id integer,
    quantity    numeric,
    later       numeric,
    total       numeric
);

-- The documents of p_batch (post_stock_document's input) posted, as post_stock_documents
-- answers; NULL when the batch is not one this path posts, unchanged. Raises when a document
-- would be refused (not enough stock, say), after taking locks: the caller rolls it back.
CREATE FUNCTION post_issue_batch(p_batch jsonb) RETURNS json
LANGUAGE plpgsql
-- Custom plans of these statements cost more to make (about 2.5 ms for a batch of 16) than
-- the generic ones cost to run, and the generic ones are as good: index probes per line.
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    v_at timestamptz := now();
    v_lines issue_batch_line[];
    v_qualifies boolean;
    v_docs integer;
    v_groups integer;
    v_taken integer;
    v_result json;
BEGIN
    SELECT array_agg(x ORDER BY (x).doc, (x).line_no),
           bool_and(ok), count(DISTINCT (x).doc), count(*) FILTER (WHERE (x).later = 0)
      INTO v_lines, v_qualifies, v_docs, v_groups
      FROM (SELECT ROW(d.ord, l.ord, pt.id, pt.part_no, pt.description, pt.unit, loc.id, q.quantity,
                       coalesce(sum(q.quantity) OVER (PARTITION BY pt.id, loc.id ORDER BY d.ord, l.ord
                                                      ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING), 0),
                       sum(q.quantity) OVER (PARTITION BY pt.id, loc.id)
                      )::issue_batch_line AS x,
                   coalesce(t.direction = 'out' AND loc.id IS NOT NULL AND pt.id IS NOT NULL AND q.quantity > 0
                            AND scale(trim_scale(q.quantity)) <= u.decimals
                            AND NOT d.item ? 'to_location', false) AS ok
              FROM jsonb_array_elements(p_batch) WITH ORDINALITY AS d(item, ord)
              LEFT JOIN document_type t ON t.code = d.item->>'type'
              LEFT JOIN location loc ON loc.code = d.item->>'location'
              CROSS JOIN LATERAL jsonb_array_elements(d.item->'lines') WITH ORDINALITY AS l(item, ord)
              CROSS JOIN LATERAL (SELECT (l.item->>'quantity')::numeric AS quantity) q
              -- An index probe per line (see post_stock_document in 007).
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

    -- Balance rows are locked in one order, part then location, so two batches cannot
    -- deadlock over them; then one UPDATE takes each part and location's total (carried by
    -- its last line), and only from what is available, as stock_out does.
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
        SELECT (x).*, n.id AS document_id, b.avg_cost AS unit_cost,
               round((x).quantity * b.avg_cost, 2) AS value, b.on_hand + (x).later AS balance_after
          FROM unnest(v_lines) AS x
          JOIN doc ON doc.ord = (x).doc
          JOIN new_doc n ON n.doc_no = doc.doc_no
          JOIN stock_balance b ON b.part_id = (x).part_id AND b.location_id = (x).location_id
    ), new_line AS (
        INSERT INTO document_line (document_id, line_no, part_id, quantity, unit_cost, value)
        SELECT document_id, line_no, part_id, quantity, unit_cost, value FROM line
    ), movement AS (
        INSERT INTO stock_movement (document_id, line_no, part_id, location_id, quantity, unit_cost,
                                    balance_after, posted_at)
        SELECT document_id, line_no, part_id, location_id, -quantity, unit_cost, balance_after, v_at
          FROM line ORDER BY doc, line_no
    ), request AS (
        INSERT INTO client_request (ref, fingerprint, reply_code, doc_no, message, user_name)
        SELECT item->>'ref', item->>'fingerprint', 201, doc_no, doc_no, item->'actor'->>'user'
          FROM doc WHERE item ? 'ref'
    ), audit AS (
        INSERT INTO audit_log (peer_uid, user_name, role, command, reply_code, doc_no, ref)
        SELECT (item->'actor'->>'uid')::bigint, item->'actor'->>'user', item->'actor'->>'role',
               item->>'command', 201, doc_no, item->>'ref'
          FROM doc
    )
    -- The receipts, shaped as post_stock_document returns them, as json: jsonb would sort
    -- and copy every key of every receipt only to be printed as text.
    SELECT json_agg(json_build_object('document', json_build_object(
               'doc_no', doc.doc_no, 'type', doc.item->>'type', 'title', doc.title, 'title_zh', doc.title_zh,
               'date', v_at::date, 'posted_at', v_at, 'location', doc.location, 'location_name', doc.location_name,
               'to_location', NULL, 'to_location_name', NULL, 'counterparty', doc.item->>'counterparty',
               'note', doc.item->>'note', 'reason', doc.item->>'reason', 'clerk', doc.item->'actor'->>'user',
               'ref', doc.item->>'ref', 'lines', receipt.lines, 'total', receipt.total::numeric(18,2)::text,
               'replayed', false)) ORDER BY doc.ord)
      INTO v_result
      FROM doc
      JOIN (SELECT line.doc,
                   json_agg(json_build_object(
                       'line_no', line.line_no, 'part_no', line.part_no, 'description', line.description,
                       'quantity', line.quantity::numeric(15,3)::text, 'counted', NULL, 'unit', line.unit,
                       'unit_cost', line.unit_cost::numeric(15,4)::text, 'value', line.value::numeric(18,2)::text)
                       ORDER BY line.line_no) AS lines,
                   sum(line.value) AS total
              FROM line GROUP BY line.doc) receipt ON receipt.doc = doc.ord;
    RETURN v_result;
END $$;

-- 002's loop stays the path for everything else, under a name that says what it does.
ALTER FUNCTION post_stock_documents(jsonb) RENAME TO post_stock_documents_one_by_one;

-- A batch is posted as a set when it qualifies. When one of its documents would be refused,
-- the set is rolled back and every document is posted alone, so only that one is refused
-- and the others post as before.
--
-- This is the path of the clerks' own receive, issue, transfer and adjust, and they may not
-- touch an in-transit location: its stock belongs to the transfer orders shipped through it,
-- which ship, arrive and the exceptions on them move (they post through post_stock_document
-- directly). Stock issued or counted there by hand would leave an order's in-transit
-- quantity without the stock behind it.
CREATE FUNCTION post_stock_documents(p_batch jsonb) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    v_result json;
BEGIN
    IF EXISTS (SELECT 1 FROM jsonb_array_elements(p_batch) AS d(item)
                 JOIN location l ON l.code IN (d.item->>'location', d.item->>'to_location')
                WHERE l.kind = 'transit') THEN
        SELECT json_agg(CASE WHEN transit.code IS NULL
                             THEN (post_stock_documents_one_by_one(jsonb_build_array(d.item))->0)::json
                             ELSE json_build_object('sqlstate', 'PS422', 'message', format(
                                 '%s is an in-transit location: its stock moves by ship, arrive and exception',
                                 transit.code)) END
                        ORDER BY d.ord)
          INTO v_result
          FROM jsonb_array_elements(p_batch) WITH ORDINALITY AS d(item, ord)
          LEFT JOIN LATERAL (SELECT l.code FROM location l
                              WHERE l.code IN (d.item->>'location', d.item->>'to_location')
                                AND l.kind = 'transit' LIMIT 1) transit ON true;
        RETURN v_result;
    END IF;
    -- A document alone costs less one by one: the set's statements have more to set up.
    IF jsonb_array_length(p_batch) > 1 THEN
        BEGIN
            v_result := post_issue_batch(p_batch);
        EXCEPTION WHEN OTHERS THEN
            v_result := NULL;
        END;
    END IF;
    RETURN coalesce(v_result, post_stock_documents_one_by_one(p_batch)::json);
END $$;
