-- Purchasing: suppliers, purchase orders, receipts against them, and the on-order quantity
-- that `stock show` and the reorder run read.

-- Open quantity of open and partly received orders: one SELECT in LANGUAGE sql, so a query
-- over many part-locations inlines it; an order's open lines are exactly its lines not closed.
CREATE FUNCTION on_order(p_part integer, p_location integer) RETURNS numeric
LANGUAGE sql STABLE AS $$
    SELECT coalesce(sum(l.quantity - l.received), 0)::numeric(15,3)
      FROM po_line l
     WHERE l.part_id = p_part AND l.location_id = p_location AND NOT l.closed
$$;

-- Every part-location's open quantity at once, for the reorder run, which joins this instead
-- of calling on_order() 100,000 times.
CREATE VIEW open_order_quantity AS
SELECT part_id, location_id, sum(quantity - received)::numeric(15,3) AS quantity
  FROM po_line WHERE NOT closed GROUP BY part_id, location_id;

-- supplier add: who purchase orders go to. An existing code is a conflict (the unique key).
-- p: {code, name, lead_days?, min_order?, actor, command, ref?, fingerprint?}
CREATE FUNCTION supplier_add(p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_reply jsonb := request_begin(p);
BEGIN
    IF v_reply IS NOT NULL THEN
        RETURN v_reply;
    END IF;
    INSERT INTO supplier (code, name, lead_days, min_order, created_by)
    VALUES (p->>'code', p->>'name', (p->>'lead_days')::integer, (p->>'min_order')::numeric, p->'actor'->>'user');
    RETURN request_end(p, outcome(200, format('supplier %s added', p->>'code')));
END $$;

-- Where an order's goods are received: the location given, or else the only warehouse. An
-- order for a site with several warehouses must say where its goods go.
CREATE FUNCTION receiving_location(p_code text) RETURNS location
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_warehouses text[];
BEGIN
    IF p_code IS NOT NULL THEN
        RETURN location_named(p_code);
    END IF;
    SELECT array_agg(code ORDER BY code) INTO v_warehouses FROM location WHERE kind = 'warehouse';
    IF v_warehouses IS NULL THEN
        RAISE EXCEPTION 'there is no warehouse to receive at: give location=<code>' USING ERRCODE = 'PS422';
    ELSIF cardinality(v_warehouses) > 1 THEN
        RAISE EXCEPTION 'give location=<code>: there are % warehouses (%)', cardinality(v_warehouses),
            array_to_string(v_warehouses, ', ') USING ERRCODE = 'PS422';
    END IF;
    RETURN location_named(v_warehouses[1]);
END $$;

-- po new: a purchase order to a supplier, received at one location, expected on the given
-- date or in the supplier's lead days; lines without a price take the part's standard cost.
-- The reply names the order. A special order (特殊订货) names the open requisition it is for.
-- p: {supplier, location?, expected?, for_requisition?, lines: [{part_no, quantity, unit_cost?
--     (the price)}], actor, command, ref?, fingerprint?}
CREATE FUNCTION purchase_order_new(p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_reply jsonb := request_begin(p);
    v_supplier supplier;
    v_location location;
    v_expected date;
    v_lines request_line[];
    v_value numeric;
    v_state text;
    v_po purchase_order;
BEGIN
    IF v_reply IS NOT NULL THEN
        RETURN v_reply;
    END IF;
    SELECT * INTO v_supplier FROM supplier WHERE code = p->>'supplier';
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown supplier %', p->>'supplier' USING ERRCODE = 'PS404';
    END IF;
    v_location := receiving_location(p->>'location');
    v_expected := coalesce((p->>'expected')::date, current_date + v_supplier.lead_days);
    IF (p->>'expected')::date < current_date THEN
        RAISE EXCEPTION 'expected date % is in the past', p->>'expected' USING ERRCODE = 'PS422';
    END IF;

    -- A line's price is its unit_cost, else the part's standard cost.
    v_lines := ARRAY(SELECT l FROM request_lines(p->'lines') l);
    SELECT coalesce(sum(round(l.quantity * coalesce(l.unit_cost, l.standard_cost), 2)), 0) INTO v_value
      FROM unnest(v_lines) l;
    IF v_value < v_supplier.min_order THEN
        RAISE EXCEPTION 'the order is worth %, below %''s minimum order of %', money_text(v_value), v_supplier.code,
            money_text(v_supplier.min_order) USING ERRCODE = 'PS422';
    END IF;

    IF p ? 'for_requisition' THEN
        SELECT state INTO v_state FROM requisition WHERE req_no = p->>'for_requisition';
        IF NOT FOUND THEN
            RAISE EXCEPTION 'unknown requisition %', p->>'for_requisition' USING ERRCODE = 'PS404';
        END IF;
        IF v_state NOT IN ('submitted', 'approved', 'partly_issued') THEN
            RAISE EXCEPTION '% is %: a special order is placed for an open requisition', p->>'for_requisition', v_state
                USING ERRCODE = 'PS409';
        END IF;
    END IF;

    INSERT INTO purchase_order (po_no, supplier_id, expected, for_requisition, created_by)
    VALUES (next_doc_no('PO', current_date), v_supplier.id, v_expected, p->>'for_requisition', p->'actor'->>'user')
    RETURNING * INTO v_po;
    INSERT INTO po_line (po_id, line_no, part_id, location_id, quantity, price, expected)
    SELECT v_po.id, l.line_no, l.part_id, v_location.id, l.quantity, coalesce(l.unit_cost, l.standard_cost), v_expected
      FROM unnest(v_lines) l;
    RETURN request_end(p, outcome(201, v_po.po_no, v_po.po_no));
END $$;

-- The order's row, locked before anything about it is read: receipts and cancellations of
-- one order run one after the other, so the open quantities a receipt checks cannot shrink
-- before it commits. A header row: taken before any balance row.
CREATE FUNCTION purchase_order_lock(p_po_no text) RETURNS purchase_order
LANGUAGE plpgsql AS $$
DECLARE
    v_po purchase_order;
BEGIN
    SELECT * INTO v_po FROM purchase_order WHERE po_no = p_po_no FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown purchase order %', p_po_no USING ERRCODE = 'PS404';
    END IF;
    RETURN v_po;
END $$;

-- po cancel: what remains open on an order is no longer expected. What was received stays
-- received (and in stock); nothing more can be received on it.
-- p: {po_no, reason?, actor, command, ref?, fingerprint?}
CREATE FUNCTION purchase_order_cancel(p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_reply jsonb := request_begin(p);
    v_po purchase_order;
    v_open numeric;
BEGIN
    IF v_reply IS NOT NULL THEN
        RETURN v_reply;
    END IF;
    v_po := purchase_order_lock(p->>'po_no');
    IF v_po.state = 'received' THEN
        RAISE EXCEPTION '% is fully received: nothing is left to cancel', v_po.po_no USING ERRCODE = 'PS409';
    ELSIF v_po.state = 'cancelled' THEN
        RAISE EXCEPTION '% is already cancelled', v_po.po_no USING ERRCODE = 'PS409';
    END IF;
    WITH closed AS (
        UPDATE po_line SET closed = true WHERE po_id = v_po.id AND NOT closed RETURNING quantity - received AS open
    )
    SELECT coalesce(sum(open), 0) INTO v_open FROM closed;
    UPDATE purchase_order SET state = 'cancelled', cancelled_by = p->'actor'->>'user', cancelled_at = now(),
                              cancel_reason = p->>'reason'
     WHERE id = v_po.id;
    RETURN request_end(p, outcome(200,
        format('%s cancelled: its open quantity (%s) is no longer on order', v_po.po_no, qty_text(v_open))
            || CASE WHEN v_po.state = 'partly_received' THEN '; what was received stays in stock' ELSE '' END,
        v_po.po_no));
END $$;

-- receive ... po=: goods received against a purchase order. The GR is posted through
-- post_stock_document, valued at the order line's price unless the clerk gave a cost, with
-- the order and its supplier as counterparty; the quantities are booked on the order's lines
-- and its state moves on. A line may pass its ordered quantity by over_receipt_pct
-- (configuration). What arrives on a special order is reserved at once for its requisition,
-- before anyone else can issue it. The reply is the GR.
-- p: post_stock_document's input for a GR (location, lines [{part_no, quantity, unit_cost?}],
--    note?) with po_no, over_receipt_pct, actor, command, ref?, fingerprint?
CREATE FUNCTION purchase_order_receive(p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_reply jsonb := request_begin(p);
    v_po purchase_order;
    v_supplier supplier;
    v_location location;
    v_requisition requisition;
    v_item record;
    v_line po_line;
    v_elsewhere text;
    v_tolerance numeric := coalesce((p->>'over_receipt_pct')::numeric, 0);
    v_lines jsonb := '[]'::jsonb;
    v_document jsonb;
    v_parts integer[] := '{}';
    v_made_parts integer[];
    v_made_locations integer[];
BEGIN
    IF v_reply IS NOT NULL THEN
        RETURN v_reply;
    END IF;
    v_po := purchase_order_lock(p->>'po_no');
    IF v_po.state = 'cancelled' THEN
        RAISE EXCEPTION '% is cancelled: nothing can be received against it', v_po.po_no USING ERRCODE = 'PS409';
    ELSIF v_po.state = 'received' THEN
        RAISE EXCEPTION '% is fully received: nothing is open on it', v_po.po_no USING ERRCODE = 'PS409';
    END IF;
    v_location := location_named(p->>'location');
    SELECT * INTO v_supplier FROM supplier WHERE id = v_po.supplier_id;
    -- A special order's requisition is a header row too: it is locked now, before the
    -- receipt locks balance rows, as an approval locks it before reserving.
    IF v_po.for_requisition IS NOT NULL THEN
        SELECT * INTO v_requisition FROM requisition WHERE req_no = v_po.for_requisition FOR UPDATE;
    END IF;

    FOR v_item IN SELECT * FROM request_lines(p->'lines') LOOP
        SELECT * INTO v_line FROM po_line
         WHERE po_id = v_po.id AND part_id = v_item.part_id AND location_id = v_location.id;
        IF NOT FOUND THEN
            SELECT string_agg(lo.code, ', ' ORDER BY lo.code) INTO v_elsewhere
              FROM po_line pl JOIN location lo ON lo.id = pl.location_id
             WHERE pl.po_id = v_po.id AND pl.part_id = v_item.part_id;
            IF v_elsewhere IS NULL THEN
                RAISE EXCEPTION '% is not on %', v_item.part_no, v_po.po_no USING ERRCODE = 'PS409';
            END IF;
            RAISE EXCEPTION '% is on % to be received at %, not at %', v_item.part_no, v_po.po_no, v_elsewhere,
                v_location.code USING ERRCODE = 'PS409';
        END IF;
        IF v_line.closed THEN
            RAISE EXCEPTION '% on % is fully received: % of % ordered', v_item.part_no, v_po.po_no,
                qty_text(v_line.received), qty_text(v_line.quantity) USING ERRCODE = 'PS409';
        END IF;
        IF v_line.received + v_item.quantity > v_line.quantity * (1 + v_tolerance / 100) THEN
            RAISE EXCEPTION 'over-receipt: % on % has % open (% ordered, % received), % is too many (tolerance % %%)',
                v_item.part_no, v_po.po_no, qty_text(v_line.quantity - v_line.received), qty_text(v_line.quantity),
                qty_text(v_line.received), qty_text(v_item.quantity), qty_text(v_tolerance) USING ERRCODE = 'PS409';
        END IF;
        UPDATE po_line
           SET received = received + v_item.quantity, closed = received + v_item.quantity >= quantity
         WHERE po_id = v_line.po_id AND line_no = v_line.line_no;
        v_lines := v_lines || jsonb_build_array(
            v_item.item || jsonb_build_object('unit_cost', coalesce(v_item.item->>'unit_cost', v_line.price::text)));
        v_parts := v_parts || v_item.part_id;
    END LOOP;

    IF v_requisition.state NOT IN ('approved', 'partly_issued') THEN
        v_requisition := NULL;
    END IF;
    IF v_requisition.id IS NOT NULL THEN
        -- The receipt's balance rows and those the reservation may take from, together in the
        -- one order; the rows this makes for the requisition alone are dropped again below.
        SELECT array_agg(made.made_part_id), array_agg(made.made_location_id) INTO v_made_parts, v_made_locations
          FROM (SELECT array_agg(k.part_id) AS parts, array_agg(k.location_id) AS locations
                  FROM (SELECT received.part_id, v_location.id AS location_id FROM unnest(v_parts) AS received(part_id)
                        UNION ALL
                        SELECT rl.part_id, rl.location_id FROM requisition_line rl
                         WHERE rl.requisition_id = v_requisition.id AND rl.quantity - rl.reserved - rl.issued > 0) k) keys
         CROSS JOIN LATERAL lock_balances(keys.parts, keys.locations, true) made;
    END IF;

    v_document := post_stock_document(p || jsonb_build_object(
        'type', 'GR', 'lines', v_lines,
        'counterparty', left(format('%s %s %s', v_po.po_no, v_supplier.code, v_supplier.name), 200)));
    INSERT INTO po_receipt (document_id, po_id)
    SELECT id, v_po.id FROM document WHERE doc_no = v_document->>'doc_no';
    UPDATE purchase_order
       SET state = CASE WHEN EXISTS (SELECT 1 FROM po_line WHERE po_id = v_po.id AND NOT closed)
                        THEN 'partly_received' ELSE 'received' END
     WHERE id = v_po.id;

    IF v_requisition.id IS NOT NULL THEN
        PERFORM requisition_reserve_available(v_requisition.id);
        PERFORM drop_made_balances(v_made_parts, v_made_locations);
    END IF;
    RETURN request_end(p, document_reply(v_document));
END $$;
