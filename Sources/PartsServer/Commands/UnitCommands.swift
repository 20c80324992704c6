import PartsDomain
import PartsProtocol
import PartsStore

/// unit show | list | scrap | release: the units of serialised parts, each in one place at
/// every moment, with the history of the documents that moved it.
enum UnitCommands {
    static let specs: [CommandSpec] = [
        CommandSpec("unit show", "unit show <part_no>#<serial>",
                    "one unit: where it is, its condition and owner, the order it is on, and every document that moved it, newest first",
                    role: .viewer, positional: 1...1) { invocation, environment in
            let name = try UnitName(parsing: invocation.argument(0)!)
            let unit = try await environment.store.unit(partNo: name.partNo, serial: name.serial)
            return Reply(.ok, "\(name) \(unit.whereabouts)", blocks: [
                .record([
                    Field("unit", .text(name.description)), Field("description", .text(unit.description)),
                    Field("where", .text(unit.whereabouts)), Field("place", .text(unit.place.rawValue)),
                    Field("location", .optional(unit.location)), Field("vendor", .optional(unit.vendor)),
                    Field("holder", .optional(unit.holder)), Field("condition", .text(unit.condition.rawValue)),
                    Field("owner", .text(unit.owner)), Field("owner_name", .optional(unit.ownerName)),
                    Field("open_document", .optional(unit.openDocument)), Field("replaces", .optional(unit.replaces)),
                    Field("replaced_by", .optional(unit.replacedBy)),
                    Field("since", .text(StockCommands.shortTime(unit.movedAt))),
                ]),
                .table(Table(key: "orders", columns: [.init("number", "ORDER"), .init("kind"), .init("role", "AS"), .init("state"),
                                                      .init("at", "SINCE")],
                             rows: unit.orders.map { order in
                                 [.text(order.number), .text(order.kind), .text(order.role), .text(order.state),
                                  .text(String(order.at.prefix(10)))]
                             })),
                .table(Table(key: "history", columns: [.init("posted_at", "POSTED"), .init("doc_no"), .init("type"),
                                                       .init("from"), .init("to"), .init("condition")],
                             rows: unit.history.map { move in
                                 [.text(StockCommands.shortTime(move.postedAt)), .text(move.docNo), .text(move.type),
                                  .text(move.location), .text(destination(move)), .text(move.condition)]
                             })),
            ])
        },
        CommandSpec("unit list", "unit list <part_no> [location=<code>] [condition=serviceable|unserviceable|at_vendor|scrapped] [limit=<n>]",
                    "a serialised part's units by serial: where each is and its condition", role: .viewer,
                    positional: 1...1, named: ["location", "condition", "limit"]) { invocation, environment in
            let limit = try invocation.listLimit()
            let condition = try invocation.choice("condition", of: UnitCondition.names).flatMap(UnitCondition.init(rawValue:))
            let units = try await environment.store.units(partNo: invocation.argument(0)!, location: invocation[named: "location"],
                                                          condition: condition, limit: limit)
            return Reply(.ok, "\(units.count) units", blocks: [.table(Table(
                columns: [.init("serial"), .init("condition"), .init("where"), .init("moved_at", "SINCE")],
                rows: units.map { unit in
                    [.text(unit.serial), .text(unit.condition), .text(unit.whereabouts), .text(String(unit.movedAt.prefix(10)))]
                }))])
        },
        CommandSpec("unit scrap", "unit scrap <location> <part_no>#<serial> reason=\"...\" [ref=...]",
                    "writes a unit of ours off: a serviceable one leaves stock at its average cost (SC), an unserviceable one is recorded as gone (SX)",
                    role: .manager, changesData: true, positional: 2...2, named: ["reason"]) { invocation, environment in
            let name = try UnitName(parsing: invocation.argument(1)!)
            guard let reason = try invocation.text("reason") else { throw CommandFailure.badRequest("unit scrap needs reason=\"...\"") }
            let document = try await environment.store.scrapUnit(at: invocation.argument(0)!, partNo: name.partNo,
                                                                 serial: name.serial, reason: reason, invocation.context)
            return Reply(.created, document.docNo, blocks: [.document(document)])
        },
        CommandSpec("unit release", "unit release <location> <part_no>#<serial> [to=<who>] [note=...] [ref=...]",
                    "hands a customer's unit back to its customer (a CH record; it never was stock)",
                    role: .clerk, changesData: true, positional: 2...2, named: ["to", "note"]) { invocation, environment in
            let name = try UnitName(parsing: invocation.argument(1)!)
            let document = try await environment.store.releaseUnit(
                at: invocation.argument(0)!, partNo: name.partNo, serial: name.serial, to: try invocation.text("to", maxLength: 200),
                note: try invocation.text("note"), invocation.context)
            return Reply(.created, document.docNo, blocks: [.document(document)])
        },
    ]

    /// Where a document took the unit: its other location, else who got it.
    private static func destination(_ move: UnitRecord.Move) -> String {
        if let to = move.toLocation { return to }
        switch move.place {
        case UnitPlace.location.rawValue: return move.location
        case UnitPlace.customer.rawValue: return "customer"
        case UnitPlace.vendor.rawValue: return "vendor"
        default: return "gone"
        }
    }
}
