import PartsDomain
import PartsProtocol
import PartsStore

/// doc show | list.
enum DocumentCommands {
    static let specs: [CommandSpec] = [
        CommandSpec("doc show", "doc show <doc_no>", "a posted document and its printed receipt, again", role: .viewer,
                    positional: 1...1) { invocation, environment in
            let document = try await environment.store.document(invocation.argument(0)!)
            return Reply(.ok, document.docNo, blocks: [.document(document)])
        },
        CommandSpec("doc list", "doc list [type=GR|GI|TR|AD] [since=<date>] [limit=<n>]", "posted documents, newest first",
                    role: .viewer, named: ["type", "since", "limit"]) { invocation, environment in
            let limit = try invocation.listLimit()
            let since = try invocation.date("since")
            let type = invocation[named: "type"]?.uppercased()
            if let type, !["GR", "GI", "TR", "AD"].contains(type) { throw CommandFailure.invalid("unknown document type \(type)") }
            let documents = try await environment.store.documents(type: type, since: since, limit: limit)
            return Reply(.ok, "\(documents.count) documents", blocks: [.table(Table(
                columns: [Table.Column("doc_no"), Table.Column("type"), Table.Column("posted_at", "POSTED"),
                          Table.Column("location"), Table.Column("to_location", "TO"), Table.Column("clerk"),
                          Table.Column("lines", nil, .right), Table.Column("total", nil, .right)],
                rows: documents.map { doc in
                    [.text(doc.docNo), .text(doc.type), .text(StockCommands.shortTime(doc.postedAt)), .text(doc.location),
                     .optional(doc.toLocation), .text(doc.clerk), .integer(doc.lines), .money(doc.total)]
                }))])
        },
    ]
}
