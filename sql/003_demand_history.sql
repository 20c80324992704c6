-- Demand for planning: posted goods issues, plus past demand a site brings from the system it
-- leaves (`history add`), read the same way.
CREATE TABLE demand_history (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    part_id     integer NOT NULL REFERENCES part,
    location_id integer NOT NULL REFERENCES location,
    demand_date date NOT NULL,
    quantity    numeric(15,3) NOT NULL CHECK (quantity > 0),
    recorded_by text NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX demand_history_part_idx ON demand_history (part_id, location_id, demand_date);

-- Planning reads a part's issue lines; without this it would scan every line posted.
CREATE INDEX document_line_part_idx ON document_line (part_id);
