-- Branch replenishment (办事处 / 代理商 补料): transfer orders shipped through a destination's in-transit location.
-- Shipping moves the stock into the destination's transit location, arrival moves what came
-- out of it into the destination; what arrived short stays in transit and is on the order as
-- a discrepancy, what arrived over is recorded but moves nothing.

-- An order as ship, arrive and `to show` answer with it. in_transit is what the order still
-- has in its transit location: all that was shipped until arrival, the shortage after it.
CREATE FUNCTION transfer_order_json(p_id integer) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT jsonb_build_object(
        'to_no', o.to_no, 'state', o.state,
        'from', f.code, 'to', t.code, 'transit', tr.code,
        -- As text, the way every other reader gets timestamps from the database.
        'note', o.note, 'shipped_by', o.shipped_by, 'shipped_at', o.shipped_at::text,
        'received_by', o.received_by, 'received_at', o.received_at::text, 'arrival_note', o.arrival_note,
        'ship_doc', sd.doc_no, 'arrival_doc', ad.doc_no,
        'in_transit', coalesce(l.in_transit, 0)::numeric(15,3)::text,
        'value', coalesce(l.value, 0)::numeric(18,2)::text,
        'lines', coalesce(l.items, '[]'::jsonb))
      FROM transfer_order o
      JOIN location f ON f.id = o.from_location_id
      JOIN location t ON t.id = o.to_location_id
      JOIN location tr ON tr.id = o.transit_location_id
      JOIN document sd ON sd.id = o.ship_document_id
      LEFT JOIN document ad ON ad.id = o.arrival_document_id
      LEFT JOIN LATERAL (
          SELECT jsonb_agg(jsonb_build_object(
                     'line_no', ol.line_no, 'part_no', p.part_no, 'description', p.description, 'unit', p.unit,
                     'shipped', ol.shipped::text, 'received', ol.received::text,
                     'discrepancy', ol.discrepancy::text,
                     'in_transit', (ol.shipped - least(coalesce(ol.received, 0), ol.shipped))::numeric(15,3)::text,
                     'unit_cost', ol.unit_cost::text) ORDER BY ol.line_no) AS items,
                 sum(ol.shipped - least(coalesce(ol.received, 0), ol.shipped)) AS in_transit,
                 round(sum(ol.shipped * ol.unit_cost), 2) AS value
            FROM transfer_order_line ol JOIN part p ON p.id = ol.part_id
           WHERE ol.transfer_order_id = o.id) l ON true
     WHERE o.id = p_id);
END $$;

-- The reply of a shipment or an arrival: 201, the TR it posted and the order after it.
CREATE FUNCTION transfer_order_reply(p_order_id integer, p_document jsonb) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT document_reply(p_document) || jsonb_build_object('transfer_order', transfer_order_json(p_order_id))
$$;

-- The destination's transit location, made on first use as T.<destination> (location codes
-- are at most 32 characters: a destination code longer than 30 gets T.<first 20>.<its id>).
-- Found by the transit_for link and never by its code, so a location someone named like it
-- by hand is never taken for it.
CREATE FUNCTION transit_location(p_destination location) RETURNS location
LANGUAGE plpgsql AS $$
DECLARE
    v_transit location;
    v_code text := CASE WHEN length(p_destination.code) <= 30 THEN 'T.' || p_destination.code
                        ELSE format('T.%s.%s', left(p_destination.code, 20), p_destination.id) END;
BEGIN
    SELECT * INTO v_transit FROM location WHERE transit_for = p_destination.id;
    IF FOUND THEN
        RETURN v_transit;
    END IF;
    -- Two first shipments to one branch at once: one inserts, the other's insert waits for it
    -- and does nothing, then both read the same row.
    INSERT INTO location (code, name, kind, transit_for)
    VALUES (v_code, left('in transit to ' || p_destination.name, 200), 'transit', p_destination.id)
    ON CONFLICT DO NOTHING;
    SELECT * INTO v_transit FROM location WHERE transit_for = p_destination.id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'location % exists but is not the transit location of %: rename it to ship to %',
            v_code, p_destination.code, p_destination.code USING ERRCODE = 'PS409';
    END IF;
    RETURN v_transit;
END $$;

