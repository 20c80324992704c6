-- Purchasing (issue 3): suppliers, purchase orders, receipts against them, and the on-order
-- quantity that `stock show` and the reorder run read through on_order().

CREATE TABLE supplier (
    id         integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code       text NOT NULL UNIQUE CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$'),
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    lead_days  integer CHECK (lead_days BETWEEN 0 AND 3650),
    -- The least order value the supplier accepts; po new refuses orders below it.
    min_order  numeric(15,2) CHECK (min_order >= 0),
    created_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
-- Orders refer to their supplier for ever, like documents to parts.
CREATE TRIGGER supplier_never_deleted BEFORE DELETE ON supplier
    FOR EACH ROW EXECUTE FUNCTION refuse_master_data_delete();
CREATE TRIGGER supplier_never_truncated BEFORE TRUNCATE ON supplier
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_master_data_delete();

CREATE TABLE purchase_order (
    id              integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- From next_doc_no('PO', ...): one sequence per year, so numbers never block each other.
    po_no           text NOT NULL UNIQUE CHECK (po_no ~ '^PO-[0-9]{4}-[0-9]{6,}$'),
    supplier_id     integer NOT NULL REFERENCES supplier,
    state           text NOT NULL DEFAULT 'open'
                    CHECK (state IN ('open', 'partly_received', 'received', 'cancelled')),
    expected        date,
    -- A special order (特殊订货) names the requisition it was placed for.
    for_requisition text CHECK (for_requisition ~ '^RQ-[0-9]{4}-[0-9]{6,}$'),
    created_by      text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    cancelled_by    text,
    cancelled_at    timestamptz,
    cancel_reason   text CHECK (length(cancel_reason) BETWEEN 1 AND 1000),
    CHECK ((state = 'cancelled') = (cancelled_at IS NOT NULL)),
    CHECK ((cancelled_at IS NULL) = (cancelled_by IS NULL)),
    CHECK (cancel_reason IS NULL OR cancelled_at IS NOT NULL)
);
CREATE INDEX purchase_order_state_idx ON purchase_order (state, id DESC);
CREATE INDEX purchase_order_requisition_idx ON purchase_order (for_requisition) WHERE for_requisition IS NOT NULL;

CREATE TABLE po_line (
    po_id       integer NOT NULL REFERENCES purchase_order,
    line_no     integer NOT NULL CHECK (line_no > 0),
    part_id     integer NOT NULL REFERENCES part,
    -- Where the goods will be received.
    location_id integer NOT NULL REFERENCES location,
    quantity    numeric(15,3) NOT NULL CHECK (quantity > 0),
    -- May pass quantity by the configured over-receipt tolerance; receive_purchase_order checks
    -- that bound, since the tolerance is configuration, not schema.
    received    numeric(15,3) NOT NULL DEFAULT 0 CHECK (received >= 0),
    price       numeric(15,4) NOT NULL CHECK (price >= 0),
    expected    date,
    -- Nothing more will arrive on this line: fully received, or its order cancelled. Kept on
    -- the line so on_order() reads one partial index and never the order headers.
    closed      boolean NOT NULL DEFAULT false,
    PRIMARY KEY (po_id, line_no),
    -- A receipt names a part and a location; each may be on an order once.
    UNIQUE (po_id, part_id, location_id),
    CHECK (closed OR received < quantity)
);
-- on_order() is one probe here per part-location; closed lines, the order history, stay out.
CREATE INDEX po_line_on_order_idx ON po_line (part_id, location_id) INCLUDE (quantity, received) WHERE NOT closed;
CREATE INDEX po_line_part_idx ON po_line (part_id);

-- The goods receipts posted against an order.
CREATE TABLE po_receipt (
    document_id bigint PRIMARY KEY REFERENCES document,
    po_id       integer NOT NULL REFERENCES purchase_order
);
CREATE INDEX po_receipt_po_idx ON po_receipt (po_id);

-- Open quantity of open and partly received orders. Still one SELECT in LANGUAGE sql, as every
-- reader expects (see 004); an order's open lines are exactly its lines not closed.
CREATE OR REPLACE FUNCTION on_order(p_part integer, p_location integer) RETURNS numeric
LANGUAGE sql STABLE AS $$
    SELECT coalesce(sum(l.quantity - l.received), 0)::numeric(15,3)
      FROM po_line l
     WHERE l.part_id = p_part AND l.location_id = p_location AND NOT l.closed
$$;

-- The first outcome of a posting whose ref was used before, or NULL: for postings that must
-- take a lock of their own before they may look (see receive_purchase_order).
CREATE FUNCTION replayed_document(p jsonb) RETURNS jsonb
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
    RETURN document_json(v_prior.doc_no) || '{"replayed": true}';
END $$;

-- Receives goods against a purchase order in the caller's transaction: posts the GR through
-- post_stock_document, then books the quantities on the order's lines and moves its state.
-- p: post_stock_document's input for a GR (location, lines [{part_no, quantity, unit_cost?}],
-- note?, actor, command, ref?, fingerprint?). A line without unit_cost is valued at the order
-- line's price. p_over_receipt_pct: how far above the ordered quantity a line may be received.
CREATE FUNCTION receive_purchase_order(p jsonb, p_po_no text, p_over_receipt_pct numeric) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_po purchase_order;
    v_supplier supplier;
    v_location location;
    v_item record;
    v_line po_line;
    v_elsewhere text;
    v_lines jsonb := '[]'::jsonb;
    v_document jsonb;
    v_limit numeric;
