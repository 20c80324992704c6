-- Parts exceptions (配件异常处理): raised against receipts, transfers and counts, held in quarantine, resolved.
-- Damaged, wrong part, short or over delivery, count discrepancy, recorded against a posted
-- receipt (GR), transfer (TR) or count (AD). The affected quantity waits in a quarantine
-- location until a manager resolves it: back to the supplier (RS), scrapped (SC) or accepted
-- into stock (TR back).
--
-- A short delivery never arrived, so nothing can be moved to quarantine: the books of the
-- receiving location hold parts that are not there. Its resolutions act on that location:
-- return (a claim on the supplier) and scrap (written off) book the missing quantity out of
-- it with an RS or SC document; accept (it turned up after all) posts nothing.
--
-- The documents an exception posts are its own, not the request's: they carry no ref, and
-- the request's one audit row and its ref name the exception.

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
        'resolution_document', (SELECT document_json(rd.doc_no) FROM document rd WHERE rd.id = e.resolution_document_id))
      FROM stock_exception e
      JOIN document d ON d.id = e.document_id
      JOIN document_line dl ON dl.document_id = e.document_id AND dl.line_no = e.line_no
      JOIN part p ON p.id = dl.part_id
      JOIN location l ON l.id = e.location_id
      LEFT JOIN location q ON q.id = e.quarantine_id
     WHERE e.ex_no = p_ex_no);
END $$;

-- The reply of exception new and resolve: the exception as it is now.
CREATE FUNCTION exception_reply(p_code integer, p_ex_no text) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT outcome(p_code, p_ex_no, p_ex_no) || jsonb_build_object('exception', exception_json(p_ex_no))
$$;

-- The quarantine location to use: the one named, else the only one there is, else a new one
-- called QUARANTINE. With several and none named the clerk must choose.
CREATE FUNCTION quarantine_location(p_code text) RETURNS location
LANGUAGE sql AS $$ SELECT location_of_kind('quarantine', p_code, 'quarantine', 'QUARANTINE', 'Quarantine 隔离区') $$;

