-- Warranty claims and old-part return to the factory (三包旧件返厂): makers and their rules
-- (oem add | set), claims and their tagged old parts (claim new | call | appeal), return
-- batches (batch new | add | remove | box | approve | ship | receive), the factory's verdicts,
-- the destruction of parts kept past their retention, the deadlines run and the reports.
-- See sql/013_warranty.sql for the tables and what they hold.
--
-- Dates are local dates of the site (the request's time_zone, site.time_zone). A deadline is
-- fixed when its clock starts, from the maker's rules in force that day (oem_rule_on), and
-- never computed again: the call-back window and the retention start on the claim date, the
-- ship-by date on the call-back (return=all, or a part marked warranty_return: on the claim
-- date), the appeal window on the verdict date.
--
-- Lock order, after the ref: a batch's row, then old parts in id order. No workflow here
-- locks a stock balance: old parts are not stock.

-- Old parts are not stock: no balance row may exist at an old-parts location, so available
-- stock, its value, planning and turnover can never count them. Checked once per statement
-- over the rows it made: a receipt of many lines makes many rows at once.
CREATE FUNCTION refuse_oldparts_stock() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_code text;
BEGIN
    SELECT l.code INTO v_code FROM made JOIN location l ON l.id = made.location_id WHERE l.kind = 'oldparts' LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION '% is an old-parts location: warranty old parts are not stock; they come in with claim new and leave with batch ship or oldparts scrap',
            v_code USING ERRCODE = 'PS422';
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER stock_balance_not_oldparts AFTER INSERT ON stock_balance
    REFERENCING NEW TABLE AS made FOR EACH STATEMENT EXECUTE FUNCTION refuse_oldparts_stock();

-- Rules are versions, claims are facts, verdicts and appeals are final: rows only ever added.
CREATE FUNCTION refuse_warranty_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '%', CASE TG_TABLE_NAME
        WHEN 'old_part_verdict' THEN 'a recorded verdict never changes: contest it with claim appeal'
        WHEN 'old_part_appeal' THEN 'a recorded appeal never changes'
        WHEN 'oem_rule' THEN 'a maker''s rules are versions: oem set adds one'
        WHEN 'oem' THEN 'makers are never deleted: claims refer to them'
        ELSE 'a recorded claim never changes' END USING ERRCODE = 'PS409';
END $$;
CREATE TRIGGER old_part_verdict_final BEFORE UPDATE OR DELETE ON old_part_verdict
    FOR EACH ROW EXECUTE FUNCTION refuse_warranty_change();
CREATE TRIGGER old_part_appeal_final BEFORE UPDATE OR DELETE ON old_part_appeal
    FOR EACH ROW EXECUTE FUNCTION refuse_warranty_change();
CREATE TRIGGER oem_rule_versions BEFORE UPDATE OR DELETE ON oem_rule
    FOR EACH ROW EXECUTE FUNCTION refuse_warranty_change();
CREATE TRIGGER oem_never_deleted BEFORE DELETE ON oem
    FOR EACH ROW EXECUTE FUNCTION refuse_warranty_change();
CREATE TRIGGER warranty_claim_final BEFORE UPDATE OR DELETE ON warranty_claim
    FOR EACH ROW EXECUTE FUNCTION refuse_warranty_change();

-- A batch moves only along return_batch_transition, and once shipped nothing changes but
-- the factory's signature.
CREATE FUNCTION return_batch_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_kept return_batch;
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'return batches are never deleted: %', OLD.rb_no USING ERRCODE = 'PS409';
    END IF;
    IF NEW.state <> OLD.state
       AND NOT EXISTS (SELECT 1 FROM return_batch_transition WHERE from_state = OLD.state AND to_state = NEW.state) THEN
        RAISE EXCEPTION '% is %: it cannot become %', OLD.rb_no, OLD.state, NEW.state USING ERRCODE = 'PS409';
    END IF;
    IF OLD.state IN ('shipped', 'received') THEN
        v_kept := NEW;
        IF OLD.state = 'shipped' THEN
            v_kept.state := OLD.state;
            v_kept.received_by := OLD.received_by;
            v_kept.received_on := OLD.received_on;
            v_kept.received_at := OLD.received_at;
        END IF;
        IF v_kept IS DISTINCT FROM OLD THEN
            RAISE EXCEPTION '% was shipped on %: a shipped batch never changes', OLD.rb_no, OLD.shipped_on USING ERRCODE = 'PS409';
        END IF;
    END IF;
    IF (NEW.rb_no, NEW.oem_id, NEW.location_id, NEW.created_by, NEW.created_at)
       IS DISTINCT FROM (OLD.rb_no, OLD.oem_id, OLD.location_id, OLD.created_by, OLD.created_at) THEN
        RAISE EXCEPTION 'a batch''s number, maker and old-parts area never change' USING ERRCODE = 'PS409';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER return_batch_guarded BEFORE UPDATE OR DELETE ON return_batch
    FOR EACH ROW EXECUTE FUNCTION return_batch_guard();

-- An old part's identity never changes, its state moves only along old_part_transition, its
-- deadlines once set stay, and its batch and box change only while the batch may: parts join
-- and leave open batches, boxes change until the batch is shipped.
CREATE FUNCTION old_part_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_state text;
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'old parts are never deleted: %', OLD.tag_no USING ERRCODE = 'PS409';
    END IF;
    IF (NEW.tag_no, NEW.claim_id, NEW.line_no, NEW.part_id, NEW.serial, NEW.quantity, NEW.amount, NEW.location_id, NEW.must_return)
       IS DISTINCT FROM (OLD.tag_no, OLD.claim_id, OLD.line_no, OLD.part_id, OLD.serial, OLD.quantity, OLD.amount,
                         OLD.location_id, OLD.must_return) THEN
        RAISE EXCEPTION 'the tag, claim, part, quantity and amount of % never change', OLD.tag_no USING ERRCODE = 'PS409';
    END IF;
    IF NEW.state <> OLD.state
       AND NOT EXISTS (SELECT 1 FROM old_part_transition WHERE from_state = OLD.state AND to_state = NEW.state) THEN
        RAISE EXCEPTION '% is %: it cannot become %', OLD.tag_no, OLD.state, NEW.state USING ERRCODE = 'PS409';
    END IF;
    IF (OLD.ship_by IS NOT NULL AND NEW.ship_by IS DISTINCT FROM OLD.ship_by)
       OR (OLD.called_on IS NOT NULL AND NEW.called_on IS DISTINCT FROM OLD.called_on)
       OR (OLD.shipped_on IS NOT NULL AND NEW.shipped_on IS DISTINCT FROM OLD.shipped_on) THEN
        RAISE EXCEPTION 'the deadlines and dates of % never change once set', OLD.tag_no USING ERRCODE = 'PS409';
    END IF;
    IF NEW.batch_id IS DISTINCT FROM OLD.batch_id THEN
        SELECT string_agg(b.rb_no || ' is ' || b.state, ', ') INTO v_state
          FROM return_batch b WHERE b.id IN (OLD.batch_id, NEW.batch_id) AND b.state <> 'open';
        IF v_state IS NOT NULL THEN
            RAISE EXCEPTION 'parts join and leave a batch while it is open: %', v_state USING ERRCODE = 'PS409';
        END IF;
    ELSIF NEW.box_no IS DISTINCT FROM OLD.box_no THEN
        SELECT b.rb_no || ' is ' || b.state INTO v_state
          FROM return_batch b WHERE b.id = NEW.batch_id AND b.state NOT IN ('open', 'approved');
        IF v_state IS NOT NULL THEN
            RAISE EXCEPTION 'boxes change until a batch is shipped: %', v_state USING ERRCODE = 'PS409';
        END IF;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER old_part_guarded BEFORE UPDATE OR DELETE ON old_part
    FOR EACH ROW EXECUTE FUNCTION old_part_guard();

-- The site's date today in a time zone (an IANA name; NULL: the server's).
CREATE FUNCTION site_today_in(p_zone text) RETURNS date
LANGUAGE sql STABLE AS $$ SELECT (now() AT TIME ZONE coalesce(p_zone, current_setting('TimeZone')))::date $$;

-- The site's date today for a request, in its time_zone.
CREATE FUNCTION site_today(p jsonb) RETURNS date
LANGUAGE sql STABLE AS $$ SELECT site_today_in(p->>'time_zone') $$;

-- A date a request names (p_key), at most today; absent: today.
CREATE FUNCTION request_day(p jsonb, p_key text, p_today date) RETURNS date
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_day date := coalesce((p->>p_key)::date, p_today);
BEGIN
    IF v_day > p_today THEN
        RAISE EXCEPTION '%=% is after today (%)', p_key, v_day, p_today USING ERRCODE = 'PS422';
    END IF;
    RETURN v_day;
END $$;

-- The maker p_code; an unknown code is refused.
CREATE FUNCTION oem_named(p_code text) RETURNS oem
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_oem oem;
BEGIN
    SELECT * INTO v_oem FROM oem WHERE code = p_code;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown oem %', p_code USING ERRCODE = 'PS404';
    END IF;
    RETURN v_oem;
END $$;

-- The rules of maker p_oem in force on p_day: the version with the latest valid_from on or
-- before it, the last one set among versions of one day.
CREATE FUNCTION oem_rule_on(p_oem integer, p_day date) RETURNS oem_rule
LANGUAGE sql STABLE AS $$
    SELECT * FROM oem_rule WHERE oem_id = p_oem AND valid_from <= p_day ORDER BY valid_from DESC, id DESC LIMIT 1
$$;

-- A claim's and a part's deadlines, from the rules in force when each clock starts: the
-- call-back window (return=called) and the retention from the claim date; the ship-by date
-- from the claim date for a part wanted from the claim (p_must_return), else from the
-- call-back date (NULL while not called), and the first day a shipment may leave.
CREATE TYPE warranty_dates AS (
    request_by   date,
    retain_until date,
    ship_by      date,
    ship_from    date,
    claim_rule   integer,
    ship_rule    integer
);
CREATE FUNCTION warranty_dates(p_oem integer, p_claimed date, p_called date, p_must_return boolean) RETURNS warranty_dates
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_claim oem_rule := oem_rule_on(p_oem, p_claimed);
    v_ship oem_rule;
    v_dates warranty_dates;
    v_start date;
