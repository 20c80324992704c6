import PartsDomain
import PartsProtocol
import PartsStore

/// The manager's review of what a reorder run proposes: show, change quantities, approve, and
/// the approved order list as CSV for the buyer (until purchase orders exist).
enum ReorderCommands {
    static let specs: [CommandSpec] = [
        CommandSpec("reorder show", "reorder show [<proposal>] [location=<code>] [--all] [limit=<n>]",
                    "a reorder proposal (the newest by default): turnover per warehouse, then the lines that order "
                        + "something or are flagged (--all: every part-location planned)",
                    role: .viewer, positional: 0...1, named: ["location", "limit"], flags: ["all"]) { invocation, environment in
            let limit = try invocation.listLimit()
            let proposal = try await environment.store.reorderProposal(invocation.argument(0))
            let summary = try await environment.store.reorderSummary(proposal.number)
            let lines = try await environment.store.reorderLines(proposal.number, location: invocation[named: "location"],
                                                                 all: invocation.request.has(flag: "all"), limit: limit)
            return Reply(.ok, "\(proposal.number) \(proposal.state.rawValue): \(proposal.toOrder) to order, value \(proposal.orderValue), "
                + "\(proposal.flagged) flagged, \(proposal.planned) planned", blocks: [
                .record(header(proposal)), .table(locations(summary)), .table(lineTable(lines)),
            ])
        },
        CommandSpec("reorder list", "reorder list [limit=<n>]", "recent reorder proposals, newest first", role: .viewer,
                    named: ["limit"]) { invocation, environment in
            let limit = try invocation.listLimit()
            let proposals = try await environment.store.reorderProposals(limit: limit)
            let table = Table(columns: [
                .init("proposal"), .init("state"), .init("scope"), .init("created_at", "CREATED"),
                .init("to_order", "TO ORDER", .right), .init("flagged", nil, .right), .init("order_value", "VALUE", .right),
                .init("approved_by", "APPROVED BY"),
            ], rows: proposals.map { p in
                [.text(p.number), .text(p.state.rawValue), .text(p.scope ?? "all"), .text(p.createdAt), .integer(p.toOrder),
                 .integer(p.flagged), .money(p.orderValue), .optional(p.approvedBy)]
            })
            return Reply(.ok, "\(proposals.count) proposals", blocks: [.table(table)])
        },
        CommandSpec("reorder set", "reorder set <proposal> <part_no>[@<location>]:<qty> ...",
                    "changes the quantity to order on lines of an open proposal (0 drops the line)", role: .manager,
                    changesData: true, positional: 2...201) { invocation, environment in
            let changes = try invocation.arguments.dropFirst().map { word throws(CommandFailure) in try change(word) }
            let outcome = try await environment.store.setReorderQuantities(invocation.argument(0)!, changes, invocation.context)
            return Reply(outcome)
        },
        CommandSpec("reorder approve", "reorder approve <proposal>",
                    "approves an open proposal: its lines become purchase orders per supplier (the rest: reorder export)", role: .manager,
                    changesData: true, positional: 1...1) { invocation, environment in
            let outcome = try await environment.store.approveReorder(invocation.argument(0)!, invocation.context)
            return Reply(outcome)
        },
        CommandSpec("reorder export", "reorder export <proposal>",
                    "an approved proposal's order lines as CSV, by supplier, with the purchase order each became", role: .viewer,
                    positional: 1...1) { invocation, environment in
            let proposal = try await environment.store.reorderProposal(invocation.argument(0)!)
            guard proposal.state == .approved else {
                throw CommandFailure(.conflict, "\(proposal.number) is \(proposal.state.rawValue): only an approved proposal is an order list")
            }
            let lines = try await environment.store.reorderLines(proposal.number, location: nil, all: false, orderedOnly: true,
                                                                 limit: 1_000_000)
            let csv = ["supplier,part_no,description,location,quantity,unit,unit_cost,value,po_no"] + lines.map { line in
                [line.supplier ?? "", line.partNo, line.description, line.location, line.quantity.description, line.unit,
                 line.unitCost.description, line.value.description, line.purchaseOrder ?? ""].map(csvField).joined(separator: ",")
            }
            return Reply(.ok, "\(lines.count) order lines of \(proposal.number)", blocks: [.lines(key: "csv", csv)])
        },
    ]

