import PartsDomain
import PartsProtocol
import PartsStore

/// batch new | add | remove | box | approve | ship | receive | show | list | export: return
/// batches (回运单) of old parts to their maker, and the return list (旧件回运清单).
enum ReturnBatchCommands {
    private static let modes = ["consolidated", "truck", "rail", "air", "courier"]

    static let specs: [CommandSpec] = [
        CommandSpec("batch new",
                    "batch new <oem> [month=<YYYY-MM>] [<tag> ...] [mode=\(modes.joined(separator: "|"))] [note=...] [location=<code>] [ref=...]",
                    "a return batch: the tags named, or the maker's old parts due for return (a monthly maker: of one claim month); "
                        + "201 CREATED RB-...",
                    role: .clerk, changesData: true, positional: 1...1, lines: .optional,
                    named: ["month", "mode", "note", "location"]) { invocation, environment in
            let draft = BatchDraft(oem: invocation.argument(0)!, month: try WarrantyArguments.month(invocation),
                                   tags: try WarrantyArguments.targets(Array(invocation.arguments.dropFirst())),
                                   mode: try invocation.choice("mode", of: modes), note: try invocation.text("note"),
                                   location: invocation[named: "location"])
            return reply(try await environment.store.newBatch(draft, environment.configuration.siteCalendar, invocation.context))
        },
        CommandSpec("batch add", "batch add <RB> <tag> ... [ref=...]", "puts more old parts into an open batch",
                    role: .clerk, changesData: true, positional: 1...1, lines: .required) { invocation, environment in
            let (rbNo, tags) = try batchAndTags(invocation)
            return reply(try await environment.store.addToBatch(rbNo, tags: tags, environment.configuration.siteCalendar,
                                                                 invocation.context))
        },
        CommandSpec("batch remove", "batch remove <RB> <tag> ... [ref=...]", "takes old parts out of an open batch",
                    role: .clerk, changesData: true, positional: 1...1, lines: .required) { invocation, environment in
            let (rbNo, tags) = try batchAndTags(invocation)
            return reply(try await environment.store.removeFromBatch(rbNo, tags: tags, environment.configuration.siteCalendar,
                                                                      invocation.context))
        },
        CommandSpec("batch box", "batch box <RB> <tag> ... box=<n> [ref=...]", "puts old parts of a batch in a box, until it is shipped",
                    role: .clerk, changesData: true, positional: 1...1, lines: .required, named: ["box"]) { invocation, environment in
            let (rbNo, tags) = try batchAndTags(invocation)
            guard let box = try invocation.wholeNumber("box", in: 1...9999, "a box number") else {
                throw CommandFailure.badRequest("batch box needs box=<n>")
            }
            return reply(try await environment.store.boxInBatch(rbNo, tags: tags, box: box, environment.configuration.siteCalendar,
                                                                 invocation.context))
        },
        CommandSpec("batch approve", "batch approve <RB> [ref=...]", "approves an open batch for return to the factory (三包旧件返厂审批)",
                    role: .manager, changesData: true, positional: 1...1) { invocation, environment in
            reply(try await environment.store.approveBatch(try batchNumber(invocation), environment.configuration.siteCalendar,
                                                           invocation.context))
        },
        CommandSpec("batch ship", "batch ship <RB> [carrier=...] [tracking=...] [mode=\(modes.joined(separator: "|"))] [note=...] [ref=...]",
                    "ships an approved batch: posts a WS record document (no stock moves), the parts leave the old-parts area; "
                        + "a shipped batch never changes; 201 CREATED WS-...",
                    role: .clerk, changesData: true, positional: 1...1, named: ["carrier", "tracking", "mode", "note"]) { invocation, environment in
            let shipped = try await environment.store.shipBatch(
                try batchNumber(invocation), carrier: try invocation.text("carrier", maxLength: 60),
                tracking: try invocation.text("tracking", maxLength: 60), mode: try invocation.choice("mode", of: modes),
                note: try invocation.text("note"), environment.configuration.siteCalendar, invocation.context)
            return Reply(.created, shipped.outcome.message, blocks: [.form(ReturnList.lines(shipped.batch), fields(shipped.batch))]
                         + (shipped.document.map { [.document($0)] } ?? []))
        },
        CommandSpec("batch receive", "batch receive <RB> [date=<date>] [ref=...]",
                    "the factory signed for a shipped batch (default today)", role: .clerk, changesData: true,
                    positional: 1...1, named: ["date"]) { invocation, environment in
            reply(try await environment.store.receiveBatch(try batchNumber(invocation), date: try invocation.date("date"),
                                                           environment.configuration.siteCalendar, invocation.context))
        },
        CommandSpec("batch show", "batch show <RB>",
                    "a batch's return list as the makers' forms have it: per old part claim, VIN, mileage, part, amount, "
                        + "quantity due and returned, box, failure, supplier, tag",
                    role: .viewer, positional: 1...1) { invocation, environment in
            let batch = try await environment.store.batch(try batchNumber(invocation), environment.configuration.siteCalendar)
            return Reply(.ok, "\(batch.rbNo) \(batch.state.rawValue)", blocks: [.form(ReturnList.lines(batch), fields(batch))])
        },
        CommandSpec("batch list", "batch list [oem=<code>] [state=open|approved|shipped|received] [limit=<n>]",
                    "return batches, newest first", role: .viewer, named: ["oem", "state", "limit"]) { invocation, environment in
            let state = try invocation.choice("state", of: ReturnBatchState.names).flatMap(ReturnBatchState.init(rawValue:))
            let batches = try await environment.store.batches(oem: invocation[named: "oem"], state: state,
                                                              limit: try invocation.listLimit(),
                                                              environment.configuration.siteCalendar)
            return Reply(.ok, "\(batches.count) batches", blocks: [NarrowTable(columns: [
                .init("rb_no", "BATCH", width: 14), .init("oem", width: 8), .init("state", width: 8),
                .init("claim_month", "MONTH", width: 7), .init("parts", nil, .right, width: 5), .init("boxes", width: nil),
                .init("amount", nil, .right, width: 11), .init("shipped_on", "SHIPPED", width: 10), .init("ship_doc", width: nil),
            ], rows: batches.map { batch in
                [.text(batch.rbNo), .text(batch.oem), .text(batch.state.rawValue), .optional(batch.claimMonth),
                 .integer(batch.parts), .integer(batch.boxes), .money(batch.amount), .optional(batch.shippedOn),
                 .optional(batch.shipDocument)]
            }).block])
        },
        CommandSpec("batch export", "batch export <RB>",
                    "a batch's return list as CSV, every column, for the maker's portal", role: .viewer,
                    positional: 1...1) { invocation, environment in
            let batch = try await environment.store.batch(try batchNumber(invocation), environment.configuration.siteCalendar)
            let csv = ["rb_no,claim_no,vin,mileage,part_no,description,amount,quantity_due,quantity_returned,box,failure,supplier,tag_no,state"]
                + batch.lines.map { part in
                    [batch.rbNo, part.claimNo, part.vin ?? "", part.mileage.map(String.init) ?? "", part.partNo, part.description,
                     part.amount.description, part.quantity.description, (part.quantityReturned ?? .zero).description,
                     part.box.map(String.init) ?? "", part.failure ?? "", part.supplier ?? "", part.tagNo, part.state.rawValue]
                        .map(ReorderCommands.csvField).joined(separator: ",")
                }
            return Reply(.ok, "\(batch.lines.count) old parts of \(batch.rbNo)", blocks: [.lines(key: "csv", csv)])
        },
    ]

