-- Parts exceptions (配件异常处理): damaged, wrong part, short or over delivery, count
-- discrepancy, recorded against a posted receipt (GR), transfer (TR) or count (AD). The
-- affected quantity waits in a quarantine location until a manager resolves it: back to the
-- supplier (RS), scrapped (SC) or accepted into stock (TR back).
--
-- A short delivery never arrived, so nothing can be moved to quarantine: the books of the
-- receiving location hold parts that are not there. Its resolutions act on that location:
-- return (a claim on the supplier) and scrap (written off) book the missing quantity out of
-- it with an RS or SC document; accept (it turned up after all) posts nothing.

-- Documents out of stock for good: their direction makes post_stock_document book them like
-- a goods issue, and planning does not count them as demand (demand_line reads GI and RT only).
INSERT INTO document_type (code, title, title_zh, direction) VALUES
    ('SC', 'SCRAP', '报废单', 'out'),
    ('RS', 'RETURN TO SUPPLIER', '退供应商单', 'out');

CREATE TABLE stock_exception (
    id                     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ex_no                  text NOT NULL UNIQUE CHECK (ex_no ~ '^EX-[0-9]{4}-[0-9]{6,}$'),
    -- The document line the exception is against; the part is that line's.
    document_id            bigint NOT NULL,
    line_no                integer NOT NULL,
    quantity               numeric(15,3) NOT NULL CHECK (quantity > 0),
    kind                   text NOT NULL CHECK (kind IN ('damaged', 'wrong', 'short', 'over', 'count')),
    note                   text CHECK (length(note) BETWEEN 1 AND 1000),
    -- Where the parts belong: the document's location, for a transfer its destination.
    location_id            integer NOT NULL REFERENCES location,
    quarantine_id          integer REFERENCES location,
    -- The TR that moved the quantity into quarantine.
    quarantine_document_id bigint UNIQUE REFERENCES document,
    state                  text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'resolved')),
    resolution             text CHECK (resolution IN ('return', 'scrap', 'accept')),
    resolution_note        text CHECK (length(resolution_note) BETWEEN 1 AND 1000),
    -- The RS, SC or TR the resolution posted.
    resolution_document_id bigint UNIQUE REFERENCES document,
    raised_by              text NOT NULL,
    raised_uid             bigint NOT NULL,
    raised_at              timestamptz NOT NULL DEFAULT now(),
    resolved_by            text,
    resolved_uid           bigint,
    resolved_at            timestamptz,
    FOREIGN KEY (document_id, line_no) REFERENCES document_line,
    -- Only a short delivery has nothing in quarantine.
    CONSTRAINT stock_exception_quarantined CHECK ((kind = 'short') = (quarantine_id IS NULL)
                                                  AND (kind = 'short') = (quarantine_document_id IS NULL)),
    CONSTRAINT stock_exception_quarantine_elsewhere CHECK (quarantine_id <> location_id),
    -- Resolved exactly when a resolution, its author and its time are recorded.
    CONSTRAINT stock_exception_resolution CHECK (
        (state = 'open') = (resolution IS NULL) AND (state = 'open') = (resolved_by IS NULL)
        AND (state = 'open') = (resolved_uid IS NULL) AND (state = 'open') = (resolved_at IS NULL)),
    CONSTRAINT stock_exception_open_posts_nothing CHECK (state = 'resolved' OR (resolution_document_id IS NULL AND resolution_note IS NULL)),
    -- Every resolution posts a document but accepting a short delivery, which has nothing to move.
    CONSTRAINT stock_exception_resolution_document CHECK (
        state = 'open' OR (resolution_document_id IS NULL) = (kind = 'short' AND resolution = 'accept')),
    CONSTRAINT stock_exception_resolved_after CHECK (resolved_at >= raised_at)
);
CREATE INDEX stock_exception_document_idx ON stock_exception (document_id, line_no);
CREATE INDEX stock_exception_open_idx ON stock_exception (raised_at, id) WHERE state = 'open';