BEGIN
    v_dates.claim_rule := v_claim.id;
    v_dates.request_by := CASE WHEN v_claim.return_mode = 'called' THEN p_claimed + v_claim.request_days END;
    v_dates.retain_until := p_claimed + v_claim.retention_days;
    IF p_must_return OR v_claim.return_mode = 'all' THEN
        v_ship := v_claim;
        v_start := p_claimed;
    ELSIF p_called IS NOT NULL THEN
        v_ship := oem_rule_on(p_oem, p_called);
        v_start := p_called;
    END IF;
    IF v_start IS NOT NULL THEN
        v_dates.ship_rule := v_ship.id;
        v_dates.ship_by := v_start + v_ship.ship_days;
        v_dates.ship_from := v_dates.ship_by - v_ship.earliest_days;
    END IF;
    RETURN v_dates;
END $$;

-- The last day to appeal a verdict decided on p_decided.
CREATE FUNCTION warranty_appeal_by(p_oem integer, p_decided date) RETURNS date
LANGUAGE sql STABLE AS $$ SELECT p_decided + (oem_rule_on(p_oem, p_decided)).appeal_days $$;

-- A claim's month, as the return lists group it. STABLE: date_trunc works on a timestamptz, so
-- in the session's time zone (see document_reply in ledger.sql for why it matters).
CREATE FUNCTION claim_month(p_claimed date) RETURNS date
LANGUAGE sql STABLE AS $$ SELECT date_trunc('month', p_claimed)::date $$;

-- The old-parts area a request names (location=), else the only one, else OLDPARTS.
CREATE FUNCTION oldparts_location(p_code text) RETURNS location
LANGUAGE sql AS $$ SELECT location_of_kind('oldparts', p_code, 'location', 'OLDPARTS', 'Old parts 旧件库') $$;

-- One rule version as oem show prints it.
CREATE FUNCTION oem_rule_json(p_rule oem_rule) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'valid_from', CASE WHEN isfinite(p_rule.valid_from) THEN p_rule.valid_from END,
        'return', p_rule.return_mode, 'request_days', p_rule.request_days, 'ship_days', p_rule.ship_days,
        'retention_days', p_rule.retention_days, 'earliest_days', p_rule.earliest_days,
        'appeal_days', p_rule.appeal_days, 'cycle', p_rule.cycle, 'set_by', p_rule.set_by,
        'set_at', to_char(p_rule.set_at, 'YYYY-MM-DD HH24:MI:SS'))
$$;

-- The rules as one line: return=called request_days=15 ...
CREATE FUNCTION oem_rule_text(p_rule oem_rule) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT format('return=%s request_days=%s ship_days=%s retention_days=%s earliest_days=%s appeal_days=%s cycle=%s',
                  p_rule.return_mode, p_rule.request_days, p_rule.ship_days, p_rule.retention_days,
                  coalesce(p_rule.earliest_days::text, 'none'), p_rule.appeal_days, p_rule.cycle)
$$;

-- Old parts a maker still has to get back, and what they are worth: wanted, not shipped.
CREATE FUNCTION old_part_open(p_state text, p_ship_by date) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$ SELECT p_state IN ('due', 'called', 'packed') AND p_ship_by IS NOT NULL $$;

-- A maker with the rules in force on p_today, every version, and what is open with it.
CREATE FUNCTION oem_json(p_id integer, p_today date) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'code', e.code, 'name', e.name, 'created_by', e.created_by,
        'created_at', to_char(e.created_at, 'YYYY-MM-DD HH24:MI:SS'),
        'rules', oem_rule_json(oem_rule_on(e.id, p_today)),
        'history', (SELECT jsonb_agg(oem_rule_json(r) ORDER BY r.valid_from DESC, r.id DESC) FROM oem_rule r WHERE r.oem_id = e.id),
        'claims', (SELECT count(*) FROM warranty_claim c WHERE c.oem_id = e.id),
        'open_parts', coalesce(o.parts, 0), 'at_risk', coalesce(o.amount, 0)::numeric(15,2)::text)
      FROM oem e
      LEFT JOIN LATERAL (SELECT count(*) AS parts, sum(op.amount) AS amount
                           FROM old_part op JOIN warranty_claim c ON c.id = op.claim_id
                          WHERE c.oem_id = e.id AND old_part_open(op.state, op.ship_by)) o ON true
     WHERE e.id = p_id
$$;

-- One old part as claim show, claim list and the batches print it.
CREATE FUNCTION old_part_json(p_id integer, p_today date) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'tag_no', o.tag_no, 'claim_no', c.claim_no, 'oem', e.code, 'line_no', o.line_no,
        'part_no', pt.part_no, 'description', pt.description, 'unit', pt.unit, 'supplier', pt.supplier,
        'serial', o.serial, 'quantity', o.quantity::text, 'amount', o.amount::text, 'location', l.code,
        'must_return', o.must_return, 'state', o.state, 'claimed', c.claimed,
        'request_by', c.request_by, 'retain_until', c.retain_until, 'ship_by', o.ship_by, 'ship_from', o.ship_from,
        'days_left', CASE WHEN old_part_open(o.state, o.ship_by) THEN o.ship_by - p_today END,
        'called_on', o.called_on, 'called_by', o.called_by, 'batch', b.rb_no, 'box', o.box_no,
        'packed_by', o.packed_by, 'packed_at', to_char(o.packed_at, 'YYYY-MM-DD HH24:MI:SS'),
        'shipped_on', o.shipped_on, 'shipped_by', b.shipped_by, 'received_on', o.received_on, 'overdue_on', o.overdue_on,
        'expired_on', o.expired_on, 'reminded_days', o.reminded_days,
        'verdict', v.outcome, 'reason', v.reason, 'reason_title', rr.title,
        'credit', v.credit::text, 'charge_back', v.charge_back::text, 'decided', v.decided,
        'verdict_by', v.recorded_by, 'appeal_by', v.appeal_by, 'appealed_on', a.appealed_on,
        'scrap_doc', sd.doc_no)
      FROM old_part o
      JOIN warranty_claim c ON c.id = o.claim_id
      JOIN oem e ON e.id = c.oem_id
      JOIN part pt ON pt.id = o.part_id
      JOIN location l ON l.id = o.location_id
      LEFT JOIN return_batch b ON b.id = o.batch_id
      LEFT JOIN document sd ON sd.id = o.scrap_document_id
      LEFT JOIN old_part_appeal a ON a.old_part_id = o.id
      LEFT JOIN LATERAL (SELECT * FROM old_part_verdict ov WHERE ov.old_part_id = o.id ORDER BY ov.round DESC LIMIT 1) v ON true
      LEFT JOIN warranty_reject_reason rr ON rr.code = v.reason
     WHERE o.id = p_id
$$;

-- A claim with its old parts, as claim show, the replies and the tags print it.
CREATE FUNCTION warranty_claim_json(p_id integer, p_today date) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'claim_no', c.claim_no, 'oem', e.code, 'oem_name', e.name, 'vin', c.vin, 'failure', c.failure,
        'claimed', c.claimed, 'claim_month', to_char(c.claimed, 'YYYY-MM'), 'repaired', c.repaired,
        'mileage', c.mileage, 'work_order', c.work_order, 'technician', c.technician,
        'amount', c.amount::text, 'note', c.note, 'return', r.return_mode, 'request_by', c.request_by,
        'retain_until', c.retain_until, 'recorded_by', c.recorded_by,
        'recorded_at', to_char(c.recorded_at, 'YYYY-MM-DD HH24:MI:SS'),
        'parts', (SELECT jsonb_agg(old_part_json(o.id, p_today) ORDER BY o.line_no) FROM old_part o WHERE o.claim_id = c.id))
      FROM warranty_claim c
      JOIN oem e ON e.id = c.oem_id
      JOIN oem_rule r ON r.id = c.rule_id
     WHERE c.id = p_id
$$;

-- A batch with its return list (旧件回运清单): per line the claim's VIN, mileage and failure.
CREATE FUNCTION return_batch_json(p_id integer, p_today date) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'rb_no', b.rb_no, 'oem', e.code, 'oem_name', e.name, 'state', b.state,
        'claim_month', to_char(b.claim_month, 'YYYY-MM'), 'mode', b.mode, 'location', l.code, 'note', b.note,
        'created_by', b.created_by, 'created_at', to_char(b.created_at, 'YYYY-MM-DD HH24:MI:SS'),
        'approved_by', b.approved_by, 'approved_at', to_char(b.approved_at, 'YYYY-MM-DD HH24:MI:SS'),
        'shipped_by', b.shipped_by, 'shipped_on', b.shipped_on, 'carrier', b.carrier, 'tracking', b.tracking,
        'ship_doc', d.doc_no, 'received_by', b.received_by, 'received_on', b.received_on,
        'parts', coalesce(x.parts, 0), 'boxes', coalesce(x.boxes, 0), 'amount', coalesce(x.amount, 0)::numeric(15,2)::text,
        'lines', coalesce(x.lines, '[]'::jsonb))
      FROM return_batch b
      JOIN oem e ON e.id = b.oem_id
      JOIN location l ON l.id = b.location_id
      LEFT JOIN document d ON d.id = b.ship_document_id
      LEFT JOIN LATERAL (
          SELECT count(*) AS parts, count(DISTINCT o.box_no) AS boxes, sum(o.amount) AS amount,
                 jsonb_agg(old_part_json(o.id, p_today)
                           || jsonb_build_object('vin', c.vin, 'mileage', c.mileage, 'failure', c.failure,
                                                 'quantity_returned', CASE WHEN o.shipped_on IS NOT NULL THEN o.quantity ELSE 0 END::numeric(15,3)::text)
                           ORDER BY o.box_no NULLS LAST, c.claim_no, o.line_no) AS lines
            FROM old_part o JOIN warranty_claim c ON c.id = o.claim_id
           WHERE o.batch_id = b.id) x ON true
     WHERE b.id = p_id
$$;

-- Applies the rule values a request names ({return, request_days, ...}, as typed) to
-- p_base and checks every value; the refusal says what is allowed.
CREATE FUNCTION oem_rule_apply(p_base oem_rule, p_rules jsonb) RETURNS oem_rule
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    v_rule oem_rule := p_base;
    v_key text;
    v_value text;
    v_days integer;
    v_range int4range;
