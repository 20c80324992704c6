import PostgresClient

extension PartsStore {
    /// The one record a show command asks for, as the SQL `*_json` function that `sql` calls
    /// returns it (in a column named `record`); no row, or NULL, is `.notFound(missing)`.
    /// `what` names the record in the errors of reading it.
    func record(_ what: String, missing: String, _ sql: String, _ parameters: [String?]) async throws(StoreError) -> JSONFields {
        let json = try await read { connection throws(PostgresError) in
            try connection.query(sql, parameters).singleRow()?.optionalText("record")
        }
        guard let json else { throw .notFound(missing) }
        return try JSONFields(parsing: json, what)
    }
}
