import PostgresClient

extension PartsStore {
    /// The newest migration the database recorded and the server's version, for `status`; nil
    /// for what could not be read (the database down, or not migrated yet).
    public func databaseVersions() async -> (schema: String?, server: String?) {
        let versions = try? await read { connection throws(PostgresError) -> (String?, String?) in
            let server = try connection.query("SHOW server_version").scalar
            // A database nobody migrated has no table to ask, and that is an answer too.
            guard try connection.query("SELECT to_regclass('schema_migration') IS NOT NULL").scalar == "t" else { return (nil, server) }
            return (try connection.query("SELECT max(version)::text FROM schema_migration").scalar, server)
        }
        return versions ?? (nil, nil)
    }
}