-- exception new: an exception against document p.doc_no and, but for a short delivery, the
-- quantity moved into quarantine with a TR.
-- p: {doc_no, part_no, quantity, kind, note?, quarantine?, actor, command, ref?, fingerprint?}
CREATE FUNCTION exception_raise(p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_reply jsonb := request_begin(p);
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
    IF v_reply IS NOT NULL THEN
        RETURN v_reply;
    END IF;
    v_doc := document_locked(p->>'doc_no');
    IF v_doc.doc_type NOT IN ('GR', 'TR', 'AD') THEN
        RAISE EXCEPTION '% is a % document: exceptions are raised against a receipt (GR), transfer (TR) or count (AD)',
            v_doc.doc_no, v_doc.doc_type USING ERRCODE = 'PS409';
    END IF;
    IF v_kind IN ('short', 'over') AND v_doc.doc_type = 'AD' THEN
        RAISE EXCEPTION '% is a delivery exception: % is a count; use kind=count', v_kind, v_doc.doc_no USING ERRCODE = 'PS409';
    END IF;
    IF v_kind = 'count' AND v_doc.doc_type <> 'AD' THEN
        RAISE EXCEPTION 'kind=count is raised against a count (AD), % is a %: use kind=short or kind=over',
            v_doc.doc_no, v_doc.doc_type USING ERRCODE = 'PS409';
    END IF;
    v_part := part_named(p->>'part_no');
    -- A quarantine holds a quantity, and a serialised part's stock is its named units.
    IF v_part.serialized THEN
        RAISE EXCEPTION '% is serialised: an exception moves a quantity, not named units; send a damaged unit to its vendor with repair new, write off a wrong or missing one with unit scrap, and receive a unit that came over with its serial',
            v_part.part_no USING ERRCODE = 'PS422';
    END IF;
    -- What physically came with the document: on a count what was counted, else the quantity moved.
    SELECT min(line_no), sum(CASE WHEN v_doc.doc_type = 'AD' THEN counted ELSE quantity END)
      INTO v_line_no, v_bound
      FROM document_line WHERE document_id = v_doc.id AND part_id = v_part.id;
    IF v_line_no IS NULL THEN
        RAISE EXCEPTION '% is not on %', v_part.part_no, v_doc.doc_no USING ERRCODE = 'PS409';
    END IF;
    SELECT coalesce(sum(e.quantity), 0) INTO v_raised
      FROM stock_exception e JOIN document_line dl ON dl.document_id = e.document_id AND dl.line_no = e.line_no
     WHERE e.document_id = v_doc.id AND dl.part_id = v_part.id;
    IF v_qty > v_bound - v_raised THEN
        RAISE EXCEPTION '% has % of % and % is under exception already: at most % more',
            v_doc.doc_no, trim_scale(v_bound), v_part.part_no, trim_scale(v_raised),
            trim_scale(greatest(v_bound - v_raised, 0)) USING ERRCODE = 'PS409';
    END IF;

    SELECT * INTO v_location FROM location
     WHERE id = CASE WHEN v_doc.doc_type = 'TR' THEN v_doc.to_location_id ELSE v_doc.location_id END;
    IF v_location.kind = 'quarantine' THEN
        RAISE EXCEPTION '% put % into quarantine location % already', v_doc.doc_no, v_part.part_no, v_location.code
            USING ERRCODE = 'PS409';
    END IF;
    v_ex_no := next_doc_no('EX', current_date);
    IF v_kind <> 'short' THEN
        v_quarantine := quarantine_location(p->>'quarantine');
        v_moved := post_stock_document((p - 'ref') || jsonb_build_object(
            'type', 'TR', 'location', v_location.code, 'to_location', v_quarantine.code,
            'counterparty', format('%s %s on %s', v_ex_no, v_kind, v_doc.doc_no),
            'lines', jsonb_build_array(jsonb_build_object('part_no', v_part.part_no, 'quantity', v_qty::text))));
    END IF;

    INSERT INTO stock_exception (ex_no, document_id, line_no, quantity, kind, note, location_id, quarantine_id,
                                 quarantine_document_id, raised_by, raised_uid)
    VALUES (v_ex_no, v_doc.id, v_line_no, v_qty, v_kind, p->>'note', v_location.id, v_quarantine.id,
            (SELECT id FROM document WHERE doc_no = v_moved->>'doc_no'),
            p->'actor'->>'user', (p->'actor'->>'uid')::bigint);
    RETURN request_end(p, exception_reply(201, v_ex_no));
END $$;

-- exception resolve: resolves open exception p.ex_no and posts what the resolution means
-- (see the top of this file).
-- p: {ex_no, action: return|scrap|accept, note?, actor, command, ref?, fingerprint?}
CREATE FUNCTION exception_resolve(p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_reply jsonb := request_begin(p);
    v_ex stock_exception;
    v_action text := p->>'action';
    v_doc document;
    v_part_no text;
    v_from text;
    v_posting jsonb;
    v_posted jsonb;
BEGIN
    IF v_reply IS NOT NULL THEN
        RETURN v_reply;
    END IF;
    -- The exception's row lock: of two managers resolving it at once the second waits, then
    -- finds it resolved.
    SELECT * INTO v_ex FROM stock_exception WHERE ex_no = p->>'ex_no' FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown exception %', p->>'ex_no' USING ERRCODE = 'PS404';
    END IF;
    IF v_ex.state = 'resolved' THEN
        RAISE EXCEPTION '% was already resolved (%) by % at %: nothing changed', v_ex.ex_no, v_ex.resolution,
            v_ex.resolved_by, to_char(v_ex.resolved_at, 'YYYY-MM-DD HH24:MI:SS') USING ERRCODE = 'PS409';
    END IF;
    PERFORM check_choice('action', v_action, ARRAY['return', 'scrap', 'accept']);

    SELECT * INTO v_doc FROM document WHERE id = v_ex.document_id;
    SELECT pt.part_no INTO v_part_no FROM document_line dl JOIN part pt ON pt.id = dl.part_id
     WHERE dl.document_id = v_ex.document_id AND dl.line_no = v_ex.line_no;
    -- A short delivery never reached quarantine: its books are corrected where it was received.
    v_from := (SELECT code FROM location WHERE id = coalesce(v_ex.quarantine_id, v_ex.location_id));
    v_posting := (p - 'ref' - 'action') || jsonb_build_object(
        'location', v_from,
        'counterparty', left(format('%s %s on %s%s', v_ex.ex_no, v_ex.kind, v_doc.doc_no,
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
    END IF;

    UPDATE stock_exception
       SET state = 'resolved', resolution = v_action, resolution_note = p->>'note',
           resolution_document_id = (SELECT id FROM document WHERE doc_no = v_posted->>'doc_no'),
           resolved_by = p->'actor'->>'user', resolved_uid = (p->'actor'->>'uid')::bigint, resolved_at = now()
     WHERE id = v_ex.id;
    -- Accepting a short delivery posts nothing: 200, not 201.
    RETURN request_end(p, exception_reply(CASE WHEN v_posted IS NULL THEN 200 ELSE 201 END, v_ex.ex_no));
END $$;
