import PartsStore

/// What the job runner needs of the daemon's configuration.
public struct JobSettings: Sendable {
    /// The libpq connection string of the database the jobs' own sessions open.
    public var database: String
    /// A standby's connection string (`database.read_url`) the reorder run's readers read
    /// the history and stock positions from; nil: the primary.
    public var readDatabase: String?
    /// The longest a run may take: its statements' timeout, and a queued run's wait.
    public var timeoutSeconds: Int
    /// Part-locations a reorder run plans per round trip: its memory is bounded by this, not
    /// by the catalogue.
    public var reorderChunk: Int
    /// Sessions a reorder run reads the history with, each for its share of the locations.
    public var reorderReaders: Int
    /// Local time of day the runner takes the stock snapshot itself; nil leaves it to the
    /// systemd timer.
    public var snapshotAt: TimeOfDay?
    /// The site's time zone and the warranty reminder buckets, for the deadlines run.
    public var siteCalendar: SiteCalendar

    public init(database: String, readDatabase: String? = nil, timeoutSeconds: Int, reorderChunk: Int, reorderReaders: Int, snapshotAt: TimeOfDay?,
                siteCalendar: SiteCalendar) {
        self.database = database
        self.readDatabase = readDatabase
        self.timeoutSeconds = timeoutSeconds
        self.reorderChunk = reorderChunk
        self.reorderReaders = reorderReaders
        self.snapshotAt = snapshotAt
        self.siteCalendar = siteCalendar
    }
}
