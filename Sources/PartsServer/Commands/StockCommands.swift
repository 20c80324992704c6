import PartsDomain
import PartsProtocol
import PartsStore

/// receive, issue, transfer, adjust (each posts a document and prints its receipt), stock
/// show | list and ledger.
enum StockCommands {
    static let specs: [CommandSpec] = [
        CommandSpec("receive", "receive <location> <part_no>:<qty>[@<unit_cost>] ... [from=<supplier>] [po=<PO-no>] [note=...] [ref=...]",
                    "goods receipt: posts a GR document and prints its receipt; with po= against a purchase order",
                    role: .clerk, changesData: true,
                    positional: 1...1, lines: .required, named: ["from", "po", "note"]) { invocation, environment in
            if let poNo = invocation[named: "po"] {
                return try await PurchaseOrderCommands.receive(invocation, environment, poNo: poNo)
            }
            return try await post(.receipt, invocation, environment, lineFrom: 1, counterparty: try invocation.text("from", maxLength: 200))
        },
        CommandSpec("issue", "issue <location> <part_no>:<qty> ... [to=<whom or work order>] [note=...] [ref=...]",
                    "goods issue: posts a GI document; all lines or none", role: .clerk, changesData: true,
                    positional: 1...1, lines: .required, named: ["to", "note"]) { invocation, environment in
            try await post(.issue, invocation, environment, lineFrom: 1, counterparty: try invocation.text("to", maxLength: 200))
        },
        CommandSpec("transfer", "transfer <from> <to> <part_no>:<qty> ... [note=...] [ref=...]",
                    "moves stock between locations: posts a TR document", role: .clerk, changesData: true,
                    positional: 2...2, lines: .required, named: ["note"]) { invocation, environment in
            try await post(.transfer, invocation, environment, lineFrom: 2, toLocation: invocation.argument(1))
        },
        CommandSpec("adjust", "adjust <location> <part_no>:<counted qty> ... reason=\"...\" [ref=...]",
                    "stock count: sets on hand to the count, posts the difference as an AD document", role: .manager,
                    changesData: true, positional: 1...1, lines: .required, named: ["reason", "note"]) { invocation, environment in
            guard let reason = try invocation.text("reason") else { throw CommandFailure.badRequest("adjust needs reason=\"...\"") }
            return try await post(.adjustment, invocation, environment, lineFrom: 1, reason: reason)
        },
        CommandSpec("stock show", "stock show <part_no> [location=<code>]",
                    "on hand, reserved, available, on order and average cost per location", role: .viewer,
                    positional: 1...1, named: ["location"]) { invocation, environment in
            let stock = try await environment.store.stock(partNo: invocation.argument(0)!, location: invocation[named: "location"])
            return Reply(.ok, blocks: [
                .record([Field("part_no", .text(stock.partNo)), Field("description", .text(stock.description)),
                         Field("unit", .text(stock.unit))]),
                .table(stockTable(stock.rows, key: "locations", withPart: false)),
            ])
        },
        CommandSpec("stock list", "stock list [location=<code>] [after=<part_no>] [limit=<n>]",
                    "stock on hand by location and part", role: .viewer,
                    named: ["location", "after", "limit"]) { invocation, environment in
            let limit = try invocation.listLimit()
            let rows = try await environment.store.stockList(location: invocation[named: "location"], after: invocation[named: "after"],
                                                             limit: limit)
            return Reply(.ok, "\(rows.count) rows", blocks: [.table(stockTable(rows, key: "rows", withPart: true))])
        },
        // The columns partsctl --import-stock reads: an export is another system's opening stock.
        CommandSpec("stock export", "stock export [location=<code>] [after=<location>:<part_no>] [limit=<n>]",
                    "stock on hand with its average cost, by location and part", role: .viewer,
                    named: ["location", "after", "limit"]) { invocation, environment in
            let limit = try invocation.listLimit()
            var after: (location: String, partNo: String)?
            if let text = invocation[named: "after"] {
                let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
                guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                    throw CommandFailure.invalid("after must be <location>:<part_no>, the last row of the page before, got \(text)")
                }
                after = (String(parts[0]), String(parts[1]))
            }
            let rows = try await environment.store.stockExport(location: invocation[named: "location"], after: after, limit: limit)
            return Reply(.ok, "\(rows.count) rows", blocks: [.table(Table(
                columns: [Table.Column("location"), Table.Column("part_no"), Table.Column("quantity", nil, .right),
                          Table.Column("unit_cost", nil, .right)],
                rows: rows.map { [.text($0.location), .text($0.partNo), .decimal($0.onHand), .money($0.averageCost)] }))])
        },
        CommandSpec("ledger", "ledger <part_no> [location=<code>] [limit=<n>]",
                    "the part's movements, newest first, with running balance", role: .viewer,
                    positional: 1...1, named: ["location", "limit"]) { invocation, environment in
            let limit = try invocation.listLimit()
            let rows = try await environment.store.ledger(partNo: invocation.argument(0)!, location: invocation[named: "location"],
                                                          limit: limit)
            return Reply(.ok, "\(rows.count) movements", blocks: [.table(Table(
                columns: [Table.Column("posted_at", "POSTED"), Table.Column("doc_no"), Table.Column("location"),
                          Table.Column("quantity", "QTY", .right), Table.Column("balance", nil, .right),
                          Table.Column("unit_cost", nil, .right)],
                rows: rows.map { row in
                    [.text(shortTime(row.postedAt)), .text(row.docNo), .text(row.location), .decimal(row.quantity),
                     .decimal(row.balanceAfter), .money(row.unitCost)]
                }))])
        },
    ]

    private static func post(
        _ kind: StockDocumentDraft.Kind, _ invocation: Invocation, _ environment: CommandEnvironment, lineFrom: Int,
        toLocation: String? = nil, counterparty: String? = nil, reason: String? = nil
    ) async throws -> Reply {
        let lines = try LineItems.parse(Array(invocation.arguments.dropFirst(lineFrom)),
                                        meaning: kind == .adjustment ? .count : .movement,
                                        allowCost: kind == .receipt)
        let draft = StockDocumentDraft(kind: kind, location: invocation.argument(0)!, toLocation: toLocation,
                                       counterparty: counterparty, note: try invocation.text("note"), reason: reason,
                                       lines: lines)
        let document = try await environment.store.post(draft, invocation.context)
        return kind == .receipt ? await receiptReply(document, environment) : Reply(.created, document.docNo, blocks: [.document(document)])
    }

    /// A goods receipt's reply: the printed receipt, then the back-orders the received parts can
    /// now fill at that location, oldest first, so the clerk serves those who waited longest.
    static func receiptReply(_ document: PostedDocument, _ environment: CommandEnvironment) async -> Reply {
        var blocks: [Block] = [.document(document)]
        // Best effort: the receipt is posted whatever this read does.
        if document.replayed != true, let waiting = try? await environment.store.backorders(
            location: document.location, parts: document.lines.map(\.partNo), limit: 20), !waiting.isEmpty {
            blocks.append(.lines(key: "backorders", ["Back-orders these parts can fill now 可补缺料, oldest first:"] + waiting.map { row in
                "\(row.number)  \(row.partNo)  \(row.backOrdered.trimmed) waiting \(row.ageDays) days: req fill \(row.number)"
            }))
        }
        return Reply(.created, document.docNo, blocks: blocks)
    }

    static func stockTable(_ rows: [StockRow], key: String, withPart: Bool) -> Table {
        var columns = [Table.Column("location")]
        if withPart { columns += [Table.Column("part_no"), Table.Column("description")] }
        columns += [Table.Column("on_hand", nil, .right), Table.Column("reserved", nil, .right),
                    Table.Column("available", nil, .right), Table.Column("on_order", nil, .right),
                    Table.Column("avg_cost", nil, .right), Table.Column("value", nil, .right)]
        return Table(key: key, columns: columns, rows: rows.map { row in
            var cells: [Value] = [.text(row.location)]
            if withPart { cells += [.text(row.partNo), .text(row.description)] }
            cells += [.decimal(row.onHand), .decimal(row.reserved), .decimal(row.available), .decimal(row.onOrder),
                      .money(row.averageCost), .money(row.value)]
            return cells
        })
    }

    /// "2026-11-23 14:31:05.12+00" → "2026-11-23 14:31:05".
    static func shortTime(_ timestamp: String) -> String {
        String(timestamp.prefix(19))
    }
}