BEGIN
    -- The order's row lock comes before anything is read: receipts and cancellations of one
    -- order run one after the other, so the open quantities checked below cannot shrink
    -- before this commits, and a retry with the same ref waits here, then finds the first
    -- outcome below instead of being refused as an over-receipt.
    SELECT * INTO v_po FROM purchase_order WHERE po_no = p_po_no FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown purchase order %', p_po_no USING ERRCODE = 'PS404';
    END IF;
    v_document := replayed_document(p);
    IF v_document IS NOT NULL THEN
        RETURN v_document;
    END IF;

    IF v_po.state = 'cancelled' THEN
        RAISE EXCEPTION '% is cancelled: nothing can be received against it', p_po_no USING ERRCODE = 'PS409';
    ELSIF v_po.state = 'received' THEN
        RAISE EXCEPTION '% is fully received: nothing is open on it', p_po_no USING ERRCODE = 'PS409';
    END IF;
    SELECT * INTO v_location FROM location WHERE code = p->>'location';
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown location %', p->>'location' USING ERRCODE = 'PS404';
    END IF;
    SELECT * INTO v_supplier FROM supplier WHERE id = v_po.supplier_id;

    FOR v_item IN
        SELECT l.item, l.item->>'part_no' AS part_no, (l.item->>'quantity')::numeric AS qty, pt.id AS part_id
          FROM jsonb_array_elements(p->'lines') WITH ORDINALITY AS l(item, ordinality)
          LEFT JOIN part pt ON pt.part_no = l.item->>'part_no'
         ORDER BY l.ordinality
    LOOP
        IF v_item.part_id IS NULL THEN
            RAISE EXCEPTION 'unknown part %', v_item.part_no USING ERRCODE = 'PS404';
        END IF;
        SELECT * INTO v_line FROM po_line
         WHERE po_id = v_po.id AND part_id = v_item.part_id AND location_id = v_location.id;
        IF NOT FOUND THEN
            SELECT string_agg(lo.code, ', ' ORDER BY lo.code) INTO v_elsewhere
              FROM po_line pl JOIN location lo ON lo.id = pl.location_id
             WHERE pl.po_id = v_po.id AND pl.part_id = v_item.part_id;
            IF v_elsewhere IS NULL THEN
                RAISE EXCEPTION '% is not on %', v_item.part_no, p_po_no USING ERRCODE = 'PS409';
            END IF;
            RAISE EXCEPTION '% is on % to be received at %, not at %', v_item.part_no, p_po_no, v_elsewhere, v_location.code
                USING ERRCODE = 'PS409';
        END IF;
        IF v_line.closed THEN
            RAISE EXCEPTION '% on % is fully received: % of % ordered', v_item.part_no, p_po_no,
                trim_scale(v_line.received), trim_scale(v_line.quantity) USING ERRCODE = 'PS409';
        END IF;
        v_limit := v_line.quantity * (1 + p_over_receipt_pct / 100);
        IF v_line.received + v_item.qty > v_limit THEN
            RAISE EXCEPTION 'over-receipt: % on % has % open (% ordered, % received), % is too many (tolerance % %%)',
                v_item.part_no, p_po_no, trim_scale(v_line.quantity - v_line.received), trim_scale(v_line.quantity),
                trim_scale(v_line.received), trim_scale(v_item.qty), trim_scale(p_over_receipt_pct)
                USING ERRCODE = 'PS409';
        END IF;
        UPDATE po_line
           SET received = received + v_item.qty, closed = received + v_item.qty >= quantity
         WHERE po_id = v_line.po_id AND line_no = v_line.line_no;
        v_lines := v_lines || jsonb_build_array(
            v_item.item || jsonb_build_object('unit_cost', coalesce(v_item.item->>'unit_cost', v_line.price::text)));
    END LOOP;

    v_document := post_stock_document(p || jsonb_build_object(
        'type', 'GR', 'lines', v_lines,
        'counterparty', left(format('%s %s %s', p_po_no, v_supplier.code, v_supplier.name), 200)));
    INSERT INTO po_receipt (document_id, po_id)
    SELECT id, v_po.id FROM document WHERE doc_no = v_document->>'doc_no';
    UPDATE purchase_order
       SET state = CASE WHEN EXISTS (SELECT 1 FROM po_line WHERE po_id = v_po.id AND NOT closed)
                        THEN 'partly_received' ELSE 'received' END
     WHERE id = v_po.id;
    RETURN v_document;
END $$;

-- Every part-location's open quantity at once, for the reorder run (see 004).
CREATE OR REPLACE VIEW open_order_quantity AS
SELECT part_id, location_id, sum(quantity - received)::numeric(15,3) AS quantity
  FROM po_line WHERE NOT closed GROUP BY part_id, location_id;

-- The purchase order an approved reorder proposal line became.
ALTER TABLE reorder_line ADD COLUMN po_id integer REFERENCES purchase_order;

