-- Parts requisitions (申请单 / 领料单): a technician's or branch's request for parts, approved
-- by a manager, reserved, issued (fully or partly) through goods issues, the rest back-ordered.

CREATE FUNCTION refuse_requisition_history_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'PS409';
END $$;
CREATE TRIGGER requisition_event_append_only BEFORE UPDATE OR DELETE ON requisition_event
    FOR EACH ROW EXECUTE FUNCTION refuse_requisition_history_change();
CREATE TRIGGER requisition_issue_append_only BEFORE UPDATE OR DELETE ON requisition_issue
    FOR EACH ROW EXECUTE FUNCTION refuse_requisition_history_change();

-- Approved but neither reserved nor issued on open requisitions. A single-SELECT SQL
-- function, so the planner inlines it into a query over many part-locations.
CREATE FUNCTION back_ordered(p_part integer, p_location integer) RETURNS numeric
LANGUAGE sql STABLE AS $$
    SELECT coalesce(sum(l.quantity - l.reserved - l.issued), 0)::numeric(15,3)
      FROM requisition_line l
     WHERE l.part_id = p_part AND l.location_id = p_location AND l.backorder_open
$$;

-- The same quantity for every part-location at once, for the reorder run.
CREATE VIEW back_order_quantity AS
SELECT l.part_id, l.location_id, sum(l.quantity - l.reserved - l.issued)::numeric(15,3) AS quantity
  FROM requisition_line l
 WHERE l.backorder_open
 GROUP BY l.part_id, l.location_id;

-- What one unit of a requisition line is worth to the approver: the location's average cost,
-- or the part's standard cost where the location has never held it.
CREATE FUNCTION requisition_unit_cost(p_part integer, p_location integer) RETURNS numeric
LANGUAGE sql STABLE AS $$
    SELECT coalesce((SELECT nullif(b.avg_cost, 0) FROM stock_balance b WHERE b.part_id = p_part AND b.location_id = p_location),
                    (SELECT p.cost FROM part p WHERE p.id = p_part))
$$;

-- What a requisition is worth to the approver: every line at requisition_unit_cost. The
-- approval limit and `req show` read this one definition.
CREATE FUNCTION requisition_value(p_requisition_id bigint) RETURNS numeric
LANGUAGE sql STABLE AS $$
    SELECT coalesce(sum(round(l.quantity * requisition_unit_cost(l.part_id, l.location_id), 2)), 0)
      FROM requisition_line l WHERE l.requisition_id = p_requisition_id
$$;

-- What is still owed on a requisition: asked for, neither reserved nor issued.
CREATE FUNCTION requisition_outstanding(p_requisition_id bigint) RETURNS numeric
LANGUAGE sql STABLE AS $$
    SELECT coalesce(sum(l.quantity - l.reserved - l.issued), 0)
      FROM requisition_line l WHERE l.requisition_id = p_requisition_id
$$;

-- The requisition's row, locked for the rest of the transaction: two commands on one
-- requisition (two clerks issuing, an approval and a cancellation) run one after the other,
-- and the second sees what the first did. The header lock comes before any balance row.
CREATE FUNCTION requisition_lock(p_req_no text) RETURNS requisition
LANGUAGE plpgsql AS $$
DECLARE
    v_requisition requisition;
BEGIN
    SELECT * INTO v_requisition FROM requisition WHERE req_no = p_req_no FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no requisition %', p_req_no USING ERRCODE = 'PS404';
    END IF;
    RETURN v_requisition;
END $$;

-- Refuses p_action unless the requisition is in one of p_allowed, saying what state it is in
-- and how it got there, so the clerk knows what to do instead.
CREATE FUNCTION requisition_require(p_requisition requisition, p_allowed text[], p_action text) RETURNS void
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_approved_at text := to_char(p_requisition.approved_at, 'YYYY-MM-DD HH24:MI');
    v_approval text := format(' (approved by %s at %s)', p_requisition.approved_by, coalesce(v_approved_at, '?'));
