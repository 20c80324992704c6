/// Every change of state the store makes, by the SQL function that makes it. Each is one
/// function `name(p jsonb) RETURNS jsonb` in sql/functions, wrapped by request_begin and
/// request_end (the ref, the reply a retry gets, the audit row); a test checks that each of
/// these exists and is wrapped. See docs/architecture.md.
public enum Workflow: String, Sendable, CaseIterable {
    // Stock documents (the clerks' postings go through the batch, post_stock_documents).
    case stockPost = "stock_post"
    case returnPost = "return_post"
}
