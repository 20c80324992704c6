import PartsDomain
import PartsProtocol
import PartsStore

/// repair new | ack | quote | authorize | decline | hold | resume | return | show | list |
/// batch: return-for-repair (配件返修). Each step is one SQL workflow with its date and who.
enum RepairCommands {
    static let specs: [CommandSpec] = [
        CommandSpec("repair new",
                    "repair new <location> <part_no>#<serial>|<part_no>:<qty> vendor=<supplier> fault=\"...\" [promised=<date>] [origin=stock|customer|exchange|warranty] [customer=<who>] [rma=<vendor RMA>] [ref=...]",
                    "a repair order: ships the unit from the location to the vendor, prints the repair tag and dispatch note; 201 CREATED RO-...",
                    role: .clerk, changesData: true, positional: 2...2,
                    named: ["vendor", "fault", "promised", "origin", "customer", "rma"]) { invocation, environment in
            let usage = "repair new <location> <part_no>#<serial>|<part_no>:<qty> vendor=<supplier> fault=\"...\""
            let line = try LineItems.parse([invocation.argument(1)!], meaning: .movement, allowCost: false)[0]
            let origin = try invocation.choice("origin", of: RepairOrigin.allCases.map(\.rawValue)).flatMap(RepairOrigin.init(rawValue:))
            guard let fault = try invocation.text("fault") else { throw CommandFailure.badRequest("fault= is missing; usage: \(usage)") }
            let draft = RepairDraft(location: invocation.argument(0)!, partNo: line.partNo, serial: line.serial, quantity: line.quantity,
                                    vendor: try invocation.required("vendor", usage), fault: fault,
                                    promised: try invocation.date("promised"), origin: origin ?? .stock,
                                    customer: try invocation.text("customer", maxLength: 200), vendorRMA: try invocation.text("rma", maxLength: 100))
            let posting = try await environment.store.newRepair(draft, invocation.context)
            var blocks: [Block] = [.record(summary(posting.order)), .lines(key: "tag", tag(posting.order))]
            if let document = posting.document { blocks.append(.document(document)) }
            return Reply(.created, posting.order.roNo, blocks: blocks)
        },
        step("repair ack", "repair ack <RO> [rma=<vendor RMA>] [note=...] [ref=...]",
             "the vendor has the unit, with its RMA number if it gave one", role: .clerk, named: ["rma", "note"]) { roNo, invocation, environment in
            try await environment.store.acknowledgeRepair(roNo, rma: try invocation.text("rma", maxLength: 100),
                                                          note: try invocation.text("note"), invocation.context)
        },
        step("repair quote", "repair quote <RO> amount=<x> [note=...] [ref=...]",
             "the vendor's quote; above repairs.ber_pct of the part's price it is flagged beyond economic repair",
             role: .clerk, named: ["amount", "note"]) { roNo, invocation, environment in
            guard let amount = try invocation.amount("amount") else {
                throw CommandFailure.badRequest("amount= is missing; usage: repair quote <RO> amount=<x>")
            }
            return try await environment.store.quoteRepair(roNo, amount: amount, berPercent: environment.configuration.repairBERPercent,
                                                           note: try invocation.text("note"), invocation.context)
        },
        step("repair authorize", "repair authorize <RO> [--ber] [note=...] [ref=...]",
             "authorizes the quote; one beyond economic repair only with --ber", role: .manager, named: ["note"],
             flags: ["ber"]) { roNo, invocation, environment in
            try await environment.store.authorizeRepair(roNo, overBER: invocation.request.has(flag: "ber"),
                                                        note: try invocation.text("note"), invocation.context)
        },
        step("repair decline", "repair decline <RO> [note=...] [ref=...]",
             "declines the quote: the unit comes back unrepaired or is scrapped", role: .manager, named: ["note"]) { roNo, invocation, environment in
            try await environment.store.declineRepair(roNo, note: try invocation.text("note"), invocation.context)
        },
        step("repair hold", "repair hold <RO> reason=\"...\" [ref=...]",
             "puts the order on hold (waiting for approval, for a part): the turnaround clock stops", role: .clerk,
             named: ["reason"]) { roNo, invocation, environment in
            guard let reason = try invocation.text("reason") else { throw CommandFailure.badRequest("repair hold needs reason=\"...\"") }
            return try await environment.store.holdRepair(roNo, reason: reason, invocation.context)
        },
        step("repair resume", "repair resume <RO> [ref=...]", "ends the order's hold: the clock runs again", role: .clerk) { roNo, invocation, environment in
            try await environment.store.resumeRepair(roNo, invocation.context)
        },
        CommandSpec("repair return",
                    "repair return <RO> outcome=repaired|unrepaired|replaced|scrapped [serial=<new>] [cost=<x>] [location=<code>] [sent=<date>] [note=...] [ref=...]",
                    "the unit comes back (or is scrapped): into stock at its repair cost when serviceable and ours; prints the receipt; 201 CREATED <doc_no>",
                    role: .clerk, changesData: true, positional: 1...1,
                    named: ["outcome", "serial", "cost", "location", "sent", "note"]) { invocation, environment in
            let outcomes = RepairOutcome.allCases.map(\.rawValue)
            guard let outcome = try invocation.choice("outcome", of: outcomes).flatMap(RepairOutcome.init(rawValue:)) else {
                throw CommandFailure.badRequest("repair return needs outcome=\(outcomes.joined(separator: "|"))")
            }
            if let serial = invocation[named: "serial"], !Identifier.isSerial(serial) {
                throw CommandFailure.invalid("'\(serial)' is not a valid serial (\(Identifier.partNumberRule))")
            }
            let back = RepairReturn(roNo: try number(invocation), outcome: outcome, serial: invocation[named: "serial"],
                                    cost: try invocation.amount("cost"), location: invocation[named: "location"],
                                    sent: try invocation.date("sent"), note: try invocation.text("note"))
            let posting = try await environment.store.returnRepair(back, invocation.context)
            var blocks: [Block] = [.record(summary(posting.order))]
            if let document = posting.document { blocks.append(.document(document)) }
            return Reply(.created, posting.message, blocks: blocks)
        },
        CommandSpec("repair show", "repair show <RO>", "one repair order: the unit, the vendor, every step with who and when, holds, quote, outcome and cost",
                    role: .viewer, positional: 1...1) { invocation, environment in
            let order = try await environment.store.repairOrder(try number(invocation))
            return Reply(.ok, "\(order.roNo) \(order.state.rawValue)\(order.onHold == nil ? "" : ", on hold")", blocks: [
                .record(fields(order)),
                .table(Table(key: "events", columns: [.init("at", "WHEN"), .init("from"), .init("to"), .init("by"), .init("note")],
                             rows: order.events.map { event in
                                 [.text(StockCommands.shortTime(event.at)), .optional(event.from), .text(event.to), .text(event.by),
                                  .optional(event.note)]
                             })),
                .table(Table(key: "holds", columns: [.init("held_at", "HELD"), .init("reason"), .init("by"), .init("resumed_at", "RESUMED")],
                             rows: order.holds.map { hold in
                                 [.text(StockCommands.shortTime(hold.heldAt)), .text(hold.reason), .text(hold.heldBy),
                                  hold.resumedAt.map { .text(StockCommands.shortTime($0)) } ?? .null]
                             })),
            ])
        },
        CommandSpec("repair list", "repair list [state=<state>] [vendor=<code>] [--overdue] [limit=<n>]",
                    "repair orders oldest first, with days at the vendor and the promised date; open ones unless state= says otherwise",
                    role: .viewer, named: ["state", "vendor", "limit"], flags: ["overdue"]) { invocation, environment in
            let limit = try invocation.listLimit()
            let state = try invocation.choice("state", of: RepairOrderState.names).flatMap(RepairOrderState.init(rawValue:))
            let orders = try await environment.store.repairOrders(state: state, openOnly: state == nil, vendor: invocation[named: "vendor"],
                                                                  overdue: invocation.request.has(flag: "overdue"), limit: limit)
            return Reply(.ok, "\(orders.count) repair orders", blocks: [.table(Table(
                columns: [.init("ro_no", "ORDER"), .init("state"), .init("vendor"), .init("unit"), .init("days_at_vendor", "DAYS", .right),
                          .init("promised"), .init("on_hold", "HOLD")],
                rows: orders.map { order in
                    [.text(order.roNo), .text(order.state), .text(order.vendor), .text(unitText(order)), .integer(order.daysAtVendor),
                     .optional(order.promised), .bool(order.onHold)]
                }))])
        },
        CommandSpec("repair batch", "repair batch <vendor>",
                    "the vendor's open repair list, oldest first, to print or send", role: .viewer,
                    positional: 1...1) { invocation, environment in
            let batch = try await environment.store.repairBatch(vendor: invocation.argument(0)!)
            return Reply(.ok, "\(batch.orders.count) open repair orders at \(batch.vendor)", blocks: [
                .lines(key: "heading", TagRenderer.heading(title: "OPEN REPAIRS 在修清单", number: "\(batch.vendor)  \(batch.vendorName)",
                                                            fields: [("Date 日期", batch.date), ("Open orders 在修", String(batch.orders.count))])),
                .table(Table(columns: [.init("ro_no", "ORDER"), .init("unit"), .init("days_at_vendor", "DAYS", .right),
                                       .init("promised"), .init("vendor_rma", "RMA"), .init("fault")],
                             rows: batch.orders.map { order in
                                 [.text(order.roNo), .text(unitText(order)), .integer(order.daysAtVendor), .optional(order.promised),
                                  .optional(order.vendorRMA), .text(DisplayWidth.truncate(order.fault, to: 20))]
                             })),
                .lines(key: "signatures", TagRenderer.signatures(("Sent by 发出人", "Vendor 返修厂确认"))),
            ])
        },
    ]

