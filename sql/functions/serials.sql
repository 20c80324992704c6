-- Serial numbers (issue 10): the units of serialised parts, each in one place at every moment
-- (see 014). How a stock document moves the units its serial lines name (unit_post, called by
-- post_stock_document), the rule that a serialised balance is its serviceable own units
-- (checked at commit, and the always-empty serial_discrepancy), a unit as `unit show` prints
-- it, and the two workflows on one unit: unit scrap and unit release.

CREATE TRIGGER unit_never_deleted BEFORE DELETE ON unit
    FOR EACH ROW EXECUTE FUNCTION refuse_master_data_delete();
CREATE TRIGGER unit_never_truncated BEFORE TRUNCATE ON unit
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_master_data_delete();
CREATE TRIGGER unit_move_append_only BEFORE UPDATE OR DELETE ON unit_move
    FOR EACH ROW EXECUTE FUNCTION refuse_ledger_change();

-- Only a serialised part has units: the stock of any other part is a number, and a unit of
-- it would be counted twice.
CREATE FUNCTION unit_part_serialised() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT (SELECT serialized FROM part WHERE id = NEW.part_id) THEN
        RAISE EXCEPTION '% is not serialised: its stock is counted, not named by serial',
            (SELECT part_no FROM part WHERE id = NEW.part_id) USING ERRCODE = 'PS422';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER unit_part_serialised BEFORE INSERT OR UPDATE OF part_id ON unit
    FOR EACH ROW EXECUTE FUNCTION unit_part_serialised();

-- The units that are stock: serviceable, the site's own, at a location. Every count of
-- serialised stock reads this one definition.
CREATE VIEW stock_unit AS
SELECT u.* FROM unit u WHERE u.place = 'location' AND u.condition = 'serviceable' AND u.owner = 'site';

-- The rule of serialised stock: a serialised part's balance at a location is the number of
-- its serviceable units there that are the site's own. Raised as a bug (PS500): no workflow
-- may leave it broken.
CREATE FUNCTION unit_balance_check(p_part integer, p_location integer) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_on_hand numeric := coalesce((SELECT on_hand FROM stock_balance WHERE part_id = p_part AND location_id = p_location), 0);
    v_units bigint := (SELECT count(*) FROM stock_unit WHERE part_id = p_part AND location_id = p_location);
BEGIN
    IF v_on_hand <> v_units THEN
        RAISE EXCEPTION 'the balance of serialised part % at % is % but % of its serviceable units are there',
            (SELECT part_no FROM part WHERE id = p_part), (SELECT code FROM location WHERE id = p_location),
            qty_text(v_on_hand), v_units USING ERRCODE = 'PS500';
    END IF;
END $$;

-- Checked at commit for every location a unit came to or left, when every balance row of the
-- transaction is final. Only units fire it: the one writer of a serialised part's balance is
-- post_stock_document, which moves the units of the same lines, so the postings of
-- unserialised parts (nearly all of them) pay nothing for it. serial_discrepancy shows any
-- other way a balance could drift.
CREATE FUNCTION unit_balance() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.place = 'location' THEN
        PERFORM unit_balance_check(NEW.part_id, NEW.location_id);
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.place = 'location' AND OLD.location_id IS DISTINCT FROM NEW.location_id THEN
        PERFORM unit_balance_check(OLD.part_id, OLD.location_id);
    END IF;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER unit_balance AFTER INSERT OR UPDATE ON unit
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION unit_balance();

-- Serialised balances that differ from the count of their serviceable own units. Always
-- empty; tests check it like ledger_discrepancy.
CREATE VIEW serial_discrepancy AS
SELECT k.part_id, k.location_id, coalesce(b.on_hand, 0) AS on_hand, coalesce(u.units, 0) AS units
  FROM (SELECT b.part_id, b.location_id FROM stock_balance b JOIN part p ON p.id = b.part_id WHERE p.serialized
        UNION
        SELECT part_id, location_id FROM unit WHERE place = 'location') k
  LEFT JOIN stock_balance b ON b.part_id = k.part_id AND b.location_id = k.location_id
  LEFT JOIN (SELECT part_id, location_id, count(*) AS units FROM stock_unit GROUP BY part_id, location_id) u ON u.part_id = k.part_id AND u.location_id = k.location_id
 WHERE coalesce(b.on_hand, 0) <> coalesce(u.units, 0);