BEGIN
    IF p_requisition.state = ANY (p_allowed) THEN
        RETURN;
    END IF;
    RAISE EXCEPTION 'cannot % %: it %', p_action, p_requisition.req_no, CASE p_requisition.state
        WHEN 'draft' THEN 'is a draft, not submitted'
        WHEN 'submitted' THEN 'is submitted and not approved yet'
        WHEN 'approved' THEN format('was already approved by %s at %s', coalesce(p_requisition.approved_by, '?'),
                                    coalesce(v_approved_at, '?'))
        WHEN 'partly_issued' THEN 'is already approved and partly issued'
                                  || CASE WHEN p_requisition.approved_by IS NOT NULL THEN v_approval ELSE '' END
        WHEN 'issued' THEN 'is already fully issued'
        WHEN 'closed' THEN 'was closed'
        WHEN 'cancelled' THEN 'was cancelled'
        WHEN 'rejected' THEN 'was rejected: ' || coalesce(p_requisition.rejection_reason, 'no reason given')
        ELSE 'is ' || p_requisition.state
        END USING ERRCODE = 'PS409';
END $$;

-- Moves the requisition to p_to and records the event. Reservations must already be
-- released when the new state holds none: the line CHECK (backorder_open OR reserved = 0)
-- refuses otherwise. Only approved and partly issued requisitions have back-orders.
CREATE FUNCTION requisition_move(p_requisition requisition, p_to text, p_actor jsonb, p_note text DEFAULT NULL,
                                 p_rejection_reason text DEFAULT NULL) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_backorder_open boolean := p_to IN ('approved', 'partly_issued');
BEGIN
    UPDATE requisition r
       SET state = p_to,
           finished_at = CASE WHEN s.is_open THEN NULL ELSE now() END,
           approved_by = CASE WHEN p_to = 'approved' THEN p_actor->>'user' ELSE r.approved_by END,
           approved_at = CASE WHEN p_to = 'approved' THEN now() ELSE r.approved_at END,
           rejection_reason = CASE WHEN p_to = 'rejected' THEN p_rejection_reason ELSE r.rejection_reason END
      FROM requisition_state s
     WHERE s.state = p_to AND r.id = p_requisition.id;
    UPDATE requisition_line SET backorder_open = v_backorder_open
     WHERE requisition_id = p_requisition.id AND backorder_open <> v_backorder_open;
    INSERT INTO requisition_event (requisition_id, from_state, to_state, by_user, by_uid, note)
    VALUES (p_requisition.id, p_requisition.state, p_to, p_actor->>'user', (p_actor->>'uid')::bigint, p_note);
END $$;

-- Reserves what is available now for every line's unreserved, unissued quantity, and
-- returns the lines that got something, in part order: [{part_no, quantity}]. The balance
-- rows are locked first, in the one order (lock_balances): what is counted as available
-- stays available until commit. A caller that holds other balance rows already must have
-- locked these with them.
CREATE FUNCTION requisition_reserve_available(p_requisition_id bigint) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_parts integer[];
    v_locations integer[];
    v_reserved jsonb;
BEGIN
    SELECT array_agg(l.part_id), array_agg(l.location_id) INTO v_parts, v_locations
      FROM requisition_line l
     WHERE l.requisition_id = p_requisition_id AND l.quantity - l.reserved - l.issued > 0;
    PERFORM lock_balances(v_parts, v_locations);
    WITH take AS (
        SELECT l.line_no, l.part_id, l.location_id,
               least(b.on_hand - b.reserved, l.quantity - l.reserved - l.issued) AS quantity
          FROM requisition_line l
          JOIN stock_balance b ON b.part_id = l.part_id AND b.location_id = l.location_id
         WHERE l.requisition_id = p_requisition_id AND l.quantity - l.reserved - l.issued > 0
           AND b.on_hand - b.reserved > 0
    ), line AS (
        UPDATE requisition_line l SET reserved = l.reserved + t.quantity
          FROM take t
         WHERE l.requisition_id = p_requisition_id AND l.line_no = t.line_no
    ), balance AS (
        UPDATE stock_balance b SET reserved = b.reserved + t.quantity
          FROM take t
         WHERE b.part_id = t.part_id AND b.location_id = t.location_id
    )
    SELECT coalesce(jsonb_agg(jsonb_build_object('part_no', pt.part_no, 'quantity', t.quantity) ORDER BY t.part_id), '[]')
      INTO v_reserved
      FROM take t JOIN part pt ON pt.id = t.part_id;
    RETURN v_reserved;
END $$;

-- "P-1 3, P-2 1 reserved", or "nothing available to reserve": what
-- requisition_reserve_available returned, for a message.
CREATE FUNCTION reservation_text(p_reserved jsonb) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT coalesce(string_agg(format('%s %s', r.item->>'part_no', qty_text((r.item->>'quantity')::numeric)), ', '
                               ORDER BY r.ordinality) || ' reserved',
                    'nothing available to reserve')
      FROM jsonb_array_elements(p_reserved) WITH ORDINALITY AS r(item, ordinality)
