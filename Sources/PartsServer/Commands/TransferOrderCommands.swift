import PartsDomain
import PartsProtocol
import PartsStore

/// ship, arrive, to show | list: branch replenishment (办事处 / 代理商 补料) through the
/// destination's in-transit location.
enum TransferOrderCommands {
    static let specs: [CommandSpec] = [
        CommandSpec("ship", "ship <from> <to> <part_no>:<qty> ... [note=...] [ref=...]",
                    "ships stock to a branch on a transfer order: a TR into the branch's in-transit location T.<to>; prints the shipping note; 201 CREATED TO-...",
                    role: .clerk, changesData: true, positional: 2...2, lines: .required,
                    named: ["note"]) { invocation, environment in
            let lines = try LineItems.parse(Array(invocation.arguments.dropFirst(2)), meaning: .movement, allowCost: false)
            let from = invocation.argument(0)!, to = invocation.argument(1)!
            for code in [from, to] where !Identifier.isLocationCode(code) {
                throw CommandFailure.invalid("'\(code)' is not a valid location code")
            }
            let note = try invocation.text("note")
            let shipment = try await environment.store.ship(from: from, to: to, lines: lines, note: note, invocation.context)
            let order = shipment.order
            return Reply(.created, order.toNo, blocks: [
                .record([Field("to_no", .text(order.toNo)), Field("state", .text(order.state)),
                         Field("in_transit_at", .text(order.transit))]),
                .document(shipment.document),
            ])
        },
        CommandSpec("arrive", "arrive <TO-no> [<part_no>:<counted qty> ...] [note=...] [ref=...]",
                    "books a transfer order's arrival at its branch: without lines all that was shipped arrived; with lines each listed part arrived as counted and unlisted parts did not; posts a TR out of transit; 201 CREATED TR-...",
                    role: .clerk, changesData: true, positional: 1...1, lines: .optional,
                    named: ["note"]) { invocation, environment in
            let toNo = invocation.argument(0)!
            guard PurchaseOrderCommands.isDocumentNumber(toNo, type: "TO") else {
                throw CommandFailure.invalid("arrive takes a transfer order number like TO-2026-000001, got \(toNo)")
            }
            let words = Array(invocation.arguments.dropFirst())
            // A clerk may count zero of a part: that is an arrival, short by all of it.
            let counted = words.isEmpty ? nil : try LineItems.parse(words, meaning: .count, allowCost: false)
            let note = try invocation.text("note")
            let arrival = try await environment.store.arrive(toNo, counted: counted, note: note, invocation.context)
            let order = arrival.order
            var blocks: [Block] = [
                .record([Field("to_no", .text(order.toNo)), Field("state", .text(order.state)),
                         Field("in_transit", .decimal(order.inTransit))]),
                .document(arrival.document),
            ]
            // Only when there are any: an exact arrival is a receipt and nothing else.
            let discrepancies = order.discrepancies
            if !discrepancies.isEmpty {
                blocks.append(.table(Table(key: "discrepancies", columns: discrepancyColumns,
                                           rows: discrepancies.map(discrepancyRow))))
                blocks.append(.lines(key: "advice", discrepancies.map { line in advice(line, order) }))
            }
            return Reply(.created, arrival.document.docNo, blocks: blocks)
        },
        CommandSpec("to show", "to show <TO-no>",
                    "a transfer order: state, who shipped and received it, per line shipped, received, discrepancy and still in transit",
                    role: .viewer, positional: 1...1) { invocation, environment in
            show(try await environment.store.transferOrder(invocation.argument(0)!))
        },
        CommandSpec("to list", "to list [state=shipped|received|received_with_discrepancy] [location=<code>] [limit=<n>]",
                    "transfer orders, newest first; location= matches the sender or the destination", role: .viewer,
                    named: ["state", "location", "limit"]) { invocation, environment in
            let limit = try invocation.listLimit()
            let state = try invocation.choice("state", of: TransferOrderState.names).flatMap(TransferOrderState.init(rawValue:))
            let orders = try await environment.store.transferOrders(state: state, location: invocation[named: "location"], limit: limit)
            return Reply(.ok, "\(orders.count) transfer orders", blocks: [.table(Table(
                columns: [Table.Column("to_no"), Table.Column("from"), Table.Column("to"), Table.Column("state"),
                          Table.Column("lines", nil, .right), Table.Column("shipped", nil, .right),
                          Table.Column("received", nil, .right), Table.Column("in_transit", nil, .right),
                          Table.Column("value", nil, .right), Table.Column("shipped_at", "SHIPPED")],
                rows: orders.map { order in
                    [.text(order.toNo), .text(order.from), .text(order.to), .text(order.state), .integer(order.lines),
                     .decimal(order.shipped), order.received.map(Value.decimal) ?? .null, .decimal(order.inTransit),
                     .money(order.value), .text(StockCommands.shortTime(order.shippedAt))]
                }))])
        },
    ]

