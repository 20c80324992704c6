-- Parts exceptions (配件异常处理): damaged, wrong part, short or over delivery, count
-- discrepancy, recorded against a posted receipt (GR), transfer (TR) or count (AD). The
-- affected quantity waits in a quarantine location until a manager resolves it: back to the
-- supplier (RS), scrapped (SC) or accepted into stock (TR back).
--
-- A short delivery never arrived, so nothing can be moved to quarantine: the books of the
-- receiving location hold parts that are not there. Its resolutions act on that location:
-- return (a claim on the supplier) and scrap (written off) book the missing quantity out of
-- it with an RS or SC document; accept (it turned up after all) posts nothing.

-- Documents out of stock for good: their direction makes post_stock_document book them like
-- a goods issue, and planning does not count them as demand (demand_line reads GI and RT only).
INSERT INTO document_type (code, title, title_zh, direction) VALUES
    ('SC', 'SCRAP', '报废单', 'out'),
    ('RS', 'RETURN TO SUPPLIER', '退供应商单', 'out');

CREATE TABLE stock_exception (
    id                     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ex_no                  text NOT NULL UNIQUE CHECK (ex_no ~ '^EX-[0-9]{4}-[0-9]{6,}$'),
    -- The document line the exception is against; the part is that line's.
    document_id            bigint NOT NULL,
    line_no                integer NOT NULL,
    quantity               numeric(15,3) NOT NULL CHECK (quantity > 0),
    kind                   text NOT NULL CHECK (kind IN ('damaged', 'wrong', 'short', 'over', 'count')),
    note                   text CHECK (length(note) BETWEEN 1 AND 1000),
    -- Where the parts belong: the document's location, for a transfer its destination.
    location_id            integer NOT NULL REFERENCES location,
    quarantine_id          integer REFERENCES location,
    -- The TR that moved the quantity into quarantine.
    quarantine_document_id bigint UNIQUE REFERENCES document,
    state                  text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'resolved')),
    resolution             text CHECK (resolution IN ('return', 'scrap', 'accept')),
    resolution_note        text CHECK (length(resolution_note) BETWEEN 1 AND 1000),
    -- The RS, SC or TR the resolution posted.
    resolution_document_id bigint UNIQUE REFERENCES document,
    raised_by              text NOT NULL,
    raised_uid             bigint NOT NULL,
    raised_at              timestamptz NOT NULL DEFAULT now(),
    resolved_by            text,
    resolved_uid           bigint,
    resolved_at            timestamptz,
    FOREIGN KEY (document_id, line_no) REFERENCES document_line,
    -- Only a short delivery has nothing in quarantine.
    CONSTRAINT stock_exception_quarantined CHECK ((kind = 'short') = (quarantine_id IS NULL)
                                                  AND (kind = 'short') = (quarantine_document_id IS NULL)),
    CONSTRAINT stock_exception_quarantine_elsewhere CHECK (quarantine_id <> location_id),
    -- Resolved exactly when a resolution, its author and its time are recorded.
    CONSTRAINT stock_exception_resolution CHECK (
        (state = 'open') = (resolution IS NULL) AND (state = 'open') = (resolved_by IS NULL)
        AND (state = 'open') = (resolved_uid IS NULL) AND (state = 'open') = (resolved_at IS NULL)),
    CONSTRAINT stock_exception_open_posts_nothing CHECK (state = 'resolved' OR (resolution_document_id IS NULL AND resolution_note IS NULL)),
    -- Every resolution posts a document but accepting a short delivery, which has nothing to move.
    CONSTRAINT stock_exception_resolution_document CHECK (
        state = 'open' OR (resolution_document_id IS NULL) = (kind = 'short' AND resolution = 'accept')),
    CONSTRAINT stock_exception_resolved_after CHECK (resolved_at >= raised_at)
);
CREATE INDEX stock_exception_document_idx ON stock_exception (document_id, line_no);
CREATE INDEX stock_exception_open_idx ON stock_exception (raised_at, id) WHERE state = 'open';
