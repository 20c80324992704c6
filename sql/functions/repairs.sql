-- Return-for-repair (配件返修, issue 10): repair orders RO-YEAR-SEQUENCE. A unit (or a
-- quantity of an unserialised part) ships to a repair vendor on a posted document, goes
-- through the vendor's steps (acknowledged, quoted, authorized or declined), each with who and
-- when, and comes back repaired, unrepaired or replaced, or is scrapped. An on-hold overlay
-- stops the turnaround clock.
--
-- Values (docs/protocol.md, "Return-for-repair"): a unit is worth stock value only while it is
-- serviceable stock. A serviceable unit of ours leaves stock at its average cost when it ships
-- (RV); anything else that ships (an unserviceable core, a customer's unit) had no stock value
-- and is only recorded (VD). What comes back serviceable and ours is received at its repair
-- cost (RR), which averages into the location's cost; what comes back unserviceable, or a
-- customer's, is recorded (VR); a scrapped unit leaves our books with an SX.

CREATE TRIGGER repair_event_append_only BEFORE UPDATE OR DELETE ON repair_event
    FOR EACH ROW EXECUTE FUNCTION refuse_requisition_history_change();

-- Days an order was on hold between two days: the turnaround clock stands still then.
CREATE FUNCTION repair_hold_days(p_order_id bigint, p_from date, p_to date) RETURNS integer
LANGUAGE sql STABLE AS $$
    SELECT coalesce(sum(greatest(0, least(coalesce(h.resumed_at::date, p_to), p_to) - greatest(h.held_at::date, p_from))), 0)::integer
      FROM repair_hold h WHERE h.repair_order_id = p_order_id
$$;

-- Past its promised date on p_on: the promise moves back by the days the order was on hold.
CREATE FUNCTION repair_late_days(p_order repair_order, p_on date) RETURNS integer
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN p_order.state <> 'returned' AND p_order.promised IS NOT NULL THEN
                greatest(0, p_on - p_order.promised - repair_hold_days(p_order.id, p_order.shipped_at::date, p_on)) END
$$;

-- Each order's turnaround in days, in total and per step, without the days on hold; the
-- steps run from one recorded milestone to the next (shipped, acknowledged, quoted and
-- decided, sent back, returned), so a milestone never recorded leaves its step unmeasured
-- and the next step starts at the last one that was. report repair reads this one definition.
CREATE VIEW repair_turnaround AS
SELECT r.id, r.ro_no, r.vendor_id, r.part_id, r.origin, r.quantity, r.shipped_at, r.returned_at, r.outcome, r.cost,
       r.promised, r.beyond_repair OR r.outcome = 'scrapped' AS beyond_repair,
       r.outcome = 'unrepaired' AND r.decision IS DISTINCT FROM 'declined' AS no_fault_found,
       span.total AS total_days, span.to_vendor AS to_vendor_days, span.quote AS quote_days,
       span.repair AS repair_days, span.back AS back_days,
       CASE WHEN m.returned IS NOT NULL AND r.promised IS NOT NULL
            THEN m.returned <= r.promised + repair_hold_days(r.id, m.shipped, m.returned) END AS on_time
  FROM repair_order r
 CROSS JOIN LATERAL (SELECT r.shipped_at::date AS shipped, r.acknowledged_at::date AS acknowledged,
                            r.quoted_at::date AS quoted, coalesce(r.decided_at, r.quoted_at)::date AS decided,
                            r.sent_back_on AS sent_back, r.returned_at::date AS returned) m
 CROSS JOIN LATERAL (SELECT
        m.returned - m.shipped - repair_hold_days(r.id, m.shipped, m.returned) AS total,
        m.acknowledged - m.shipped - repair_hold_days(r.id, m.shipped, m.acknowledged) AS to_vendor,
        m.decided - coalesce(m.acknowledged, m.shipped)
            - repair_hold_days(r.id, coalesce(m.acknowledged, m.shipped), m.decided) AS quote,
        coalesce(m.sent_back, m.returned) - coalesce(m.decided, m.acknowledged, m.shipped)
            - repair_hold_days(r.id, coalesce(m.decided, m.acknowledged, m.shipped), coalesce(m.sent_back, m.returned)) AS repair,
        CASE WHEN m.sent_back IS NOT NULL THEN m.returned - m.sent_back - repair_hold_days(r.id, m.sent_back, m.returned) END AS back
    ) span;

-- What the order's unit (or quantity) is worth new, at the part's standard cost: the price a
-- quote is measured against for beyond economic repair.
CREATE FUNCTION repair_price(p_order repair_order) RETURNS numeric
LANGUAGE sql STABLE AS $$ SELECT round(p.cost * p_order.quantity, 2) FROM part p WHERE p.id = p_order.part_id $$;

-- A repair order as every reply and `repair show` give it.
CREATE FUNCTION repair_order_json(p_id bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'ro_no', r.ro_no, 'state', r.state, 'part_no', p.part_no, 'description', p.description, 'unit', p.unit,
        'serial', u.serial, 'quantity', r.quantity::text, 'location', l.code, 'vendor', s.code, 'vendor_name', s.name,
        'origin', r.origin, 'customer', r.customer, 'fault', r.fault, 'promised', r.promised::text,
        'vendor_rma', r.vendor_rma, 'value_out', r.value_out::text, 'quote', r.quote::text,
        'price', repair_price(r)::text, 'beyond_repair', r.beyond_repair, 'decision', r.decision,
        'outcome', r.outcome, 'cost', r.cost::text, 'return_location', rl.code, 'replacement_serial', n.serial,
        'shipped_at', r.shipped_at::text, 'shipped_by', r.shipped_by,
        'acknowledged_at', r.acknowledged_at::text, 'acknowledged_by', r.acknowledged_by,
        'quoted_at', r.quoted_at::text, 'quoted_by', r.quoted_by, 'decided_at', r.decided_at::text, 'decided_by', r.decided_by,
        'sent_back_on', r.sent_back_on::text, 'returned_at', r.returned_at::text, 'returned_by', r.returned_by,
        'dispatch_doc', dd.doc_no, 'return_doc', rd.doc_no,
        'on_hold', h.reason, 'held_since', h.held_at::text,
        'hold_days', repair_hold_days(r.id, r.shipped_at::date, coalesce(r.returned_at::date, current_date)),
        'days_at_vendor', coalesce(r.returned_at::date, current_date) - r.shipped_at::date,
        'late_days', repair_late_days(r, current_date), 'overdue_since', r.overdue_since::text,
        'events', (SELECT jsonb_agg(jsonb_build_object('at', e.at::text, 'from', e.from_state, 'to', e.to_state,
                                                       'by', e.by_user, 'note', e.note) ORDER BY e.id)
                     FROM repair_event e WHERE e.repair_order_id = r.id),
        'holds', coalesce((SELECT jsonb_agg(jsonb_build_object('held_at', x.held_at::text, 'held_by', x.held_by,
                                                               'reason', x.reason, 'resumed_at', x.resumed_at::text,
                                                               'resumed_by', x.resumed_by) ORDER BY x.held_at)
                             FROM repair_hold x WHERE x.repair_order_id = r.id), '[]'::jsonb))
      FROM repair_order r
      JOIN part p ON p.id = r.part_id
      JOIN location l ON l.id = r.location_id
      JOIN supplier s ON s.id = r.vendor_id
      JOIN document dd ON dd.id = r.dispatch_document_id
      LEFT JOIN unit u ON u.id = r.unit_id
      LEFT JOIN unit n ON n.id = r.replacement_unit_id
      LEFT JOIN location rl ON rl.id = r.return_location_id
      LEFT JOIN document rd ON rd.id = r.return_document_id
      LEFT JOIN repair_hold h ON h.repair_order_id = r.id AND h.resumed_at IS NULL
     WHERE r.id = p_id
$$;

-- The reply of a step: 201 with the document it posted, else 200; the order after it.
CREATE FUNCTION repair_reply(p_order_id bigint, p_message text, p_document jsonb DEFAULT NULL) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT record_reply(r.ro_no, p_message, 'repair_order', repair_order_json(r.id), p_document)
      FROM repair_order r WHERE r.id = p_order_id
$$;

-- The order's row, locked for the rest of the transaction: the steps of one order run one
-- after the other, and the header comes before any balance or unit row.
CREATE FUNCTION repair_order_lock(p_ro_no text) RETURNS repair_order
LANGUAGE plpgsql AS $$
DECLARE
    v_order repair_order;
BEGIN
    SELECT * INTO v_order FROM repair_order WHERE ro_no = p_ro_no FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown repair order %', p_ro_no USING ERRCODE = 'PS404';
    END IF;
    RETURN v_order;
END $$;

-- Refuses p_action on the order, saying where it stands so the clerk knows what comes next.
CREATE FUNCTION repair_refusal(p_order repair_order, p_action text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'cannot % %: %', p_action, p_order.ro_no, CASE p_order.state
        WHEN 'shipped' THEN 'it is shipped to the vendor and has no quote yet'
        WHEN 'acknowledged' THEN 'the vendor acknowledged it and has not quoted yet'
        WHEN 'quoted' THEN format('its quote of %s waits for a decision: repair authorize or repair decline', money_text(p_order.quote))
        WHEN 'authorized' THEN format('its quote was authorized by %s at %s; the vendor is repairing it', p_order.decided_by,
                                      to_char(p_order.decided_at, 'YYYY-MM-DD HH24:MI'))
        WHEN 'declined' THEN format('its quote was declined by %s at %s; it comes back unrepaired or is scrapped',
                                    p_order.decided_by, to_char(p_order.decided_at, 'YYYY-MM-DD HH24:MI'))
        ELSE format('it was returned (%s) by %s at %s', p_order.outcome, p_order.returned_by,
                    to_char(p_order.returned_at, 'YYYY-MM-DD HH24:MI'))
        END USING ERRCODE = 'PS409';
END $$;

-- Records the step to p_to, when that is a transition the order has. The caller moves the
-- state in the same UPDATE as the step's own columns, so the table's CHECKs see them together.
CREATE FUNCTION repair_step(p_order repair_order, p_to text, p_action text, p jsonb, p_note text DEFAULT NULL) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM repair_transition WHERE from_state = p_order.state AND to_state = p_to) THEN
        PERFORM repair_refusal(p_order, p_action);
    END IF;
    INSERT INTO repair_event (repair_order_id, from_state, to_state, by_user, by_uid, note)
    VALUES (p_order.id, p_order.state, p_to, p->'actor'->>'user', (p->'actor'->>'uid')::bigint, p_note);
END $$;

-- repair new: a repair order, and the unit shipped from the location to the vendor in the
-- same transaction: an RV out of stock for a serviceable unit of ours (or a quantity of an
-- unserialised part), a VD for what is no stock (an unserviceable unit, a customer's). A
-- customer's unit seen for the first time is tracked from here on. The promised date is the
-- one given, else today plus the vendor's lead days.
-- p: {location, part_no, serial?, quantity?, vendor, fault, promised?, origin?, customer?, rma?,
--     actor, command, ref?, fingerprint?}
CREATE FUNCTION repair_new(p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_reply jsonb := request_begin(p);
    v_location location;
    v_vendor supplier;
    v_part part;
    v_unit unit;
    v_origin text := coalesce(p->>'origin', 'stock');
    v_quantity numeric := coalesce((p->>'quantity')::numeric, 1);
    v_promised date;
    v_ro_no text;
    v_stock boolean;
    v_posting jsonb;
    v_document jsonb;
    v_order_id bigint;
BEGIN
    IF v_reply IS NOT NULL THEN
        RETURN v_reply;
    END IF;
    v_location := refuse_in_transit(location_named(p->>'location'));
    SELECT * INTO v_vendor FROM supplier WHERE code = p->>'vendor';
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown vendor %: a repair vendor is a supplier (supplier add)', p->>'vendor' USING ERRCODE = 'PS404';
    END IF;
    v_part := part_named(p->>'part_no');
    PERFORM check_choice('origin', v_origin, ARRAY['stock', 'customer', 'exchange', 'warranty']);
    IF v_origin = 'customer' AND p->>'customer' IS NULL THEN
        RAISE EXCEPTION 'origin=customer needs customer=<who>: a customer''s unit is tracked for them' USING ERRCODE = 'PS422';
    END IF;
    IF v_part.serialized AND NOT p ? 'serial' THEN
        RAISE EXCEPTION '% is serialised: name the unit as %#<serial>', v_part.part_no, v_part.part_no USING ERRCODE = 'PS422';
    ELSIF NOT v_part.serialized AND p ? 'serial' THEN
        RAISE EXCEPTION '% is not serialised: give %:<qty>', v_part.part_no, v_part.part_no USING ERRCODE = 'PS422';
    END IF;
    PERFORM check_unit_decimals(v_part.part_no, v_part.unit, (SELECT decimals FROM unit_of_measure WHERE code = v_part.unit), v_quantity);
    v_promised := coalesce((p->>'promised')::date, current_date + v_vendor.lead_days);
    IF v_promised < current_date THEN
        RAISE EXCEPTION 'promised date % is in the past', v_promised USING ERRCODE = 'PS422';
    END IF;

    -- The balance row, then the unit: the one lock order.
    PERFORM lock_balances(ARRAY[v_part.id], ARRAY[v_location.id]);
    v_stock := v_origin <> 'customer';
    IF p ? 'serial' THEN
        SELECT * INTO v_unit FROM unit WHERE part_id = v_part.id AND serial = p->>'serial' FOR UPDATE;
        IF NOT FOUND AND v_origin <> 'customer' THEN
            RAISE EXCEPTION 'unknown unit %#%: receive it first (receive % %#%@<cost>), or send a customer''s unit with origin=customer customer=<who>',
                v_part.part_no, p->>'serial', v_location.code, v_part.part_no, p->>'serial' USING ERRCODE = 'PS404';
        ELSIF NOT FOUND THEN
            INSERT INTO unit (part_id, serial, owner, owner_name, place, vendor_id, condition)
            VALUES (v_part.id, p->>'serial', 'customer', p->>'customer', 'vendor', v_vendor.id, 'at_vendor')
            RETURNING * INTO v_unit;
        ELSIF v_unit.place <> 'location' OR v_unit.location_id <> v_location.id THEN
            RAISE EXCEPTION '%#% is not at %: it is %', v_part.part_no, v_unit.serial, v_location.code, unit_where(v_unit)
                USING ERRCODE = 'PS409';
        ELSIF v_unit.owner = 'customer' AND v_origin <> 'customer' THEN
            RAISE EXCEPTION '%#% is customer %''s unit: send it with origin=customer customer=<who>',
                v_part.part_no, v_unit.serial, v_unit.owner_name USING ERRCODE = 'PS409';
        ELSIF v_unit.owner <> 'customer' AND v_origin = 'customer' THEN
            RAISE EXCEPTION '%#% is the site''s own unit: origin=customer is for a customer''s', v_part.part_no, v_unit.serial
                USING ERRCODE = 'PS409';
        ELSE
            v_stock := v_unit.owner = 'site' AND v_unit.condition = 'serviceable';
        END IF;
    END IF;

    v_ro_no := next_doc_no('RO', current_date);
    v_posting := p || jsonb_build_object(
        'location', v_location.code, 'counterparty', format('%s to %s', v_ro_no, v_vendor.code),
        'lines', jsonb_build_array(jsonb_build_object('part_no', v_part.part_no, 'quantity', v_quantity::text)
                                   || CASE WHEN p ? 'serial' THEN jsonb_build_object('serial', v_unit.serial) ELSE '{}' END));
    IF v_stock THEN
        v_document := post_stock_document(v_posting || '{"type": "RV"}');
    ELSE
        UPDATE unit SET place = 'vendor', location_id = NULL, vendor_id = v_vendor.id, condition = 'at_vendor', moved_at = now()
         WHERE id = v_unit.id AND place = 'location';
        v_document := post_record_document(v_posting || '{"type": "VD"}');
    END IF;

    INSERT INTO repair_order (ro_no, part_id, unit_id, quantity, location_id, vendor_id, origin, customer, fault, promised,
                              vendor_rma, value_out, shipped_by, dispatch_document_id)
    SELECT v_ro_no, v_part.id, v_unit.id, v_quantity, v_location.id, v_vendor.id, v_origin, p->>'customer', p->>'fault',
           v_promised, p->>'rma', CASE WHEN v_stock THEN (v_document->>'total')::numeric ELSE 0 END, p->'actor'->>'user', d.id
      FROM document d WHERE d.doc_no = v_document->>'doc_no'
    RETURNING id INTO v_order_id;
    INSERT INTO repair_event (repair_order_id, from_state, to_state, by_user, by_uid, note)
    VALUES (v_order_id, NULL, 'shipped', p->'actor'->>'user', (p->'actor'->>'uid')::bigint, p->>'fault');
    RETURN request_end(p, repair_reply(v_order_id, v_ro_no, v_document));
END $$;

-- repair ack: the vendor has the unit, optionally with its own RMA number.
-- p: {ro_no, rma?, note?, actor, command, ref?, fingerprint?}
CREATE FUNCTION repair_ack(p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_reply jsonb := request_begin(p);
    v_order repair_order;
BEGIN
    IF v_reply IS NOT NULL THEN
        RETURN v_reply;
    END IF;
    v_order := repair_order_lock(p->>'ro_no');
    IF v_order.acknowledged_at IS NOT NULL THEN
        RAISE EXCEPTION '% was acknowledged already by % at %', v_order.ro_no, v_order.acknowledged_by,
            to_char(v_order.acknowledged_at, 'YYYY-MM-DD HH24:MI') USING ERRCODE = 'PS409';
    END IF;
    PERFORM repair_step(v_order, 'acknowledged', 'acknowledge', p, p->>'note');
    UPDATE repair_order SET state = 'acknowledged', acknowledged_at = now(), acknowledged_by = p->'actor'->>'user',
                            vendor_rma = coalesce(p->>'rma', vendor_rma)
     WHERE id = v_order.id;
    RETURN request_end(p, repair_reply(v_order.id, format('%s acknowledged by the vendor%s', v_order.ro_no,
                                                          coalesce(', RMA ' || coalesce(p->>'rma', v_order.vendor_rma), ''))));
END $$;

-- repair quote: the vendor's price for the repair. A quote above p.ber_pct percent of the
-- part's price is flagged beyond economic repair: authorizing it then takes an explicit
-- --ber, so it is never authorized by habit.
-- p: {ro_no, amount, ber_pct, note?, actor, command, ref?, fingerprint?}
CREATE FUNCTION repair_quote(p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_reply jsonb := request_begin(p);
    v_order repair_order;
    v_amount numeric := (p->>'amount')::numeric;
    v_price numeric;
    v_share numeric;
    v_ber boolean;
BEGIN
    IF v_reply IS NOT NULL THEN
        RETURN v_reply;
    END IF;
    v_order := repair_order_lock(p->>'ro_no');
    PERFORM repair_step(v_order, 'quoted', 'quote', p, p->>'note');
    v_price := repair_price(v_order);
    v_share := CASE WHEN v_price > 0 THEN round(100 * v_amount / v_price, 1) END;
    v_ber := v_share > (p->>'ber_pct')::numeric;
    UPDATE repair_order SET state = 'quoted', quote = v_amount, quoted_at = now(), quoted_by = p->'actor'->>'user',
                            beyond_repair = coalesce(v_ber, false)
     WHERE id = v_order.id;
    RETURN request_end(p, repair_reply(v_order.id, CASE
        WHEN v_ber THEN format('%s quoted %s: beyond economic repair, %s%% of the price %s (limit %s%%); decline it, or authorize it with --ber',
                               v_order.ro_no, money_text(v_amount), v_share, money_text(v_price), trim_scale((p->>'ber_pct')::numeric))
        WHEN v_share IS NULL THEN format('%s quoted %s (the part has no price to compare it with)', v_order.ro_no, money_text(v_amount))
        ELSE format('%s quoted %s, %s%% of the price %s', v_order.ro_no, money_text(v_amount), v_share, money_text(v_price)) END));
END $$;

-- The decision on a quote, authorized or declined: the step, and who decided when.
CREATE FUNCTION repair_decide(p_order repair_order, p_decision text, p jsonb) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM repair_step(p_order, p_decision, left(p_decision, -1), p, p->>'note');
    UPDATE repair_order SET state = p_decision, decision = p_decision, decided_at = now(), decided_by = p->'actor'->>'user'
     WHERE id = p_order.id;
END $$;

-- repair authorize: the repair may go ahead at the quoted price (a manager's decision).
-- p: {ro_no, over_ber, note?, actor, command, ref?, fingerprint?}
CREATE FUNCTION repair_authorize(p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_reply jsonb := request_begin(p);
    v_order repair_order;
BEGIN
    IF v_reply IS NOT NULL THEN
        RETURN v_reply;
    END IF;
    v_order := repair_order_lock(p->>'ro_no');
    IF v_order.state = 'quoted' AND v_order.beyond_repair AND NOT coalesce((p->>'over_ber')::boolean, false) THEN
        RAISE EXCEPTION '%''s quote of % is beyond economic repair: decline it, or authorize it with --ber',
            v_order.ro_no, money_text(v_order.quote) USING ERRCODE = 'PS409';
    END IF;
    PERFORM repair_decide(v_order, 'authorized', p);
    RETURN request_end(p, repair_reply(v_order.id, format('%s authorized at %s%s', v_order.ro_no, money_text(v_order.quote),
                                                          CASE WHEN v_order.beyond_repair THEN ', beyond economic repair' ELSE '' END)));
END $$;

-- repair decline: no repair at the quoted price; the vendor sends it back unrepaired or
-- scraps it (a manager's decision).
-- p: {ro_no, note?, actor, command, ref?, fingerprint?}
CREATE FUNCTION repair_decline(p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_reply jsonb := request_begin(p);
    v_order repair_order;
BEGIN
    IF v_reply IS NOT NULL THEN
        RETURN v_reply;
    END IF;
    v_order := repair_order_lock(p->>'ro_no');
    PERFORM repair_decide(v_order, 'declined', p);
    RETURN request_end(p, repair_reply(v_order.id, format(
        '%s declined: it comes back unrepaired (repair return %s outcome=unrepaired) or is scrapped (outcome=scrapped)',
        v_order.ro_no, v_order.ro_no)));
END $$;

-- repair hold | resume: the on-hold overlay. While held (waiting for approval, for a part)
-- the turnaround clock stops; the order's state is untouched.
-- p: {ro_no, reason, actor, command, ref?, fingerprint?}
CREATE FUNCTION repair_hold(p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_reply jsonb := request_begin(p);
    v_order repair_order;
    v_hold repair_hold;
BEGIN
    IF v_reply IS NOT NULL THEN
        RETURN v_reply;
    END IF;
    v_order := repair_order_lock(p->>'ro_no');
    IF v_order.state = 'returned' THEN
        PERFORM repair_refusal(v_order, 'hold');
    END IF;
    SELECT * INTO v_hold FROM repair_hold WHERE repair_order_id = v_order.id AND resumed_at IS NULL;
    IF FOUND THEN
        RAISE EXCEPTION '% is on hold already since % (%): repair resume % ends it', v_order.ro_no,
            to_char(v_hold.held_at, 'YYYY-MM-DD HH24:MI'), v_hold.reason, v_order.ro_no USING ERRCODE = 'PS409';
    END IF;
    INSERT INTO repair_hold (repair_order_id, held_by, reason) VALUES (v_order.id, p->'actor'->>'user', p->>'reason');
    RETURN request_end(p, repair_reply(v_order.id, format('%s on hold: %s', v_order.ro_no, p->>'reason')));
END $$;

-- p: {ro_no, actor, command, ref?, fingerprint?}
CREATE FUNCTION repair_resume(p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_reply jsonb := request_begin(p);
    v_order repair_order;
    v_hold repair_hold;
BEGIN
    IF v_reply IS NOT NULL THEN
        RETURN v_reply;
    END IF;
    v_order := repair_order_lock(p->>'ro_no');
    UPDATE repair_hold SET resumed_at = now(), resumed_by = p->'actor'->>'user'
     WHERE repair_order_id = v_order.id AND resumed_at IS NULL
    RETURNING * INTO v_hold;
    IF NOT FOUND THEN
        RAISE EXCEPTION '% is not on hold', v_order.ro_no USING ERRCODE = 'PS409';
    END IF;
    RETURN request_end(p, repair_reply(v_order.id, format('%s resumed after %s days on hold (%s)', v_order.ro_no,
                                                          v_hold.resumed_at::date - v_hold.held_at::date, v_hold.reason)));
END $$;

-- repair return: the vendor's answer comes back. Repaired, replaced (a new unit under a new
-- serial: the two units' histories name each other through the order) and unrepaired with no
-- decline against it (no fault found) return serviceable into p.location (default: where it
-- was shipped from): ours as stock at the repair cost (RR), a customer's as a record (VR).
-- Unrepaired after a decline comes back unserviceable (VR); scrapped leaves our books (SX).
-- The cost is the one given, else an authorized quote, else 0; it is the order's cost in
-- every case and enters stock value only with an RR. An open hold ends with the return.
-- p: {ro_no, outcome, serial?, cost?, location?, sent?, note?, actor, command, ref?, fingerprint?}
CREATE FUNCTION repair_return(p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_reply jsonb := request_begin(p);
    v_order repair_order;
    v_outcome text := p->>'outcome';
    v_part part;
    v_vendor supplier;
    v_unit unit;
    v_into location;
    v_cost numeric;
    v_sent date := (p->>'sent')::date;
    v_serviceable boolean;
    v_posting jsonb;
    v_document jsonb;
BEGIN
    IF v_reply IS NOT NULL THEN
        RETURN v_reply;
    END IF;
    v_order := repair_order_lock(p->>'ro_no');
    PERFORM check_choice('outcome', v_outcome, ARRAY['repaired', 'unrepaired', 'replaced', 'scrapped']);
    IF v_order.state = 'declined' AND v_outcome IN ('repaired', 'replaced') THEN
        RAISE EXCEPTION '%''s quote was declined: it comes back unrepaired or is scrapped', v_order.ro_no USING ERRCODE = 'PS409';
    END IF;
    PERFORM repair_step(v_order, 'returned', 'return', p, v_outcome);
    IF (v_outcome = 'replaced') <> (p ? 'serial') AND v_order.unit_id IS NOT NULL THEN
        RAISE EXCEPTION '%', CASE WHEN p ? 'serial' THEN 'serial= names the unit that replaced it: only with outcome=replaced'
                                  ELSE 'outcome=replaced needs serial=<the new unit''s serial>' END USING ERRCODE = 'PS422';
    ELSIF v_order.unit_id IS NULL AND p ? 'serial' THEN
        RAISE EXCEPTION 'the order is for an unserialised part: no serial=' USING ERRCODE = 'PS422';
    END IF;
    IF v_sent < v_order.shipped_at::date OR v_sent > current_date THEN
        RAISE EXCEPTION 'sent=% is not between the shipment (%) and today', v_sent, v_order.shipped_at::date USING ERRCODE = 'PS422';
    END IF;
    v_into := refuse_in_transit(location_named(
        coalesce(p->>'location', (SELECT code FROM location WHERE id = v_order.location_id))));
    SELECT * INTO v_part FROM part WHERE id = v_order.part_id;
    SELECT * INTO v_vendor FROM supplier WHERE id = v_order.vendor_id;
    v_cost := coalesce((p->>'cost')::numeric, CASE WHEN v_order.decision = 'authorized' THEN v_order.quote END, 0);
    UPDATE repair_hold SET resumed_at = now(), resumed_by = p->'actor'->>'user'
     WHERE repair_order_id = v_order.id AND resumed_at IS NULL;

    v_serviceable := v_outcome IN ('repaired', 'replaced') OR (v_outcome = 'unrepaired' AND v_order.decision IS DISTINCT FROM 'declined');
    -- The balance row (made when stock comes back into it), then the unit: the one lock order.
    PERFORM lock_balances(ARRAY[v_part.id], ARRAY[v_into.id], v_serviceable AND v_order.origin <> 'customer');
    SELECT * INTO v_unit FROM unit WHERE id = v_order.unit_id FOR UPDATE;
    IF v_outcome = 'replaced' AND v_order.unit_id IS NOT NULL THEN
        -- The vendor kept the faulty unit; the new one is ours (or the customer's) from here.
        UPDATE unit SET owner = 'vendor', owner_name = NULL, moved_at = now() WHERE id = v_unit.id;
        INSERT INTO unit (part_id, serial, owner, owner_name, place, vendor_id, condition)
        VALUES (v_part.id, p->>'serial', v_unit.owner, v_unit.owner_name, 'vendor', v_vendor.id, 'at_vendor')
        ON CONFLICT (part_id, serial) DO NOTHING
        RETURNING * INTO v_unit;
        IF NOT FOUND THEN
            SELECT * INTO v_unit FROM unit WHERE part_id = v_part.id AND serial = p->>'serial';
            RAISE EXCEPTION '%#% is known already: it is %; a replacement is a new unit', v_part.part_no, p->>'serial',
                unit_where(v_unit) USING ERRCODE = 'PS409';
        END IF;
    END IF;

    v_posting := p || jsonb_build_object(
        'location', v_into.code, 'vendor', v_vendor.code, 'counterparty', format('%s from %s', v_order.ro_no, v_vendor.code),
        'note', coalesce(p->>'note', v_outcome),
        'lines', jsonb_build_array(jsonb_build_object('part_no', v_part.part_no, 'quantity', v_order.quantity::text,
                                                      'unit_cost', round(v_cost / v_order.quantity, 4)::text)
                                   || CASE WHEN v_unit.id IS NOT NULL THEN jsonb_build_object('serial', v_unit.serial) ELSE '{}' END));
    IF v_outcome = 'scrapped' THEN
        UPDATE unit SET place = 'gone', vendor_id = NULL, condition = 'scrapped', moved_at = now() WHERE id = v_unit.id;
        v_document := post_record_document(v_posting || jsonb_build_object(
            'type', 'SX', 'location', (SELECT code FROM location WHERE id = v_order.location_id),
            'counterparty', format('%s scrapped at %s', v_order.ro_no, v_vendor.code)));
    ELSIF v_serviceable AND v_order.origin <> 'customer' THEN
        v_document := post_stock_document(v_posting || '{"type": "RR"}');
    ELSE
        UPDATE unit SET place = 'location', vendor_id = NULL, location_id = v_into.id,
                        condition = CASE WHEN v_serviceable THEN 'serviceable' ELSE 'unserviceable' END, moved_at = now()
         WHERE id = v_unit.id;
        v_document := post_record_document(v_posting || '{"type": "VR"}');
    END IF;

    UPDATE repair_order
       SET state = 'returned', outcome = v_outcome, cost = v_cost, return_location_id = CASE WHEN v_outcome <> 'scrapped' THEN v_into.id END,
           sent_back_on = v_sent, returned_at = now(), returned_by = p->'actor'->>'user',
           return_document_id = (SELECT id FROM document WHERE doc_no = v_document->>'doc_no'),
           replacement_unit_id = CASE WHEN v_outcome = 'replaced' THEN v_unit.id END
     WHERE id = v_order.id;
    RETURN request_end(p, repair_reply(v_order.id, v_document->>'doc_no', v_document));
END $$;

-- The deadlines job's repair half: marks the open orders past their promised date on p_on
-- (the first day found) and lists every one that is, the latest first.
CREATE FUNCTION repair_deadlines(p_on date) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_marked integer;
BEGIN
    -- Header rows in id order, as every command on one order takes its own.
    PERFORM 1 FROM repair_order r
     WHERE r.state <> 'returned' AND repair_late_days(r, p_on) > 0 ORDER BY r.id FOR UPDATE;
    UPDATE repair_order r SET overdue_since = p_on
     WHERE r.state <> 'returned' AND r.overdue_since IS NULL AND repair_late_days(r, p_on) > 0;
    GET DIAGNOSTICS v_marked = ROW_COUNT;
    RETURN jsonb_build_object('marked', v_marked, 'late', coalesce((
        SELECT jsonb_agg(jsonb_build_object(
                   'ro_no', r.ro_no, 'vendor', s.code, 'part_no', p.part_no, 'serial', u.serial,
                   'promised', r.promised::text, 'days_late', repair_late_days(r, p_on), 'since', r.overdue_since::text)
                   ORDER BY repair_late_days(r, p_on) DESC, r.ro_no)
          FROM repair_order r
          JOIN supplier s ON s.id = r.vendor_id
          JOIN part p ON p.id = r.part_id
          LEFT JOIN unit u ON u.id = r.unit_id
         WHERE r.state <> 'returned' AND repair_late_days(r, p_on) > 0), '[]'::jsonb));
END $$;