-- The part a request names, which must be serialised.
CREATE FUNCTION serialised_part(p_part_no text) RETURNS part
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_part part := part_named(p_part_no);
BEGIN
    IF NOT v_part.serialized THEN
        RAISE EXCEPTION '% is not serialised: its units have no serials to name (part set % serialized=yes while it has no stock)',
            v_part.part_no, v_part.part_no USING ERRCODE = 'PS422';
    END IF;
    RETURN v_part;
END $$;

-- The unit <part>#<serial>, locked for the rest of the transaction (after any balance row the
-- caller locks: headers, balances, then units).
CREATE FUNCTION unit_named(p_part part, p_serial text) RETURNS unit
LANGUAGE plpgsql AS $$
DECLARE
    v_unit unit;
BEGIN
    SELECT * INTO v_unit FROM unit WHERE part_id = p_part.id AND serial = p_serial FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown unit %#%', p_part.part_no, p_serial USING ERRCODE = 'PS404';
    END IF;
    RETURN v_unit;
END $$;

-- The unit <part>#<serial> at p_location, locked; elsewhere it is a conflict saying where it is.
CREATE FUNCTION unit_at_location(p_location location, p_part part, p_serial text) RETURNS unit
LANGUAGE plpgsql AS $$
DECLARE
    v_unit unit := unit_named(p_part, p_serial);
BEGIN
    IF v_unit.place <> 'location' OR v_unit.location_id <> p_location.id THEN
        RAISE EXCEPTION '%#% is not at %: it is %', p_part.part_no, v_unit.serial, p_location.code, unit_where(v_unit)
            || CASE WHEN v_unit.place = 'vendor' THEN ' (it comes back with repair return <RO>)' ELSE '' END
            USING ERRCODE = 'PS409';
    END IF;
    RETURN v_unit;
END $$;

-- Where a unit is, in words for a refusal or a list: "at MAIN, serviceable", "out with
-- customer WO-9 on XC-2026-000002", "at vendor BOSCH on RO-2026-000003", "scrapped".
CREATE FUNCTION unit_where(p_unit unit) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT CASE p_unit.place
        WHEN 'location' THEN format('at %s, %s', (SELECT code FROM location WHERE id = p_unit.location_id), p_unit.condition)
                             || CASE WHEN p_unit.owner = 'customer' THEN format(', customer %s''s unit', p_unit.owner_name) ELSE '' END
        WHEN 'customer' THEN 'out with ' || coalesce('customer ' || p_unit.holder, 'a customer')
                             || coalesce(' on ' || (SELECT x.xc_no FROM exchange x WHERE x.unit_id = p_unit.id AND x.state <> 'closed'), '')
        WHEN 'vendor' THEN format('at vendor %s', (SELECT code FROM supplier WHERE id = p_unit.vendor_id))
                           || CASE WHEN p_unit.owner = 'vendor' THEN ', which kept it when it replaced the unit'
                                   ELSE coalesce(' on ' || (SELECT r.ro_no FROM repair_order r
                                                             WHERE r.unit_id = p_unit.id AND r.state <> 'returned'), '') END
        ELSE 'scrapped'
    END
$$;

-- Moves the unit a serial line of a stock document names, as the document type's unit rule
-- says (document_type.unit_from, unit_to: see 014), and returns it. Called by
-- post_stock_document before the line's balance changes, after it locked every balance row
-- of the document, so units are locked last and in (part, serial) order. Refuses a unit that
-- is not where the document says, not serviceable, or not the site's.
-- p: the document's request: counterparty or holder (who gets a unit out to a customer),
--    vendor (the supplier code a unit goes to).
CREATE FUNCTION unit_post(p_type document_type, p_part_id integer, p_part_no text, p_serial text,
                          p_from location, p_to location, p jsonb) RETURNS unit
LANGUAGE plpgsql AS $$
DECLARE
    v_label text := p_part_no || '#' || p_serial;
    v_unit unit;
    v_at integer := coalesce(p_to.id, p_from.id);