-- An exception as `exception show` and the replies print it, with the documents posted for it.
CREATE FUNCTION exception_json(p_ex_no text) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT jsonb_build_object(
        'ex_no', e.ex_no, 'kind', e.kind, 'state', e.state,
        'doc_no', d.doc_no, 'doc_type', d.doc_type, 'part_no', p.part_no, 'description', p.description, 'unit', p.unit,
        'quantity', e.quantity::text, 'note', e.note, 'location', l.code, 'quarantine', q.code,
        'raised_by', e.raised_by, 'raised_at', to_char(e.raised_at, 'YYYY-MM-DD HH24:MI:SS'),
        'age_days', current_date - e.raised_at::date,
        'resolution', e.resolution, 'resolution_note', e.resolution_note, 'resolved_by', e.resolved_by,
        'resolved_at', to_char(e.resolved_at, 'YYYY-MM-DD HH24:MI:SS'),
        'quarantine_document', (SELECT document_json(qd.doc_no) FROM document qd WHERE qd.id = e.quarantine_document_id),
        'resolution_document', (SELECT document_json(rd.doc_no) FROM document rd WHERE rd.id = e.resolution_document_id),
        'replayed', false)
      FROM stock_exception e
      JOIN document d ON d.id = e.document_id
      JOIN document_line dl ON dl.document_id = e.document_id AND dl.line_no = e.line_no
      JOIN part p ON p.id = dl.part_id
      JOIN location l ON l.id = e.location_id
      LEFT JOIN location q ON q.id = e.quarantine_id
     WHERE e.ex_no = p_ex_no);
END $$;

