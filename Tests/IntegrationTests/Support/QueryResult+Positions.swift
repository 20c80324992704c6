import PostgresClient

extension QueryResult {
    /// Rows by position, for tests that compare whole rows of a small query with what they expect.
    var rows: [[String?]] { records.map(\.values) }
}
