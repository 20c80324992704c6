-- The request envelope: what every change of state does before and after its own work, so
-- that no workflow writes it again. A workflow is one function `f(p jsonb) RETURNS jsonb`:
--
--     v_reply := request_begin(p);
--     IF v_reply IS NOT NULL THEN RETURN v_reply; END IF;   -- a retry: its first reply
--     ... the workflow's own checks and changes ...
--     RETURN request_end(p, jsonb_build_object('code', 201, 'key', ..., 'message', ..., ...));
--
-- p always carries actor {uid, user, role}, command (the request line as sent), and with a
-- client reference ref and fingerprint (every word but the ref: equal for a faithful retry).
-- The reply is what the daemon renders: code (the protocol's reply code), key (the number
-- of what was made or changed, if any), message, and the workflow's own fields.
--
-- Refusals are raised with SQLSTATE class PS and the reply code as the last three
-- characters (PS404 not found, PS409 conflict, PS422 invalid, PS403 forbidden); the daemon
-- maps them to replies in one place.

-- One request's outcome, as the ref table and the audit log record it. reply NULL: refused,
-- so there is nothing to replay and only the audit row is written.
CREATE TYPE request_outcome AS (request jsonb, code integer, key text, reply jsonb);

-- The advisory lock that serializes every request carrying one ref: a retry racing its
-- original waits here until the original commits (or rolls back), then finds its reply.
-- STABLE, though its body is immutable: the planner folds an IMMUTABLE function of constants
-- by running it, and a SQL function run is parsed and planned first, on every posting with a
-- ref (whose plan sees the ref as a constant); a STABLE one is inlined, then folded.
CREATE FUNCTION request_lock_key(p_ref text) RETURNS bigint
LANGUAGE sql STABLE AS $$ SELECT hashtextextended('partsd ref ' || p_ref, 0) $$;

-- Takes the ref's lock and returns its first reply (marked replayed) when the ref was used
-- before, or NULL when it is new. The same ref with other content is a conflict, never a
-- silent replay.
CREATE FUNCTION request_begin(p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_prior client_request;
BEGIN
    IF p->>'ref' IS NULL THEN
        RETURN NULL;
    END IF;
    PERFORM pg_advisory_xact_lock(request_lock_key(p->>'ref'));
    -- A statement of its own, so it sees what a request that held the lock committed.
    SELECT * INTO v_prior FROM client_request WHERE ref = p->>'ref';
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    IF v_prior.fingerprint <> p->>'fingerprint' THEN
        RAISE EXCEPTION 'ref % was already used for a different command', p->>'ref' USING ERRCODE = 'PS409';
    END IF;
    RETURN v_prior.reply || '{"replayed": true}';
END $$;

-- Takes the locks of every ref of a batch of requests, in one order, so that two batches
-- sharing refs cannot deadlock over them. Locks come before any row lock of the batch. A
-- request alone takes its own in request_begin, before any row lock too.
CREATE FUNCTION request_lock_all(p_requests jsonb) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF jsonb_array_length(p_requests) < 2 THEN
        RETURN;
    END IF;
    PERFORM pg_advisory_xact_lock(k)
       FROM (SELECT DISTINCT request_lock_key(r->>'ref') AS k
               FROM jsonb_array_elements(p_requests) r WHERE r ? 'ref') keys
      ORDER BY k;
END $$;

-- Each request of a batch for one workflow (p_workflow, one of the functions of Workflow.swift)
-- in a subtransaction of its own, in order: a refused request is rolled back alone, and none
-- is ever partly done. Returns, per request, {reply} or why it was refused {sqlstate, message,
-- constraint}. The caller has taken the batch's locks in the one order (request_lock_all, and
-- whatever rows its workflow locks).
-- As json, gathered in an array of json: the answer is only printed, and a jsonb answer
-- copied every reply twice more (wrapped, then appended) and was serialised at the end: with
-- the cursor a query over the batch opened (the items are now taken by position), about 4 %
-- of a lone goods issue's instructions (callgrind).
CREATE FUNCTION requests_each(p_workflow text, p_batch jsonb) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    v_results json[] := '{}';
    v_i integer;
    v_item jsonb;
    v_reply jsonb;
    v_state text;
    v_message text;
    v_constraint text;
BEGIN
    IF p_workflow <> 'stock_post' AND to_regprocedure(format('%I(jsonb)', p_workflow)) IS NULL THEN
        RAISE EXCEPTION 'no workflow %', p_workflow;
    END IF;
    FOR v_i IN 0 .. jsonb_array_length(p_batch) - 1 LOOP
        v_item := p_batch->v_i;
        BEGIN
            -- The postings' call stays a static one: EXECUTE plans its statement every time.
            IF p_workflow = 'stock_post' THEN
                v_reply := stock_post(v_item);
            ELSE
                EXECUTE format('SELECT %I($1)', p_workflow) INTO v_reply USING v_item;
            END IF;
            v_results := v_results || json_build_object('reply', v_reply);
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_message = MESSAGE_TEXT,
                                    v_constraint = CONSTRAINT_NAME;
            v_results := v_results || json_build_object(
                'sqlstate', v_state, 'message', v_message, 'constraint', nullif(v_constraint, ''));
        END;
    END LOOP;
    RETURN array_to_json(v_results);
END $$;

