-- What a job run found, a line each, for `job show` (the deadlines run lists the repairs,
-- cores and old parts it found late or due).
ALTER TABLE job_run ADD COLUMN findings text[] NOT NULL DEFAULT '{}' CHECK (cardinality(findings) <= 10000);
INSERT INTO job_kind VALUES ('deadlines') ON CONFLICT DO NOTHING;
