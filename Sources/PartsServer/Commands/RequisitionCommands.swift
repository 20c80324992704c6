import PartsDomain
import PartsProtocol
import PartsStore

/// req new | show | list | approve | reject | issue | cancel | close | fill | backorders |
/// report: parts requisitions (申请单 / 领料单) from request to issue, with reservations and
/// back-orders.
enum RequisitionCommands {
    static let specs: [CommandSpec] = [
        CommandSpec("req new", "req new <location> <part_no>:<qty> ... [for=<work order/customer/VIN>] [requester=<who>] [needed=<date>] [ref=...]",
                    "a submitted requisition for parts from a location: 201 CREATED RQ-...", role: .clerk, changesData: true,
                    positional: 1...1, lines: .required, named: ["for", "requester", "needed"]) { invocation, environment in
            let lines = try LineItems.parse(Array(invocation.arguments.dropFirst()), meaning: .movement, allowCost: false)
            let draft = RequisitionDraft(location: invocation.argument(0)!, requester: try invocation.text("requester", maxLength: 200),
                                         purpose: try invocation.text("for", maxLength: 200), neededBy: try invocation.date("needed"),
                                         lines: lines)
            return Reply(try await environment.store.newRequisition(draft, invocation.context))
        },
        CommandSpec("req show", "req show <RQ-no>",
                    "a requisition: header, per line on hand, available, on order, issues over 30 and 90 days, value, "
                        + "reserved, issued and back-ordered; its transitions and goods issues",
                    role: .viewer, positional: 1...1) { invocation, environment in
            let detail = try await environment.store.requisition(invocation.argument(0)!)
            return Reply(.ok, "\(detail.header.number) \(detail.header.state)", blocks: [
                .record(header(detail.header)), .table(lineTable(detail.lines)), .table(eventTable(detail.events)),
                .table(Table(key: "documents", columns: [.init("doc_no", "GOODS ISSUES")], rows: detail.issues.map { [.text($0)] })),
            ])
        },
        CommandSpec("req list", "req list [state=<state>] [location=<code>] [limit=<n>]",
                    "requisitions newest first, with their age in days", role: .viewer,
                    named: ["state", "location", "limit"]) { invocation, environment in
            let limit = try invocation.listLimit()
            let state = try invocation.choice("state", of: RequisitionState.names)
            let rows = try await environment.store.requisitions(state: state, location: invocation[named: "location"], limit: limit)
            return Reply(.ok, "\(rows.count) requisitions", blocks: [.table(listTable(rows))])
        },
        CommandSpec("req approve", "req approve <RQ-no>",
                    "approves a submitted requisition: reserves what is available, back-orders the rest; above "
                        + "requisitions.manager_limit only an admin may", role: .manager, changesData: true,
                    positional: 1...1) { invocation, environment in
            Reply(try await environment.store.approveRequisition(
                invocation.argument(0)!, managerLimit: environment.configuration.requisitionManagerLimit, invocation.context))
        },
        CommandSpec("req reject", "req reject <RQ-no> reason=\"...\"", "rejects a submitted requisition", role: .manager,
                    changesData: true, positional: 1...1, named: ["reason"]) { invocation, environment in
            guard let reason = try invocation.text("reason") else { throw CommandFailure.badRequest("req reject needs reason=\"...\"") }
            return Reply(try await environment.store.rejectRequisition(invocation.argument(0)!, reason: reason, invocation.context))
        },
        CommandSpec("req issue", "req issue <RQ-no> [<part_no>:<qty> ...] [ref=...]",
                    "posts a GI against an approved requisition and prints its receipt; without lines issues all that is reserved",
                    role: .clerk, changesData: true, positional: 1...1, lines: .optional) { invocation, environment in
            let words = Array(invocation.arguments.dropFirst())
            let lines = words.isEmpty ? nil : try LineItems.parse(words, meaning: .movement, allowCost: false)
            let document = try await environment.store.issueRequisition(invocation.argument(0)!, lines: lines, invocation.context)
            return Reply(.created, document.docNo, blocks: [.document(document)])
        },
        CommandSpec("req cancel", "req cancel <RQ-no>", "cancels an open requisition and releases what it holds reserved",
                    role: .clerk, changesData: true, positional: 1...1) { invocation, environment in
            Reply(try await environment.store.cancelRequisition(invocation.argument(0)!, invocation.context))
        },
        CommandSpec("req close", "req close <RQ-no>",
                    "closes a partly issued requisition: releases its reservation and drops its back-order",
                    role: .manager, changesData: true, positional: 1...1) { invocation, environment in
            Reply(try await environment.store.closeRequisition(invocation.argument(0)!, invocation.context))
        },
        CommandSpec("req fill", "req fill [<RQ-no>] [location=<code>]",
                    "reserves stock that has arrived for back-orders: one requisition, or all, oldest approval first",
                    role: .clerk, changesData: true, positional: 0...1, named: ["location"]) { invocation, environment in
            if invocation.argument(0) != nil, invocation[named: "location"] != nil {
                throw CommandFailure.badRequest("req fill takes a requisition or location=, not both")
            }
            return Reply(try await environment.store.fillBackorders(invocation.argument(0), location: invocation[named: "location"],
                                                                    invocation.context))
        },
        CommandSpec("req backorders", "req backorders [location=<code>] [limit=<n>]",
                    "back-ordered requisition lines, oldest approval first, with what could be reserved now",
                    role: .viewer, named: ["location", "limit"]) { invocation, environment in
            let limit = try invocation.listLimit()
            let rows = try await environment.store.backorders(location: invocation[named: "location"], limit: limit)
            let fillable = rows.filter { $0.fillable.isPositive }.count
            return Reply(.ok, "\(rows.count) back-ordered lines, \(fillable) can be filled now (req fill)", blocks: [.table(Table(
                columns: [.init("req_no", "REQUISITION"), .init("approved_at", "APPROVED"), .init("age_days", "AGE", .right),
                          .init("location"), .init("part_no"), .init("back_ordered", "BACK-ORDERED", .right),
                          .init("available", nil, .right), .init("fillable", "FILL NOW", .right)],
                rows: rows.map { row in
                    [.text(row.number), .text(row.approvedAt), .integer(row.ageDays), .text(row.location), .text(row.partNo),
                     .decimal(row.backOrdered), .decimal(row.available), .decimal(row.fillable)]
                }))])
        },
        CommandSpec("req report", "req report [limit=<n>]",
                    "open requisitions by age, back-orders by part, and parts supplied on time (target 95 %)",
                    role: .viewer, named: ["limit"]) { invocation, environment in
            let limit = try invocation.listLimit()
            let report = try await environment.store.requisitionReport(limit: limit)
            // The rate has 4 places, so its units at scale 2 are the percentage.
            let rate = report.onTimeRate.map { "\(ExactDecimal(units: ($0.rescaled(to: 4) ?? $0).units, scale: 2).formatted(minimumScale: 2)) %" }
            let open = Table(key: "open", columns: [
                .init("req_no", "REQUISITION"), .init("state"), .init("location"), .init("age_days", "AGE", .right),
                .init("needed_by", "NEEDED BY"), .init("lines", nil, .right), .init("value", nil, .right),
            ], rows: report.open.map { r in
                [.text(r.number), .text(r.state), .text(r.location), .integer(r.ageDays), .optional(r.neededBy), .integer(r.lines),
                 .money(r.value)]
            })
            let parts = Table(key: "backorders", columns: [
                .init("part_no"), .init("location"), .init("back_ordered", "BACK-ORDERED", .right),
                .init("requisitions", nil, .right), .init("oldest_days", "OLDEST", .right), .init("available", nil, .right),
            ], rows: report.backordersByPart.map { p in
                [.text(p.partNo), .text(p.location), .decimal(p.backOrdered), .integer(p.requisitions), .integer(p.oldestDays),
                 .decimal(p.available)]
            })
            return Reply(.ok, "\(report.openTotal) open requisitions; supplied on time: "
                + (rate.map { "\($0) of \(report.measuredLines) lines (target 95 %)" } ?? "no line due yet"), blocks: [
                .record([Field("open_requisitions", .integer(report.openTotal)), Field("on_time_lines", .integer(report.onTimeLines)),
                         Field("measured_lines", .integer(report.measuredLines)),
                         Field("on_time_rate", report.onTimeRate.map(Value.decimal) ?? .null),
                         Field("on_time_target", .decimal(ExactDecimal(units: 95, scale: 2)))]),
                .table(open), .table(parts),
            ])
        },
    ]

