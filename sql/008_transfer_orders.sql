-- Branch replenishment (办事处 / 代理商 补料): a transfer order from a sending location to a
-- branch. Shipping moves the stock into an in-transit location of the destination, arrival
-- moves what came out of it into the destination; what arrived short stays in transit and is
-- on the order as a discrepancy, what arrived over is recorded but moves nothing.

-- The transit location of a destination: one each, made on the first shipment to it. Found
-- by this link and never by its code, so a location someone named like it by hand is never
-- taken for it.
ALTER TABLE location ADD COLUMN transit_for integer UNIQUE REFERENCES location;
ALTER TABLE location ADD CONSTRAINT transit_for_is_transit CHECK (transit_for IS NULL OR kind = 'transit');
ALTER TABLE location ADD CONSTRAINT transit_for_other CHECK (transit_for <> id);

CREATE TABLE transfer_order (
    id                   integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- From next_doc_no('TO', ...): one sequence per year, like every document number.
    to_no                text NOT NULL UNIQUE CHECK (to_no ~ '^TO-[0-9]{4}-[0-9]{6,}$'),
    from_location_id     integer NOT NULL REFERENCES location,
    to_location_id       integer NOT NULL REFERENCES location,
    transit_location_id  integer NOT NULL REFERENCES location,
    state                text NOT NULL DEFAULT 'shipped'
                         CHECK (state IN ('shipped', 'received', 'received_with_discrepancy')),
    note                 text CHECK (length(note) <= 1000),
    shipped_by           text NOT NULL,
    shipped_at           timestamptz NOT NULL DEFAULT now(),
    ship_document_id     bigint NOT NULL UNIQUE REFERENCES document,
    received_by          text,
    received_at          timestamptz,
    -- The TR transit -> destination; posted even when nothing arrived, as the signed record of
    -- the arrival.
    arrival_document_id  bigint UNIQUE REFERENCES document,
    arrival_note         text CHECK (length(arrival_note) <= 1000),
    CHECK (from_location_id <> to_location_id),
    CHECK (transit_location_id NOT IN (from_location_id, to_location_id)),
    CHECK ((state = 'shipped') = (received_at IS NULL)),
    CHECK ((received_at IS NULL) = (received_by IS NULL)),
    CHECK ((received_at IS NULL) = (arrival_document_id IS NULL)),
    CHECK (arrival_note IS NULL OR received_at IS NOT NULL),
    CHECK (received_at IS NULL OR received_at >= shipped_at)
);
CREATE INDEX transfer_order_state_idx ON transfer_order (state, id DESC);
CREATE INDEX transfer_order_from_idx ON transfer_order (from_location_id, id DESC);
CREATE INDEX transfer_order_to_idx ON transfer_order (to_location_id, id DESC);

CREATE TABLE transfer_order_line (
    transfer_order_id integer NOT NULL REFERENCES transfer_order,
    line_no           integer NOT NULL CHECK (line_no > 0),
    part_id           integer NOT NULL REFERENCES part,
    shipped           numeric(15,3) NOT NULL CHECK (shipped > 0),
    -- What the branch counted: NULL until the order arrives.
    received          numeric(15,3) CHECK (received >= 0),
    -- The sender's average cost the shipment left at, from the shipping TR.
    unit_cost         numeric(15,4) NOT NULL CHECK (unit_cost >= 0),
    -- Negative: short; positive: over. Only min(received, shipped) moved out of transit.
    discrepancy       numeric(15,3) GENERATED ALWAYS AS (received - shipped) STORED,
    PRIMARY KEY (transfer_order_id, line_no),
    UNIQUE (transfer_order_id, part_id)
);
CREATE INDEX transfer_order_line_part_idx ON transfer_order_line (part_id);