    /// A step on one order: parse the number, call the store, answer with the order's summary.
    private static func step(
        _ name: String, _ synopsis: String, _ summary: String, role: Role, named: Set<String> = [], flags: Set<String> = [],
        _ body: @escaping @Sendable (String, Invocation, CommandEnvironment) async throws -> RepairPosting
    ) -> CommandSpec {
        CommandSpec(name, synopsis, summary, role: role, changesData: true, positional: 1...1, named: named, flags: flags) { invocation, environment in
            let posting = try await body(try number(invocation), invocation, environment)
            return Reply(.ok, posting.message, blocks: [.record(Self.summary(posting.order))])
        }
    }

    private static func number(_ invocation: Invocation) throws(CommandFailure) -> String {
        let roNo = invocation.argument(0)!
        guard PurchaseOrderCommands.isDocumentNumber(roNo, type: "RO") else {
            throw .invalid("a repair order number looks like RO-2026-000001, got \(roNo)")
        }
        return roNo
    }

    static func unitText(_ order: RepairSummary) -> String {
        order.serial.map { "\(order.partNo)#\($0)" } ?? "\(order.partNo):\(order.quantity.trimmed)"
    }

    private static func unitText(_ order: RepairOrder) -> String {
        order.serial.map { "\(order.partNo)#\($0)" } ?? "\(order.partNo):\(order.quantity.trimmed)"
    }

