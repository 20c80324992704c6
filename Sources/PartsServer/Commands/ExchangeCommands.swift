import PartsDomain
import PartsProtocol
import PartsStore

/// exchange out | core | show | list: the exchange pool's send/receive log (周转仓收发货登记).
enum ExchangeCommands {
    static let specs: [CommandSpec] = [
        CommandSpec("exchange out",
                    "exchange out <location> <part_no>#<serial>|<part_no> customer=<who> [core=<expected serial>] [due=<date>] [deposit=<x>] [ref=...]",
                    "a serviceable unit from the pool to the customer at once, a core due back; prints the receipt and the core return tag; 201 CREATED XC-...",
                    role: .clerk, changesData: true, positional: 2...2, named: ["customer", "core", "due", "deposit"]) { invocation, environment in
            let word = invocation.argument(1)!
            let unit: UnitName? = word.contains("#") ? try UnitName(parsing: word) : nil
            let partNo = unit?.partNo ?? word
            guard Identifier.isPartNumber(partNo) else { throw CommandFailure.invalid("'\(partNo)' is not a valid part number") }
            guard let customer = try invocation.text("customer", maxLength: 200) else {
                throw CommandFailure.badRequest("exchange out needs customer=<who>")
            }
            if let core = invocation[named: "core"], !Identifier.isSerial(core) {
                throw CommandFailure.invalid("'\(core)' is not a valid serial")
            }
            let draft = ExchangeDraft(location: invocation.argument(0)!, partNo: partNo, serial: unit?.serial, customer: customer,
                                      expectedCore: invocation[named: "core"], due: try invocation.date("due"),
                                      deposit: try invocation.amount("deposit"))
            switch try await environment.store.exchangeOut(draft, coreDueDays: environment.configuration.coreDueDays, invocation.context) {
            case .poolEmpty(let outcome):
                return Reply(outcome)
            case .served(let posting):
                var blocks: [Block] = [.record(summary(posting.exchange))]
                if let document = posting.document { blocks.append(.document(document)) }
                blocks.append(.lines(key: "core_tag", coreTag(posting.exchange)))
                return Reply(.created, posting.exchange.xcNo, blocks: blocks)
            }
        },
        CommandSpec("exchange core", "exchange core <XC-no> serial=<serial> grade=full|damaged|none [charge=<x>] [note=...] [ref=...]",
                    "the customer's core comes back, graded: it arrives unserviceable into the pool; damaged or none is charged",
                    role: .clerk, changesData: true, positional: 1...1, named: ["serial", "grade", "charge", "note"]) { invocation, environment in
            let grades = CoreGrade.allCases.map(\.rawValue)
            guard let grade = try invocation.choice("grade", of: grades).flatMap(CoreGrade.init(rawValue:)) else {
                throw CommandFailure.badRequest("exchange core needs grade=\(grades.joined(separator: "|"))")
            }
            if let serial = invocation[named: "serial"], !Identifier.isSerial(serial) {
                throw CommandFailure.invalid("'\(serial)' is not a valid serial")
            }
            let posting = try await environment.store.exchangeCore(
                try number(invocation), serial: invocation[named: "serial"], grade: grade, charge: try invocation.amount("charge"),
                coreChargePercent: environment.configuration.coreChargePercent, note: try invocation.text("note"), invocation.context)
            let record = Block.record(summary(posting.exchange))
            guard let document = posting.document else { return Reply(.ok, posting.message, blocks: [record]) }
            return Reply(.created, document.docNo, blocks: [record, .document(document), .lines(key: "advice", [posting.message])])
        },
        CommandSpec("exchange show", "exchange show <XC-no>",
                    "one exchange: the unit out and the core back (or due), the due date, deposit and charge", role: .viewer,
                    positional: 1...1) { invocation, environment in
            let exchange = try await environment.store.exchange(try number(invocation))
            return Reply(.ok, "\(exchange.xcNo) \(exchange.state.rawValue)", blocks: [.record(fields(exchange))])
        },
        CommandSpec("exchange list", "exchange list [state=open|overdue|closed] [customer=<who>] [limit=<n>]",
                    "the send/receive log, earliest due first: the unit out and the core in on one line; open and overdue ones unless state= says otherwise",
                    role: .viewer, named: ["state", "customer", "limit"]) { invocation, environment in
            let limit = try invocation.listLimit()
            let state = try invocation.choice("state", of: ExchangeState.names).flatMap(ExchangeState.init(rawValue:))
            let exchanges = try await environment.store.exchanges(state: state, customer: invocation[named: "customer"], limit: limit)
            return Reply(.ok, "\(exchanges.count) exchanges", blocks: [.table(Table(
                columns: [.init("xc_no", "EXCHANGE"), .init("state"), .init("customer"), .init("out", "UNIT OUT"), .init("core", "CORE IN"),
                          .init("due"), .init("days_late", "LATE", .right)],
                rows: exchanges.map { exchange in
                    [.text(exchange.xcNo), .text(exchange.state.rawValue), .text(exchange.customer),
                     .text("\(exchange.partNo)#\(exchange.serial)"), .optional(exchange.coreSerial ?? exchange.coreGrade), .text(exchange.due),
                     exchange.daysLate.map(Value.integer) ?? .null]
                }))])
        },
    ]