BEGIN
    FOR v_key, v_value IN SELECT key, value FROM jsonb_each_text(coalesce(p_rules, '{}'::jsonb)) LOOP
        CASE v_key
        WHEN 'return' THEN
            PERFORM check_choice('return', v_value, ARRAY['all', 'called']);
            v_rule.return_mode := v_value;
        WHEN 'cycle' THEN
            PERFORM check_choice('cycle', v_value, ARRAY['monthly', 'weekly', 'single']);
            v_rule.cycle := v_value;
        WHEN 'request_days', 'ship_days', 'retention_days', 'earliest_days', 'appeal_days' THEN
            v_range := CASE v_key WHEN 'retention_days' THEN int4range(1, 3650, '[]') WHEN 'request_days' THEN int4range(1, 365, '[]')
                                  WHEN 'ship_days' THEN int4range(1, 365, '[]') ELSE int4range(0, 365, '[]') END;
            IF v_key = 'earliest_days' AND v_value = 'none' THEN
                v_rule.earliest_days := NULL;
                CONTINUE;
            END IF;
            IF v_value !~ '^[0-9]{1,5}$' OR NOT v_range @> v_value::integer THEN
                RAISE EXCEPTION '%', format('%s must be a whole number of days from %s to %s%s, got %s', v_key, lower(v_range),
                    upper(v_range) - 1, CASE WHEN v_key = 'earliest_days' THEN ' (or none)' ELSE '' END, v_value)
                    USING ERRCODE = 'PS422';
            END IF;
            v_days := v_value::integer;
            CASE v_key
            WHEN 'request_days' THEN v_rule.request_days := v_days;
            WHEN 'ship_days' THEN v_rule.ship_days := v_days;
            WHEN 'retention_days' THEN v_rule.retention_days := v_days;
            WHEN 'earliest_days' THEN v_rule.earliest_days := v_days;
            ELSE v_rule.appeal_days := v_days;
            END CASE;
        ELSE
            RAISE EXCEPTION 'unknown rule %; rules: return, request_days, ship_days, retention_days, earliest_days, appeal_days, cycle',
                v_key USING ERRCODE = 'PS422';
        END CASE;
    END LOOP;
    IF v_rule.retention_days < v_rule.request_days THEN
        RAISE EXCEPTION 'retention_days (%) must be at least request_days (%): a part may be called back until then',
            v_rule.retention_days, v_rule.request_days USING ERRCODE = 'PS422';
    END IF;
    RETURN v_rule;
END $$;