    private static func header(_ h: RequisitionHeader) -> [Field] {
        [
            Field("req_no", .text(h.number)), Field("state", .text(h.state)), Field("location", .text(h.location)),
            Field("requester", .optional(h.requester)), Field("purpose", .optional(h.purpose)), Field("needed_by", .optional(h.neededBy)),
            Field("created_by", .text(h.createdBy)), Field("created_at", .text(h.createdAt)), Field("age_days", .integer(h.ageDays)),
            Field("approved_by", .optional(h.approvedBy)), Field("approved_at", .optional(h.approvedAt)),
            Field("rejection_reason", .optional(h.rejectionReason)), Field("finished_at", .optional(h.finishedAt)),
            Field("value", .money(h.value)),
        ]
    }

    private static func lineTable(_ lines: [RequisitionLineDetail]) -> Table {
        Table(key: "lines", columns: [
            .init("line_no", "NO", .right), .init("part_no"), .init("description"), .init("quantity", "QTY", .right), .init("unit"),
            .init("on_hand", nil, .right), .init("available", nil, .right), .init("on_order", nil, .right),
            .init("issued_30d", "30D", .right), .init("issued_90d", "90D", .right), .init("unit_cost", nil, .right),
            .init("value", nil, .right), .init("reserved", nil, .right), .init("issued", nil, .right),
            .init("back_ordered", "BACK-ORD", .right),
        ], rows: lines.map { l in
            [.integer(l.lineNo), .text(l.partNo), .text(l.description), .decimal(l.quantity), .text(l.unit), .decimal(l.onHand),
             .decimal(l.available), .decimal(l.onOrder), .decimal(l.issuedLast30Days), .decimal(l.issuedLast90Days),
             .money(l.unitCost), .money(l.value), .decimal(l.reserved), .decimal(l.issued), .decimal(l.backOrdered)]
        })
    }

    private static func eventTable(_ events: [RequisitionEvent]) -> Table {
        Table(key: "events", columns: [.init("at"), .init("from"), .init("to"), .init("by"), .init("note")],
              rows: events.map { e in [.text(e.at), .optional(e.from), .text(e.to), .text(e.by), .optional(e.note)] })
    }

    private static func listTable(_ rows: [RequisitionHeader]) -> Table {
        Table(columns: [
            .init("req_no", "REQUISITION"), .init("state"), .init("location"), .init("requester"), .init("purpose", "FOR"),
            .init("needed_by", "NEEDED BY"), .init("lines", nil, .right), .init("value", nil, .right), .init("age_days", "AGE", .right),
        ], rows: rows.map { r in
            [.text(r.number), .text(r.state), .text(r.location), .optional(r.requester), .optional(r.purpose), .optional(r.neededBy),
             .integer(r.lines), .money(r.value), .integer(r.ageDays)]
        })
    }
}