$$;

-- Gives every line's reservation back to available stock, the balance rows locked in the one
-- order; returns how much was released.
CREATE FUNCTION requisition_release(p_requisition_id bigint) RETURNS numeric
LANGUAGE plpgsql AS $$
DECLARE
    v_parts integer[];
    v_locations integer[];
    v_released numeric;
BEGIN
    SELECT array_agg(l.part_id), array_agg(l.location_id), coalesce(sum(l.reserved), 0)
      INTO v_parts, v_locations, v_released
      FROM requisition_line l
     WHERE l.requisition_id = p_requisition_id AND l.reserved > 0;
    PERFORM lock_balances(v_parts, v_locations);
    WITH held AS (
        SELECT l.line_no, l.part_id, l.location_id, l.reserved
          FROM requisition_line l
         WHERE l.requisition_id = p_requisition_id AND l.reserved > 0
    ), line AS (
        UPDATE requisition_line l SET reserved = 0
          FROM held h
         WHERE l.requisition_id = p_requisition_id AND l.line_no = h.line_no
    )
    UPDATE stock_balance b SET reserved = b.reserved - h.reserved
      FROM held h
     WHERE b.part_id = h.part_id AND b.location_id = h.location_id;
    RETURN v_released;
END $$;

-- req new: a submitted requisition for parts from a location; the reply names it.
-- p: {location, requester?, purpose?, needed_by?, lines: [{part_no, quantity}], actor, command, ref?, fingerprint?}
CREATE FUNCTION requisition_new(p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_reply jsonb := request_begin(p);
    v_location location;
    v_requisition requisition;
BEGIN
    IF v_reply IS NOT NULL THEN
        RETURN v_reply;
    END IF;
    v_location := location_named(p->>'location');
    IF (p->>'needed_by')::date < current_date THEN
        RAISE EXCEPTION 'needed=% is in the past', p->>'needed_by' USING ERRCODE = 'PS422';
    END IF;
    INSERT INTO requisition (req_no, location_id, requester, purpose, needed_by, created_by, created_uid, client_ref)
    VALUES (next_doc_no('RQ', current_date), v_location.id, p->>'requester', p->>'purpose', (p->>'needed_by')::date,
            p->'actor'->>'user', (p->'actor'->>'uid')::bigint, p->>'ref')
    RETURNING * INTO v_requisition;
    INSERT INTO requisition_line (requisition_id, line_no, part_id, location_id, quantity)
    SELECT v_requisition.id, l.line_no, l.part_id, v_location.id, l.quantity FROM request_lines(p->'lines') l;
    INSERT INTO requisition_event (requisition_id, from_state, to_state, by_user, by_uid)
    VALUES (v_requisition.id, NULL, v_requisition.state, p->'actor'->>'user', (p->'actor'->>'uid')::bigint);
    RETURN request_end(p, outcome(201, v_requisition.req_no, v_requisition.req_no));
END $$;

-- req approve: approves a submitted requisition and reserves what is available now; the rest
-- is back-ordered. manager_limit (configuration) is the most a manager may approve; an
-- admin's approval is the high-value approval.
-- p: {req_no, manager_limit?, actor, command, ref?, fingerprint?}
CREATE FUNCTION requisition_approve(p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_reply jsonb := request_begin(p);
    v_requisition requisition;
    v_value numeric;
    v_reserved jsonb;
    v_back_ordered numeric;
BEGIN
    IF v_reply IS NOT NULL THEN
        RETURN v_reply;
    END IF;
    v_requisition := requisition_lock(p->>'req_no');
    PERFORM requisition_require(v_requisition, ARRAY['submitted'], 'approve');
    IF p ? 'manager_limit' AND p->'actor'->>'role' = 'manager' THEN
        v_value := requisition_value(v_requisition.id);
        IF v_value > (p->>'manager_limit')::numeric THEN
            RAISE EXCEPTION '% is worth %, above the manager approval limit of %: an admin must approve it',
                v_requisition.req_no, money_text(v_value), money_text((p->>'manager_limit')::numeric)
                USING ERRCODE = 'PS403';
        END IF;
    END IF;
    PERFORM requisition_move(v_requisition, 'approved', p->'actor');
    v_reserved := requisition_reserve_available(v_requisition.id);
    v_back_ordered := requisition_outstanding(v_requisition.id);
    RETURN request_end(p, outcome(200,
        format('%s approved: %s', v_requisition.req_no, reservation_text(v_reserved))
            || CASE WHEN v_back_ordered > 0 THEN format('; %s back-ordered', qty_text(v_back_ordered)) ELSE '' END,
        v_requisition.req_no));
END $$;

-- req reject: a submitted requisition is refused, with the reason; nothing was reserved yet.
-- p: {req_no, reason, actor, command, ref?, fingerprint?}
CREATE FUNCTION requisition_reject(p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_reply jsonb := request_begin(p);
    v_requisition requisition;
BEGIN
    IF v_reply IS NOT NULL THEN
        RETURN v_reply;
    END IF;
    v_requisition := requisition_lock(p->>'req_no');
    PERFORM requisition_require(v_requisition, ARRAY['submitted'], 'reject');
    PERFORM requisition_move(v_requisition, 'rejected', p->'actor', p->>'reason', p->>'reason');
    RETURN request_end(p, outcome(200, format('%s rejected: %s', v_requisition.req_no, p->>'reason'), v_requisition.req_no));
END $$;

-- req cancel: an open requisition is cancelled and what it still holds reserved released.
-- p: {req_no, actor, command, ref?, fingerprint?}
CREATE FUNCTION requisition_cancel(p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_reply jsonb := request_begin(p);
    v_requisition requisition;
    v_released numeric;
BEGIN
    IF v_reply IS NOT NULL THEN
        RETURN v_reply;
    END IF;
    v_requisition := requisition_lock(p->>'req_no');
    PERFORM requisition_require(v_requisition, ARRAY['draft', 'submitted', 'approved', 'partly_issued'], 'cancel');
    v_released := requisition_release(v_requisition.id);
    PERFORM requisition_move(v_requisition, 'cancelled', p->'actor');
    RETURN request_end(p, outcome(200,
        v_requisition.req_no || ' cancelled'
            || CASE WHEN v_released > 0 THEN format(': %s released from reservation', qty_text(v_released)) ELSE '' END,
        v_requisition.req_no));
END $$;

-- req close: a partly issued requisition is closed; what was not issued is no longer owed,
-- its reservation is released and its back-order dropped.
-- p: {req_no, actor, command, ref?, fingerprint?}
CREATE FUNCTION requisition_close(p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_reply jsonb := request_begin(p);
    v_requisition requisition;
    v_released numeric;
    v_dropped numeric;
BEGIN
    IF v_reply IS NOT NULL THEN
        RETURN v_reply;
    END IF;
    v_requisition := requisition_lock(p->>'req_no');
    IF v_requisition.state = 'approved' THEN
        RAISE EXCEPTION 'cannot close %: nothing was issued on it yet; cancel it instead', v_requisition.req_no
            USING ERRCODE = 'PS409';
    END IF;
    PERFORM requisition_require(v_requisition, ARRAY['partly_issued'], 'close');
    v_dropped := requisition_outstanding(v_requisition.id);
    v_released := requisition_release(v_requisition.id);
    PERFORM requisition_move(v_requisition, 'closed', p->'actor');
    RETURN request_end(p, outcome(200,
        format('%s closed: %s released from reservation, %s back-order dropped',
               v_requisition.req_no, qty_text(v_released), qty_text(v_dropped)),
        v_requisition.req_no));
END $$;

-- req issue: a goods issue against an approved requisition. What is issued is taken from
-- the line's reservation first (released, then issued), beyond it from what is available;
-- the GI is posted through post_stock_document with the requisition as its counterparty,
-- the issued quantities are booked on the lines and the state moves on. Without lines,
-- everything reserved is issued. A serialised part is issued by naming its units, several
-- lines of one requisition line. The reply is the GI.
-- p: {req_no, lines?: [{part_no, quantity, serial?}], actor, command, ref?, fingerprint?}
CREATE FUNCTION requisition_issue(p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_reply jsonb := request_begin(p);
    v_requisition requisition;
    v_issue jsonb;
    v_asked record;
    v_line record;
    v_asking numeric;
    v_parts integer[];
    v_locations integer[];
    v_document jsonb;
BEGIN
    IF v_reply IS NOT NULL THEN
        RETURN v_reply;
    END IF;
    v_requisition := requisition_lock(p->>'req_no');
    PERFORM requisition_require(v_requisition, ARRAY['approved', 'partly_issued'], 'issue');

    -- What to issue per line, in the order the GI lists it: [{line_no, part_no, quantity}].
    IF p->'lines' IS NULL THEN
        SELECT jsonb_agg(jsonb_build_object('line_no', l.line_no, 'part_no', pt.part_no, 'quantity', l.reserved)
                         ORDER BY l.line_no)
          INTO v_issue
          FROM requisition_line l JOIN part pt ON pt.id = l.part_id
         WHERE l.requisition_id = v_requisition.id AND l.reserved > 0;
        IF v_issue IS NULL THEN
            RAISE EXCEPTION 'nothing is reserved on % to issue: it is back-ordered; req fill reserves stock that has arrived, or name the lines to issue from what is available',
                v_requisition.req_no USING ERRCODE = 'PS409';
        END IF;
    ELSE
        v_issue := '[]';
        FOR v_asked IN
            SELECT a.item->>'part_no' AS part_no, a.item->>'serial' AS serial, (a.item->>'quantity')::numeric AS quantity
              FROM jsonb_array_elements(p->'lines') WITH ORDINALITY AS a(item, ordinality)
             ORDER BY a.ordinality
        LOOP
            SELECT l.line_no, l.quantity - l.issued AS outstanding INTO v_line
              FROM requisition_line l JOIN part pt ON pt.id = l.part_id
             WHERE l.requisition_id = v_requisition.id AND pt.part_no = v_asked.part_no;
            IF NOT FOUND THEN
                RAISE EXCEPTION '% is not on %: its lines are %', v_asked.part_no, v_requisition.req_no,
                    (SELECT string_agg(pt.part_no, ', ' ORDER BY l.line_no)
                       FROM requisition_line l JOIN part pt ON pt.id = l.part_id
                      WHERE l.requisition_id = v_requisition.id)
                    USING ERRCODE = 'PS409';
            END IF;
            -- The units of one line count together.
            v_asking := v_asked.quantity + coalesce((SELECT sum((i.item->>'quantity')::numeric) FROM jsonb_array_elements(v_issue) i(item)
                                                      WHERE (i.item->>'line_no')::integer = v_line.line_no), 0);
            IF v_asking > v_line.outstanding THEN
                RAISE EXCEPTION '% on % has % left to issue, % asked', v_asked.part_no, v_requisition.req_no,
                    qty_text(v_line.outstanding), qty_text(v_asking) USING ERRCODE = 'PS409';
            END IF;
            v_issue := v_issue || jsonb_build_array(jsonb_build_object(
                'line_no', v_line.line_no, 'part_no', v_asked.part_no, 'quantity', v_asked.quantity)
                || CASE WHEN v_asked.serial IS NOT NULL THEN jsonb_build_object('serial', v_asked.serial) ELSE '{}' END);
        END LOOP;
    END IF;

    -- The balance rows first, in the one order; then each line gives back what it held for
    -- the quantity issued, so the GI can take it.
    SELECT array_agg(l.part_id), array_agg(l.location_id) INTO v_parts, v_locations
      FROM requisition_line l
      JOIN jsonb_array_elements(v_issue) i(item) ON (i.item->>'line_no')::integer = l.line_no
     WHERE l.requisition_id = v_requisition.id;
    PERFORM lock_balances(v_parts, v_locations);
    WITH issue AS (
        SELECT l.line_no, l.part_id, l.location_id, i.quantity, least(i.quantity, l.reserved) AS released
          FROM requisition_line l
          JOIN (SELECT (item->>'line_no')::integer AS line_no, sum((item->>'quantity')::numeric) AS quantity
                  FROM jsonb_array_elements(v_issue) AS item GROUP BY 1) i ON i.line_no = l.line_no
         WHERE l.requisition_id = v_requisition.id
    ), line AS (
        UPDATE requisition_line l
           SET reserved = l.reserved - i.released, issued = l.issued + i.quantity,
               fully_issued_at = CASE WHEN l.issued + i.quantity = l.quantity THEN now() END
          FROM issue i
         WHERE l.requisition_id = v_requisition.id AND l.line_no = i.line_no
    )
    UPDATE stock_balance b SET reserved = b.reserved - i.released
      FROM issue i
     WHERE b.part_id = i.part_id AND b.location_id = i.location_id AND i.released > 0;

    v_document := post_stock_document(p || jsonb_build_object(
        'type', 'GI',
        'location', (SELECT code FROM location WHERE id = v_requisition.location_id),
        'counterparty', v_requisition.req_no,
        'note', nullif(concat_ws(', ', 'for ' || v_requisition.purpose, 'requested by ' || v_requisition.requester), ''),
        'lines', (SELECT jsonb_agg(i.item - 'line_no' ORDER BY i.ordinality)
                    FROM jsonb_array_elements(v_issue) WITH ORDINALITY AS i(item, ordinality))));
    INSERT INTO requisition_issue (requisition_id, document_id)
    SELECT v_requisition.id, d.id FROM document d WHERE d.doc_no = v_document->>'doc_no';
    PERFORM requisition_move(v_requisition,
        CASE WHEN (SELECT bool_and(l.issued = l.quantity) FROM requisition_line l WHERE l.requisition_id = v_requisition.id)
             THEN 'issued' ELSE 'partly_issued' END,
        p->'actor', v_document->>'doc_no');
    RETURN request_end(p, document_reply(v_document));
END $$;

-- req fill: stock that arrived after approval goes to the back-orders. With req_no, one
-- requisition's; without, every open requisition's with a back-order (at location, when
-- given), oldest approval first: the technician who has waited longest gets the stock.
-- p: {req_no?, location?, actor, command, ref?, fingerprint?}
CREATE FUNCTION requisition_fill(p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_reply jsonb := request_begin(p);
    v_requisition requisition;
    v_before numeric;
    v_after numeric;
    v_reserved jsonb;
    v_waiting bigint[];
    v_parts integer[];
    v_locations integer[];
    v_filled text[] := '{}';
BEGIN
    IF v_reply IS NOT NULL THEN
        RETURN v_reply;
    END IF;
    IF p ? 'req_no' THEN
        v_requisition := requisition_lock(p->>'req_no');
        PERFORM requisition_require(v_requisition, ARRAY['approved', 'partly_issued'], 'fill');
        v_before := requisition_outstanding(v_requisition.id);
        IF v_before <= 0 THEN
            RETURN request_end(p, outcome(200, v_requisition.req_no || ' has nothing back-ordered', v_requisition.req_no));
        END IF;
        v_reserved := requisition_reserve_available(v_requisition.id);
        v_after := requisition_outstanding(v_requisition.id);
        RETURN request_end(p, outcome(200,
            format('%s: %s', v_requisition.req_no, reservation_text(v_reserved))
                || CASE WHEN v_after > 0 THEN format('; %s still back-ordered', qty_text(v_after)) ELSE '; back-order filled' END,
            v_requisition.req_no));
    END IF;

    IF p ? 'location' THEN
        PERFORM location_named(p->>'location');
    END IF;
    SELECT array_agg(r.id ORDER BY r.approved_at, r.id) INTO v_waiting
      FROM requisition r JOIN location loc ON loc.id = r.location_id
     WHERE r.state IN ('approved', 'partly_issued') AND (NOT p ? 'location' OR loc.code = p->>'location')
       AND EXISTS (SELECT 1 FROM requisition_line l
                    WHERE l.requisition_id = r.id AND l.backorder_open AND l.quantity > l.reserved + l.issued);
    -- Every header row before any balance row, then every balance row the fills may take from,
    -- in the one order: filling one requisition after another must not lock out of order.
    PERFORM 1 FROM requisition WHERE id = ANY (v_waiting) ORDER BY id FOR UPDATE;
    SELECT array_agg(l.part_id), array_agg(l.location_id) INTO v_parts, v_locations
      FROM requisition_line l
     WHERE l.requisition_id = ANY (v_waiting) AND l.quantity - l.reserved - l.issued > 0;
    PERFORM lock_balances(v_parts, v_locations);
    FOR v_requisition IN
        SELECT * FROM requisition WHERE id = ANY (v_waiting) ORDER BY approved_at, id
    LOOP
        -- Another command may have changed it between the list and the lock.
        CONTINUE WHEN v_requisition.state NOT IN ('approved', 'partly_issued');
        v_reserved := requisition_reserve_available(v_requisition.id);
        IF jsonb_array_length(v_reserved) > 0 THEN
            v_filled := v_filled || format('%s (%s)', v_requisition.req_no, reservation_text(v_reserved));
        END IF;
    END LOOP;
    RETURN request_end(p, outcome(200, CASE WHEN cardinality(v_filled) = 0
        THEN format('no back-order could be filled: %s waiting, nothing available for them', coalesce(cardinality(v_waiting), 0))
        ELSE format('filled %s of %s back-ordered requisitions: %s', cardinality(v_filled), cardinality(v_waiting),
                    array_to_string(v_filled, '; '))
        END));
END $$;
