import Metrics
import PartsDomain
import PostgresClient

/// Gathers requests of one kind that arrive while others are being committed and runs them
/// together: one transaction and one commit (one WAL flush) for many requests.
///
/// A request waits only while another batch runs, so a lone client sees no added delay; under
/// load, batches grow by themselves. Every caller is answered after its batch commits.
/// Requests are independent inside a batch, each refused alone: stock postings go to
/// post_stock_documents, which posts a batch of goods issues or receipts as one set and
/// anything else one document at a time; master data (an import's many `part add`s) to
/// requests_batch, one request at a time.
actor RequestBatcher {
    /// The workflow's reply (the posted document), or why the database refused it.
    typealias Outcome = Result<WorkflowReply, StoreError>

    private struct Pending {
        let input: String
        let continuation: CheckedContinuation<Outcome, Never>
    }

    private let pool: ConnectionPool
    /// The SQL function call that takes a batch as `$1` and answers as post_stock_documents.
    private let call: String
    /// The histogram of batch sizes, for the postings.
    private let sizeMetric: String?
    /// Batches committing at once. Few on purpose: postings queue up behind them, so the next
    /// batch is larger. Measured on 2 cores with fsync on, PostgreSQL posted about 1,400
    /// single-document calls a second from 16 clients, and about 3,500 documents a second as
    /// two streams of 16-document batches.
    private let maxFlushes: Int
    /// Documents per batch. Each takes a subtransaction; PostgreSQL caches 64 subtransaction
    /// ids per backend, and past that every other session's visibility checks slow down.
    private let maxBatch = 32
    /// Postings that must be waiting before a second batch starts beside a running one, or
    /// before a batch that just committed starts again while another runs. A batch costs
    /// about as much to start as a few documents cost to post, so a batch of one beside a
    /// running batch slows both; the running batch takes the stragglers when it finishes.
    private let minSharedBatch = 2
    private var pending: [Pending] = []
    private var flushes = 0

    init(pool: ConnectionPool, maxFlushes: Int, call: String, sizeMetric: String? = nil) {
        self.pool = pool
        self.maxFlushes = max(1, maxFlushes)
        self.call = call
        self.sizeMetric = sizeMetric
    }

    func post(_ input: String) async -> Outcome {
        // Nothing running: this request is a batch of its own, run in the caller's task. A
        // task of the batcher's own would cost a thread wake-up there and back, on the path
        // of a lone clerk's posting; what arrives meanwhile waits for the task that follows.
        // Like any request that runs alone, it is cancelled with its statement when its client
        // hangs up before the answer: nothing of it was acknowledged.
        if flushes == 0 {
            flushes = 1
            let outcome = await commit([input])[0]
            if pending.isEmpty {
                flushes -= 1  // another batch may have started beside this one meanwhile
            } else {
                Task { await self.flushWhilePending() }
            }
            return outcome
        }
        return await withCheckedContinuation { continuation in
            pending.append(Pending(input: input, continuation: continuation))
            if flushes < maxFlushes, flushes == 0 || pending.count >= minSharedBatch {
                flushes += 1
                Task { await self.flushWhilePending() }
            }
        }
    }

    private func flushWhilePending() async {
        while !pending.isEmpty, flushes == 1 || pending.count >= minSharedBatch {
            let batch = Array(pending.prefix(maxBatch))
            pending.removeFirst(batch.count)
            let outcomes = await commit(batch.map(\.input))
            for (item, outcome) in zip(batch, outcomes) { item.continuation.resume(returning: outcome) }
        }
        flushes -= 1
    }

    /// Runs one batch. A request that deadlocked with another batch was rolled back alone;
    /// it runs again by itself, which cannot deadlock with its own batch.
    private func commit(_ inputs: [String]) async -> [Outcome] {
        var items = await run(inputs)
        for (index, item) in items.enumerated() {
            if case .failure(.server(let error)) = item, error.sqlState.isRetryable {
                items[index] = await run([inputs[index]])[0]
            }
        }
        return items.map { item in
            item.mapError { failure in
                switch failure {
                case .server(let server): StoreError(server: server)
                case .batch(let error): error
                }
            }
        }
    }

    /// A request's answer before mapping: a reply, the server's refusal of that request
    /// alone, or what failed the whole batch (the database gone, a timeout), which every
    /// request of it shares.
    private enum BatchFailure: Error {
        case server(ServerError)
        case batch(StoreError)
    }

    private func run(_ inputs: [String]) async -> [Result<WorkflowReply, BatchFailure>] {
        let batch = "[" + inputs.joined(separator: ",") + "]"
        let json: String
        do {
            let statement = PostedDocumentTypes.statement(call, as: "replies")
            let posted: String?
            (json, posted) = try await pool.withConnection { connection throws(PostgresError) in
                let row = try connection.query(statement, [batch]).records[0]
                return (try row.text("replies"), try row.optionalText("posted_types"))
            }
            PostedDocumentTypes.count(posted)
            if let sizeMetric { Recorder(label: sizeMetric).record(inputs.count) }
        } catch {
            return Array(repeating: .failure(.batch(StoreError(error))), count: inputs.count)
        }
        guard let items = (try? JSONValue.parse(json))?.array, items.count == inputs.count else {
            return Array(repeating: .failure(.batch(.bug("unreadable batch result from the database"))), count: inputs.count)
        }
        return items.map { item in
            if let reply = item["reply"] {
                do throws(StoreError) { return .success(try WorkflowReply(json: reply)) } catch {
                    return .failure(.batch(error))
                }
            }
            guard let state = item["sqlstate"]?.string else {
                return .failure(.batch(.bug("a batch result item with neither a reply nor an error")))
            }
            return .failure(.server(ServerError(sqlState: SQLState(state), message: item["message"]?.string ?? "",
                                                constraint: item["constraint"]?.string)))
        }
    }
}
