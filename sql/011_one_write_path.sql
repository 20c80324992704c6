-- One write path (issue 9): every request's first reply is kept whole for its retries, and
-- every state machine's states are rows the code is checked against.

-- The reply a retry with the same ref gets again, exactly as the first send got it. Rows of
-- earlier versions kept only a number; their replies are rebuilt here once, with the
-- functions those versions had (a database without such rows never needs them).
ALTER TABLE client_request ADD COLUMN reply jsonb;
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM client_request) THEN
        EXECUTE $rebuild$
            UPDATE client_request c
               SET reply = CASE
                   WHEN c.doc_no IS NULL THEN
                       jsonb_build_object('code', c.reply_code, 'message', c.message)
                   WHEN c.doc_no LIKE 'EX-%' THEN
                       jsonb_build_object('code', c.reply_code, 'key', c.doc_no, 'message', c.doc_no,
                                          'exception', exception_json(c.doc_no))
                   WHEN x.shipped THEN
                       jsonb_build_object('code', 201, 'key', x.to_no, 'message', x.to_no,
                                          'transfer_order', transfer_order_json(x.order_id), 'document', document_json(c.doc_no))
                   WHEN x.order_id IS NOT NULL THEN
                       jsonb_build_object('code', 201, 'key', c.doc_no, 'message', c.doc_no,
                                          'transfer_order', transfer_order_json(x.order_id), 'document', document_json(c.doc_no))
                   ELSE
                       jsonb_build_object('code', 201, 'key', c.doc_no, 'message', c.doc_no, 'document', document_json(c.doc_no))
                   END
              FROM (SELECT r.ref, o.id AS order_id, o.to_no, o.ship_document_id = d.id AS shipped
                      FROM client_request r
                      LEFT JOIN document d ON d.doc_no = r.doc_no
                      LEFT JOIN transfer_order o ON d.id IN (o.ship_document_id, o.arrival_document_id)) x
             WHERE x.ref = c.ref
        $rebuild$;
    END IF;
END $$;
ALTER TABLE client_request ALTER COLUMN reply SET NOT NULL;

-- The states of each workflow, as rows: a test checks the daemon's own lists against them,
-- and a state the code does not know cannot be stored.
CREATE TABLE purchase_order_state (state text PRIMARY KEY);
INSERT INTO purchase_order_state VALUES ('open'), ('partly_received'), ('received'), ('cancelled');
ALTER TABLE purchase_order DROP CONSTRAINT purchase_order_state_check,
    ADD FOREIGN KEY (state) REFERENCES purchase_order_state;

CREATE TABLE transfer_order_state (state text PRIMARY KEY);
INSERT INTO transfer_order_state VALUES ('shipped'), ('received'), ('received_with_discrepancy');
ALTER TABLE transfer_order DROP CONSTRAINT transfer_order_state_check,
    ADD FOREIGN KEY (state) REFERENCES transfer_order_state;

CREATE TABLE stock_exception_state (state text PRIMARY KEY);
INSERT INTO stock_exception_state VALUES ('open'), ('resolved');
ALTER TABLE stock_exception DROP CONSTRAINT stock_exception_state_check,
    ADD FOREIGN KEY (state) REFERENCES stock_exception_state;

CREATE TABLE reorder_proposal_state (state text PRIMARY KEY);
INSERT INTO reorder_proposal_state VALUES ('open'), ('approved'), ('superseded');
ALTER TABLE reorder_proposal DROP CONSTRAINT reorder_proposal_state_check,
    ADD FOREIGN KEY (state) REFERENCES reorder_proposal_state;

CREATE TABLE job_run_state (state text PRIMARY KEY);
INSERT INTO job_run_state VALUES ('queued'), ('running'), ('succeeded'), ('failed');
ALTER TABLE job_run DROP CONSTRAINT job_run_state_check,
    ADD FOREIGN KEY (state) REFERENCES job_run_state;

-- The jobs a daemon runs; a new job is a row here.
CREATE TABLE job_kind (job text PRIMARY KEY);
INSERT INTO job_kind VALUES ('reorder'), ('snapshot');
ALTER TABLE job_run DROP CONSTRAINT job_run_job_check,
    ADD FOREIGN KEY (job) REFERENCES job_kind;