    private static func batchNumber(_ invocation: Invocation) throws(CommandFailure) -> String {
        let rbNo = invocation.argument(0)!
        guard PurchaseOrderCommands.isDocumentNumber(rbNo, type: "RB") else {
            throw .invalid("'\(rbNo)' is not a batch number like RB-2026-000001")
        }
        return rbNo
    }

    private static func batchAndTags(_ invocation: Invocation) throws(CommandFailure) -> (String, [String]) {
        (try batchNumber(invocation), try WarrantyArguments.targets(Array(invocation.arguments.dropFirst())))
    }

    /// The reply of a batch workflow: the message and the return list as it is now.
    private static func reply(_ outcome: BatchOutcome) -> Reply {
        Reply(ReplyStatus(rawValue: outcome.outcome.code) ?? .ok, outcome.outcome.message,
              blocks: [.form(ReturnList.lines(outcome.batch), fields(outcome.batch))])
    }

    private static func fields(_ batch: ReturnBatch) -> [Field] {
        [
            Field("rb_no", .text(batch.rbNo)), Field("oem", .text(batch.oem)), Field("oem_name", .text(batch.oemName)),
            Field("state", .text(batch.state.rawValue)), Field("claim_month", .optional(batch.claimMonth)),
            Field("mode", .text(batch.mode)), Field("location", .text(batch.location)), Field("note", .optional(batch.note)),
            Field("created_by", .text(batch.createdBy)), Field("created_at", .text(batch.createdAt)),
            Field("approved_by", .optional(batch.approvedBy)), Field("approved_at", .optional(batch.approvedAt)),
            Field("shipped_by", .optional(batch.shippedBy)), Field("shipped_on", .optional(batch.shippedOn)),
            Field("carrier", .optional(batch.carrier)), Field("tracking", .optional(batch.tracking)),
            Field("ship_doc", .optional(batch.shipDocument)), Field("received_by", .optional(batch.receivedBy)),
            Field("received_on", .optional(batch.receivedOn)), Field("parts", .integer(batch.parts)),
            Field("boxes", .integer(batch.boxes)), Field("amount", .money(batch.amount)),
            Field("lines", .list(batch.lines.map { part in
                .object([
                    ("tag_no", .text(part.tagNo)), ("claim_no", .text(part.claimNo)), ("vin", .optional(part.vin)),
                    ("mileage", part.mileage.map(Value.integer) ?? .null), ("part_no", .text(part.partNo)),
                    ("description", .text(part.description)), ("amount", .money(part.amount)),
                    ("quantity_due", .decimal(part.quantity)), ("quantity_returned", .decimal(part.quantityReturned ?? .zero)),
                    ("box", part.box.map(Value.integer) ?? .null), ("failure", .optional(part.failure)),
                    ("supplier", .optional(part.supplier)), ("state", .text(part.state.rawValue)),
                    ("ship_by", .optional(part.shipBy)),
                ])
            })),
        ]
    }
}