BEGIN
    IF p_type.unit_from = 'new' THEN
        -- Of two receipts of one new serial at once, the second waits here for the first.
        INSERT INTO unit (part_id, serial, place, location_id, condition)
        VALUES (p_part_id, p_serial, 'location', p_from.id, 'serviceable')
        ON CONFLICT (part_id, serial) DO NOTHING
        RETURNING * INTO v_unit;
        IF FOUND THEN
            RETURN v_unit;
        END IF;
        SELECT * INTO v_unit FROM unit WHERE part_id = p_part_id AND serial = p_serial FOR UPDATE;
        RAISE EXCEPTION '% is known already: it is %; a receipt brings in new units only%', v_label, unit_where(v_unit),
            CASE v_unit.place WHEN 'customer' THEN ' (take it back with return <GI-no> or exchange core)'
                              WHEN 'vendor' THEN ' (book its return with repair return)' ELSE '' END
            USING ERRCODE = 'PS409';
    END IF;

    SELECT * INTO v_unit FROM unit WHERE part_id = p_part_id AND serial = p_serial FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown unit %', v_label USING ERRCODE = 'PS404';
    END IF;
    IF p_type.unit_from = 'location' AND (v_unit.place <> 'location' OR v_unit.location_id <> p_from.id) THEN
        RAISE EXCEPTION '% is not at %: it is %', v_label, p_from.code, unit_where(v_unit) USING ERRCODE = 'PS409';
    ELSIF p_type.unit_from = 'location' AND v_unit.owner <> 'site' THEN
        RAISE EXCEPTION '% at % is customer %''s unit, not stock', v_label, p_from.code, v_unit.owner_name
            USING ERRCODE = 'PS409';
    ELSIF p_type.unit_from = 'location' AND v_unit.condition <> 'serviceable' THEN
        RAISE EXCEPTION '% at % is unserviceable, so it is not stock: send it to repair (repair new) or scrap it (unit scrap)',
            v_label, p_from.code USING ERRCODE = 'PS409';
    ELSIF p_type.unit_from = 'customer' AND v_unit.place <> 'customer' THEN
        RAISE EXCEPTION '% is not out with a customer: it is %', v_label, unit_where(v_unit) USING ERRCODE = 'PS409';
    ELSIF p_type.unit_from = 'vendor' AND v_unit.place <> 'vendor' THEN
        RAISE EXCEPTION '% is not at a vendor: it is %', v_label, unit_where(v_unit) USING ERRCODE = 'PS409';
    END IF;

    UPDATE unit
       SET place = p_type.unit_to,
           location_id = CASE WHEN p_type.unit_to = 'location' THEN v_at END,
           vendor_id = CASE WHEN p_type.unit_to = 'vendor' THEN (SELECT id FROM supplier WHERE code = p->>'vendor') END,
           holder = CASE WHEN p_type.unit_to = 'customer' THEN left(coalesce(p->>'holder', p->>'counterparty'), 200) END,
           condition = CASE p_type.unit_to WHEN 'vendor' THEN 'at_vendor' WHEN 'gone' THEN 'scrapped' ELSE 'serviceable' END,
           owner = 'site', owner_name = NULL, moved_at = now()
     WHERE id = v_unit.id
    RETURNING * INTO v_unit;
    RETURN v_unit;
END $$;

-- Records that line p_line_no of document p_document_id moved the unit, and where it is now:
-- the unit's history.
CREATE FUNCTION unit_moved(p_document_id bigint, p_line_no integer, p_unit unit) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO unit_move (document_id, line_no, unit_id, place, condition)
    VALUES (p_document_id, p_line_no, p_unit.id, p_unit.place, p_unit.condition)
$$;

-- Checks the serial lines of a document before anything is posted: a serial is named once,
-- and the document type moves units at all. A count says how many, never which, so it gets
-- the way to correct a serialised count instead.
CREATE FUNCTION serial_lines_check(p_type document_type, p_location text, p_lines jsonb) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_twice text;
BEGIN
    SELECT l.item->>'part_no' || '#' || (l.item->>'serial') INTO v_twice
      FROM jsonb_array_elements(p_lines) AS l(item)
     WHERE l.item ? 'serial'
     GROUP BY l.item->>'part_no', l.item->>'serial' HAVING count(*) > 1 LIMIT 1;
    IF v_twice IS NOT NULL THEN
        RAISE EXCEPTION '% appears twice: a unit is on a document once', v_twice USING ERRCODE = 'PS422';
    END IF;
    IF p_type.unit_from IS NULL AND p_type.direction <> 'record' THEN
        PERFORM serial_refusal(p_type, (SELECT l.item->>'part_no' FROM jsonb_array_elements(p_lines) AS l(item)
                                         WHERE l.item ? 'serial' LIMIT 1), p_location);
    END IF;
