import PartsDomain
import PartsProtocol
import PartsStore

/// po new | show | list | cancel, and `receive ... po=<PO-no>`: ordering from suppliers and
/// receiving against the order.
enum PurchaseOrderCommands {
    static let specs: [CommandSpec] = [
        CommandSpec("po new", "po new <supplier> <part_no>:<qty>[@<price>] ... [location=<code>] [expected=<date>] [for=<RQ-no>] [ref=...]",
                    "a purchase order to a supplier: 201 CREATED PO-...; location= is needed when there is more than one warehouse",
                    role: .manager, changesData: true, positional: 1...1, lines: .required,
                    named: ["location", "expected", "for"]) { invocation, environment in
            let lines = try LineItems.parse(Array(invocation.arguments.dropFirst()), meaning: .movement, allowCost: true)
            let requisition = invocation[named: "for"]
            if let requisition, !isDocumentNumber(requisition, type: "RQ") {
                throw CommandFailure.invalid("for= takes a requisition number like RQ-2026-000001, got \(requisition)")
            }
            if let location = invocation[named: "location"], !Identifier.isLocationCode(location) {
                throw CommandFailure.invalid("'\(location)' is not a valid location code")
            }
            let draft = PurchaseOrderDraft(
                supplier: invocation.argument(0)!,
                lines: lines.map { PurchaseOrderDraft.Line(partNo: $0.partNo, quantity: $0.quantity, price: $0.unitCost) },
                location: invocation[named: "location"], expected: try invocation.date("expected"), forRequisition: requisition)
            return Reply(try await environment.store.createPurchaseOrder(draft, invocation.context))
        },
        CommandSpec("po show", "po show <PO-no>",
                    "a purchase order: state, and per line ordered, received, open, price and value, and its receipts",
                    role: .viewer, positional: 1...1) { invocation, environment in
            show(try await environment.store.purchaseOrder(invocation.argument(0)!))
        },
        CommandSpec("po list", "po list [state=open|partly_received|received|cancelled] [supplier=<code>] [limit=<n>]",
                    "purchase orders, newest first", role: .viewer,
                    named: ["state", "supplier", "limit"]) { invocation, environment in
            let limit = try invocation.listLimit()
            let state = try invocation.choice("state", of: PurchaseOrderState.names)
            let orders = try await environment.store.purchaseOrders(state: state, supplier: invocation[named: "supplier"], limit: limit)
            return Reply(.ok, "\(orders.count) purchase orders", blocks: [.table(Table(
                columns: [Table.Column("po_no"), Table.Column("supplier"), Table.Column("state"), Table.Column("expected"),
                          Table.Column("lines", nil, .right), Table.Column("value", nil, .right),
                          Table.Column("open_value", nil, .right), Table.Column("created_at", "CREATED")],
                rows: orders.map { order in
                    [.text(order.poNo), .text(order.supplier), .text(order.state), .optional(order.expected),
                     .integer(order.lines), .money(order.value), .money(order.openValue),
                     .text(StockCommands.shortTime(order.createdAt))]
                }))])
        },
        CommandSpec("po overdue", "po overdue [supplier=<code>] [limit=<n>]",
                    "open purchase order lines past their expected date, the longest late first", role: .viewer,
                    named: ["supplier", "limit"]) { invocation, environment in
            let limit = try invocation.listLimit()
            let overdue = try await environment.store.overduePurchaseOrderLines(supplier: invocation[named: "supplier"], limit: limit)
            return Reply(.ok, "\(overdue.total) overdue purchase order lines", blocks: [.table(Table(
                columns: [Table.Column("po_no"), Table.Column("supplier"), Table.Column("part_no"), Table.Column("location"),
                          Table.Column("open", nil, .right), Table.Column("expected"), Table.Column("days_late", "LATE", .right),
                          Table.Column("for")],
                rows: overdue.lines.map { line in
                    [.text(line.poNo), .text(line.supplier), .text(line.partNo), .text(line.location), .decimal(line.open),
                     .text(line.expected), .integer(line.daysLate), .optional(line.forRequisition)]
                }))])
        },
        CommandSpec("po cancel", "po cancel <PO-no> [reason=\"...\"] [ref=...]",
                    "cancels what remains open on a purchase order; what was received stays; 409 when it is fully received",
                    role: .manager, changesData: true, positional: 1...1,
                    named: ["reason"]) { invocation, environment in
            let reason = try invocation.text("reason")
            return Reply(try await environment.store.cancelPurchaseOrder(invocation.argument(0)!, reason: reason, invocation.context))
        },
    ]

