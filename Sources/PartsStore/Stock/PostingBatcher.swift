import PartsDomain
import PostgresClient

/// Gathers stock postings that arrive while others are being committed and posts them
/// together: one transaction and one commit (one WAL flush) for many documents.
///
/// A posting waits only while another batch runs, so a lone client sees no added delay; under
/// load, batches grow by themselves. Every caller is answered after its batch commits.
/// Documents are independent inside a batch (see post_stock_documents): the database posts a
/// batch of goods issues as one set, and anything else one document at a time.
actor PostingBatcher {
    /// The posted document, or why the database refused it.
    typealias Outcome = Result<PostedDocument, StoreError>

    private struct Pending {
        let input: String
        let continuation: CheckedContinuation<Outcome, Never>
    }

    private let pool: ConnectionPool
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

    init(pool: ConnectionPool, maxFlushes: Int) {
        self.pool = pool
        self.maxFlushes = max(1, maxFlushes)
    }

    func post(_ input: String) async -> Outcome {
        await withCheckedContinuation { continuation in
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

    /// Runs one batch. A document that deadlocked with another batch was rolled back alone;
    /// it is posted again by itself, which cannot deadlock with its own batch.
    private func commit(_ inputs: [String]) async -> [Outcome] {
        var items = await Self.run(inputs, pool)
        for (index, item) in items.enumerated() {
            if case .failure(let error) = item, error.isRetryable {
                items[index] = await Self.run([inputs[index]], pool)[0]
            }
        }
        return items.map { $0.mapError(StoreError.init(server:)) }
    }

    private static func run(_ inputs: [String], _ pool: ConnectionPool) async -> [Result<PostedDocument, ServerError>] {
        let batch = "[" + inputs.joined(separator: ",") + "]"
        let json: String
        do {
            json = try await pool.withConnection { connection throws(PostgresError) in
                try connection.query("SELECT post_stock_documents($1::jsonb)", [batch]).scalar ?? "[]"
            }
        } catch {
            // The whole statement failed (database gone, timeout): every document shares it.
            let failure: ServerError = switch error as? PostgresError {
            case .server(let server): server
            case .unavailable(let text), .terminated(let text): ServerError(sqlState: "08000", message: text)
            case .busy(let text): ServerError(sqlState: "53300", message: text)
            case nil: ServerError(sqlState: "XX000", message: String(describing: error))
            }
            return Array(repeating: .failure(failure), count: inputs.count)
        }
        guard let items = (try? JSONValue.parse(json))?.array, items.count == inputs.count else {
            return Array(repeating: .failure(ServerError(sqlState: "XX000", message: "unreadable batch result from the database")),
                         count: inputs.count)
        }
        return items.map { item in
            if let document = item["document"] {
                do throws(StoreError) { return .success(try PostedDocument(json: document)) } catch {
                    return .failure(ServerError(sqlState: "XX000", message: error.message))
                }
            }
            return .failure(ServerError(sqlState: item["sqlstate"]?.string ?? "XX000", message: item["message"]?.string ?? "",
                                        constraint: item["constraint"]?.string))
        }
    }
}
