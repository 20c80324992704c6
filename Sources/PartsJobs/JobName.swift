/// The jobs a daemon runs on request (`job run`) or on its own schedule; each is a row of the
/// schema's `job_kind`.
public enum JobName: String, Sendable, CaseIterable {
    case reorder, snapshot
    /// Daily: repairs past their promised date, cores past their due date, warranty old parts
    /// due soon, overdue or past their retention.
    case deadlines
    /// Weekly: each part's forecasting method chosen by replaying its own history
    /// (`MethodTrialRun`), for the nightly run to use.
    case methodTrial = "method-trial"
}
