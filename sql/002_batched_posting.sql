-- Batched posting: several stock documents in one transaction, one commit for all.
-- Each document runs in its own subtransaction, so a document that is refused (not enough
-- stock, unknown part, a deadlock) is rolled back alone and reported, while the others post.
-- The daemon answers each client only after the shared COMMIT, so every acknowledged
-- document is durable, and no document is ever partly posted.
CREATE FUNCTION post_stock_documents(p_batch jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    item jsonb;
    results jsonb := '[]'::jsonb;
    v_state text;
    v_message text;
    v_constraint text;
BEGIN
    FOR item IN SELECT value FROM jsonb_array_elements(p_batch) LOOP
        BEGIN
            results := results || jsonb_build_array(jsonb_build_object('document', post_stock_document(item)));
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_message = MESSAGE_TEXT,
                                    v_constraint = CONSTRAINT_NAME;
            results := results || jsonb_build_array(jsonb_build_object(
                'sqlstate', v_state, 'message', v_message, 'constraint', nullif(v_constraint, '')));
        END;
    END LOOP;
    RETURN results;
END $$;