END $$;

-- Why a serialised part cannot be on this document the way it was given.
CREATE FUNCTION serial_refusal(p_type document_type, p_part_no text, p_location text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF p_type.direction = 'count' THEN
        RAISE EXCEPTION '% is serialised: a count says how many, not which units; receive a unit found with receive % %#<serial>@<cost>, write off a missing one with unit scrap % %#<serial> reason="...", and see the units there with unit list % location=%',
            p_part_no, p_location, p_part_no, p_location, p_part_no, p_part_no, p_location USING ERRCODE = 'PS422';
    ELSIF p_type.unit_from IS NULL THEN
        RAISE EXCEPTION '% is serialised: % documents do not move named units', p_part_no, p_type.code USING ERRCODE = 'PS422';
    END IF;
    RAISE EXCEPTION '% is serialised: name each unit as %#<serial>, one line a unit', p_part_no, p_part_no USING ERRCODE = 'PS422';
END $$;

-- A unit as `unit show` prints it: where it is, its condition and owner, the repair order or
-- exchange it is on now, the unit it replaced or that replaced it, and every document that
-- moved it, newest first.
CREATE FUNCTION unit_json(p_unit_id bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'part_no', p.part_no, 'description', p.description, 'serial', u.serial,
        'owner', u.owner, 'owner_name', u.owner_name, 'place', u.place, 'location', l.code, 'vendor', s.code,
        'holder', u.holder, 'condition', u.condition, 'where', unit_where(u),
        'open_document', coalesce(
            (SELECT r.ro_no FROM repair_order r WHERE u.id IN (r.unit_id, r.replacement_unit_id) AND r.state <> 'returned'),
            (SELECT x.xc_no FROM exchange x WHERE x.unit_id = u.id AND x.state <> 'closed')),
        'replaces', (SELECT p.part_no || '#' || o.serial FROM repair_order r JOIN unit o ON o.id = r.unit_id
                      WHERE r.replacement_unit_id = u.id),
        'replaced_by', (SELECT p.part_no || '#' || n.serial FROM repair_order r JOIN unit n ON n.id = r.replacement_unit_id
                         WHERE r.unit_id = u.id),
        'created_at', u.created_at::text, 'moved_at', u.moved_at::text,
        'orders', coalesce((
            SELECT jsonb_agg(o.item ORDER BY o.at DESC, o.number DESC) FROM (
                SELECT r.ro_no AS number, r.shipped_at AS at,
                       jsonb_build_object('number', r.ro_no, 'kind', 'repair', 'state', r.state,
                                          'role', CASE WHEN r.unit_id = u.id THEN 'unit' ELSE 'replacement' END,
                                          'at', r.shipped_at::text) AS item
                  FROM repair_order r WHERE u.id IN (r.unit_id, r.replacement_unit_id)
                UNION ALL
                SELECT x.xc_no, x.created_at,
                       jsonb_build_object('number', x.xc_no, 'kind', 'exchange', 'state', x.state,
                                          'role', CASE WHEN x.unit_id = u.id THEN 'out' ELSE 'core' END,
                                          'at', x.created_at::text)
                  FROM exchange x WHERE u.id IN (x.unit_id, x.core_unit_id)) o), '[]'::jsonb),
        'history', coalesce((
            SELECT jsonb_agg(jsonb_build_object(
                       'doc_no', d.doc_no, 'type', d.doc_type, 'title', t.title, 'posted_at', d.posted_at::text,
                       'location', dl.code, 'to_location', tl.code, 'counterparty', d.counterparty,
                       'place', m.place, 'condition', m.condition) ORDER BY d.posted_at DESC, d.id DESC)
              FROM unit_move m
              JOIN document d ON d.id = m.document_id
              JOIN document_type t ON t.code = d.doc_type
              JOIN location dl ON dl.id = d.location_id
              LEFT JOIN location tl ON tl.id = d.to_location_id
             WHERE m.unit_id = u.id), '[]'::jsonb))
      FROM unit u
      JOIN part p ON p.id = u.part_id
      LEFT JOIN location l ON l.id = u.location_id
      LEFT JOIN supplier s ON s.id = u.vendor_id
     WHERE u.id = p_unit_id
$$;

-- unit scrap: a unit of ours at a location is written off. A serviceable one is stock and
-- leaves it at its average cost with an SC (scrap) document; an unserviceable one carries no
-- stock value, so an SX only records that it is gone.
-- p: {location, part_no, serial, reason, actor, command, ref?, fingerprint?}
CREATE FUNCTION unit_scrap(p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_reply jsonb := request_begin(p);
    v_location location;
    v_part part;
    v_unit unit;
    v_posting jsonb;
    v_document jsonb;
BEGIN
    IF v_reply IS NOT NULL THEN
        RETURN v_reply;
    END IF;
    v_location := location_named(p->>'location');
    v_part := serialised_part(p->>'part_no');
    PERFORM lock_balances(ARRAY[v_part.id], ARRAY[v_location.id]);
    v_unit := unit_at_location(v_location, v_part, p->>'serial');
    IF v_unit.owner <> 'site' THEN
        RAISE EXCEPTION '%#% is customer %''s unit: it is not ours to scrap; hand it back with unit release',
            v_part.part_no, v_unit.serial, v_unit.owner_name USING ERRCODE = 'PS409';
    END IF;
    v_posting := p || jsonb_build_object('location', v_location.code, 'lines', jsonb_build_array(jsonb_build_object(
        'part_no', v_part.part_no, 'quantity', '1', 'serial', v_unit.serial)));
    -- The document goes to document_reply as a variable: over the posting call itself (which
    -- writes) PostgreSQL would not inline it, and would parse it again on every call.
    IF v_unit.condition = 'serviceable' THEN
        v_document := post_stock_document(v_posting || '{"type": "SC"}');
        RETURN request_end(p, document_reply(v_document));
    END IF;
    UPDATE unit SET place = 'gone', location_id = NULL, condition = 'scrapped', moved_at = now() WHERE id = v_unit.id;
    v_document := post_record_document(v_posting || '{"type": "SX"}');
    RETURN request_end(p, document_reply(v_document));
END $$;

-- unit release: a customer's unit at one of our locations (back from repair) goes back to
-- its customer, recorded by a CH document; it never was stock.
-- p: {location, part_no, serial, to?, note?, actor, command, ref?, fingerprint?}
CREATE FUNCTION unit_release(p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_reply jsonb := request_begin(p);
    v_location location;
    v_part part;
    v_unit unit;
    v_document jsonb;
BEGIN
    IF v_reply IS NOT NULL THEN
        RETURN v_reply;
    END IF;
    v_location := location_named(p->>'location');
    v_part := serialised_part(p->>'part_no');
    v_unit := unit_at_location(v_location, v_part, p->>'serial');
    IF v_unit.owner <> 'customer' THEN
        RAISE EXCEPTION '%#% is the site''s own unit: it leaves stock with issue % %#%', v_part.part_no, v_unit.serial,
            v_location.code, v_part.part_no, v_unit.serial USING ERRCODE = 'PS409';
    END IF;
    IF EXISTS (SELECT 1 FROM repair_order WHERE unit_id = v_unit.id AND state <> 'returned') THEN
        RAISE EXCEPTION '%#% is on an open repair order', v_part.part_no, v_unit.serial USING ERRCODE = 'PS409';
    END IF;
    UPDATE unit SET place = 'customer', location_id = NULL, holder = left(coalesce(p->>'to', v_unit.owner_name), 200),
                    moved_at = now()
     WHERE id = v_unit.id;
    v_document := post_record_document(p || jsonb_build_object(
        'type', 'CH', 'location', v_location.code, 'counterparty', coalesce(p->>'to', v_unit.owner_name),
        'lines', jsonb_build_array(jsonb_build_object('part_no', v_part.part_no, 'quantity', '1', 'serial', v_unit.serial))));
    RETURN request_end(p, document_reply(v_document));
END $$;