-- The rule values a request names, as typed: {return, request_days, ...}.
CREATE FUNCTION oem_rule_values(p jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(jsonb_object_agg(key, value), '{}') FROM jsonb_each(p)
     WHERE key IN ('return', 'request_days', 'ship_days', 'retention_days', 'earliest_days', 'appeal_days', 'cycle')
$$;

-- The reply of oem add and set: the maker as it is now.
CREATE FUNCTION oem_reply(p_oem oem, p_message text, p_today date) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT outcome(200, p_message, p_oem.code) || jsonb_build_object('oem', oem_json(p_oem.id, p_today))
$$;

-- oem add: a maker and its first rules (the defaults, with any rules the request names),
-- valid from the start of time, so that a claim of any date finds them.
-- p: {code, name, and any of return, request_days, ship_days, retention_days, earliest_days, appeal_days, cycle;
--     actor, command, ref?, fingerprint?, time_zone?}
CREATE FUNCTION oem_add(p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_reply jsonb := request_begin(p);
    v_oem oem;
    v_rule oem_rule;
BEGIN
    IF v_reply IS NOT NULL THEN
        RETURN v_reply;
    END IF;
    INSERT INTO oem (code, name, created_by) VALUES (p->>'code', p->>'name', p->'actor'->>'user')
    ON CONFLICT (code) DO NOTHING
    RETURNING * INTO v_oem;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'oem % already exists', p->>'code' USING ERRCODE = 'PS409';
    END IF;
    v_rule := oem_rule_apply(ROW(NULL, v_oem.id, '-infinity', 'called', 15, 21, 90, NULL, 14, 'monthly',
                                 p->'actor'->>'user', now())::oem_rule, oem_rule_values(p));
    INSERT INTO oem_rule (oem_id, valid_from, return_mode, request_days, ship_days, retention_days, earliest_days,
                          appeal_days, cycle, set_by)
    VALUES (v_oem.id, v_rule.valid_from, v_rule.return_mode, v_rule.request_days, v_rule.ship_days, v_rule.retention_days,
            v_rule.earliest_days, v_rule.appeal_days, v_rule.cycle, v_rule.set_by);
    RETURN request_end(p, oem_reply(v_oem, format('oem %s added: %s', v_oem.code, oem_rule_text(v_rule)), site_today(p)));
END $$;

-- oem set: a new version of a maker's rules, valid from p.from (default today): the version
-- in force that day with the values named changed. Claims and call-backs made before keep
-- the deadlines their rules gave them.
-- p: {code, the rules to change (as oem_add), from?, actor, command, ref?, fingerprint?, time_zone?}
CREATE FUNCTION oem_set(p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_reply jsonb := request_begin(p);
    v_oem oem;
    v_from date;
    v_rule oem_rule;
BEGIN
    IF v_reply IS NOT NULL THEN
        RETURN v_reply;
    END IF;
    -- The maker's row lock: two sets of one maker at once are made one after the other.
    SELECT * INTO v_oem FROM oem WHERE id = (oem_named(p->>'code')).id FOR UPDATE;
    v_from := coalesce((p->>'from')::date, site_today(p));
    v_rule := oem_rule_apply(oem_rule_on(v_oem.id, v_from), oem_rule_values(p));
    INSERT INTO oem_rule (oem_id, valid_from, return_mode, request_days, ship_days, retention_days, earliest_days,
                          appeal_days, cycle, set_by)
    VALUES (v_oem.id, v_from, v_rule.return_mode, v_rule.request_days, v_rule.ship_days, v_rule.retention_days,
            v_rule.earliest_days, v_rule.appeal_days, v_rule.cycle, p->'actor'->>'user');
    RETURN request_end(p, oem_reply(v_oem, format('oem %s rules from %s: %s', v_oem.code, v_from, oem_rule_text(v_rule)),
                                    site_today(p)));
END $$;

-- The reply of a claim workflow: the claim as it is now.
CREATE FUNCTION warranty_claim_reply(p_code integer, p_message text, p_claim integer, p_today date) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT outcome(p_code, p_message, c.claim_no) || jsonb_build_object('claim', warranty_claim_json(c.id, p_today))
      FROM warranty_claim c WHERE c.id = p_claim
$$;

-- claim new: a claim under the maker's claim number and its old parts, one tag each, kept in
-- an old-parts area (never stock). A whole-unit line of n becomes n tags of one; a measured
-- unit one tag of its quantity; <part>#<serial> one tag with the serial. Amounts: @ on a line
-- is per unit; without any, the claim's amount= is shared out evenly (cents left over go to
-- the first tags); with both, amount= must be the lines' sum. A part is due from the claim
-- when its maker wants every part back (return=all) or the part is marked warranty_return;
-- otherwise it is tagged until the maker calls it back.
-- p: {oem, claim_no, lines: [{part_no, quantity, serial?, unit_amount?}], vin, failure, claimed?, repaired?, mileage?,
--     work_order?, technician?, amount?, note?, location?, max_tags, time_zone?, actor, command, ref?, fingerprint?}
CREATE FUNCTION warranty_claim_new(p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_reply jsonb := request_begin(p);
    v_today date;
    v_claimed date;
    v_oem oem;
    v_rule oem_rule;
    v_location location;
    v_claim_id integer;
    v_line record;
    v_dates warranty_dates;
    v_tags integer := 0;
    v_priced boolean;
    v_total numeric;
    v_amount numeric;
    v_share numeric;
    v_left numeric;
    v_tag text;
    v_tag_nos text[] := '{}';
    v_n integer;
    v_work jsonb := '[]';
BEGIN
    IF v_reply IS NOT NULL THEN
        RETURN v_reply;
    END IF;
    v_oem := oem_named(p->>'oem');
    v_today := site_today(p);
    v_claimed := request_day(p, 'claimed', v_today);
    IF (p->>'repaired')::date > v_claimed THEN
        RAISE EXCEPTION 'repaired=% is after the claim date %', p->>'repaired', v_claimed USING ERRCODE = 'PS422';
    END IF;
    v_location := oldparts_location(p->>'location');
    v_rule := oem_rule_on(v_oem.id, v_claimed);
    v_dates := warranty_dates(v_oem.id, v_claimed, NULL, false);

    -- The lines resolved, with how many tags each makes.
    FOR v_line IN SELECT * FROM request_lines(p->'lines') LOOP
        v_n := CASE WHEN v_line.decimals = 0 THEN v_line.quantity::integer ELSE 1 END;
        v_tags := v_tags + v_n;
        v_work := v_work || jsonb_build_object(
            'line_no', v_line.line_no, 'part_id', v_line.part_id, 'serial', v_line.serial, 'tags', v_n,
            'tag_quantity', CASE WHEN v_line.decimals = 0 THEN 1 ELSE v_line.quantity END,
            'unit_amount', (v_line.item->>'unit_amount')::numeric,
            'must_return', v_rule.return_mode = 'all' OR v_line.warranty_return);
    END LOOP;
    IF v_tags > (p->>'max_tags')::integer THEN
        RAISE EXCEPTION 'a claim tags at most % old parts, these lines make %', p->>'max_tags', v_tags USING ERRCODE = 'PS422';
    END IF;

    SELECT bool_or(w->>'unit_amount' IS NOT NULL),
           sum(round(coalesce((w->>'unit_amount')::numeric, 0) * (w->>'tag_quantity')::numeric, 2) * (w->>'tags')::integer)
      INTO v_priced, v_total FROM jsonb_array_elements(v_work) w;
    v_amount := coalesce((p->>'amount')::numeric, v_total);
    IF v_priced AND p ? 'amount' AND v_amount <> v_total THEN
        RAISE EXCEPTION 'amount=% is not the sum of the lines'' amounts (%)', money_text(v_amount), money_text(v_total)
            USING ERRCODE = 'PS422';
    END IF;

    -- ON CONFLICT rather than a look first: of two clerks filing one claim at once, the
    -- second waits for the first and then finds it.
    INSERT INTO warranty_claim (claim_no, oem_id, rule_id, vin, failure, claimed, repaired, mileage, work_order,
                                technician, amount, note, request_by, retain_until, recorded_by, recorded_uid)
    VALUES (p->>'claim_no', v_oem.id, v_rule.id, p->>'vin', p->>'failure', v_claimed, (p->>'repaired')::date,
            (p->>'mileage')::integer, p->>'work_order', p->>'technician', v_amount, p->>'note', v_dates.request_by,
            v_dates.retain_until, p->'actor'->>'user', (p->'actor'->>'uid')::bigint)
    ON CONFLICT (claim_no) DO NOTHING
    RETURNING id INTO v_claim_id;
    IF v_claim_id IS NULL THEN
        RAISE EXCEPTION 'claim % exists already (%)', p->>'claim_no',
            (SELECT format('%s, claimed %s', e.code, c.claimed) FROM warranty_claim c JOIN oem e ON e.id = c.oem_id
              WHERE c.claim_no = p->>'claim_no') USING ERRCODE = 'PS409';
    END IF;

    -- Without amounts on the lines, the claim's amount is shared out in cents over the tags.
    v_share := CASE WHEN v_priced THEN NULL ELSE floor(v_amount * 100 / v_tags) / 100 END;
    v_left := CASE WHEN v_priced THEN 0 ELSE round((v_amount - v_share * v_tags) * 100) END;
    v_n := 0;
    FOR v_line IN
        SELECT (w->>'part_id')::integer AS part_id, w->>'serial' AS serial, (w->>'tag_quantity')::numeric AS tag_quantity,
               (w->>'unit_amount')::numeric AS unit_amount, (w->>'must_return')::boolean AS must_return
          FROM jsonb_array_elements(v_work) WITH ORDINALITY AS l(w, ordinality)
         CROSS JOIN LATERAL generate_series(1, (w->>'tags')::integer) AS gs(i)
         ORDER BY l.ordinality, gs.i
    LOOP
        v_n := v_n + 1;
        v_dates := warranty_dates(v_oem.id, v_claimed, NULL, v_line.must_return);
        v_tag := next_doc_no('TG', v_today);
        v_tag_nos := v_tag_nos || v_tag;
        INSERT INTO old_part (tag_no, claim_id, line_no, part_id, serial, quantity, amount, location_id, must_return,
                              state, ship_by, ship_from)
        VALUES (v_tag, v_claim_id, v_n, v_line.part_id, v_line.serial, v_line.tag_quantity,
                CASE WHEN v_priced THEN round(coalesce(v_line.unit_amount, 0) * v_line.tag_quantity, 2)
                     ELSE v_share + CASE WHEN v_n <= v_left THEN 0.01 ELSE 0 END END,
                v_location.id, v_line.must_return, CASE WHEN v_line.must_return THEN 'due' ELSE 'tagged' END,
                v_dates.ship_by, v_dates.ship_from);
    END LOOP;
    RETURN request_end(p, warranty_claim_reply(201, format('%s tags %s', p->>'claim_no', array_to_string(v_tag_nos, ' ')),
                                               v_claim_id, v_today));
END $$;

-- The old parts a list of claim numbers and tags names, locked in id order: a tag names its
-- part (by_tag, whatever its state, for the workflow to check and refuse); a claim number
-- those of its parts in one of p_of_claim (a claim with none of them is refused, saying it
-- has no part p_none).
CREATE FUNCTION old_parts_named(p_targets jsonb, p_of_claim text[], p_none text)
RETURNS TABLE (id integer, by_tag boolean)
LANGUAGE plpgsql AS $$
DECLARE
    v_target text;
    v_ids integer[] := '{}';
    v_tagged boolean[] := '{}';
    v_found integer[];
BEGIN
    FOR v_target IN SELECT jsonb_array_elements_text(p_targets) LOOP
        IF v_target ~ '^TG-' THEN
            SELECT array_agg(o.id) INTO v_found FROM old_part o WHERE o.tag_no = v_target;
            IF v_found IS NULL THEN
                RAISE EXCEPTION 'unknown tag %', v_target USING ERRCODE = 'PS404';
            END IF;
        ELSE
            IF NOT EXISTS (SELECT 1 FROM warranty_claim c WHERE c.claim_no = v_target) THEN
                RAISE EXCEPTION 'unknown claim %', v_target USING ERRCODE = 'PS404';
            END IF;
            SELECT array_agg(o.id) INTO v_found FROM old_part o JOIN warranty_claim c ON c.id = o.claim_id
             WHERE c.claim_no = v_target AND o.state = ANY (p_of_claim);
            IF v_found IS NULL THEN
                RAISE EXCEPTION 'claim % has no old part %', v_target, p_none USING ERRCODE = 'PS409';
            END IF;
        END IF;
        v_ids := v_ids || v_found;
        v_tagged := v_tagged || array_fill(v_target ~ '^TG-', ARRAY[cardinality(v_found)]);
    END LOOP;
    PERFORM 1 FROM old_part o WHERE o.id = ANY (v_ids) ORDER BY o.id FOR UPDATE;
    RETURN QUERY SELECT t.id, bool_or(t.by_tag) FROM unnest(v_ids, v_tagged) AS t(id, by_tag) GROUP BY t.id ORDER BY t.id;
END $$;

-- A part's place in its batch, for refusals: "packed in RB-2026-000001".
CREATE FUNCTION old_part_where(p_tag text, p_state text, p_batch integer) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT p_tag || ' is ' || p_state || coalesce(' (' || (SELECT rb_no FROM return_batch WHERE id = p_batch) || ')', '')
$$;

-- The lines of a record document listing old parts (a shipment, a destruction): one a part,
-- its quantities summed, in part order.
CREATE FUNCTION old_parts_lines(p_ids integer[]) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_agg(jsonb_build_object('part_no', pt.part_no, 'quantity', x.quantity::text) ORDER BY pt.part_no)
      FROM (SELECT part_id, sum(quantity) AS quantity FROM old_part WHERE id = ANY (p_ids) GROUP BY part_id) x
      JOIN part pt ON pt.id = x.part_id
$$;

-- "1 old part", "3 old parts".
CREATE FUNCTION old_parts_text(p_count integer) RETURNS text
LANGUAGE sql IMMUTABLE AS $$ SELECT p_count || ' old part' || CASE WHEN p_count = 1 THEN '' ELSE 's' END $$;

-- claim call: the maker calls old parts back (a claim number: all its parts still waiting
-- for a call; a tag: that part). Within the claim's call-back window; the ship-by date comes
-- from the rules in force on the call-back day (p.called, default today).
-- p: {targets: [claim_no | tag], called?, time_zone?, actor, command, ref?, fingerprint?}
CREATE FUNCTION warranty_claim_call(p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_reply jsonb := request_begin(p);
    v_today date;
    v_called date;
    v_part old_part;
    v_id integer;
    v_by_tag boolean;
    v_claim warranty_claim;
    v_dates warranty_dates;
    v_ids integer[] := '{}';
BEGIN
    IF v_reply IS NOT NULL THEN
        RETURN v_reply;
    END IF;
    v_today := site_today(p);
    v_called := request_day(p, 'called', v_today);
    FOR v_id, v_by_tag IN SELECT * FROM old_parts_named(p->'targets', ARRAY['tagged', 'packed'], 'waiting for a call-back') LOOP
        SELECT * INTO v_part FROM old_part WHERE id = v_id;
        -- A claim number calls back what of it still waits; a part named by its tag must wait.
        IF NOT v_by_tag AND (v_part.called_on IS NOT NULL OR v_part.must_return) THEN
            CONTINUE;
        END IF;
        SELECT * INTO v_claim FROM warranty_claim WHERE id = v_part.claim_id;
        IF v_part.must_return THEN
            RAISE EXCEPTION '% is due without a call-back: its maker wants it back from the claim on (ship by %)',
                v_part.tag_no, v_part.ship_by USING ERRCODE = 'PS409';
        END IF;
        IF v_part.called_on IS NOT NULL THEN
            RAISE EXCEPTION '% was called back on % already: ship by %', v_part.tag_no, v_part.called_on, v_part.ship_by
                USING ERRCODE = 'PS409';
        END IF;
        IF v_part.state IN ('expired', 'scrapped') THEN
            RAISE EXCEPTION '% was kept until % and its retention is over', v_part.tag_no, v_claim.retain_until
                USING ERRCODE = 'PS409';
        END IF;
        IF v_part.state NOT IN ('tagged', 'packed') THEN
            RAISE EXCEPTION '%: only a part waiting in the old-parts area can be called back', old_part_where(v_part.tag_no, v_part.state, v_part.batch_id)
                USING ERRCODE = 'PS409';
        END IF;
        IF v_called < v_claim.claimed THEN
            RAISE EXCEPTION 'called=% is before claim %''s date %', v_called, v_claim.claim_no, v_claim.claimed USING ERRCODE = 'PS422';
        END IF;
        IF v_called > v_claim.request_by THEN
            RAISE EXCEPTION 'the call-back window of claim % closed on %', v_claim.claim_no, v_claim.request_by
                USING ERRCODE = 'PS409';
        END IF;
        v_dates := warranty_dates(v_claim.oem_id, v_claim.claimed, v_called, false);
        UPDATE old_part
           SET state = CASE WHEN state = 'tagged' THEN 'called' ELSE state END, called_on = v_called,
               called_by = p->'actor'->>'user', called_at = now(), call_rule_id = v_dates.ship_rule,
               ship_by = v_dates.ship_by, ship_from = v_dates.ship_from
         WHERE id = v_part.id;
        v_ids := v_ids || v_part.id;
    END LOOP;
    IF cardinality(v_ids) = 0 THEN
        RAISE EXCEPTION '%: no old part waiting for a call-back', (SELECT string_agg(t, ' ') FROM jsonb_array_elements_text(p->'targets') t)
            USING ERRCODE = 'PS409';
    END IF;
    RETURN request_end(p, old_parts_reply(v_ids, format('%s called back: ship by %s', old_parts_text(cardinality(v_ids)),
        (SELECT string_agg(DISTINCT ship_by::text, ', ' ORDER BY ship_by::text) FROM old_part WHERE id = ANY (v_ids))), v_today));
END $$;

-- The reply of a workflow on old parts: the message and the parts as they are now; the key
-- is the (first) claim.
CREATE FUNCTION old_parts_reply(p_ids integer[], p_message text, p_today date) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT outcome(200, p_message, (SELECT c.claim_no FROM old_part o JOIN warranty_claim c ON c.id = o.claim_id
                                     WHERE o.id = p_ids[1]))
           || jsonb_build_object('parts', (SELECT jsonb_agg(old_part_json(id, p_today) ORDER BY id) FROM unnest(p_ids) AS id))
$$;

-- claim appeal: contests a part's first verdict (rejected or missing) within the appeal
-- window its verdict set; one appeal per part, answered by a second verdict.
-- p: {targets: [claim_no | tag], note?, time_zone?, actor, command, ref?, fingerprint?}
CREATE FUNCTION warranty_claim_appeal(p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_reply jsonb := request_begin(p);
    v_today date;
    v_part old_part;
    v_id integer;
    v_by_tag boolean;
    v_verdict old_part_verdict;
    v_appeal old_part_appeal;
    v_ids integer[] := '{}';
BEGIN
    IF v_reply IS NOT NULL THEN
        RETURN v_reply;
    END IF;
    v_today := site_today(p);
    FOR v_id, v_by_tag IN SELECT * FROM old_parts_named(p->'targets', ARRAY['rejected', 'missing'], 'rejected or charged back') LOOP
        SELECT * INTO v_part FROM old_part WHERE id = v_id;
        SELECT * INTO v_appeal FROM old_part_appeal WHERE old_part_id = v_part.id;
        IF FOUND THEN
            RAISE EXCEPTION '% was appealed on % already: one appeal per part', v_part.tag_no, v_appeal.appealed_on
                USING ERRCODE = 'PS409';
        END IF;
        IF v_part.state NOT IN ('rejected', 'missing') THEN
            RAISE EXCEPTION '%: an appeal contests a rejection or a charge-back', old_part_where(v_part.tag_no, v_part.state, v_part.batch_id) USING ERRCODE = 'PS409';
        END IF;
        SELECT * INTO v_verdict FROM old_part_verdict WHERE old_part_id = v_part.id AND round = 1;
        IF v_today > v_verdict.appeal_by THEN
            RAISE EXCEPTION 'the appeal window of % closed on % (% on %)', v_part.tag_no, v_verdict.appeal_by,
                v_verdict.outcome, v_verdict.decided USING ERRCODE = 'PS409';
        END IF;
        INSERT INTO old_part_appeal (old_part_id, note, appealed_on, appealed_by, appealed_uid)
        VALUES (v_part.id, p->>'note', v_today, p->'actor'->>'user', (p->'actor'->>'uid')::bigint);
        UPDATE old_part SET state = 'appealed' WHERE id = v_part.id;
        v_ids := v_ids || v_part.id;
    END LOOP;
    RETURN request_end(p, old_parts_reply(v_ids, format('%s appealed: %s', old_parts_text(cardinality(v_ids)),
        (SELECT string_agg(tag_no, ' ' ORDER BY id) FROM old_part WHERE id = ANY (v_ids))), v_today));
END $$;

-- verdict: the factory's answer for a part (a tag) or every part of a claim waiting for one:
-- accepted (credit: credit=, default the part's claimed amount), rejected with a reason
-- (the claimed amount charged back) or missing (charged back; also for a part wanted but
-- never shipped). Once per part, and once more after an appeal: a second verdict is refused.
-- p: {target, outcome, credit?, reason?, note?, decided?, time_zone?, actor, command, ref?, fingerprint?}
CREATE FUNCTION warranty_verdict(p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_reply jsonb := request_begin(p);
    v_today date;
    v_decided date;
    v_outcome text := p->>'outcome';
    v_credit numeric := (p->>'credit')::numeric;
    v_part old_part;
    v_id integer;
    v_by_tag boolean;
    v_prior old_part_verdict;
    v_oem integer;
    v_round smallint;
    v_waiting text[];
    v_ids integer[] := '{}';
    v_credited numeric := 0;
    v_charged numeric := 0;
BEGIN
    IF v_reply IS NOT NULL THEN
        RETURN v_reply;
    END IF;
    IF v_outcome IS NULL OR v_outcome NOT IN ('accepted', 'rejected', 'missing') THEN
        RAISE EXCEPTION 'a verdict is accepted, rejected or missing, got %', v_outcome USING ERRCODE = 'PS422';
    END IF;
    IF v_outcome = 'rejected' AND NOT EXISTS (SELECT 1 FROM warranty_reject_reason WHERE code = p->>'reason') THEN
        RAISE EXCEPTION '%; reasons: %',
            CASE WHEN p ? 'reason' THEN format('unknown reason %s', p->>'reason') ELSE 'a rejection needs reason=<code>' END,
            (SELECT string_agg(code || ' (' || title || ')', ', ' ORDER BY code) FROM warranty_reject_reason)
            USING ERRCODE = 'PS422';
    END IF;
    IF v_outcome <> 'rejected' AND p ? 'reason' THEN
        RAISE EXCEPTION 'reason= is for a rejected verdict' USING ERRCODE = 'PS422';
    END IF;
    IF v_outcome <> 'accepted' AND v_credit IS NOT NULL THEN
        RAISE EXCEPTION 'credit= is for an accepted verdict' USING ERRCODE = 'PS422';
    END IF;
    v_today := site_today(p);
    v_decided := request_day(p, 'decided', v_today);
    v_waiting := CASE WHEN v_outcome = 'missing' THEN ARRAY['due', 'called', 'shipped', 'received', 'appealed']
                      ELSE ARRAY['shipped', 'received', 'appealed'] END;

    IF v_credit IS NOT NULL AND p->>'target' !~ '^TG-'
       AND (SELECT count(*) FROM old_part o JOIN warranty_claim c ON c.id = o.claim_id WHERE c.claim_no = p->>'target') > 1 THEN
        RAISE EXCEPTION 'credit= is one part''s credit and % has several: name the part by its tag', p->>'target'
            USING ERRCODE = 'PS422';
    END IF;
    FOR v_id, v_by_tag IN SELECT * FROM old_parts_named(jsonb_build_array(p->>'target'), v_waiting, 'waiting for a verdict') LOOP
        SELECT * INTO v_part FROM old_part WHERE id = v_id;
        SELECT * INTO v_prior FROM old_part_verdict WHERE old_part_id = v_part.id ORDER BY round DESC LIMIT 1;
        IF v_part.state IN ('accepted', 'rejected', 'missing') THEN
            RAISE EXCEPTION '%', format('%s has its verdict already: %s%s on %s by %s; a verdict is recorded once%s',
                v_part.tag_no, v_prior.outcome, coalesce(' (' || v_prior.reason || ')', ''), v_prior.decided, v_prior.recorded_by,
                CASE WHEN v_prior.appeal_by IS NOT NULL AND v_prior.round = 1
                     AND NOT EXISTS (SELECT 1 FROM old_part_appeal WHERE old_part_id = v_part.id)
                     THEN format(': contest it with claim appeal by %s', v_prior.appeal_by) ELSE '' END)
                USING ERRCODE = 'PS409';
        END IF;
        IF NOT v_part.state = ANY (v_waiting) THEN
            RAISE EXCEPTION '%: %', old_part_where(v_part.tag_no, v_part.state, v_part.batch_id),
                CASE WHEN v_outcome = 'missing' THEN 'a part is missing once its maker wanted it back'
                     ELSE 'the factory inspects a part once it was shipped' END USING ERRCODE = 'PS409';
        END IF;
        IF v_decided < v_part.shipped_on THEN
            RAISE EXCEPTION 'decided=% is before % was shipped (%)', v_decided, v_part.tag_no, v_part.shipped_on
                USING ERRCODE = 'PS422';
        END IF;
        IF v_credit > v_part.amount AND v_part.amount > 0 THEN
            RAISE EXCEPTION 'credit % is more than % claimed for %', money_text(v_credit), money_text(v_part.amount), v_part.tag_no
                USING ERRCODE = 'PS422';
        END IF;
        SELECT c.oem_id INTO v_oem FROM warranty_claim c WHERE c.id = v_part.claim_id;
        v_round := CASE WHEN v_part.state = 'appealed' THEN 2 ELSE 1 END;
        INSERT INTO old_part_verdict (old_part_id, round, outcome, reason, note, credit, charge_back, decided, rule_id,
                                      appeal_by, appeal_of, recorded_by, recorded_uid)
        VALUES (v_part.id, v_round, v_outcome, p->>'reason', p->>'note',
                CASE WHEN v_outcome = 'accepted' THEN coalesce(v_credit, v_part.amount) ELSE 0 END,
                CASE WHEN v_outcome = 'accepted' THEN 0 ELSE v_part.amount END,
                v_decided, (oem_rule_on(v_oem, v_decided)).id,
                CASE WHEN v_outcome <> 'accepted' AND v_round = 1 THEN warranty_appeal_by(v_oem, v_decided) END,
                CASE WHEN v_round = 2 THEN v_part.id END, p->'actor'->>'user', (p->'actor'->>'uid')::bigint);
        UPDATE old_part SET state = v_outcome WHERE id = v_part.id;
        v_credited := v_credited + CASE WHEN v_outcome = 'accepted' THEN coalesce(v_credit, v_part.amount) ELSE 0 END;
        v_charged := v_charged + CASE WHEN v_outcome = 'accepted' THEN 0 ELSE v_part.amount END;
        v_ids := v_ids || v_part.id;
    END LOOP;
    RETURN request_end(p, old_parts_reply(v_ids, format('%s: %s old part%s %s%s, %s', p->>'target', cardinality(v_ids),
        CASE WHEN cardinality(v_ids) = 1 THEN '' ELSE 's' END, v_outcome, coalesce(' (' || (p->>'reason') || ')', ''),
        CASE WHEN v_outcome = 'accepted' THEN 'credit ' || money_text(v_credited) ELSE money_text(v_charged) || ' charged back' END),
        v_today));
END $$;

-- The reply of a batch workflow: the batch as it is now.
CREATE FUNCTION return_batch_reply(p_code integer, p_message text, p_batch integer, p_today date) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT outcome(p_code, p_message, b.rb_no) || jsonb_build_object('batch', return_batch_json(b.id, p_today))
      FROM return_batch b WHERE b.id = p_batch
$$;

-- The batch p_rb_no, locked; refused unless in one of p_states.
CREATE FUNCTION return_batch_locked(p_rb_no text, p_states text[], p_why text) RETURNS return_batch
LANGUAGE plpgsql AS $$
DECLARE
    v_batch return_batch;
BEGIN
    -- The batch's row lock: what changes one batch runs one after the other.
    SELECT * INTO v_batch FROM return_batch WHERE rb_no = p_rb_no FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown batch %', p_rb_no USING ERRCODE = 'PS404';
    END IF;
    IF NOT v_batch.state = ANY (p_states) THEN
        RAISE EXCEPTION '%', format('%s is %s%s: %s', v_batch.rb_no, v_batch.state,
            CASE WHEN v_batch.shipped_on IS NOT NULL THEN format(' (shipped on %s)', v_batch.shipped_on) ELSE '' END, p_why)
            USING ERRCODE = 'PS409';
    END IF;
    RETURN v_batch;
END $$;

-- Packs old parts into batch p_batch (locked, open): each must be the batch's maker's, kept
-- in its old-parts area, waiting (tagged, due or called) and in no batch; a monthly batch of a
-- claim month takes only that month's claims.
CREATE FUNCTION return_batch_pack(p_batch return_batch, p_parts integer[], p_who text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_part record;
BEGIN
    FOR v_part IN
        SELECT o.*, c.claim_no, c.claimed, c.oem_id, e.code AS oem_code, l.code AS location_code
          FROM old_part o JOIN warranty_claim c ON c.id = o.claim_id JOIN oem e ON e.id = c.oem_id
          JOIN location l ON l.id = o.location_id
         WHERE o.id = ANY (p_parts) ORDER BY o.id
    LOOP
        IF v_part.oem_id <> p_batch.oem_id THEN
            RAISE EXCEPTION '% is a part of % (claim %), % returns %''s', v_part.tag_no, v_part.oem_code, v_part.claim_no,
                p_batch.rb_no, (SELECT code FROM oem WHERE id = p_batch.oem_id) USING ERRCODE = 'PS409';
        END IF;
        IF v_part.batch_id IS NOT NULL THEN
            RAISE EXCEPTION '% is packed in % already', v_part.tag_no, (SELECT rb_no FROM return_batch WHERE id = v_part.batch_id)
                USING ERRCODE = 'PS409';
        END IF;
        IF v_part.state NOT IN ('tagged', 'due', 'called') THEN
            RAISE EXCEPTION '%: only a part waiting in the old-parts area is packed', old_part_where(v_part.tag_no, v_part.state, v_part.batch_id)
                USING ERRCODE = 'PS409';
        END IF;
        IF v_part.location_id <> p_batch.location_id THEN
            RAISE EXCEPTION '% is kept at %; % ships from %', v_part.tag_no, v_part.location_code, p_batch.rb_no,
                (SELECT code FROM location WHERE id = p_batch.location_id) USING ERRCODE = 'PS409';
        END IF;
        IF p_batch.claim_month IS NOT NULL AND claim_month(v_part.claimed) <> p_batch.claim_month THEN
            RAISE EXCEPTION '% is of claim month %, % returns the claims of %', v_part.tag_no, to_char(v_part.claimed, 'YYYY-MM'),
                p_batch.rb_no, to_char(p_batch.claim_month, 'YYYY-MM') USING ERRCODE = 'PS409';
        END IF;
    END LOOP;
    UPDATE old_part SET batch_id = p_batch.id, state = 'packed', packed_by = p_who, packed_at = now() WHERE id = ANY (p_parts);
END $$;

-- batch new: a return batch of a maker. With tags: those parts. Without: the parts due for
-- return (due, or called) and in no batch, of the claim month (month=, else the oldest month
-- with such parts) for a monthly cycle, all of them for a weekly one; a single-return maker
-- names its tags. A monthly batch holds one claim month.
-- p: {oem, month?, tags?, mode?, note?, location?, time_zone?, actor, command, ref?, fingerprint?}
CREATE FUNCTION return_batch_new(p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_reply jsonb := request_begin(p);
    v_today date;
    v_oem oem;
    v_rule oem_rule;
    v_location location;
    v_month date := (p->>'month')::date;
    v_months date[];
    v_ids integer[];
    v_batch return_batch;
BEGIN
    IF v_reply IS NOT NULL THEN
        RETURN v_reply;
    END IF;
    v_today := site_today(p);
    v_oem := oem_named(p->>'oem');
    v_rule := oem_rule_on(v_oem.id, v_today);
    IF jsonb_array_length(coalesce(p->'tags', '[]')) > 0 THEN
        SELECT array_agg(o.id ORDER BY o.id), array_agg(DISTINCT claim_month(c.claimed)) INTO v_ids, v_months
          FROM old_parts_named(p->'tags', ARRAY['tagged', 'due', 'called'], 'waiting to be packed') n
          JOIN old_part o ON o.id = n.id JOIN warranty_claim c ON c.id = o.claim_id;
        IF p ? 'location' THEN
            v_location := oldparts_location(p->>'location');
        ELSE
            SELECT l.* INTO v_location FROM location l JOIN old_part o ON o.location_id = l.id WHERE o.id = v_ids[1];
        END IF;
        IF v_rule.cycle = 'monthly' AND v_month IS NULL THEN
            IF cardinality(v_months) > 1 THEN
                RAISE EXCEPTION '% returns monthly, by claim month: these parts are of %; one batch a month', v_oem.code,
                    (SELECT string_agg(to_char(m, 'YYYY-MM'), ', ' ORDER BY m) FROM unnest(v_months) m) USING ERRCODE = 'PS409';
            END IF;
            v_month := v_months[1];
        END IF;
    ELSE
        IF v_rule.cycle = 'single' THEN
            RAISE EXCEPTION '% takes single returns: name the tags to ship', v_oem.code USING ERRCODE = 'PS422';
        END IF;
        v_location := oldparts_location(p->>'location');
        IF v_rule.cycle = 'monthly' AND v_month IS NULL THEN
            SELECT min(claim_month(c.claimed)) INTO v_month
              FROM old_part o JOIN warranty_claim c ON c.id = o.claim_id
             WHERE c.oem_id = v_oem.id AND o.state IN ('due', 'called') AND o.location_id = v_location.id;
        END IF;
        -- Locked in id order; a part another clerk packed meanwhile no longer qualifies once
        -- its lock is had (the conditions are checked again on the row as committed), so it
        -- is left out.
        SELECT array_agg(id ORDER BY id) INTO v_ids FROM (
            SELECT o.id FROM old_part o JOIN warranty_claim c ON c.id = o.claim_id
             WHERE c.oem_id = v_oem.id AND o.state IN ('due', 'called') AND o.batch_id IS NULL
               AND o.location_id = v_location.id AND (v_month IS NULL OR claim_month(c.claimed) = v_month)
             ORDER BY o.id FOR UPDATE OF o) locked;
        IF v_ids IS NULL THEN
            RAISE EXCEPTION '%', format('no old parts of %s are due for return at %s%s', v_oem.code, v_location.code,
                coalesce(' for claim month ' || to_char(v_month, 'YYYY-MM'), '')) USING ERRCODE = 'PS409';
        END IF;
    END IF;
    INSERT INTO return_batch (rb_no, oem_id, location_id, claim_month, mode, note, created_by)
    VALUES (next_doc_no('RB', v_today), v_oem.id, v_location.id, CASE WHEN v_rule.cycle = 'monthly' THEN v_month END,
            coalesce(p->>'mode', 'consolidated'), p->>'note', p->'actor'->>'user')
    RETURNING * INTO v_batch;
    PERFORM return_batch_pack(v_batch, v_ids, p->'actor'->>'user');
    RETURN request_end(p, return_batch_reply(201, v_batch.rb_no, v_batch.id, v_today));
END $$;

-- batch add: more tags into an open batch.
-- p: {rb_no, tags, time_zone?, actor, command, ref?, fingerprint?}
CREATE FUNCTION return_batch_add(p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_reply jsonb := request_begin(p);
    v_batch return_batch;
    v_ids integer[];
BEGIN
    IF v_reply IS NOT NULL THEN
        RETURN v_reply;
    END IF;
    v_batch := return_batch_locked(p->>'rb_no', ARRAY['open'], 'parts are added while a batch is open');
    SELECT array_agg(id) INTO v_ids FROM old_parts_named(p->'tags', ARRAY['tagged', 'due', 'called'], 'waiting to be packed');
    PERFORM return_batch_pack(v_batch, v_ids, p->'actor'->>'user');
    RETURN request_end(p, return_batch_reply(200, format('%s added to %s', old_parts_text(cardinality(v_ids)), v_batch.rb_no),
                                             v_batch.id, site_today(p)));
END $$;

-- The packed parts of batch p_batch that p_tags (claim numbers and tags) name, locked in id
-- order; a part packed in another batch is refused.
CREATE FUNCTION return_batch_packed(p_batch return_batch, p_tags jsonb) RETURNS integer[]
LANGUAGE plpgsql AS $$
DECLARE
    v_part old_part;
    v_ids integer[] := '{}';
BEGIN
    FOR v_part IN SELECT o.* FROM old_parts_named(p_tags, ARRAY['packed'], 'packed') n JOIN old_part o ON o.id = n.id
                   ORDER BY o.id LOOP
        IF v_part.batch_id IS DISTINCT FROM p_batch.id THEN
            RAISE EXCEPTION '% is not in %', v_part.tag_no, p_batch.rb_no USING ERRCODE = 'PS409';
        END IF;
        v_ids := v_ids || v_part.id;
    END LOOP;
    RETURN v_ids;
END $$;

-- batch remove: tags out of an open batch, back to waiting as they were.
-- p: {rb_no, tags, time_zone?, actor, command, ref?, fingerprint?}
CREATE FUNCTION return_batch_remove(p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_reply jsonb := request_begin(p);
    v_batch return_batch;
    v_ids integer[];
BEGIN
    IF v_reply IS NOT NULL THEN
        RETURN v_reply;
    END IF;
    v_batch := return_batch_locked(p->>'rb_no', ARRAY['open'], 'parts are removed while a batch is open');
    v_ids := return_batch_packed(v_batch, p->'tags');
    UPDATE old_part
       SET batch_id = NULL, box_no = NULL, packed_by = NULL, packed_at = NULL,
           state = CASE WHEN must_return THEN 'due' WHEN called_on IS NOT NULL THEN 'called' ELSE 'tagged' END
     WHERE id = ANY (v_ids);
    RETURN request_end(p, return_batch_reply(200, format('%s removed from %s', old_parts_text(cardinality(v_ids)), v_batch.rb_no),
                                             v_batch.id, site_today(p)));
END $$;

-- batch box: puts tags of a batch in box p.box, until the batch is shipped.
-- p: {rb_no, tags, box, time_zone?, actor, command, ref?, fingerprint?}
CREATE FUNCTION return_batch_box(p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_reply jsonb := request_begin(p);
    v_batch return_batch;
    v_box integer := (p->>'box')::integer;
    v_ids integer[];
BEGIN
    IF v_reply IS NOT NULL THEN
        RETURN v_reply;
    END IF;
    IF v_box IS NULL OR v_box NOT BETWEEN 1 AND 9999 THEN
        RAISE EXCEPTION 'box must be a number from 1 to 9999, got %', p->>'box' USING ERRCODE = 'PS422';
    END IF;
    v_batch := return_batch_locked(p->>'rb_no', ARRAY['open', 'approved'], 'boxes change until a batch is shipped');
    v_ids := return_batch_packed(v_batch, p->'tags');
    UPDATE old_part SET box_no = v_box WHERE id = ANY (v_ids);
    RETURN request_end(p, return_batch_reply(200, format('%s in box %s of %s', old_parts_text(cardinality(v_ids)), v_box,
                                                         v_batch.rb_no), v_batch.id, site_today(p)));
END $$;

-- batch approve: a manager approves an open batch for return (三包旧件返厂的审批).
-- p: {rb_no, time_zone?, actor, command, ref?, fingerprint?}
CREATE FUNCTION return_batch_approve(p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_reply jsonb := request_begin(p);
    v_batch return_batch;
    v_parts integer;
    v_boxes integer;
BEGIN
    IF v_reply IS NOT NULL THEN
        RETURN v_reply;
    END IF;
    v_batch := return_batch_locked(p->>'rb_no', ARRAY['open'], 'only an open batch is approved');
    SELECT count(*), count(DISTINCT box_no) INTO v_parts, v_boxes FROM old_part WHERE batch_id = v_batch.id;
    IF v_parts = 0 THEN
        RAISE EXCEPTION '% is empty: nothing to approve', v_batch.rb_no USING ERRCODE = 'PS409';
    END IF;
    UPDATE return_batch SET state = 'approved', approved_by = p->'actor'->>'user', approved_at = now() WHERE id = v_batch.id;
    RETURN request_end(p, return_batch_reply(200, format('%s approved: %s in %s box%s', v_batch.rb_no, old_parts_text(v_parts),
        v_boxes, CASE WHEN v_boxes = 1 THEN '' ELSE 'es' END), v_batch.id, site_today(p)));
END $$;

-- batch ship: posts an approved batch's shipment to the factory, a WS record document listing
-- its parts (no stock moves: they never were stock); the parts leave the old-parts area. Every
-- part must be boxed, wanted (a return=called maker takes only the parts it called back) and
-- not earlier than its maker accepts (earliest_days before its ship-by date).
-- p: {rb_no, carrier?, tracking?, mode?, note?, time_zone?, actor, command, ref?, fingerprint?}
CREATE FUNCTION return_batch_ship(p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_reply jsonb := request_begin(p);
    v_today date;
    v_batch return_batch;
    v_oem oem;
    v_unboxed text;
    v_part record;
    v_document jsonb;
BEGIN
    IF v_reply IS NOT NULL THEN
        RETURN v_reply;
    END IF;
    v_today := site_today(p);
    v_batch := return_batch_locked(p->>'rb_no', ARRAY['approved'], 'a manager approves a batch before it ships (batch approve)');
    SELECT * INTO v_oem FROM oem WHERE id = v_batch.oem_id;
    PERFORM 1 FROM old_part WHERE batch_id = v_batch.id ORDER BY id FOR UPDATE;
    SELECT string_agg(tag_no, ', ' ORDER BY id) INTO v_unboxed FROM old_part WHERE batch_id = v_batch.id AND box_no IS NULL;
    IF v_unboxed IS NOT NULL THEN
        RAISE EXCEPTION 'box every part first: % not boxed (batch box % <tag> ... box=<n>)', v_unboxed, v_batch.rb_no
            USING ERRCODE = 'PS409';
    END IF;
    FOR v_part IN SELECT o.*, r.earliest_days FROM old_part o LEFT JOIN oem_rule r ON r.id = coalesce(o.call_rule_id,
                         (SELECT c.rule_id FROM warranty_claim c WHERE c.id = o.claim_id))
                   WHERE o.batch_id = v_batch.id ORDER BY o.id LOOP
        IF v_part.ship_by IS NULL THEN
            RAISE EXCEPTION '% was not called back: % takes back only the parts it calls (return=called)', v_part.tag_no, v_oem.code
                USING ERRCODE = 'PS409';
        END IF;
        IF v_today < v_part.ship_from THEN
            RAISE EXCEPTION '% may ship from %: % refuses shipments more than % days before the ship-by date (%)',
                v_part.tag_no, v_part.ship_from, v_oem.code, v_part.earliest_days, v_part.ship_by USING ERRCODE = 'PS409';
        END IF;
    END LOOP;
    v_document := post_record_document(p || jsonb_build_object(
        'type', 'WS', 'location', (SELECT code FROM location WHERE id = v_batch.location_id),
        'counterparty', left(format('%s to %s %s', v_batch.rb_no, v_oem.code, v_oem.name), 200),
        'note', left(nullif(concat_ws('; ', 'carrier ' || (p->>'carrier'), 'tracking ' || (p->>'tracking'), p->>'note'), ''), 1000),
        'lines', old_parts_lines(ARRAY(SELECT id FROM old_part WHERE batch_id = v_batch.id))));
    UPDATE old_part SET state = 'shipped', shipped_on = v_today WHERE batch_id = v_batch.id;
    UPDATE return_batch
       SET state = 'shipped', shipped_by = p->'actor'->>'user', shipped_at = now(), shipped_on = v_today,
           carrier = p->>'carrier', tracking = p->>'tracking', mode = coalesce(p->>'mode', mode),
           ship_document_id = (SELECT id FROM document WHERE doc_no = v_document->>'doc_no')
     WHERE id = v_batch.id;
    RETURN request_end(p, document_reply(v_document)
                          || jsonb_build_object('batch', return_batch_json(v_batch.id, v_today)));
END $$;

-- batch receive: the factory signed for a shipped batch (p.date, default today).
-- p: {rb_no, date?, time_zone?, actor, command, ref?, fingerprint?}
CREATE FUNCTION return_batch_receive(p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_reply jsonb := request_begin(p);
    v_today date;
    v_on date;
    v_batch return_batch;
BEGIN
    IF v_reply IS NOT NULL THEN
        RETURN v_reply;
    END IF;
    v_today := site_today(p);
    v_on := request_day(p, 'date', v_today);
    v_batch := return_batch_locked(p->>'rb_no', ARRAY['shipped'], 'only a shipped batch is received');
    IF v_on < v_batch.shipped_on THEN
        RAISE EXCEPTION 'date=% is before % was shipped (%)', v_on, v_batch.rb_no, v_batch.shipped_on USING ERRCODE = 'PS422';
    END IF;
    UPDATE return_batch SET state = 'received', received_by = p->'actor'->>'user', received_on = v_on, received_at = now()
     WHERE id = v_batch.id;
    UPDATE old_part SET state = 'received', received_on = v_on WHERE batch_id = v_batch.id AND state = 'shipped';
    RETURN request_end(p, return_batch_reply(200, format('%s received by the factory on %s', v_batch.rb_no, v_on),
                                             v_batch.id, v_today));
END $$;

-- oldparts scrap: destroys the old parts whose retention is over (never called back, kept
-- past their claim's retain_until), of one old-parts area, a maker's or all, or the tags
-- named; posts a WD record document listing what was destroyed.
-- p: {oem?, location?, tags?, time_zone?, actor, command, ref?, fingerprint?}
CREATE FUNCTION old_parts_scrap(p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_reply jsonb := request_begin(p);
    v_today date;
    v_location location;
    v_oem oem;
    v_part record;
    v_ids integer[] := '{}';
    v_document jsonb;
BEGIN
    IF v_reply IS NOT NULL THEN
        RETURN v_reply;
    END IF;
    v_today := site_today(p);
    v_location := oldparts_location(p->>'location');
    IF p ? 'oem' THEN
        v_oem := oem_named(p->>'oem');
    END IF;
    IF jsonb_array_length(coalesce(p->'tags', '[]')) > 0 THEN
        FOR v_part IN SELECT o.*, c.retain_until, c.oem_id
                        FROM old_parts_named(p->'tags', ARRAY['tagged', 'expired'], 'kept in the old-parts area') n
                        JOIN old_part o ON o.id = n.id JOIN warranty_claim c ON c.id = o.claim_id ORDER BY o.id LOOP
            IF NOT (v_part.state = 'expired' OR (v_part.state = 'tagged' AND v_part.retain_until < v_today)) THEN
                RAISE EXCEPTION '%', format('%s%s: only a part never called back and kept past its retention is scrapped',
                    old_part_where(v_part.tag_no, v_part.state, v_part.batch_id),
                    CASE WHEN v_part.state = 'tagged' THEN format(' and kept until %s', v_part.retain_until) ELSE '' END)
                    USING ERRCODE = 'PS409';
            END IF;
            IF v_part.location_id <> v_location.id THEN
                RAISE EXCEPTION '% is kept at %, not %', v_part.tag_no, (SELECT code FROM location WHERE id = v_part.location_id),
                    v_location.code USING ERRCODE = 'PS409';
            END IF;
            IF v_part.oem_id <> v_oem.id THEN
                RAISE EXCEPTION '% is not a part of %', v_part.tag_no, v_oem.code USING ERRCODE = 'PS409';
            END IF;
            v_ids := v_ids || v_part.id;
        END LOOP;
    ELSE
        SELECT array_agg(id ORDER BY id) INTO v_ids FROM (
            SELECT o.id FROM old_part o JOIN warranty_claim c ON c.id = o.claim_id
             WHERE o.location_id = v_location.id AND (v_oem.id IS NULL OR c.oem_id = v_oem.id)
               AND (o.state = 'expired' OR (o.state = 'tagged' AND c.retain_until < v_today))
             ORDER BY o.id FOR UPDATE OF o) locked;
    END IF;
    IF coalesce(cardinality(v_ids), 0) = 0 THEN
        RAISE EXCEPTION '%', format('no old parts%s at %s are past their retention', coalesce(' of ' || v_oem.code, ''),
            v_location.code) USING ERRCODE = 'PS409';
    END IF;
    UPDATE old_part SET state = 'expired', expired_on = v_today WHERE id = ANY (v_ids) AND state = 'tagged';
    v_document := post_record_document(p || jsonb_build_object(
        'type', 'WD', 'location', v_location.code, 'reason', 'retention expired',
        'counterparty', left((SELECT string_agg(DISTINCT e.code, ', ') FROM old_part o JOIN warranty_claim c ON c.id = o.claim_id
                                JOIN oem e ON e.id = c.oem_id WHERE o.id = ANY (v_ids)), 200),
        'lines', old_parts_lines(v_ids)));
    UPDATE old_part SET state = 'scrapped', scrap_document_id = (SELECT id FROM document WHERE doc_no = v_document->>'doc_no')
     WHERE id = ANY (v_ids);
    RETURN request_end(p, document_reply(v_document) || jsonb_build_object(
        'scrapped', (SELECT jsonb_agg(old_part_json(id, v_today) ORDER BY id) FROM unnest(v_ids) AS id)));
END $$;

-- The deadlines run for local date p_today: marks the old parts wanted and not shipped whose
-- ship-by date came within a reminder bucket (p_reminder_days, e.g. {7,3}: each bucket once a
-- part), those past it (overdue, once), and those never called back whose retention is over
-- (expired); returns what it marked now, and the totals still open.
CREATE FUNCTION warranty_deadlines(p_today date, p_reminder_days integer[]) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_reminded integer[];
    v_overdue integer[];
    v_expired integer[];
BEGIN
    -- The rows in id order first, as every workflow on old parts locks them.
    PERFORM 1 FROM old_part o JOIN warranty_claim c ON c.id = o.claim_id
      WHERE old_part_open(o.state, o.ship_by) OR (o.state = 'tagged' AND c.retain_until < p_today)
      ORDER BY o.id FOR UPDATE OF o;
    WITH due AS (
        SELECT o.id, (SELECT min(b) FROM unnest(p_reminder_days) b WHERE o.ship_by - p_today <= b) AS bucket
          FROM old_part o WHERE old_part_open(o.state, o.ship_by) AND o.ship_by >= p_today
    ), marked AS (
        UPDATE old_part o SET reminded_days = due.bucket FROM due
         WHERE o.id = due.id AND due.bucket IS NOT NULL AND (o.reminded_days IS NULL OR due.bucket < o.reminded_days)
        RETURNING o.id)
    SELECT array_agg(id ORDER BY id) INTO v_reminded FROM marked;
    WITH marked AS (
        UPDATE old_part o SET overdue_on = p_today WHERE old_part_open(o.state, o.ship_by) AND o.ship_by < p_today AND o.overdue_on IS NULL
        RETURNING o.id)
    SELECT array_agg(id ORDER BY id) INTO v_overdue FROM marked;
    WITH marked AS (
        UPDATE old_part o SET state = 'expired', expired_on = p_today FROM warranty_claim c
         WHERE c.id = o.claim_id AND o.state = 'tagged' AND c.retain_until < p_today
        RETURNING o.id)
    SELECT array_agg(id ORDER BY id) INTO v_expired FROM marked;
    RETURN jsonb_build_object(
        'date', p_today, 'reminder_days', to_jsonb(p_reminder_days),
        'reminders', coalesce((SELECT jsonb_agg(old_part_json(id, p_today) ORDER BY id) FROM unnest(v_reminded) id), '[]'),
        'overdue', coalesce((SELECT jsonb_agg(old_part_json(id, p_today) ORDER BY id) FROM unnest(v_overdue) id), '[]'),
        'expired', coalesce((SELECT jsonb_agg(old_part_json(id, p_today) ORDER BY id) FROM unnest(v_expired) id), '[]'),
        'due_soon', (SELECT count(*) FROM old_part o WHERE old_part_open(o.state, o.ship_by) AND o.ship_by >= p_today
                        AND o.ship_by - p_today <= (SELECT max(b) FROM unnest(p_reminder_days) b)),
        'overdue_total', (SELECT count(*) FROM old_part o WHERE old_part_open(o.state, o.ship_by) AND o.ship_by < p_today),
        'overdue_amount', (SELECT coalesce(sum(o.amount), 0)::numeric(15,2)::text FROM old_part o
                            WHERE old_part_open(o.state, o.ship_by) AND o.ship_by < p_today));
END $$;

-- report warranty: claims and old parts by state; the value at risk (claimed amount of parts
-- wanted but not shipped) by days left; return rate (shipped / wanted) and acceptance rate
-- (accepted / decided); credits and charge-backs per month of decision; rejections by reason.
-- Of one maker and one claim month when given; days left on p_today.
CREATE FUNCTION warranty_report(p_oem text, p_month date, p_today date) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    WITH claimed AS (
        SELECT o.*, c.claim_no, v.outcome, v.reason, v.credit, v.charge_back, v.decided
          FROM old_part o JOIN warranty_claim c ON c.id = o.claim_id JOIN oem e ON e.id = c.oem_id
          LEFT JOIN LATERAL (SELECT * FROM old_part_verdict ov WHERE ov.old_part_id = o.id ORDER BY ov.round DESC LIMIT 1) v ON true
         WHERE (p_oem IS NULL OR e.code = p_oem) AND (p_month IS NULL OR claim_month(c.claimed) = p_month)
    ), risk AS (
        SELECT CASE WHEN ship_by < p_today THEN 'overdue' WHEN ship_by - p_today <= 3 THEN '0-3'
                    WHEN ship_by - p_today <= 7 THEN '4-7' WHEN ship_by - p_today <= 14 THEN '8-14' ELSE 'later' END AS bucket,
               amount
          FROM claimed WHERE old_part_open(state, ship_by)
    )
    SELECT jsonb_build_object(
        'claims', (SELECT count(DISTINCT claim_id) FROM claimed),
        'parts', (SELECT count(*) FROM claimed),
        'states', (SELECT coalesce(jsonb_agg(jsonb_build_object('state', s.state, 'parts', coalesce(x.parts, 0),
                                                                'amount', coalesce(x.amount, 0)::numeric(15,2)::text) ORDER BY s.ord), '[]')
                     FROM unnest(ARRAY['tagged', 'due', 'called', 'packed', 'shipped', 'received', 'accepted', 'rejected',
                                       'missing', 'appealed', 'expired', 'scrapped']) WITH ORDINALITY AS s(state, ord)
                     LEFT JOIN (SELECT state, count(*) AS parts, sum(amount) AS amount FROM claimed GROUP BY state) x USING (state)
                    WHERE x.parts > 0),
        'at_risk', (SELECT jsonb_agg(jsonb_build_object('days_left', b.bucket, 'parts', coalesce(x.parts, 0),
                                                        'amount', coalesce(x.amount, 0)::numeric(15,2)::text) ORDER BY b.ord)
                      FROM unnest(ARRAY['overdue', '0-3', '4-7', '8-14', 'later']) WITH ORDINALITY AS b(bucket, ord)
                      LEFT JOIN (SELECT bucket, count(*) AS parts, sum(amount) AS amount FROM risk GROUP BY bucket) x USING (bucket)),
        'at_risk_amount', (SELECT coalesce(sum(amount), 0)::numeric(15,2)::text FROM risk),
        'wanted', (SELECT count(*) FROM claimed WHERE ship_by IS NOT NULL),
        'shipped', (SELECT count(*) FROM claimed WHERE ship_by IS NOT NULL AND shipped_on IS NOT NULL),
        'return_rate', (SELECT round(100.0 * count(*) FILTER (WHERE shipped_on IS NOT NULL) / nullif(count(*), 0), 1)::text
                          FROM claimed WHERE ship_by IS NOT NULL),
        'decided', (SELECT count(*) FROM claimed WHERE outcome IS NOT NULL),
        'accepted', (SELECT count(*) FROM claimed WHERE outcome = 'accepted'),
        'acceptance_rate', (SELECT round(100.0 * count(*) FILTER (WHERE outcome = 'accepted') / nullif(count(*), 0), 1)::text
                              FROM claimed WHERE outcome IS NOT NULL),
        'credited', (SELECT coalesce(sum(credit), 0)::numeric(15,2)::text FROM claimed),
        'charged_back', (SELECT coalesce(sum(charge_back), 0)::numeric(15,2)::text FROM claimed),
        'months', (SELECT coalesce(jsonb_agg(jsonb_build_object('month', m.month, 'accepted', m.accepted, 'credited', m.credited::text,
                                                                'charged_back_parts', m.charged, 'charged_back', m.charge_back::text)
                                             ORDER BY m.month), '[]')
                     FROM (SELECT to_char(decided, 'YYYY-MM') AS month, count(*) FILTER (WHERE outcome = 'accepted') AS accepted,
                                  sum(credit)::numeric(15,2) AS credited, count(*) FILTER (WHERE outcome <> 'accepted') AS charged,
                                  sum(charge_back)::numeric(15,2) AS charge_back
                             FROM claimed WHERE outcome IS NOT NULL GROUP BY 1) m),
        'rejections', (SELECT coalesce(jsonb_agg(jsonb_build_object('reason', r.code, 'title', r.title, 'title_zh', r.title_zh,
                                                                    'parts', x.parts, 'amount', x.amount::text)
                                                 ORDER BY x.parts DESC, r.code), '[]')
                         FROM (SELECT reason, count(*) AS parts, sum(charge_back)::numeric(15,2) AS amount
                                 FROM claimed WHERE outcome = 'rejected' GROUP BY reason) x
                         JOIN warranty_reject_reason r ON r.code = x.reason))
$$;

-- report defects (物料不良汇总): which parts fail, how often, from which supplier, with what
-- was claimed, credited and charged back, over the claims of the p_days days to p_today; by
-- part, supplier or failure code, the most failed first.
CREATE FUNCTION defect_report(p_days integer, p_by text, p_today date) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    WITH failed AS (
        SELECT CASE p_by WHEN 'supplier' THEN coalesce(pt.supplier, '-') WHEN 'failure' THEN c.failure ELSE pt.part_no END AS key,
               CASE WHEN p_by = 'part' THEN pt.description END AS description,
               CASE WHEN p_by = 'part' THEN pt.supplier END AS supplier,
               o.claim_id, o.quantity, o.amount, coalesce(v.credit, 0) AS credit, coalesce(v.charge_back, 0) AS charge_back,
               v.outcome
          FROM old_part o JOIN warranty_claim c ON c.id = o.claim_id JOIN part pt ON pt.id = o.part_id
          LEFT JOIN LATERAL (SELECT * FROM old_part_verdict ov WHERE ov.old_part_id = o.id ORDER BY ov.round DESC LIMIT 1) v ON true
         WHERE c.claimed > p_today - p_days AND c.claimed <= p_today
    )
    SELECT jsonb_build_object(
        'from', p_today - p_days + 1, 'through', p_today, 'by', p_by,
        'rows', coalesce((SELECT jsonb_agg(jsonb_build_object(
                              'key', key, 'description', description, 'supplier', supplier, 'claims', claims,
                              'parts', parts, 'quantity', quantity::numeric(15,3)::text, 'amount', amount::numeric(15,2)::text,
                              'credited', credited::numeric(15,2)::text, 'charged_back', charged_back::numeric(15,2)::text,
                              'rejected', rejected) ORDER BY parts DESC, amount DESC, key)
                            FROM (SELECT key, min(description) AS description, min(supplier) AS supplier,
                                         count(DISTINCT claim_id) AS claims, count(*) AS parts, sum(quantity) AS quantity,
                                         sum(amount) AS amount, sum(credit) AS credited, sum(charge_back) AS charged_back,
                                         count(*) FILTER (WHERE outcome = 'rejected') AS rejected
                                    FROM failed GROUP BY key) g), '[]'))
$$;
