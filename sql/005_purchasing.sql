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

-- The purchase order an approved reorder proposal line became.
ALTER TABLE reorder_line ADD COLUMN po_id integer REFERENCES purchase_order;