    private static func header(_ proposal: ReorderProposal) -> [Field] {
        [
            Field("proposal", .text(proposal.number)), Field("state", .text(proposal.state.rawValue)),
            Field("scope", .text(proposal.scope ?? "all warehouses and branches")), Field("period", .text(proposal.period)),
            Field("created_at", .text(proposal.createdAt)), Field("job_id", .integer(Int(proposal.jobID))),
            Field("approved_by", .optional(proposal.approvedBy)), Field("approved_at", .optional(proposal.approvedAt)),
            Field("planned", .integer(proposal.planned)), Field("to_order", .integer(proposal.toOrder)),
            Field("flagged", .integer(proposal.flagged)), Field("order_value", .money(proposal.orderValue)),
        ]
    }

    private static func locations(_ summary: [ReorderLocationSummary]) -> Table {
        Table(key: "locations", columns: [
            .init("location"), .init("to_order", "TO ORDER", .right), .init("flagged", nil, .right),
            .init("order_value", "ORDER VALUE", .right), .init("stock_value", "STOCK VALUE", .right),
            .init("annual_issue_value", "ISSUES/YEAR", .right), .init("projected_turnover", "TURNOVER", .right),
            .init("target_turnover", "TARGET", .right), .init("max_days", "MAX DAYS", .right),
        ], rows: summary.map { s in
            [.text(s.location), .integer(s.toOrder), .integer(s.flagged), .money(s.orderValue), .money(s.stockValue),
             .money(s.annualIssueValue), s.projectedTurnover.map(Value.decimal) ?? .null,
             s.targetTurnover.map(Value.decimal) ?? .null, s.maxDays.map(Value.integer) ?? .null]
        })
    }

    private static func lineTable(_ lines: [ReorderProposalLine]) -> Table {
        Table(key: "lines", columns: [
            .init("part_no"), .init("location"), .init("class"), .init("abc", "ABC"), .init("method"),
            .init("forecast", nil, .right), .init("safety_stock", "SAFETY", .right), .init("reorder_point", "ROP", .right),
            .init("order_up_to", "UP TO", .right), .init("position", nil, .right), .init("suggested", nil, .right),
            .init("quantity", "QTY", .right), .init("value", nil, .right), .init("days_of_supply", "DAYS", .right),
            .init("flagged", "FLAG"), .init("why"),
        ], rows: lines.map { l in
            [.text(l.partNo), .text(l.location), .text(l.demandClass), .text(l.abcClass), .text(l.method), .decimal(l.forecast),
             .decimal(l.safetyStock), .decimal(l.reorderPoint), .decimal(l.orderUpTo), .decimal(l.position), .decimal(l.suggested),
             .decimal(l.quantity), .money(l.value), l.daysOfSupply.map(Value.decimal) ?? .null, .bool(l.flagged), .text(l.why)]
        })
    }

    /// `P-1001:12` or `P-1001@MAIN:12`.
    private static func change(_ word: String) throws(CommandFailure) -> ReorderQuantityChange {
        guard let colon = word.lastIndex(of: ":") else { throw CommandFailure.badRequest("'\(word)' is not <part_no>[@<location>]:<qty>") }
        let target = word[..<colon]
        let quantityText = word[word.index(after: colon)...]
        let parts = target.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false)
        guard let partNo = parts.first, !partNo.isEmpty, parts.count == 1 || !parts[1].isEmpty else {
            throw CommandFailure.badRequest("'\(word)' is not <part_no>[@<location>]:<qty>")
        }
        let quantity: ExactDecimal
        if quantityText == "0" {
            quantity = .zero
        } else {
            do { quantity = try ExactDecimal.quantity(quantityText) } catch { throw CommandFailure(error) }
        }
        return ReorderQuantityChange(partNo: String(partNo), location: parts.count > 1 ? String(parts[1]) : nil, quantity: quantity)
    }

    /// RFC 4180: quote a field that holds a comma, a quote or a line break.
    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        var quoted = "\""
        for character in text {
            if character == "\"" { quoted.append("\"") }
            quoted.append(character)
        }
        return quoted + "\""
    }
}
