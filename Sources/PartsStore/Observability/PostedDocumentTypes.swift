import Metrics

/// Counts posted documents by type (`partsd_documents_posted_total{type}`) from what the
/// database says the transaction posted (the `document_posted_mark` trigger), so every workflow
/// that posts is counted, a refused document of a batch is not, and a replayed ref (which
/// posts nothing) is not either.
enum PostedDocumentTypes {
    /// Reads the trigger's marks in the statement that ran the workflow: the subquery runs
    /// first, and the setting lives only as long as that statement's transaction.
    static func statement(_ call: String, as column: String) -> String {
        "SELECT w.\(column), current_setting('partsd.posted_types', true) AS posted_types FROM (SELECT \(call) AS \(column) OFFSET 0) w"
    }

    /// Counts the marks of one transaction: document types separated by spaces.
    static func count(_ marks: String?) {
        guard let marks else { return }
        var counts: [Substring: Int] = [:]
        for type in marks.split(separator: " ") { counts[type, default: 0] += 1 }
        for (type, count) in counts {
            Counter(label: "partsd_documents_posted_total", dimensions: [("type", String(type))]).increment(by: count)
        }
    }
}

/// Names the daemon's metrics factory needs to give histograms of the store their buckets.
public enum StoreMetrics {
    /// Documents per committed posting batch (see RequestBatcher).
    public static let postingBatchSize = "partsd_posting_batch_size"
    /// Bucket bounds for it: powers of two up to the batcher's limit.
    public static let postingBatchSizeBuckets: [Double] = [1, 2, 4, 8, 16, 32]
}