    /// `receive <location> <lines> po=<PO-no>`: the same receipt as a plain receive, posted
    /// against the order (see PartsStore.receive(_:against:...)).
    static func receive(_ invocation: Invocation, _ environment: CommandEnvironment, poNo: String) async throws -> Reply {
        guard invocation[named: "from"] == nil else {
            throw CommandFailure.badRequest("from= and po= together: the purchase order names the supplier")
        }
        let lines = try LineItems.parse(Array(invocation.arguments.dropFirst()), meaning: .movement, allowCost: true)
        let draft = StockDocumentDraft(kind: .receipt, location: invocation.argument(0)!, note: try invocation.text("note"),
                                       lines: lines)
        let document = try await environment.store.receive(draft, against: poNo,
                                                           overReceiptPercent: environment.configuration.overReceiptPercent,
                                                           invocation.context)
        return await StockCommands.receiptReply(document, environment)
    }

    private static func show(_ order: PurchaseOrderDetail) -> Reply {
        let summary = order.summary
        var fields = [
            Field("po_no", .text(summary.poNo)), Field("supplier", .text(summary.supplier)),
            Field("supplier_name", .text(summary.supplierName)), Field("state", .text(summary.state)),
            Field("expected", .optional(summary.expected)), Field("for", .optional(summary.forRequisition)),
            Field("created_by", .text(summary.createdBy)), Field("created_at", .text(StockCommands.shortTime(summary.createdAt))),
        ]
        if let cancelledAt = summary.cancelledAt {
            fields += [Field("cancelled_by", .optional(summary.cancelledBy)),
                       Field("cancelled_at", .text(StockCommands.shortTime(cancelledAt))),
                       Field("cancel_reason", .optional(summary.cancelReason))]
        }
        fields += [Field("value", .money(summary.value)), Field("open_value", .money(summary.openValue)),
                   Field("receipts", .list(order.receipts.map(Value.text)))]
        return Reply(.ok, blocks: [
            .record(fields),
            .table(Table(key: "lines", columns: [
                Table.Column("line", "NO", .right), Table.Column("part_no"), Table.Column("description"),
                Table.Column("location"), Table.Column("ordered", nil, .right), Table.Column("received", nil, .right),
                Table.Column("open", nil, .right), Table.Column("unit"), Table.Column("price", nil, .right),
                Table.Column("value", nil, .right), Table.Column("expected"),
            ], rows: order.lines.map { line in
                [.integer(line.lineNo), .text(line.partNo), .text(line.description), .text(line.location),
                 .decimal(line.ordered), .decimal(line.received), .decimal(line.open), .text(line.unit),
                 .money(line.price), .money(line.value), .optional(line.expected)]
            })),
        ])
    }

    /// TYPE-YEAR-SEQUENCE, as next_doc_no writes it.
    static func isDocumentNumber(_ text: String, type: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        return parts.count == 3 && parts[0] == type && parts[1].count == 4 && parts[2].count >= 6
            && parts[1].allSatisfy(\.isASCII) && parts[1].allSatisfy(\.isNumber)
            && parts[2].allSatisfy(\.isASCII) && parts[2].allSatisfy(\.isNumber)
    }
}
