-- Planning: the demand it reads, the stock snapshots turnover is measured on.

-- The demand the ledger shows, per part, location and day: posted goods issues, less returns
-- to stock.
CREATE VIEW document_demand_line AS
SELECT dl.part_id, d.location_id, d.doc_date AS demand_date, dl.quantity
  FROM document_line dl
  JOIN document d ON d.id = dl.document_id
 WHERE d.doc_type = 'GI'
UNION ALL
SELECT dl.part_id, d.location_id, d.doc_date, (-dl.quantity)::numeric(15,3)
  FROM document_line dl
  JOIN document d ON d.id = dl.document_id
 WHERE d.doc_type = 'RT';

-- Every unit of demand: the ledger's, plus past demand a site brings from the system it
-- leaves (`history add`). A reorder run's readers group the two apart and join the groups
-- (PlanningRows): merging the rows of this union first cost a quarter of their grouping.
CREATE VIEW demand_line AS
SELECT part_id, location_id, demand_date, quantity
  FROM document_demand_line
UNION ALL
SELECT part_id, location_id, demand_date, quantity
  FROM demand_history;

-- Keeps stock_snapshot_total, the day's snapshot value per location and part category.
CREATE FUNCTION stock_snapshot_totals() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO stock_snapshot_total AS t (snapshot_date, location_id, category, value)
        SELECT o.snapshot_date, o.location_id, coalesce(p.category, '-'), -sum(o.value)
          FROM old_rows o JOIN part p ON p.id = o.part_id GROUP BY 1, 2, 3
        ON CONFLICT (location_id, snapshot_date, category) DO UPDATE SET value = t.value + excluded.value;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        INSERT INTO stock_snapshot_total AS t (snapshot_date, location_id, category, value)
        SELECT n.snapshot_date, n.location_id, coalesce(p.category, '-'), sum(n.value)
          FROM new_rows n JOIN part p ON p.id = n.part_id GROUP BY 1, 2, 3
        ON CONFLICT (location_id, snapshot_date, category) DO UPDATE SET value = t.value + excluded.value;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER stock_snapshot_totals_insert AFTER INSERT ON stock_snapshot
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION stock_snapshot_totals();
CREATE TRIGGER stock_snapshot_totals_update AFTER UPDATE ON stock_snapshot
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION stock_snapshot_totals();
CREATE TRIGGER stock_snapshot_totals_delete AFTER DELETE ON stock_snapshot
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION stock_snapshot_totals();

