import Foundation
import PartsDomain
import PostgresClient

extension PartsStore {
    /// Posts a receipt, issue, transfer or count: the whole document or nothing, answered
    /// after it is committed (together with other documents that arrived meanwhile, see
    /// PostingBatcher). With a ref that was used before, returns that first document again
    /// and posts nothing.
    public func post(_ draft: StockDocumentDraft, _ context: CommandContext) async throws(StoreError) -> PostedDocument {
        let input: String
        do { input = try Self.postingInput(draft, context) } catch { throw .internalError("cannot encode document: \(error)") }
        return try await retryingDuplicateRef { () async throws(StoreError) in
            try await batcher.post(input).get()
        }
    }

    /// A posted document by number, for `doc show`.
    public func document(_ docNo: String) async throws(StoreError) -> PostedDocument {
        let json = try await read { connection throws(PostgresError) in
            try connection.query("SELECT document_json($1)", [docNo]).scalar
        }
        guard let json else { throw .notFound("no document \(docNo)") }
        return try Self.decodeDocument(json)
    }

    static func postingInput(_ draft: StockDocumentDraft, _ context: CommandContext) throws -> String {
        struct Actor: Encodable { let uid: UInt32; let user: String; let role: String }
        struct Input: Encodable {
            let draft: StockDocumentDraft
            let actor: Actor
            let command: String
            let ref: String?
            let fingerprint: String
            func encode(to encoder: any Encoder) throws {
                try draft.encode(to: encoder)
                enum Keys: String, CodingKey { case actor, command, ref, fingerprint }
                var container = encoder.container(keyedBy: Keys.self)
                try container.encode(actor, forKey: .actor)
                try container.encode(command, forKey: .command)
                try container.encodeIfPresent(ref, forKey: .ref)
                try container.encode(fingerprint, forKey: .fingerprint)
            }
        }
        let input = Input(draft: draft,
                          actor: Actor(uid: context.peer.uid, user: context.peer.userName, role: context.peer.role.description),
                          command: context.command, ref: context.ref, fingerprint: context.fingerprint)
        return String(decoding: try JSONEncoder().encode(input), as: UTF8.self)
    }

    static func decodeDocument(_ json: String) throws(StoreError) -> PostedDocument {
        do {
            return try JSONDecoder().decode(PostedDocument.self, from: Data(json.utf8))
        } catch {
            throw .internalError("unreadable document from the database: \(error)")
        }
    }
}
