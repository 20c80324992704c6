import AsyncAlgorithms
import PartsStore
import PostgresClient

/// One reorder run: every part-location in scope is read, planned and written into one new
/// proposal, which supersedes the open ones it replaces, all in the writer's transaction: a
/// run that fails part-way, or loses its connection, leaves no half proposal and changes no
/// other.
///
/// Each reader streams the history of its group of locations through a cursor `chunkSize`
/// part-locations at a time, in a read-only transaction that shares one snapshot with the
/// others, while the planner plans the chunks as they come and the writer writes the lines of
/// the chunk before. So PostgreSQL groups the locations' histories on as many cores as there
/// are readers, and reading, planning and writing overlap; each reader holds at most one chunk
/// waiting and the planner one chunk's lines, so memory stays bounded however large the
/// catalogue. ABC classes rank parts within a location, so splitting by location changes no
/// number.
struct ReorderRun: Sendable {
    /// A reader's session and its locations; nil: every warehouse and branch.
    typealias Reader = (session: DatabaseSession, locations: [String]?)

    let store: PartsStore
    let planner: Planner
    let jobID: Int64
    /// nil: every warehouse and branch.
    let location: String?
    let chunkSize: Int

    func run(writer: DatabaseSession, readers: [Reader],
             progress: @escaping @Sendable (Int) async -> Void) async throws -> ReorderRunOutcome {
        try await writer.transaction { writing in
            let draft = try await store.startProposal(in: writing, jobID: jobID, location: location,
                                                      period: planner.window.period)
            try await withCursors(readers[...], sharing: nil, opened: []) { cursors in
                try await stream(cursors, into: draft, progress: progress)
            }
            return try await store.finish(draft)
        }
    }

    /// Opens every reader's transaction and cursor, one inside the other, so that the first
    /// one's snapshot stays alive while the others import it; they commit (read-only) when
    /// `body` is done.
    private func withCursors(_ readers: ArraySlice<Reader>, sharing snapshot: String?, opened: [PlanningCursor],
                             _ body: ([PlanningCursor]) async throws -> Void) async throws {
        guard let reader = readers.first else { return try await body(opened) }
        try await reader.session.transaction { reading in
            let cursor = try await store.openPlanningCursor(in: reading, locations: reader.locations,
                                                            window: planner.window, sharing: snapshot)
            try await withCursors(readers.dropFirst(), sharing: cursor.snapshot, opened: opened + [cursor], body)
        }
    }

    private func stream(_ cursors: [PlanningCursor], into draft: ProposalDraft,
                        progress: @escaping @Sendable (Int) async -> Void) async throws {
        let chunks = AsyncThrowingChannel<[PlanningRow], any Error>()
        let planned = AsyncThrowingChannel<[ReorderLine], any Error>()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await Self.feeding(chunks) {
                    try await withThrowingTaskGroup(of: Void.self) { reading in
                        for cursor in cursors {
                            reading.addTask { try await read(cursor, into: chunks) }
                        }
                        try await Self.untilFirstFailure(&reading)
                    }
                }
            }
            // The next chunk is planned while the last one's lines are written: planning is
            // the daemon's work and writing the database's, so each has a core.
            group.addTask {
                try await Self.feeding(planned) {
                    for try await rows in chunks {
                        let lines = await OffPool.run { [planner] in Self.plan(rows, planner) }
                        await planned.send(lines)
                    }
                }
            }
            group.addTask {
                var written = 0
                for try await lines in planned {
                    try await store.insert(lines, into: draft)
                    written += lines.count
                    await progress(written)
                }
            }
            try await Self.untilFirstFailure(&group)
        }
    }

    /// Runs `body`, which sends into `channel`, and then ends the channel, or fails it with
    /// body's error, so its reader stops either way.
    private static func feeding<Element: Sendable>(_ channel: AsyncThrowingChannel<Element, any Error>,
                                                   _ body: () async throws -> Void) async throws {
        do {
            try await body()
            channel.finish()
        } catch {
            channel.fail(error)
            throw error
        }
    }

    /// Waits for a group's tasks, throwing the first failure at once: leaving the group then
    /// cancels the others, where `waitForAll` would wait for a reader that waits for a writer
    /// that failed.
    private static func untilFirstFailure(_ group: inout ThrowingTaskGroup<Void, any Error>) async throws {
        while try await group.next() != nil {}
    }

    private func read(_ cursor: PlanningCursor, into chunks: AsyncThrowingChannel<[PlanningRow], any Error>) async throws {
        while true {
            if Task.isCancelled { throw JobError.stoppedWhileRunning }
            let rows = try await store.fetch(chunkSize, from: cursor)
            // Waits until the writer took it: memory stays bounded.
            if !rows.isEmpty { await chunks.send(rows) }
            if rows.count < chunkSize { return }
        }
    }

    /// Plans a chunk on every core.
    private static func plan(_ rows: [PlanningRow], _ planner: Planner) -> [ReorderLine] {
        OffPool.map(rows, perSlice: 64, planner.line)
    }
}