    /// What every step answers with: where the order stands.
    static func summary(_ order: RepairOrder) -> [Field] {
        [
            Field("ro_no", .text(order.roNo)), Field("state", .text(order.state.rawValue)), Field("on_hold", .optional(order.onHold)),
            Field("unit", .text(unitText(order))), Field("vendor", .text(order.vendor)), Field("promised", .optional(order.promised)),
            Field("quote", order.quote.map(Value.money) ?? .null), Field("beyond_repair", .bool(order.beyondRepair)),
            Field("outcome", .optional(order.outcome)), Field("cost", order.cost.map(Value.money) ?? .null),
        ]
    }

    static func fields(_ order: RepairOrder) -> [Field] {
        [
            Field("ro_no", .text(order.roNo)), Field("state", .text(order.state.rawValue)), Field("on_hold", .optional(order.onHold)),
            Field("part_no", .text(order.partNo)), Field("description", .text(order.description)),
            Field("serial", .optional(order.serial)), Field("quantity", .decimal(order.quantity)), Field("unit_of_measure", .text(order.unit)),
            Field("origin", .text(order.origin)), Field("customer", .optional(order.customer)), Field("location", .text(order.location)),
            Field("vendor", .text(order.vendor)), Field("vendor_name", .text(order.vendorName)),
            Field("vendor_rma", .optional(order.vendorRMA)), Field("fault", .text(order.fault)),
            Field("shipped_at", .text(StockCommands.shortTime(order.shippedAt))), Field("shipped_by", .text(order.shippedBy)),
            Field("promised", .optional(order.promised)), Field("days_at_vendor", .integer(order.daysAtVendor)),
            Field("hold_days", .integer(order.holdDays)), Field("late_days", order.lateDays.map(Value.integer) ?? .null),
            Field("value_out", .money(order.valueOut)), Field("price", .money(order.price)),
            Field("quote", order.quote.map(Value.money) ?? .null), Field("beyond_repair", .bool(order.beyondRepair)),
            Field("decision", .optional(order.decision)), Field("decided_by", .optional(order.decidedBy)),
            Field("outcome", .optional(order.outcome)), Field("cost", order.cost.map(Value.money) ?? .null),
            Field("replacement_serial", .optional(order.replacementSerial)), Field("return_location", .optional(order.returnLocation)),
            Field("sent_back_on", .optional(order.sentBackOn)),
            Field("returned_at", order.returnedAt.map { .text(StockCommands.shortTime($0)) } ?? .null),
            Field("returned_by", .optional(order.returnedBy)), Field("dispatch_doc", .text(order.dispatchDocument)),
            Field("return_doc", .optional(order.returnDocument)),
        ]
    }

    /// The repair tag that goes on the unit: RO number, vendor, part, serial, fault, dates,
    /// signatures.
    static func tag(_ order: RepairOrder) -> [String] {
        var fields: [(String, String)] = [
            ("Vendor 返修厂", "\(order.vendor)  \(order.vendorName)"),
            ("Part 配件", "\(order.partNo)  \(order.description)"),
            order.serial.map { ("Serial 序列号", $0) } ?? ("Quantity 数量", "\(order.quantity.trimmed) \(order.unit)"),
            ("Fault 故障", order.fault),
            ("Origin 来源", order.origin + (order.customer.map { ", customer \($0)" } ?? "")),
            ("From 发出", order.location),
            ("Shipped 发出日期", "\(StockCommands.shortTime(order.shippedAt).prefix(16)) by \(order.shippedBy)"),
            ("Promised 承诺日期", order.promised ?? "-"),
        ]
        if let rma = order.vendorRMA { fields.append(("RMA 返修授权", rma)) }
        return TagRenderer.render(title: "REPAIR TAG 返修标签", number: order.roNo, fields: fields,
                                  signatures: ("Sent by 发货人", "Vendor 返修厂签收"))
    }
}