-- Several requests of one workflow that arrived together, in one transaction and one commit:
-- the daemon answers each after that commit (RequestBatcher). For workflows that change one
-- row of master data or history each, whose rows two batches meet in no particular order; a
-- request that deadlocks with another batch is rolled back alone and run again by itself.
-- A workflow f may have a set form f_set(p_batch jsonb) RETURNS json that answers a whole
-- batch as requests_each would, or NULL when it cannot (then each request runs alone).
CREATE FUNCTION requests_batch(p_workflow text, p_batch jsonb) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    v_result json;
BEGIN
    PERFORM request_lock_all(p_batch);
    IF jsonb_array_length(p_batch) > 1 AND to_regprocedure(format('%I(jsonb)', p_workflow || '_set')) IS NOT NULL THEN
        EXECUTE format('SELECT %I($1)', p_workflow || '_set') INTO v_result USING p_batch;
        IF v_result IS NOT NULL THEN
            RETURN v_result;
        END IF;
    END IF;
    RETURN requests_each(p_workflow, p_batch);
END $$;

-- The one writer of client_request and audit_log rows: one row per outcome in the audit log,
-- and for each one with a ref and a reply, the reply a retry gets. p_refs false: the caller
-- knows that no outcome has a ref, and the statement that keeps replies is not started for
-- no row (about 1 % of a lone goods issue's instructions).
CREATE FUNCTION requests_record(p_outcomes request_outcome[], p_refs boolean DEFAULT true) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF p_refs THEN
        INSERT INTO client_request (ref, fingerprint, reply_code, doc_no, message, user_name, reply)
        SELECT (o).request->>'ref', (o).request->>'fingerprint', (o).code, (o).key,
               coalesce((o).reply->>'message', (o).key, ''), (o).request->'actor'->>'user', (o).reply
          FROM unnest(p_outcomes) o
         WHERE (o).request ? 'ref' AND (o).reply IS NOT NULL;
    END IF;
    INSERT INTO audit_log (peer_uid, user_name, role, command, reply_code, doc_no, ref)
    SELECT ((o).request->'actor'->>'uid')::bigint, (o).request->'actor'->>'user', (o).request->'actor'->>'role',
           (o).request->>'command', (o).code, (o).key, (o).request->>'ref'
      FROM unnest(p_outcomes) o;
END $$;

-- Records the request's reply (for a retry, when it has a ref) and its audit row; returns
-- the reply. The last call of every workflow.
CREATE FUNCTION request_end(p jsonb, p_reply jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM requests_record(ARRAY[ROW(p, (p_reply->>'code')::integer, p_reply->>'key', p_reply)::request_outcome], p ? 'ref');
    RETURN p_reply;
END $$;

-- The audit row of a request that was refused, or of one that changed nothing the ref
-- table keeps (a job started): written by the daemon after the request's own transaction.
CREATE FUNCTION request_audit(p jsonb, p_code integer) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM requests_record(ARRAY[ROW(p, p_code, NULL, NULL)::request_outcome], false);
END $$;

-- A reply that only says what was done: code and message, with the key when there is one.
-- STABLE as document_reply is (ledger.sql).
CREATE FUNCTION outcome(p_code integer, p_message text, p_key text DEFAULT NULL) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_strip_nulls(jsonb_build_object('code', p_code, 'key', p_key, 'message', p_message))
$$;

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

-- Makes the year's number sequences before any posting needs them: every document type's,
-- every prefix a sequence exists for already (so every number ever drawn), and the headers'.
-- next_doc_no can make a missing one itself, but inside a posting's transaction that is DDL
-- whose uncommitted catalog row a concurrent first posting of the same type must wait for,
-- while holding balance rows: a deadlock. The daemon runs this at start-up and with every
-- daily snapshot, for this year and the next.
CREATE FUNCTION ensure_document_sequences(p_year integer) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    v_prefix text;
    v_made integer := 0;
BEGIN
    FOR v_prefix IN
        SELECT lower(code) FROM document_type
        UNION SELECT unnest(ARRAY['po', 'rq', 'to', 'ex'])
        UNION SELECT substring(relname FROM '^doc_seq_([a-z]+)_[0-9]+$') FROM pg_class
               WHERE relkind = 'S' AND relname ~ '^doc_seq_[a-z]+_[0-9]+$'
    LOOP
        IF to_regclass(format('doc_seq_%s_%s', v_prefix, p_year)) IS NULL THEN
            EXECUTE format('CREATE SEQUENCE IF NOT EXISTS %I', format('doc_seq_%s_%s', v_prefix, p_year));
            v_made := v_made + 1;
        END IF;
    END LOOP;
    RETURN v_made;
END $$;

-- Numbers in messages as a clerk typed them: 2.500 is 2.5, 3.000 is 3.
CREATE FUNCTION qty_text(p numeric) RETURNS text
LANGUAGE sql IMMUTABLE AS $$ SELECT trim_scale(p)::text $$;

-- Money in messages: at least two decimals, more when it has them (12.50, 12.3456).
CREATE FUNCTION money_text(p numeric) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN scale(trim_scale(p)) < 2 THEN round(p, 2)::text ELSE trim_scale(p)::text END
$$;

-- Refuses a value that is not one of a fixed list (an action, a grade, an outcome), or no
-- value, naming the list: "grade must be full, damaged or none, got x".
CREATE FUNCTION check_choice(p_name text, p_value text, p_allowed text[]) RETURNS void
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    IF p_value IS NULL OR NOT p_value = ANY (p_allowed) THEN
        RAISE EXCEPTION '% must be % or %, got %', p_name, array_to_string(p_allowed[1:cardinality(p_allowed) - 1], ', '),
            p_allowed[cardinality(p_allowed)], p_value USING ERRCODE = 'PS422';
    END IF;
END $$;

-- Raises a refusal: p_code is the reply code (404, 409, 422, 403).
CREATE FUNCTION refuse(p_code integer, p_message text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '%', p_message USING ERRCODE = 'PS' || p_code;
END $$;
