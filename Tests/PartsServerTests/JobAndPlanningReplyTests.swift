@testable import PartsServer
import PartsJobs
import PartsPlanning
import PartsProtocol
import PartsStore
import Testing

/// The jobs' and the planner's own errors reach the client with the reply codes the commands
/// always answered with, through the one mapping every error goes through.
@Suite("reply codes of job and planning errors")
struct JobAndPlanningReplyTests {
    @Test func jobErrorsMapToTheirReplyCodes() {
        let cases: [(JobError, ReplyStatus, String)] = [
            (.alreadyRunning(job: "reorder", runID: 7), .conflict, "reorder is already running (job 7); try again later or add --queue"),
            (.alreadyRunning(job: "snapshot", runID: nil), .conflict, "snapshot is already running; try again later or add --queue"),
            (.stopping, .unavailable, "the daemon is stopping; no new job runs"),
            (.stoppedWhileQueued, .unavailable, "the daemon stopped while the run waited for its lock"),
            (.stoppedWhileRunning, .unavailable, "the daemon is stopping; the run was rolled back"),
            (.timedOut(job: "reorder"), .busy, "gave up waiting for the running reorder job after jobs.timeout_s"),
            (.endedBeforeStart(job: "reorder"), .internalError, "the reorder run ended before it started"),
            (.store(.notFound("unknown location X")), .notFound, "unknown location X"),
            (.store(.bug("injected failure")), .internalError, "injected failure"),
            (.settings(.invalid("alpha must be in (0, 1]")), .invalid, "alpha must be in (0, 1]"),
        ]
        for (error, status, message) in cases {
            let (mapped, text) = FailureReply.status(for: error)
            #expect(mapped == status, "\(error)")
            #expect(text == message)
        }
    }

    @Test func planningErrorsAreInvalidInput() {
        #expect(FailureReply.status(for: PlanningSettingsError.invalid("period must be day, week or month, got year")).0 == .invalid)
        #expect(FailureReply.status(for: PlanningSettingsError.unreadableDate("x")).0 == .internalError)
        let maths = PlanningError.invalidParameter(field: "serviceLevelA", value: 1.5, requirement: "must be in (0, 1)")
        #expect(FailureReply.status(for: maths) == (.invalid, "serviceLevelA must be in (0, 1), got 1.5"))
    }
}
