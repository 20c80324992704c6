import PartsDomain
import PartsProtocol
import PartsStore

/// exception new | resolve | list | show: parts exceptions (配件异常处理) against receipts,
/// transfers and counts, held in quarantine until a manager resolves them.
enum ExceptionCommands {
    static let specs: [CommandSpec] = [
        CommandSpec("exception new",
                    "exception new <doc_no> <part_no>:<qty> kind=damaged|wrong|short|over|count [note=...] [quarantine=<code>] [ref=...]",
                    "records an exception against a GR, TR or AD line and moves the quantity into quarantine with a TR "
                        + "(a short delivery moves nothing): 201 CREATED EX-...",
                    role: .clerk, changesData: true, positional: 2...2, named: ["kind", "note", "quarantine"]) { invocation, environment in
            guard let kindText = invocation[named: "kind"] else {
                throw CommandFailure.badRequest("exception new needs kind=\(kinds)")
            }
            guard let kind = ExceptionDraft.Kind(rawValue: kindText) else {
                throw CommandFailure.invalid("kind must be one of \(kinds), got \(kindText)")
            }
            let line = try LineItems.parse([invocation.argument(1)!], meaning: .movement, allowCost: false)[0]
            let draft = ExceptionDraft(docNo: invocation.argument(0)!, partNo: line.partNo, quantity: line.quantity, kind: kind,
                                       note: try invocation.text("note"), quarantine: invocation[named: "quarantine"])
            let exception = try await environment.store.raiseException(draft, invocation.context)
            return Reply(.created, exception.number,
                         blocks: [.record(fields(exception))] + (exception.quarantineDocument.map { [.document($0)] } ?? []))
        },
        CommandSpec("exception resolve", "exception resolve <EX-no> action=return|scrap|accept [note=...] [ref=...]",
                    "resolves an open exception: return posts an RS to the supplier, scrap an SC, accept a TR from "
                        + "quarantine back into stock (for a short delivery see docs/protocol.md)",
                    role: .manager, changesData: true, positional: 1...1, named: ["action", "note"]) { invocation, environment in
            let actions = ExceptionAction.allCases.map(\.rawValue).joined(separator: "|")
            guard let actionText = invocation[named: "action"] else {
                throw CommandFailure.badRequest("exception resolve needs action=\(actions)")
            }
            guard let action = ExceptionAction(rawValue: actionText) else {
                throw CommandFailure.invalid("action must be one of \(actions), got \(actionText)")
            }
            let note = try invocation.text("note")
            let exception = try await environment.store.resolveException(invocation.argument(0)!, action: action, note: note,
                                                                         invocation.context)
            let record = Block.record(fields(exception))
            guard let document = exception.resolutionDocument else {
                return Reply(.ok, "\(exception.number) resolved: \(actionText), nothing to post", blocks: [record])
            }
            return Reply(.created, document.docNo, blocks: [record, .document(document)])
        },
        CommandSpec("exception list", "exception list [state=open|resolved|all] [location=<code>] [limit=<n>]",
                    "exceptions oldest first with their age in days; open ones unless state= says otherwise",
                    role: .viewer, named: ["state", "location", "limit"]) { invocation, environment in
            let limit = try invocation.listLimit()
            // Open ones unless asked otherwise: those are the ones waiting for a manager.
            let state = try invocation.choice("state", of: StockExceptionState.names + ["all"]) ?? StockExceptionState.open.rawValue
            let rows = try await environment.store.stockExceptions(state: StockExceptionState(rawValue: state),
                                                                   location: invocation[named: "location"], limit: limit)
            return Reply(.ok, "\(rows.count) exceptions", blocks: [.table(Table(columns: [
                .init("ex_no", "EXCEPTION"), .init("state"), .init("kind"), .init("doc_no", "DOCUMENT"), .init("part_no"),
                .init("quantity", "QTY", .right), .init("location"), .init("quarantine"), .init("raised_by", "BY"),
                .init("age_days", "AGE", .right), .init("resolution"),
            ], rows: rows.map { e in
                [.text(e.number), .text(e.state), .text(e.kind), .text(e.docNo), .text(e.partNo), .decimal(e.quantity),
                 .text(e.location), .optional(e.quarantine), .text(e.raisedBy), .integer(e.ageDays), .optional(e.resolution)]
            }))])
        },
        CommandSpec("exception show", "exception show <EX-no>",
                    "one exception with the documents posted for it", role: .viewer,
                    positional: 1...1) { invocation, environment in
            let exception = try await environment.store.stockException(invocation.argument(0)!)
            let documents = [exception.quarantineDocument?.docNo, exception.resolutionDocument?.docNo].compactMap { $0 }
            return Reply(.ok, "\(exception.number) \(exception.state)", blocks: [
                .record(fields(exception)),
                .table(Table(key: "documents", columns: [.init("doc_no", "DOCUMENTS")], rows: documents.map { [.text($0)] })),
            ])
        },
    ]

    private static let kinds = ExceptionDraft.Kind.allCases.map(\.rawValue).joined(separator: "|")

    private static func fields(_ e: StockException) -> [Field] {
        [
            Field("ex_no", .text(e.number)), Field("state", .text(e.state)), Field("kind", .text(e.kind)),
            Field("doc_no", .text(e.docNo)), Field("doc_type", .text(e.docType)), Field("part_no", .text(e.partNo)),
            Field("description", .text(e.description)), Field("quantity", .decimal(e.quantity)), Field("unit", .text(e.unit)),
            Field("location", .text(e.location)), Field("quarantine", .optional(e.quarantine)), Field("note", .optional(e.note)),
            Field("raised_by", .text(e.raisedBy)), Field("raised_at", .text(e.raisedAt)), Field("age_days", .integer(e.ageDays)),
            Field("resolution", .optional(e.resolution)), Field("resolution_note", .optional(e.resolutionNote)),
            Field("resolved_by", .optional(e.resolvedBy)), Field("resolved_at", .optional(e.resolvedAt)),
            Field("quarantine_doc_no", .optional(e.quarantineDocument?.docNo)),
            Field("resolution_doc_no", .optional(e.resolutionDocument?.docNo)),
        ]
    }
}