    private static func number(_ invocation: Invocation) throws(CommandFailure) -> String {
        let xcNo = invocation.argument(0)!
        guard PurchaseOrderCommands.isDocumentNumber(xcNo, type: "XC") else {
            throw .invalid("an exchange number looks like XC-2026-000001, got \(xcNo)")
        }
        return xcNo
    }

    private static func summary(_ exchange: Exchange) -> [Field] {
        [
            Field("xc_no", .text(exchange.xcNo)), Field("state", .text(exchange.state.rawValue)),
            Field("customer", .text(exchange.customer)), Field("unit_out", .text("\(exchange.partNo)#\(exchange.serial)")),
            Field("due", .text(exchange.due)), Field("core", .optional(exchange.coreSerial)), Field("core_grade", .optional(exchange.coreGrade)),
            Field("charge", exchange.charge.map(Value.money) ?? .null), Field("charge_basis", .optional(exchange.chargeBasis)),
        ]
    }

    private static func fields(_ exchange: Exchange) -> [Field] {
        [
            Field("xc_no", .text(exchange.xcNo)), Field("state", .text(exchange.state.rawValue)), Field("pool", .text(exchange.location)),
            Field("part_no", .text(exchange.partNo)), Field("description", .text(exchange.description)),
            Field("serial_out", .text(exchange.serial)), Field("customer", .text(exchange.customer)),
            Field("expected_core", .optional(exchange.expectedCore)), Field("due", .text(exchange.due)),
            Field("days_out", .integer(exchange.daysOut)), Field("days_late", exchange.daysLate.map(Value.integer) ?? .null),
            Field("deposit", exchange.deposit.map(Value.money) ?? .null), Field("core_serial", .optional(exchange.coreSerial)),
            Field("core_grade", .optional(exchange.coreGrade)), Field("charge", exchange.charge.map(Value.money) ?? .null),
            Field("charge_basis", .optional(exchange.chargeBasis)), Field("created_by", .text(exchange.createdBy)),
            Field("created_at", .text(StockCommands.shortTime(exchange.createdAt))),
            Field("closed_by", .optional(exchange.closedBy)), Field("closed_at", exchange.closedAt.map { .text(StockCommands.shortTime($0)) } ?? .null),
            Field("out_doc", .text(exchange.outDocument)), Field("core_doc", .optional(exchange.coreDocument)),
        ]
    }

    /// The tag the customer gets for the core they owe: what to bring back, and by when.
    private static func coreTag(_ exchange: Exchange) -> [String] {
        TagRenderer.render(title: "CORE RETURN TAG 旧件回收标签", number: exchange.xcNo, fields: [
            ("Customer 客户", exchange.customer),
            ("Part 配件", "\(exchange.partNo)  \(exchange.description)"),
            ("Unit out 发出件", exchange.serial),
            ("Core 应还旧件", exchange.expectedCore ?? "the failed \(exchange.partNo)"),
            ("Due 应还日期", exchange.due),
            ("Deposit 押金", exchange.deposit.map { $0.formatted(minimumScale: 2) } ?? "none"),
            ("Return to 交回", exchange.location),
        ], signatures: ("Customer 客户", "Received by 收货人"))
    }
}