-- ship: stock from p.location to p.to_location through its transit location, on a new
-- transfer order: a TR sender -> transit carrying the request's ref, all lines or none.
-- A new order has no header row to lock first; post_stock_document locks the balances.
-- p: {location, to_location, lines [{part_no, quantity}], note?, actor, command, ref?, fingerprint?}
CREATE FUNCTION transfer_order_ship(p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_reply jsonb := request_begin(p);
    v_from location;
    v_to location;
    v_transit location;
    v_to_no text;
    v_document jsonb;
    v_order_id integer;
BEGIN
    IF v_reply IS NOT NULL THEN
        RETURN v_reply;
    END IF;
    v_from := location_named(p->>'location');
    v_to := location_named(p->>'to_location');
    IF v_to.id = v_from.id THEN
        RAISE EXCEPTION 'a transfer order needs two different locations' USING ERRCODE = 'PS422';
    END IF;
    IF v_from.kind = 'transit' OR v_to.kind = 'transit' THEN
        RAISE EXCEPTION '% is an in-transit location: ship from and to stock locations',
            CASE WHEN v_from.kind = 'transit' THEN v_from.code ELSE v_to.code END USING ERRCODE = 'PS422';
    END IF;
    v_transit := transit_location(v_to);

    v_to_no := next_doc_no('TO', current_date);
    v_document := post_stock_document(p || jsonb_build_object(
        'type', 'TR', 'to_location', v_transit.code, 'counterparty', format('%s to %s', v_to_no, v_to.code)));
    INSERT INTO transfer_order (to_no, from_location_id, to_location_id, transit_location_id, note,
                                shipped_by, ship_document_id)
    SELECT v_to_no, v_from.id, v_to.id, v_transit.id, p->>'note', p->'actor'->>'user', d.id
      FROM document d WHERE d.doc_no = v_document->>'doc_no'
    RETURNING id INTO v_order_id;
    -- One order line a part: the units of a serialised part are lines of their own on the TR.
    INSERT INTO transfer_order_line (transfer_order_id, line_no, part_id, shipped, unit_cost)
    SELECT v_order_id, row_number() OVER (ORDER BY min(dl.line_no)), dl.part_id, sum(dl.quantity), max(dl.unit_cost)
      FROM document_line dl JOIN document d ON d.id = dl.document_id
     WHERE d.doc_no = v_document->>'doc_no'
     GROUP BY dl.part_id;
    -- The order is what a clerk refers to afterwards, so it is the reply's key.
    RETURN request_end(p, transfer_order_reply(v_order_id, v_document)
                          || jsonb_build_object('key', v_to_no, 'message', v_to_no));
END $$;

-- arrive: books the arrival of order p.to_no: a TR transit -> destination for what arrived,
-- at most what was shipped per line (also when nothing arrived, as the signed record of the
-- arrival), and per line what was counted. p.lines absent or empty: everything shipped
-- arrived. Otherwise a listed part arrived in the given quantity (zero allowed) and an
-- unlisted part did not arrive at all; a serialised part's units are listed one by one, and
-- those not listed stay in transit.
-- p: {to_no, lines [{part_no, quantity, serial?}]?, note?, actor, command, ref?, fingerprint?}
CREATE FUNCTION transfer_order_arrive(p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_reply jsonb := request_begin(p);
    v_order transfer_order;
    v_document jsonb;
    v_item record;
    v_counted jsonb := '{}'::jsonb;
    v_lines jsonb := '[]'::jsonb;
    v_line record;
    v_received numeric;
    v_serials jsonb := '{}'::jsonb;
    v_units jsonb;
    v_all boolean := jsonb_array_length(coalesce(p->'lines', '[]'::jsonb)) = 0;
    v_exact boolean := true;
BEGIN
    IF v_reply IS NOT NULL THEN
        RETURN v_reply;
    END IF;
    -- The order's row lock: arrivals of one order run one after the other, so of two clerks
    -- confirming it at once the second finds it received.
    SELECT * INTO v_order FROM transfer_order WHERE to_no = p->>'to_no' FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown transfer order %', p->>'to_no' USING ERRCODE = 'PS404';
    END IF;
    IF v_order.state <> 'shipped' THEN
        RAISE EXCEPTION '% arrived already (% by % at %): nothing is left to arrive on it',
            v_order.to_no, v_order.state, v_order.received_by, to_char(v_order.received_at, 'YYYY-MM-DD HH24:MI')
            USING ERRCODE = 'PS409';
    END IF;

    FOR v_item IN
        SELECT l.*, ol.line_no AS order_line
          FROM request_lines(p->'lines') l
          LEFT JOIN transfer_order_line ol ON ol.transfer_order_id = v_order.id AND ol.part_id = l.part_id
         ORDER BY l.line_no
    LOOP
        IF v_item.order_line IS NULL THEN
            RAISE EXCEPTION '% was not shipped on %: count it in with adjust', v_item.part_no, v_order.to_no
                USING ERRCODE = 'PS409';
        END IF;
        IF v_item.quantity < 0 THEN
            RAISE EXCEPTION 'an arrived quantity is never negative: % %', v_item.part_no, trim_scale(v_item.quantity)
                USING ERRCODE = 'PS422';
        END IF;
        IF v_item.serial IS NOT NULL THEN
            IF NOT EXISTS (SELECT 1 FROM unit_move m JOIN unit un ON un.id = m.unit_id
                            WHERE m.document_id = v_order.ship_document_id AND un.part_id = v_item.part_id
                              AND un.serial = v_item.serial) THEN
                RAISE EXCEPTION '%#% was not shipped on %', v_item.part_no, v_item.serial, v_order.to_no USING ERRCODE = 'PS409';
            END IF;
            v_serials := v_serials || jsonb_build_object(v_item.order_line::text,
                coalesce(v_serials->(v_item.order_line::text), '[]'::jsonb) || to_jsonb(v_item.serial));
            v_counted := v_counted || jsonb_build_object(v_item.order_line::text,
                coalesce((v_counted->>(v_item.order_line::text))::numeric, 0) + 1);
        ELSIF v_item.serialized AND v_item.quantity > 0 THEN
            RAISE EXCEPTION '% is serialised: list the units that arrived as %#<serial>', v_item.part_no, v_item.part_no
                USING ERRCODE = 'PS422';
        ELSE
            v_counted := v_counted || jsonb_build_object(v_item.order_line::text, v_item.quantity);
        END IF;
    END LOOP;

    FOR v_line IN
        SELECT ol.line_no, ol.shipped, ol.part_id, pt.part_no, pt.serialized
          FROM transfer_order_line ol JOIN part pt ON pt.id = ol.part_id
         WHERE ol.transfer_order_id = v_order.id ORDER BY ol.line_no
    LOOP
        v_received := CASE WHEN v_all THEN v_line.shipped
                           ELSE coalesce((v_counted->>v_line.line_no::text)::numeric, 0) END;
        -- A serialised part's units move by name: all it shipped, or those listed.
        IF v_line.serialized THEN
            v_units := CASE WHEN v_all THEN
                           (SELECT jsonb_agg(un.serial ORDER BY un.serial) FROM unit_move m JOIN unit un ON un.id = m.unit_id
                             WHERE m.document_id = v_order.ship_document_id AND un.part_id = v_line.part_id)
                           ELSE v_serials->(v_line.line_no::text) END;
            v_lines := v_lines || coalesce((SELECT jsonb_agg(jsonb_build_object('part_no', v_line.part_no, 'quantity', '1', 'serial', s.serial))
                                              FROM jsonb_array_elements_text(v_units) AS s(serial)), '[]'::jsonb);
        END IF;
        v_exact := v_exact AND v_received = v_line.shipped;
        UPDATE transfer_order_line SET received = v_received
         WHERE transfer_order_id = v_order.id AND line_no = v_line.line_no;
        -- The extra of an over-arrival has no stock behind it in transit: only what was shipped moves.
        IF least(v_received, v_line.shipped) > 0 AND NOT v_line.serialized THEN
            v_lines := v_lines || jsonb_build_array(jsonb_build_object(
                'part_no', v_line.part_no, 'quantity', least(v_received, v_line.shipped)::text));
        END IF;
    END LOOP;

    v_document := post_stock_document(p || jsonb_build_object(
        'type', 'TR', 'location', (SELECT code FROM location WHERE id = v_order.transit_location_id),
        'to_location', (SELECT code FROM location WHERE id = v_order.to_location_id),
        'counterparty', v_order.to_no, 'lines', v_lines));
    UPDATE transfer_order
       SET state = CASE WHEN v_exact THEN 'received' ELSE 'received_with_discrepancy' END,
           received_by = p->'actor'->>'user', received_at = now(), arrival_note = p->>'note',
           arrival_document_id = (SELECT id FROM document WHERE doc_no = v_document->>'doc_no')
     WHERE id = v_order.id;
    RETURN request_end(p, transfer_order_reply(v_order.id, v_document));
END $$;
