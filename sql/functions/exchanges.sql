-- The exchange (rotation) pool (周转仓, issue 10): a location of kind rotation holds
-- serviceable exchange units; a customer gets one at once (exchange out, an XO out of stock at
-- its average cost) and owes their failed unit, the core, by a due date. The core arrives
-- unserviceable into the pool's location (exchange core, a CR record: it has no stock value
-- until it is repaired), goes to repair (repair new ... origin=exchange) and rejoins the pool
-- when it comes back serviceable. A damaged or missing core is charged: the deposit kept,
-- else the core charge (a configured share of the part's price), else what was agreed.
-- The faulty serial in and the good serial out are one exchange row: the send/receive log.

-- An exchange as every reply and `exchange show` give it.
CREATE FUNCTION exchange_json(p_id bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'xc_no', x.xc_no, 'state', x.state, 'location', l.code, 'part_no', p.part_no, 'description', p.description,
        'serial', u.serial, 'customer', x.customer, 'expected_core', x.expected_core, 'due', x.due::text,
        'deposit', x.deposit::text, 'price', p.cost::numeric(15,2)::text,
        'created_at', x.created_at::text, 'created_by', x.created_by,
        'days_out', coalesce(x.closed_at::date, current_date) - x.created_at::date,
        'days_late', CASE WHEN x.state <> 'closed' AND current_date > x.due THEN current_date - x.due END,
        'overdue_since', x.overdue_since::text,
        'core_serial', c.serial, 'core_grade', x.core_grade, 'charge', x.charge::text, 'charge_basis', x.charge_basis,
        'closed_at', x.closed_at::text, 'closed_by', x.closed_by, 'out_doc', od.doc_no, 'core_doc', cd.doc_no)
      FROM exchange x
      JOIN location l ON l.id = x.location_id
      JOIN part p ON p.id = x.part_id
      JOIN unit u ON u.id = x.unit_id
      JOIN document od ON od.id = x.out_document_id
      LEFT JOIN unit c ON c.id = x.core_unit_id
      LEFT JOIN document cd ON cd.id = x.core_document_id
     WHERE x.id = p_id
$$;

-- The reply of exchange out and core: the exchange, and the document posted, if any.
CREATE FUNCTION exchange_reply(p_exchange_id bigint, p_message text, p_document jsonb DEFAULT NULL) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT record_reply(x.xc_no, p_message, 'exchange', exchange_json(x.id), p_document)
      FROM exchange x WHERE x.id = p_exchange_id
$$;

-- The pool a request names: a location of kind rotation.
CREATE FUNCTION pool_named(p_code text) RETURNS location
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_location location := location_named(p_code);
BEGIN
    IF v_location.kind <> 'rotation' THEN
        RAISE EXCEPTION '% is a % location: an exchange pool is a location of kind rotation', v_location.code, v_location.kind
            USING ERRCODE = 'PS422';
    END IF;
    RETURN v_location;
END $$;

-- Where a part's units are when a pool has none to give: in repair with their promised
-- dates, serviceable at other locations, cores waiting in the pool.
CREATE FUNCTION pool_shortage_text(p_part part, p_pool location) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT format('no serviceable %s in pool %s: ', p_part.part_no, p_pool.code) || coalesce(nullif(concat_ws('; ',
        (SELECT 'in repair ' || string_agg(format('%s at %s promised %s', r.ro_no, s.code, coalesce(r.promised::text, '-')),
                                           ', ' ORDER BY r.promised NULLS LAST, r.ro_no)
           FROM repair_order r JOIN supplier s ON s.id = r.vendor_id
          WHERE r.part_id = p_part.id AND r.state <> 'returned' AND r.origin <> 'customer'),
        (SELECT 'serviceable elsewhere: ' || string_agg(format('%s at %s', n, l.code), ', ' ORDER BY l.code)
           FROM (SELECT location_id, count(*) AS n FROM stock_unit
                  WHERE part_id = p_part.id AND location_id <> p_pool.id GROUP BY location_id) c JOIN location l ON l.id = c.location_id),
        (SELECT format('cores waiting for repair at %s: %s', p_pool.code, count(*)) FROM unit
          WHERE part_id = p_part.id AND place = 'location' AND location_id = p_pool.id AND condition = 'unserviceable'
         HAVING count(*) > 0)), ''), 'none in repair and none elsewhere')
$$;

-- exchange out: a serviceable unit from the pool to the customer at once (an XO out of stock),
-- the named one or, without a serial, the one longest in the pool; a core is due by p.due,
-- else today plus p.core_due_days. When the pool has no serviceable unit the reply is a 409
-- saying where units are, and the request is counted as one the pool could not serve (an
-- exchange_shortage row written with that reply: see report pool).
-- p: {location, part_no, serial?, customer, core?, due?, deposit?, core_due_days, actor, command, ref?, fingerprint?}
CREATE FUNCTION exchange_out(p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_reply jsonb := request_begin(p);
    v_pool location;
    v_part part;
    v_unit unit;
    v_due date;
    v_xc_no text;
    v_document jsonb;
    v_id bigint;
    v_available text;
BEGIN
    IF v_reply IS NOT NULL THEN
        RETURN v_reply;
    END IF;
    v_pool := pool_named(p->>'location');
    v_part := serialised_part(p->>'part_no');
    v_due := coalesce((p->>'due')::date, current_date + (p->>'core_due_days')::integer);
    IF v_due < current_date THEN
        RAISE EXCEPTION 'due date % is in the past', v_due USING ERRCODE = 'PS422';
    END IF;

    -- The pool's balance row, then the unit: whoever holds the row decides who gets which unit.
    PERFORM lock_balances(ARRAY[v_part.id], ARRAY[v_pool.id]);
    IF p ? 'serial' THEN
        v_unit := unit_named(v_part, p->>'serial');
        IF NOT EXISTS (SELECT 1 FROM stock_unit WHERE id = v_unit.id AND location_id = v_pool.id) THEN
            SELECT string_agg(serial, ', ' ORDER BY moved_at, serial) INTO v_available FROM stock_unit
             WHERE part_id = v_part.id AND location_id = v_pool.id;
            IF v_available IS NOT NULL THEN
                RAISE EXCEPTION '%#% is not a serviceable unit in pool %: it is %; serviceable there: %', v_part.part_no,
                    v_unit.serial, v_pool.code, unit_where(v_unit), v_available USING ERRCODE = 'PS409';
            END IF;
            v_unit := NULL;
        END IF;
    ELSE
        SELECT * INTO v_unit FROM stock_unit WHERE part_id = v_part.id AND location_id = v_pool.id
         ORDER BY moved_at, serial LIMIT 1 FOR UPDATE;
    END IF;
    IF v_unit.id IS NULL THEN
        INSERT INTO exchange_shortage (location_id, part_id, customer, asked_by)
        VALUES (v_pool.id, v_part.id, p->>'customer', p->'actor'->>'user');
        RETURN request_end(p, outcome(409, pool_shortage_text(v_part, v_pool)));
    END IF;

    v_xc_no := next_doc_no('XC', current_date);
    v_document := post_stock_document(p || jsonb_build_object(
        'type', 'XO', 'location', v_pool.code, 'counterparty', left(format('%s %s', v_xc_no, p->>'customer'), 200),
        'holder', p->>'customer', 'note', format('core due %s', v_due) || coalesce(', deposit ' || money_text((p->>'deposit')::numeric), ''),
        'lines', jsonb_build_array(jsonb_build_object('part_no', v_part.part_no, 'quantity', '1', 'serial', v_unit.serial))));
    INSERT INTO exchange (xc_no, location_id, part_id, unit_id, customer, expected_core, due, deposit, created_by, out_document_id)
    SELECT v_xc_no, v_pool.id, v_part.id, v_unit.id, p->>'customer', p->>'core', v_due, (p->>'deposit')::numeric,
           p->'actor'->>'user', d.id
      FROM document d WHERE d.doc_no = v_document->>'doc_no'
    RETURNING id INTO v_id;
    RETURN request_end(p, exchange_reply(v_id, v_xc_no, v_document));
END $$;

-- exchange core: the customer's core comes back, graded. full or damaged: the unit arrives
-- unserviceable into the pool's location as ours (a CR record; a unit we never had is made);
-- none: nothing arrives. damaged and none are charged: p.charge when agreed, else the deposit
-- kept, else p.core_charge_pct percent of the part's price. The exchange closes either way.
-- p: {xc_no, serial?, grade, charge?, core_charge_pct, note?, actor, command, ref?, fingerprint?}
CREATE FUNCTION exchange_core(p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_reply jsonb := request_begin(p);
    v_exchange exchange;
    v_grade text := p->>'grade';
    v_part part;
    v_pool location;
    v_unit unit;
    v_document jsonb;
    v_charge numeric;
    v_basis text;
    v_message text;
BEGIN
    IF v_reply IS NOT NULL THEN
        RETURN v_reply;
    END IF;
    -- The exchange's row: of two clerks booking one core, the second finds it closed.
    SELECT * INTO v_exchange FROM exchange WHERE xc_no = p->>'xc_no' FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown exchange %', p->>'xc_no' USING ERRCODE = 'PS404';
    END IF;
    IF v_exchange.state = 'closed' THEN
        RAISE EXCEPTION '% is closed already: its core was graded % by % at %', v_exchange.xc_no, v_exchange.core_grade,
            v_exchange.closed_by, to_char(v_exchange.closed_at, 'YYYY-MM-DD HH24:MI') USING ERRCODE = 'PS409';
    END IF;
    PERFORM check_choice('grade', v_grade, ARRAY['full', 'damaged', 'none']);
    IF v_grade = 'none' AND p ? 'serial' THEN
        RAISE EXCEPTION 'grade=none means no core came back: leave out serial=' USING ERRCODE = 'PS422';
    ELSIF v_grade <> 'none' AND NOT p ? 'serial' THEN
        RAISE EXCEPTION 'a core that came back needs serial=<its serial>' USING ERRCODE = 'PS422';
    ELSIF v_grade = 'full' AND p ? 'charge' THEN
        RAISE EXCEPTION 'charge= is for a damaged or missing core' USING ERRCODE = 'PS422';
    END IF;
    SELECT * INTO v_part FROM part WHERE id = v_exchange.part_id;
    SELECT * INTO v_pool FROM location WHERE id = v_exchange.location_id;

    IF v_grade <> 'none' THEN
        SELECT * INTO v_unit FROM unit WHERE part_id = v_part.id AND serial = p->>'serial' FOR UPDATE;
        IF NOT FOUND THEN
            INSERT INTO unit (part_id, serial, place, location_id, condition)
            VALUES (v_part.id, p->>'serial', 'location', v_pool.id, 'unserviceable');
        ELSIF v_unit.place <> 'customer' THEN
            RAISE EXCEPTION '%#% is %: a core comes back from a customer', v_part.part_no, v_unit.serial, unit_where(v_unit)
                USING ERRCODE = 'PS409';
        ELSE
            UPDATE unit SET place = 'location', location_id = v_pool.id, holder = NULL, condition = 'unserviceable',
                            owner = 'site', owner_name = NULL, moved_at = now()
             WHERE id = v_unit.id;
        END IF;
        v_document := post_record_document(p || jsonb_build_object(
            'type', 'CR', 'location', v_pool.code, 'counterparty', left(format('%s %s', v_exchange.xc_no, v_exchange.customer), 200),
            'reason', 'core ' || v_grade,
            'lines', jsonb_build_array(jsonb_build_object('part_no', v_part.part_no, 'quantity', '1', 'serial', p->>'serial'))));
    END IF;
    IF v_grade <> 'full' THEN
        v_basis := CASE WHEN p ? 'charge' THEN 'agreed' WHEN v_exchange.deposit > 0 THEN 'deposit kept' ELSE 'core charge' END;
        v_charge := CASE v_basis WHEN 'agreed' THEN (p->>'charge')::numeric WHEN 'deposit kept' THEN v_exchange.deposit
                                 ELSE round(v_part.cost * (p->>'core_charge_pct')::numeric / 100, 2) END;
    END IF;
    UPDATE exchange
       SET state = 'closed', core_grade = v_grade, charge = v_charge, charge_basis = v_basis,
           core_unit_id = (SELECT id FROM unit WHERE part_id = v_part.id AND serial = p->>'serial'),
           core_document_id = (SELECT id FROM document WHERE doc_no = v_document->>'doc_no'),
           closed_at = now(), closed_by = p->'actor'->>'user'
     WHERE id = v_exchange.id;
    v_message := CASE v_grade
        WHEN 'full' THEN format('%s closed: core %s#%s back, full; send it to repair with repair new %s %s#%s vendor=<code> fault="..." origin=exchange',
                                v_exchange.xc_no, v_part.part_no, p->>'serial', v_pool.code, v_part.part_no, p->>'serial')
        WHEN 'damaged' THEN format('%s closed: core %s#%s back damaged; the customer owes %s (%s)', v_exchange.xc_no,
                                   v_part.part_no, p->>'serial', money_text(v_charge), v_basis)
        ELSE format('%s closed: no core came back; the customer owes %s (%s)', v_exchange.xc_no, money_text(v_charge), v_basis)
        END || CASE WHEN v_exchange.expected_core IS DISTINCT FROM p->>'serial' AND v_exchange.expected_core IS NOT NULL
                         AND v_grade <> 'none'
                    THEN format(' (the core expected was %s)', v_exchange.expected_core) ELSE '' END;
    RETURN request_end(p, exchange_reply(v_exchange.id, v_message, v_document));
END $$;

-- pool set: how many serviceable units of a part the pool should hold (a manager's target).
-- p: {location, part_no, target, actor, command, ref?, fingerprint?}
CREATE FUNCTION pool_set(p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_reply jsonb := request_begin(p);
    v_pool location;
    v_part part;
BEGIN
    IF v_reply IS NOT NULL THEN
        RETURN v_reply;
    END IF;
    v_pool := pool_named(p->>'location');
    v_part := serialised_part(p->>'part_no');
    INSERT INTO pool_target (location_id, part_id, target, updated_by)
    VALUES (v_pool.id, v_part.id, (p->>'target')::integer, p->'actor'->>'user')
    ON CONFLICT (location_id, part_id) DO UPDATE SET target = EXCLUDED.target, updated_by = EXCLUDED.updated_by,
                                                     updated_at = now();
    RETURN request_end(p, outcome(200, format('pool %s target for %s: %s (%s serviceable there now)', v_pool.code,
        v_part.part_no, p->>'target',
        (SELECT count(*) FROM stock_unit WHERE part_id = v_part.id AND location_id = v_pool.id))));
END $$;

-- The deadlines job's core half: marks open exchanges whose core is past its due date on
-- p_on overdue, and lists every overdue one, the latest first.
CREATE FUNCTION core_deadlines(p_on date) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_marked integer;
BEGIN
    PERFORM 1 FROM exchange WHERE state = 'open' AND due < p_on ORDER BY id FOR UPDATE;
    UPDATE exchange SET state = 'overdue', overdue_since = p_on WHERE state = 'open' AND due < p_on;
    GET DIAGNOSTICS v_marked = ROW_COUNT;
    RETURN jsonb_build_object('marked', v_marked, 'late', coalesce((
        SELECT jsonb_agg(jsonb_build_object(
                   'xc_no', x.xc_no, 'customer', x.customer, 'part_no', p.part_no, 'serial', u.serial,
                   'due', x.due::text, 'days_late', p_on - x.due, 'since', x.overdue_since::text)
                   ORDER BY p_on - x.due DESC, x.xc_no)
          FROM exchange x JOIN part p ON p.id = x.part_id JOIN unit u ON u.id = x.unit_id
         WHERE x.state = 'overdue'), '[]'::jsonb));
END $$;
