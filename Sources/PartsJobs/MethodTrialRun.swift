import PartsPlanning
import PartsStore
import PostgresClient

/// One method-trial run (`job run method-trial`, weekly): every part-location in scope is
/// read as the reorder run reads it, its history replayed with each candidate method
/// (`Planner.trial`), and the choice written to `method_trial`, replacing the scope's old
/// trials, all in the writer's transaction: a run that fails part-way leaves the last run's.
///
/// A replay is a dozen plans a part, so the nightly run does not make it: it reads the stored
/// choice with the part's history. Here the planning is nearly all the time, so the chunks are
/// read, replayed and written in turn, not overlapped as the reorder run overlaps them.
struct MethodTrialRun: Sendable {
    let store: PartsStore
    let planner: Planner
    let jobID: Int64
    /// nil: every warehouse and branch.
    let location: String?
    let chunkSize: Int

    func run(writer: DatabaseSession, reader: DatabaseSession,
             progress: @escaping @Sendable (Int) async -> Void) async throws -> MethodTrialOutcome {
        try await writer.transaction { writing in
            try await store.clearMethodTrials(in: writing, location: location)
            return try await reader.transaction { reading in
                let cursor = try await store.openPlanningCursor(in: reading, locations: location.map { [$0] },
                                                                window: planner.window, sharing: nil)
                var outcome = MethodTrialOutcome()
                while true {
                    if Task.isCancelled { throw JobError.stoppedWhileRunning }
                    let rows = try await store.fetch(chunkSize, from: cursor)
                    // A replay takes a dozen plans' time: a few rows already fill a core.
                    let results = await OffPool.run { [planner] in OffPool.map(rows, perSlice: 4, planner.trial) }
                    try await store.insert(outcome.count(results), jobID: jobID, in: writing)
                    await progress(outcome.considered)
                    if rows.count < chunkSize { return outcome }
                }
            }
        }
    }
}

/// What a method-trial run did, for its `job_run` message.
struct MethodTrialOutcome: Sendable {
    var considered = 0
    var replayed = 0
    var reached = 0
    var failed = 0
    var chosen: [MethodCandidate: Int] = [:]

    /// Counts a chunk's results and returns its trials.
    mutating func count(_ results: [Result<MethodTrial?, PlanningError>]) -> [MethodTrial] {
        var trials: [MethodTrial] = []
        for result in results {
            considered += 1
            switch result {
            case .success(let trial?):
                trials.append(trial)
                replayed += 1
                if let candidate = MethodCandidate(rawValue: trial.method) { chosen[candidate, default: 0] += 1 }
                if let fill = Double(trial.fillRate), let target = Double(trial.target), fill >= target { reached += 1 }
            case .success(nil): break
            case .failure: failed += 1
            }
        }
        return trials
    }

    /// "1200 part-locations, 800 replayed (650 reached their target); chosen: SES 200, SBA 300,
    /// TSB 100, bootstrap 200; 2 not replayed: past their budget or refused".
    var message: String {
        var words = "\(considered) part-locations, \(replayed) replayed (\(reached) reached their target)"
        let counts = MethodCandidate.allCases.compactMap { candidate in chosen[candidate].map { "\(candidate.displayName) \($0)" } }
        if !counts.isEmpty { words += "; chosen: " + counts.joined(separator: ", ") }
        if failed > 0 { words += "; \(failed) not replayed: past their budget or refused by the maths" }
        return words
    }
}