-- ABC classes: the one definition the plan and `report abc` share, so a part has the same
-- class in its plan and in the report. Per location, each part-location that had demand in
-- the window (from through through, both included) or holds stock is valued at its demand
-- (goods issues less returns, plus imported history: demand_line) × the part's standard cost,
-- and ranked by that value, highest first (part number breaks ties). A part's class comes from
-- the share of the value of the parts ranked before it: below 80 % A, below 95 % B, else C; so
-- the top part is A even when it alone carries more than 80 %. No or negative value is C.
--
-- Why demand × standard cost, not the issue lines' own value: imported history has no cost of
-- its own; a part's class must not swing with the average cost a location happens to hold it
-- at; and the standard cost is the price the planner orders at, which is what the class is for
-- (the service level it buys).
-- share: the part's part of the location's positive value; share_before: of the parts ranked
-- above it; both NULL when the location has no positive value at all.
--
-- abc_ranking_of ranks demand already summed: each part-location's demand in the window, the
-- three arrays side by side, one element a part-location, every one of them ranked. A reorder
-- run sums the year's demand in the same pass that gathers each part-location's history and
-- ranks that, rather than read the history a second time; abc_ranking sums it for one window
-- and adds the part-locations that hold stock without demand (value 0, so C). A run leaves
-- those out: with no value they come after every part that has one and add nothing to the
-- shares before it, so no other class changes, and the run gives them C itself.
CREATE FUNCTION abc_ranking_of(p_location_ids integer[], p_part_ids integer[], p_quantities numeric[])
RETURNS TABLE (location_id integer, part_id integer, value numeric, share numeric, share_before numeric, abc_class text)
LANGUAGE sql STABLE AS $$
    WITH ranked AS (
        SELECT u.location_id, u.part_id, u.quantity * p.cost AS value,
               sum(greatest(u.quantity * p.cost, 0)) OVER (PARTITION BY u.location_id) AS total,
               coalesce(sum(greatest(u.quantity * p.cost, 0)) OVER (
                   PARTITION BY u.location_id ORDER BY u.quantity * p.cost DESC, p.part_no
                   ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before
          FROM unnest(p_location_ids, p_part_ids, p_quantities) AS u (location_id, part_id, quantity)
          JOIN part p ON p.id = u.part_id
    )
    SELECT r.location_id, r.part_id, r.value,
           greatest(r.value, 0) / nullif(r.total, 0), r.before / nullif(r.total, 0),
           CASE WHEN r.value <= 0 THEN 'C'
                WHEN r.before < 0.80 * r.total THEN 'A'
                WHEN r.before < 0.95 * r.total THEN 'B'
                ELSE 'C' END
      FROM ranked r
$$;

-- abc_ranking: the classes of the demand in one window, and of the stock held without demand.
CREATE FUNCTION abc_ranking(p_locations integer[], p_from date, p_through date)
RETURNS TABLE (location_id integer, part_id integer, value numeric, share numeric, share_before numeric, abc_class text)
LANGUAGE sql STABLE AS $$
    SELECT r.*
      FROM (SELECT array_agg(u.location_id) AS location_ids, array_agg(u.part_id) AS part_ids,
                   array_agg(u.quantity) AS quantities
              FROM (SELECT coalesce(d.location_id, b.location_id) AS location_id, coalesce(d.part_id, b.part_id) AS part_id,
                           coalesce(d.quantity, 0) AS quantity
                      FROM (SELECT d.location_id, d.part_id, sum(d.quantity) AS quantity
                              FROM demand_line d
                             WHERE d.location_id = ANY (p_locations) AND d.demand_date BETWEEN p_from AND p_through
                             GROUP BY 1, 2) d
                      FULL JOIN (SELECT s.location_id, s.part_id FROM stock_balance s
                                  WHERE s.on_hand > 0 AND s.location_id = ANY (p_locations)) b
                        ON b.location_id = d.location_id AND b.part_id = d.part_id) u) demand,
           abc_ranking_of(demand.location_ids, demand.part_ids, demand.quantities) r
$$;

-- Turnover and days of supply: the one formula `report turnover` and a reorder proposal's
-- projected turnover share. Turns per year: what was issued (at cost) over p_days / the
-- average stock value over them, scaled to a year; NULL without stock to turn. Days of
-- supply: 365 / turns (unrounded); NULL when nothing was issued, since stock that never moves
-- covers for ever. Unrounded: each caller rounds to what it prints.
CREATE FUNCTION turnover_figures(p_issued numeric, p_average_value numeric, p_days numeric,
                                 OUT turnover numeric, OUT days_of_supply numeric)
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN p_average_value > 0 AND p_days > 0 THEN p_issued / p_average_value * 365 / p_days END,
           CASE WHEN p_average_value > 0 AND p_days > 0 AND p_issued > 0 THEN p_average_value * p_days / p_issued END
$$;

-- history add: past demand a site brings from the system it leaves, which planning reads like
-- goods issues. All lines or none. since= says where that system's records of the part begin
-- (no line may be earlier); stated again, the earliest is kept.
-- p: {location, part_no, dates: [text], quantities: [text], since?, actor, command, ref?, fingerprint?}
CREATE FUNCTION history_add(p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_reply jsonb := request_begin(p);
    v_part integer;
    v_location integer;
    v_future date;
    v_first date;
    v_since date := (p->>'since')::date;
    v_added integer;
    v_message text;
BEGIN
    IF v_reply IS NOT NULL THEN
        RETURN v_reply;
    END IF;
    v_part := (part_named(p->>'part_no')).id;
    v_location := (location_named(p->>'location')).id;
    SELECT min(d::date) FILTER (WHERE d::date > current_date), min(d::date)
      INTO v_future, v_first FROM jsonb_array_elements_text(p->'dates') AS t(d);
    IF v_future IS NOT NULL OR v_since > current_date THEN
        RAISE EXCEPTION '% is in the future: history records past demand', coalesce(v_future, v_since) USING ERRCODE = 'PS422';
    END IF;
    IF v_first < v_since THEN
        RAISE EXCEPTION 'a line of % is before since=%: the history cannot start after its own demand', v_first, v_since
            USING ERRCODE = 'PS422';
    END IF;
    INSERT INTO demand_history (part_id, location_id, demand_date, quantity, recorded_by)
    SELECT v_part, v_location, t.d::date, t.q::numeric, p->'actor'->>'user'
      FROM ROWS FROM (jsonb_array_elements_text(p->'dates'), jsonb_array_elements_text(p->'quantities')) AS t(d, q);
    GET DIAGNOSTICS v_added = ROW_COUNT;
    v_message := format('%s history lines added for %s at %s', v_added, p->>'part_no', p->>'location');
    IF v_since IS NOT NULL THEN
        INSERT INTO demand_history_start AS s (part_id, location_id, since, recorded_by)
        VALUES (v_part, v_location, v_since, p->'actor'->>'user')
        ON CONFLICT (part_id, location_id) DO UPDATE
           SET since = least(s.since, excluded.since), recorded_by = excluded.recorded_by, recorded_at = now()
        RETURNING format('%s; its history starts %s', v_message, since) INTO v_message;
    END IF;
    RETURN request_end(p, outcome(200, v_message));
END $$;

-- plan set: settings of the row every location inherits (no location) or of one location's
-- own row; the value `default` clears a setting back to what the row above says. The daemon
-- checked beforehand that the planning maths can work with the result.
-- p: {location?, settings: [name], values: [text], actor, command, ref?, fingerprint?}
CREATE FUNCTION planning_set(p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_reply jsonb := request_begin(p);
    -- {setting: value, or null to clear}
    v jsonb;
    -- "setting=value ..." as the manager wrote them, for the reply.
    v_said text;
    v_location integer;
    v_unknown text;
    v_global text;
BEGIN
    IF v_reply IS NOT NULL THEN
        RETURN v_reply;
    END IF;
    SELECT coalesce(jsonb_object_agg(t.k, nullif(t.value, 'default')), '{}'),
           string_agg(t.k || '=' || t.value, ' ' ORDER BY t.k COLLATE "C")
      INTO v, v_said
      FROM ROWS FROM (jsonb_array_elements_text(p->'settings'), jsonb_array_elements_text(p->'values')) AS t(k, value);
    SELECT k INTO v_unknown FROM jsonb_object_keys(v) AS k
     WHERE k NOT IN ('period', 'history_days', 'service_a', 'service_b', 'service_c', 'service_measure', 'fill_rate_a',
                     'fill_rate_b', 'fill_rate_c', 'alpha', 'beta', 'review_periods', 'review_days', 'ordering_cost',
                     'holding_rate', 'lead_days', 'lead_days_sd', 'slow_mover', 'dead_days',
                     'obsolete_after_days', 'obsolete_probability', 'demand_model',
                     'method_choice')
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'no planning setting %', v_unknown USING ERRCODE = 'PS422';
    END IF;
    -- The period and the history window shape every series of a run: one value for all.
    IF p ? 'location' THEN
        SELECT k INTO v_global FROM unnest(ARRAY['period', 'history_days']) AS k WHERE v ? k LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION '% is set for every location at once: leave out location=', v_global USING ERRCODE = 'PS422';
        END IF;
        v_location := (location_named(p->>'location')).id;
    END IF;
    INSERT INTO planning_setting AS s (location_id, period, history_days, service_a, service_b, service_c, service_measure,
                                       fill_rate_a, fill_rate_b, fill_rate_c, alpha, beta,
                                       review_periods, review_days, ordering_cost, holding_rate, lead_days, lead_days_sd,
                                       slow_mover, dead_days, obsolete_after_days, obsolete_probability, demand_model,
                                       method_choice, updated_by)
    VALUES (v_location, v->>'period', (v->>'history_days')::integer, (v->>'service_a')::numeric,
            (v->>'service_b')::numeric, (v->>'service_c')::numeric, v->>'service_measure', (v->>'fill_rate_a')::numeric,
            (v->>'fill_rate_b')::numeric, (v->>'fill_rate_c')::numeric, (v->>'alpha')::numeric, (v->>'beta')::numeric,
            (v->>'review_periods')::numeric, (v->>'review_days')::numeric, (v->>'ordering_cost')::numeric, (v->>'holding_rate')::numeric,
            (v->>'lead_days')::integer, (v->>'lead_days_sd')::numeric, (v->>'slow_mover')::numeric,
            (v->>'dead_days')::integer, (v->>'obsolete_after_days')::integer, (v->>'obsolete_probability')::numeric,
            v->>'demand_model', v->>'method_choice', p->'actor'->>'user')
    ON CONFLICT ((coalesce(location_id, 0))) DO UPDATE SET
        period = CASE WHEN v ? 'period' THEN excluded.period ELSE s.period END,
        history_days = CASE WHEN v ? 'history_days' THEN excluded.history_days ELSE s.history_days END,
        service_a = CASE WHEN v ? 'service_a' THEN excluded.service_a ELSE s.service_a END,
        service_b = CASE WHEN v ? 'service_b' THEN excluded.service_b ELSE s.service_b END,
        service_c = CASE WHEN v ? 'service_c' THEN excluded.service_c ELSE s.service_c END,
        service_measure = CASE WHEN v ? 'service_measure' THEN excluded.service_measure ELSE s.service_measure END,
        fill_rate_a = CASE WHEN v ? 'fill_rate_a' THEN excluded.fill_rate_a ELSE s.fill_rate_a END,
        fill_rate_b = CASE WHEN v ? 'fill_rate_b' THEN excluded.fill_rate_b ELSE s.fill_rate_b END,
        fill_rate_c = CASE WHEN v ? 'fill_rate_c' THEN excluded.fill_rate_c ELSE s.fill_rate_c END,
        alpha = CASE WHEN v ? 'alpha' THEN excluded.alpha ELSE s.alpha END,
        beta = CASE WHEN v ? 'beta' THEN excluded.beta ELSE s.beta END,
        review_periods = CASE WHEN v ? 'review_periods' THEN excluded.review_periods ELSE s.review_periods END,
        review_days = CASE WHEN v ? 'review_days' THEN excluded.review_days ELSE s.review_days END,
        ordering_cost = CASE WHEN v ? 'ordering_cost' THEN excluded.ordering_cost ELSE s.ordering_cost END,
        holding_rate = CASE WHEN v ? 'holding_rate' THEN excluded.holding_rate ELSE s.holding_rate END,
        lead_days = CASE WHEN v ? 'lead_days' THEN excluded.lead_days ELSE s.lead_days END,
        lead_days_sd = CASE WHEN v ? 'lead_days_sd' THEN excluded.lead_days_sd ELSE s.lead_days_sd END,
        slow_mover = CASE WHEN v ? 'slow_mover' THEN excluded.slow_mover ELSE s.slow_mover END,
        dead_days = CASE WHEN v ? 'dead_days' THEN excluded.dead_days ELSE s.dead_days END,
        obsolete_after_days = CASE WHEN v ? 'obsolete_after_days' THEN excluded.obsolete_after_days ELSE s.obsolete_after_days END,
        obsolete_probability = CASE WHEN v ? 'obsolete_probability' THEN excluded.obsolete_probability ELSE s.obsolete_probability END,
        demand_model = CASE WHEN v ? 'demand_model' THEN excluded.demand_model ELSE s.demand_model END,
        method_choice = CASE WHEN v ? 'method_choice' THEN excluded.method_choice ELSE s.method_choice END,
        updated_by = excluded.updated_by, updated_at = now();
    RETURN request_end(p, outcome(200, format('planning settings for %s: %s', coalesce(p->>'location', 'every location'), v_said)));
END $$;

-- target set: the turnover a warehouse, or one part category in it, should reach, and the
-- most days of supply it should hold; set again, it replaces the old one.
-- p: {location, category? (none: the warehouse's own), turnover, max_days, actor, command, ...}
CREATE FUNCTION target_set(p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_reply jsonb := request_begin(p);
    v_category text := coalesce(p->>'category', '');
    v_location integer;
BEGIN
    IF v_reply IS NOT NULL THEN
        RETURN v_reply;
    END IF;
    -- Parts without a category report as "-" and take the warehouse's target.
    IF v_category = '-' THEN
        RAISE EXCEPTION 'category - means no category; leave category= out to set the warehouse''s target'
            USING ERRCODE = 'PS422';
    END IF;
    v_location := (location_named(p->>'location')).id;
    INSERT INTO turnover_target (location_id, category, turnover, max_days, updated_by)
    VALUES (v_location, v_category, (p->>'turnover')::numeric, (p->>'max_days')::integer, p->'actor'->>'user')
    ON CONFLICT (location_id, category) DO UPDATE
       SET turnover = excluded.turnover, max_days = excluded.max_days,
           updated_by = excluded.updated_by, updated_at = now();
    RETURN request_end(p, outcome(200, format('target for %s set: turnover %s per year, at most %s days of supply',
        CASE WHEN v_category = '' THEN p->>'location' ELSE format('%s category %s', p->>'location', v_category) END,
        qty_text((p->>'turnover')::numeric), p->>'max_days')));
END $$;

-- Locks an open proposal's row for a change to it, or says why it cannot change.
CREATE FUNCTION reorder_proposal_lock_open(p_proposal_no text) RETURNS reorder_proposal
LANGUAGE plpgsql AS $$
DECLARE
    v_proposal reorder_proposal;
BEGIN
    SELECT * INTO v_proposal FROM reorder_proposal WHERE proposal_no = p_proposal_no FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no reorder proposal %', p_proposal_no USING ERRCODE = 'PS404';
    END IF;
    CASE v_proposal.state
    WHEN 'open' THEN
        RETURN v_proposal;
    WHEN 'approved' THEN
        RAISE EXCEPTION '% was already approved by % at %', p_proposal_no, v_proposal.approved_by,
            to_char(v_proposal.approved_at, 'YYYY-MM-DD HH24:MI') USING ERRCODE = 'PS409';
    ELSE
        RAISE EXCEPTION '% was superseded by a newer reorder run: review that one', p_proposal_no USING ERRCODE = 'PS409';
    END CASE;
END $$;

-- reorder set: the manager's quantities on lines of an open proposal, all or none. A part
-- planned at several locations of the proposal needs its location named.
-- p: {proposal_no, part_nos: [text], locations: [text, "" for none], quantities: [text], actor, ...}
CREATE FUNCTION reorder_set(p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_reply jsonb := request_begin(p);
    v_number text := p->>'proposal_no';
    v_proposal reorder_proposal;
    v_change record;
    v_places text[];
    v_changes integer := 0;
BEGIN
    IF v_reply IS NOT NULL THEN
        RETURN v_reply;
    END IF;
    v_proposal := reorder_proposal_lock_open(v_number);
    FOR v_change IN
        SELECT t.part_no, nullif(t.location, '') AS location, t.quantity::numeric AS quantity
          FROM ROWS FROM (jsonb_array_elements_text(p->'part_nos'), jsonb_array_elements_text(p->'locations'),
                          jsonb_array_elements_text(p->'quantities')) WITH ORDINALITY AS t(part_no, location, quantity, n)
         ORDER BY t.n
    LOOP
        WITH changed AS (
            UPDATE reorder_line l SET quantity = v_change.quantity, changed_by = p->'actor'->>'user'
              FROM part pt, location loc
             WHERE l.proposal_id = v_proposal.id AND pt.id = l.part_id AND loc.id = l.location_id
               AND pt.part_no = v_change.part_no AND (v_change.location IS NULL OR loc.code = v_change.location)
            RETURNING loc.code)
        SELECT array_agg(code ORDER BY code COLLATE "C") INTO v_places FROM changed;
        IF v_places IS NULL THEN
            RAISE EXCEPTION '% has no line for %', v_number,
                CASE WHEN v_change.location IS NULL THEN v_change.part_no ELSE v_change.part_no || '@' || v_change.location END
                USING ERRCODE = 'PS404';
        END IF;
        IF cardinality(v_places) > 1 THEN
            RAISE EXCEPTION '% is in % at %: write %@<location>:<qty>', v_change.part_no, v_number,
                array_to_string(v_places, ', '), v_change.part_no USING ERRCODE = 'PS422';
        END IF;
        v_changes := v_changes + 1;
    END LOOP;
    RETURN request_end(p, outcome(200, format('%s: %s line%s changed', v_number, v_changes,
                                              CASE WHEN v_changes = 1 THEN '' ELSE 's' END), v_number));
END $$;

-- reorder approve: an open proposal becomes orders. In the same transaction its lines become
-- purchase orders, one per supplier; lines whose part names no known supplier stay on the
-- order list `reorder export` prints. An order below its supplier's minimum is placed all the
-- same (the parts are needed; the buyer tops it up or agrees the small order with the
-- supplier, while `po new` refuses one typed by hand), and the reply names it.
-- p: {proposal_no, actor, command, ref?, fingerprint?}
CREATE FUNCTION reorder_approve(p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_reply jsonb := request_begin(p);
    v_number text := p->>'proposal_no';
    v_proposal reorder_proposal;
    v_orders text[];
    v_placed integer;
    v_lines bigint;
    v_value text;
    v_unplaced bigint;
    v_small text;
    v_message text;
BEGIN
    IF v_reply IS NOT NULL THEN
        RETURN v_reply;
    END IF;
    v_proposal := reorder_proposal_lock_open(v_number);
    UPDATE reorder_proposal SET state = 'approved', approved_by = p->'actor'->>'user', approved_at = now()
     WHERE id = v_proposal.id;
    WITH lines AS (
        SELECT s.id AS supplier_id, s.lead_days, l.part_id, l.location_id, l.quantity, l.unit_cost
          FROM reorder_line l JOIN part pt ON pt.id = l.part_id JOIN supplier s ON s.code = pt.supplier
         WHERE l.proposal_id = v_proposal.id AND l.quantity > 0),
    orders AS (
        INSERT INTO purchase_order (po_no, supplier_id, expected, created_by)
        SELECT next_doc_no('PO', current_date), supplier_id, current_date + lead_days, p->'actor'->>'user'
          FROM (SELECT DISTINCT supplier_id, lead_days FROM lines) x
        RETURNING id, supplier_id, po_no),
    placed AS (
        INSERT INTO po_line (po_id, line_no, part_id, location_id, quantity, price, expected)
        SELECT o.id, row_number() OVER (PARTITION BY o.id ORDER BY l.location_id, l.part_id),
               l.part_id, l.location_id, l.quantity, l.unit_cost, current_date + l.lead_days
          FROM lines l JOIN orders o ON o.supplier_id = l.supplier_id
        RETURNING po_id, part_id, location_id),
    linked AS (
        UPDATE reorder_line r SET po_id = placed.po_id
          FROM placed WHERE r.proposal_id = v_proposal.id AND r.part_id = placed.part_id AND r.location_id = placed.location_id
        RETURNING placed.po_id)
    SELECT (SELECT array_agg(o.po_no ORDER BY o.po_no COLLATE "C") FROM orders o WHERE o.id IN (SELECT po_id FROM linked)),
           (SELECT count(*) FROM linked)
      INTO v_orders, v_placed;
    SELECT count(*), coalesce(sum(quantity * unit_cost), 0)::numeric(18,2)::text, count(*) FILTER (WHERE po_id IS NULL)
      INTO v_lines, v_value, v_unplaced
      FROM reorder_line WHERE proposal_id = v_proposal.id AND quantity > 0;
    SELECT string_agg(x.said, ', ' ORDER BY x.po_no COLLATE "C") INTO v_small
      FROM (SELECT o.po_no, o.po_no || ' (' || s.code || ' ' || sum(l.quantity * l.price)::numeric(18,2) || ' < ' || s.min_order || ')' AS said
              FROM purchase_order o JOIN supplier s ON s.id = o.supplier_id JOIN po_line l ON l.po_id = o.id
             WHERE o.po_no = ANY (v_orders) AND s.min_order IS NOT NULL
             GROUP BY o.po_no, s.code, s.min_order
            HAVING sum(l.quantity * l.price) < s.min_order) x;
    v_message := format('%s approved: %s lines to order, value %s', v_number, v_lines, v_value);
    IF v_orders IS NOT NULL THEN
        v_message := v_message || format('; purchase orders %s (%s lines)', array_to_string(v_orders, ', '), v_placed);
    END IF;
    IF v_small IS NOT NULL THEN
        v_message := v_message || '; below the supplier''s minimum order: ' || v_small;
    END IF;
    IF v_unplaced > 0 THEN
        v_message := v_message || format('; %s lines have no known supplier: reorder export %s lists them', v_unplaced, v_number);
    END IF;
    RETURN request_end(p, outcome(200, v_message, v_number));
END $$;

-- The last step of a reorder run, in the run's own transaction, after its lines: the open
-- proposals it replaces (of its scope, or all of them for a run over every location) become
-- superseded, so nothing is ordered twice; returns those and the new proposal's totals.
CREATE FUNCTION reorder_proposal_finish(p_proposal_id bigint, p_scope text, OUT superseded text[], OUT planned bigint,
                                        OUT to_order bigint, OUT flagged bigint, OUT order_value text)
LANGUAGE plpgsql AS $$
BEGIN
    WITH replaced AS (
        UPDATE reorder_proposal SET state = 'superseded'
         WHERE state = 'open' AND id <> p_proposal_id AND (p_scope IS NULL OR scope IS NULL OR scope = p_scope)
        RETURNING proposal_no)
    SELECT coalesce(array_agg(proposal_no ORDER BY proposal_no COLLATE "C"), '{}') INTO superseded FROM replaced;
    SELECT count(*), count(*) FILTER (WHERE l.quantity > 0), count(*) FILTER (WHERE l.flagged),
           coalesce(sum(l.quantity * l.unit_cost), 0)::numeric(18,2)::text
      INTO planned, to_order, flagged, order_value
      FROM reorder_line l WHERE l.proposal_id = p_proposal_id;
END $$;

-- A reorder line's proposal exists (migration 024 replaced the foreign key, which a run writing
-- a line for every part-location checked row by row): checked once a statement over the lines
-- it wrote; a line never moves to another proposal; proposals, which their lines refer to,
-- are never deleted.
CREATE FUNCTION reorder_lines_name_a_proposal() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_missing bigint;
BEGIN
    SELECT n.proposal_id INTO v_missing
      FROM new_lines n
     WHERE NOT EXISTS (SELECT 1 FROM reorder_proposal p WHERE p.id = n.proposal_id)
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'reorder lines refer to proposal % which does not exist', v_missing
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER reorder_lines_name_a_proposal AFTER INSERT ON reorder_line
    REFERENCING NEW TABLE AS new_lines FOR EACH STATEMENT EXECUTE FUNCTION reorder_lines_name_a_proposal();

CREATE FUNCTION refuse_reorder_line_move() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'a reorder line stays in its proposal' USING ERRCODE = 'foreign_key_violation';
END $$;
CREATE TRIGGER reorder_line_stays_in_its_proposal BEFORE UPDATE ON reorder_line
    FOR EACH ROW WHEN (OLD.proposal_id IS DISTINCT FROM NEW.proposal_id) EXECUTE FUNCTION refuse_reorder_line_move();

CREATE FUNCTION refuse_reorder_proposal_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'reorder proposals are never deleted: their lines refer to them'
        USING ERRCODE = 'PS409';
END $$;
CREATE TRIGGER reorder_proposal_never_deleted BEFORE DELETE ON reorder_proposal
    FOR EACH ROW EXECUTE FUNCTION refuse_reorder_proposal_delete();
CREATE TRIGGER reorder_proposal_never_truncated BEFORE TRUNCATE ON reorder_proposal
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_reorder_proposal_delete();
