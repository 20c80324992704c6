-- A reorder run writes a line for every part-location of the catalogue, and the foreign key
-- from each line to its proposal was checked row by row (a query and a share lock on the same
-- proposal row for each line): 40 % of writing a proposal's lines. The reference is now kept
-- by triggers in sql/functions/planning.sql, checked once a statement: every line written names
-- a proposal that exists, a line never moves to another proposal, and proposals are never
-- deleted or truncated.
ALTER TABLE reorder_line DROP CONSTRAINT reorder_line_proposal_id_fkey;