    private static let discrepancyColumns = [
        Table.Column("line", "NO", .right), Table.Column("part_no"), Table.Column("shipped", nil, .right),
        Table.Column("received", nil, .right), Table.Column("discrepancy", "DIFF", .right),
        Table.Column("in_transit", nil, .right), Table.Column("unit"),
    ]

    private static func discrepancyRow(_ line: TransferOrder.Line) -> [Value] {
        [.integer(line.lineNo), .text(line.partNo), .decimal(line.shipped), line.received.map(Value.decimal) ?? .null,
         line.discrepancy.map(Value.decimal) ?? .null, .decimal(line.inTransit), .text(line.unit)]
    }

    /// What the clerk does about a line that did not arrive as shipped.
    private static func advice(_ line: TransferOrder.Line, _ order: TransferOrder) -> String {
        let difference = line.discrepancy ?? .zero
        if difference.isNegative {
            let short = ExactDecimal(units: -difference.units, scale: difference.scale)
            return "\(line.partNo): \(short.trimmed) short; it stays in transit at \(order.transit)"
        }
        return "\(line.partNo): \(difference.trimmed) over what was shipped; not moved, since no stock stands behind it: "
            + "count it in with adjust \(order.to) \(line.partNo):<counted qty> reason=\"over-arrival \(order.toNo)\""
    }

    private static func show(_ order: TransferOrder) -> Reply {
        var fields = [
            Field("to_no", .text(order.toNo)), Field("state", .text(order.state)), Field("from", .text(order.from)),
            Field("to", .text(order.to)), Field("transit", .text(order.transit)), Field("note", .optional(order.note)),
            Field("shipped_by", .text(order.shippedBy)), Field("shipped_at", .text(StockCommands.shortTime(order.shippedAt))),
            Field("ship_doc", .text(order.shipDocument)),
        ]
        if let receivedAt = order.receivedAt {
            fields += [Field("received_by", .optional(order.receivedBy)),
                       Field("received_at", .text(StockCommands.shortTime(receivedAt))),
                       Field("arrival_doc", .optional(order.arrivalDocument)),
                       Field("arrival_note", .optional(order.arrivalNote))]
        }
        fields += [Field("in_transit", .decimal(order.inTransit)), Field("value", .money(order.value))]
        return Reply(.ok, blocks: [
            .record(fields),
            .table(Table(key: "lines", columns: [
                Table.Column("line", "NO", .right), Table.Column("part_no"), Table.Column("description"),
                Table.Column("shipped", nil, .right), Table.Column("received", nil, .right),
                Table.Column("discrepancy", "DIFF", .right), Table.Column("in_transit", nil, .right),
                Table.Column("unit"), Table.Column("unit_cost", nil, .right),
            ], rows: order.lines.map { line in
                [.integer(line.lineNo), .text(line.partNo), .text(line.description), .decimal(line.shipped),
                 line.received.map(Value.decimal) ?? .null, line.discrepancy.map(Value.decimal) ?? .null,
                 .decimal(line.inTransit), .text(line.unit), .money(line.unitCost)]
            })),
        ])
    }
}