-- The first outcome of an exception command whose ref was used before, or NULL. The ref
-- records the exception's number, not a document's: raising a short delivery posts none.
CREATE FUNCTION replayed_exception(p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_prior client_request;
BEGIN
    IF p->>'ref' IS NULL THEN
        RETURN NULL;
    END IF;
    v_prior := claim_request(p->>'ref', p->>'fingerprint');
    IF v_prior.ref IS NULL THEN
        RETURN NULL;
    END IF;
    RETURN exception_json(v_prior.doc_no) || '{"replayed": true}';
END $$;

-- The quarantine location to use: the one named, else the only one there is, else a new one
-- called QUARANTINE. With several and none named the clerk must choose.
CREATE FUNCTION quarantine_location(p_code text) RETURNS location
LANGUAGE plpgsql AS $$
DECLARE
    v_location location;
    v_count integer;
BEGIN
    IF p_code IS NOT NULL THEN
        SELECT * INTO v_location FROM location WHERE code = p_code;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'unknown location %', p_code USING ERRCODE = 'PS404';
        END IF;
        IF v_location.kind <> 'quarantine' THEN
            RAISE EXCEPTION '% is a % location, not a quarantine location', p_code, v_location.kind USING ERRCODE = 'PS422';
        END IF;
        RETURN v_location;
    END IF;
    SELECT count(*), min(code) INTO v_count, p_code FROM location WHERE kind = 'quarantine';
    IF v_count > 1 THEN
        RAISE EXCEPTION 'there are % quarantine locations: name one with quarantine=<code>', v_count USING ERRCODE = 'PS422';
    END IF;
    IF v_count = 0 THEN
        -- Two first exceptions at once both get here; the loser's insert does nothing.
        INSERT INTO location (code, name, kind) VALUES ('QUARANTINE', 'Quarantine 隔离区', 'quarantine')
        ON CONFLICT (code) DO NOTHING;
        p_code := 'QUARANTINE';
    END IF;
    SELECT * INTO v_location FROM location WHERE code = p_code;
    IF v_location.kind <> 'quarantine' THEN
        RAISE EXCEPTION 'location QUARANTINE is a % location: add a quarantine location or name one with quarantine=<code>',
            v_location.kind USING ERRCODE = 'PS409';
    END IF;
    RETURN v_location;
END $$;

-- Raises an exception against document p_doc_no in the caller's transaction and, but for a
-- short delivery, moves the quantity into quarantine with a TR.
-- p: {part_no, quantity, kind, note?, quarantine?, actor, command, ref?, fingerprint?}
CREATE FUNCTION raise_exception(p jsonb, p_doc_no text) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_doc document;
    v_kind text := p->>'kind';
    v_qty numeric := (p->>'quantity')::numeric;
    v_part part;
    v_line_no integer;
    v_bound numeric;
    v_raised numeric;
    v_location location;
    v_quarantine location;
    v_moved jsonb;
    v_ex_no text;
BEGIN
    -- The document's row lock first: exceptions against one document run one after the
    -- other, so what is left on its line cannot shrink before this commits, and a retry with
    -- the same ref waits here and then replays instead of being refused as too much.
    SELECT * INTO v_doc FROM document WHERE doc_no = p_doc_no FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown document %', p_doc_no USING ERRCODE = 'PS404';
    END IF;
    v_moved := replayed_exception(p);
    IF v_moved IS NOT NULL THEN
        RETURN v_moved;
    END IF;

    IF v_doc.doc_type NOT IN ('GR', 'TR', 'AD') THEN
        RAISE EXCEPTION '% is a % document: exceptions are raised against a receipt (GR), transfer (TR) or count (AD)',
            p_doc_no, v_doc.doc_type USING ERRCODE = 'PS409';
    END IF;
    IF v_kind IN ('short', 'over') AND v_doc.doc_type = 'AD' THEN
        RAISE EXCEPTION '% is a delivery exception: % is a count; use kind=count', v_kind, p_doc_no USING ERRCODE = 'PS409';
    END IF;
    IF v_kind = 'count' AND v_doc.doc_type <> 'AD' THEN
        RAISE EXCEPTION 'kind=count is raised against a count (AD), % is a %: use kind=short or kind=over',
            p_doc_no, v_doc.doc_type USING ERRCODE = 'PS409';
    END IF;
    SELECT * INTO v_part FROM part WHERE part_no = p->>'part_no';
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown part %', p->>'part_no' USING ERRCODE = 'PS404';
    END IF;
    -- What physically came with the document: on a count what was counted, else the quantity moved.
    SELECT min(line_no), sum(CASE WHEN v_doc.doc_type = 'AD' THEN counted ELSE quantity END)
      INTO v_line_no, v_bound
      FROM document_line WHERE document_id = v_doc.id AND part_id = v_part.id;
    IF v_line_no IS NULL THEN
        RAISE EXCEPTION '% is not on %', v_part.part_no, p_doc_no USING ERRCODE = 'PS409';
    END IF;
    SELECT coalesce(sum(e.quantity), 0) INTO v_raised
      FROM stock_exception e JOIN document_line dl ON dl.document_id = e.document_id AND dl.line_no = e.line_no
     WHERE e.document_id = v_doc.id AND dl.part_id = v_part.id;
    IF v_qty > v_bound - v_raised THEN
        RAISE EXCEPTION '% has % of % and % is under exception already: at most % more',
            p_doc_no, trim_scale(v_bound), v_part.part_no, trim_scale(v_raised),
            trim_scale(greatest(v_bound - v_raised, 0)) USING ERRCODE = 'PS409';
    END IF;

    SELECT * INTO v_location FROM location
     WHERE id = CASE WHEN v_doc.doc_type = 'TR' THEN v_doc.to_location_id ELSE v_doc.location_id END;
    IF v_location.kind = 'quarantine' THEN
        RAISE EXCEPTION '% put % into quarantine location % already', p_doc_no, v_part.part_no, v_location.code
            USING ERRCODE = 'PS409';
    END IF;
    v_ex_no := next_doc_no('EX', current_date);
    IF v_kind <> 'short' THEN
        v_quarantine := quarantine_location(p->>'quarantine');
        -- The ref belongs to the exception, so the TR is posted without it.
        v_moved := post_stock_document((p - 'ref' - 'fingerprint') || jsonb_build_object(
            'type', 'TR', 'location', v_location.code, 'to_location', v_quarantine.code,
            'counterparty', format('%s %s on %s', v_ex_no, v_kind, p_doc_no),
            'lines', jsonb_build_array(jsonb_build_object('part_no', v_part.part_no, 'quantity', v_qty::text))));
    END IF;

    INSERT INTO stock_exception (ex_no, document_id, line_no, quantity, kind, note, location_id, quarantine_id,
                                 quarantine_document_id, raised_by, raised_uid)
    VALUES (v_ex_no, v_doc.id, v_line_no, v_qty, v_kind, p->>'note', v_location.id, v_quarantine.id,
            (SELECT id FROM document WHERE doc_no = v_moved->>'doc_no'),
            p->'actor'->>'user', (p->'actor'->>'uid')::bigint);
    IF p->>'ref' IS NOT NULL THEN
        PERFORM record_request(p->>'ref', p->>'fingerprint', 201, v_ex_no, v_ex_no, p->'actor'->>'user');
    END IF;
    PERFORM write_audit(p->'actor', p->>'command', 201, v_ex_no, p->>'ref');
    RETURN exception_json(v_ex_no);
END $$;

-- Resolves open exception p_ex_no in the caller's transaction and posts what the resolution
-- means (see the top of this file).
-- p: {action: return|scrap|accept, note?, actor, command, ref?, fingerprint?}
CREATE FUNCTION resolve_exception(p jsonb, p_ex_no text) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_ex stock_exception;
    v_action text := p->>'action';
    v_doc document;
    v_part_no text;
    v_from text;
    v_posting jsonb;
    v_posted jsonb;
    v_result jsonb;
BEGIN
    -- The exception's row lock first: of two managers resolving it at once the second waits,
    -- then finds it resolved (or, retrying the same ref, replays the first outcome).
    SELECT * INTO v_ex FROM stock_exception WHERE ex_no = p_ex_no FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown exception %', p_ex_no USING ERRCODE = 'PS404';
    END IF;
    v_result := replayed_exception(p);
    IF v_result IS NOT NULL THEN
        RETURN v_result;
    END IF;
    IF v_ex.state = 'resolved' THEN
        RAISE EXCEPTION '% was already resolved (%) by % at %: nothing changed', p_ex_no, v_ex.resolution,
            v_ex.resolved_by, to_char(v_ex.resolved_at, 'YYYY-MM-DD HH24:MI:SS') USING ERRCODE = 'PS409';
    END IF;
    IF v_action NOT IN ('return', 'scrap', 'accept') THEN
        RAISE EXCEPTION 'action must be return, scrap or accept, got %', v_action USING ERRCODE = 'PS422';
    END IF;

    SELECT * INTO v_doc FROM document WHERE id = v_ex.document_id;
    SELECT pt.part_no INTO v_part_no FROM document_line dl JOIN part pt ON pt.id = dl.part_id
     WHERE dl.document_id = v_ex.document_id AND dl.line_no = v_ex.line_no;
    -- A short delivery never reached quarantine: its books are corrected where it was received.
    v_from := (SELECT code FROM location WHERE id = coalesce(v_ex.quarantine_id, v_ex.location_id));
    v_posting := (p - 'ref' - 'fingerprint' - 'action') || jsonb_build_object(
        'location', v_from,
        'counterparty', left(format('%s %s on %s%s', p_ex_no, v_ex.kind, v_doc.doc_no,
                                    CASE WHEN v_doc.counterparty IS NOT NULL THEN ' (' || v_doc.counterparty || ')' ELSE '' END), 200),
        'reason', v_ex.kind,
        'lines', jsonb_build_array(jsonb_build_object('part_no', v_part_no, 'quantity', v_ex.quantity::text)));
    IF v_action = 'return' THEN
        v_posted := post_stock_document(v_posting || '{"type": "RS"}');
    ELSIF v_action = 'scrap' THEN
        v_posted := post_stock_document(v_posting || '{"type": "SC"}');
    ELSIF v_ex.kind <> 'short' THEN
        v_posted := post_stock_document(v_posting || jsonb_build_object(
            'type', 'TR', 'to_location', (SELECT code FROM location WHERE id = v_ex.location_id)));
    ELSE
        PERFORM write_audit(p->'actor', p->>'command', 200, p_ex_no, p->>'ref');
    END IF;

    UPDATE stock_exception
       SET state = 'resolved', resolution = v_action, resolution_note = p->>'note',
           resolution_document_id = (SELECT id FROM document WHERE doc_no = v_posted->>'doc_no'),
           resolved_by = p->'actor'->>'user', resolved_uid = (p->'actor'->>'uid')::bigint, resolved_at = now()
     WHERE id = v_ex.id;
    IF p->>'ref' IS NOT NULL THEN
        PERFORM record_request(p->>'ref', p->>'fingerprint', CASE WHEN v_posted IS NULL THEN 200 ELSE 201 END,
                               p_ex_no, p_ex_no, p->'actor'->>'user');
    END IF;
    RETURN exception_json(p_ex_no);
END $$;
