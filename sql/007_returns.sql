-- Returns to stock (退料): unused parts come back from a goods issue, never more than it
-- issued, as an RT document posted like a receipt at the cost they were issued at.

-- How each document type moves stock. post_stock_document reads it, so a new type (scrap,
-- return to supplier, ...) is a row here rather than another copy of that function.
ALTER TABLE document_type ADD COLUMN direction text CHECK (direction IN ('in', 'out', 'move', 'count'));
UPDATE document_type SET direction = CASE code WHEN 'GR' THEN 'in' WHEN 'RT' THEN 'in' WHEN 'GI' THEN 'out'
                                               WHEN 'TR' THEN 'move' WHEN 'AD' THEN 'count' END;
ALTER TABLE document_type ALTER COLUMN direction SET NOT NULL;

-- Which goods issue each return came back from.
CREATE TABLE return_link (
    rt_document_id bigint PRIMARY KEY REFERENCES document,
    gi_document_id bigint NOT NULL REFERENCES document
);
CREATE INDEX return_link_gi_idx ON return_link (gi_document_id);
