import PartsJobs

extension ServerConfiguration {
    /// The job runner's share of the configuration.
    var jobSettings: JobSettings {
        JobSettings(database: database, readDatabase: databaseReadURL.isEmpty ? nil : databaseReadURL,
                    timeoutSeconds: jobTimeoutSeconds, reorderChunk: reorderChunk,
                    reorderReaders: reorderReaders, snapshotAt: snapshotAt, siteCalendar: siteCalendar)
    }
}
