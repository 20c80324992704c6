/// The jobs a daemon runs on request (`job run`) or on its own schedule; each is a row of the
/// schema's `job_kind`.
public enum JobName: String, Sendable, CaseIterable {
    case reorder, snapshot
}
