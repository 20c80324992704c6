import PartsDomain
import PartsProtocol
import PartsStore

/// supplier add | list: who purchase orders go to.
enum SupplierCommands {
    /// The schema stores numeric(15,2).
    static let maximumMinOrder = ExactDecimal(units: 1_000_000_000_000, scale: 0)

    static let specs: [CommandSpec] = [
        CommandSpec("supplier add", "supplier add <code> \"<name>\" [lead_days=<n>] [min_order=<amount>]",
                    "adds a supplier: lead time in days, least order value", role: .manager, changesData: true,
                    positional: 2...2, named: ["lead_days", "min_order"]) { invocation, environment in
            let code = invocation.argument(0)!
            guard Identifier.isLocationCode(code) else {
                throw CommandFailure.invalid("'\(code)' is not a valid supplier code (letters, digits, _ . -, up to 32)")
            }
            let name = invocation.argument(1)!.trimmingSpaces
            guard !name.isEmpty, name.count <= 200 else { throw CommandFailure.invalid("the name must be 1 to 200 characters") }
            var leadDays: Int?
            if let text = invocation[named: "lead_days"] {
                guard let days = Int(text), (0...3650).contains(days) else {
                    throw CommandFailure.invalid("lead_days must be a whole number of days from 0 to 3650, got \(text)")
                }
                leadDays = days
            }
            var minOrder: ExactDecimal?
            if let text = invocation[named: "min_order"] {
                do throws(NumberProblem) { minOrder = try ExactDecimal.bounded(text, scale: 2, limit: maximumMinOrder) } catch { throw CommandFailure(error) }
            }
            return Reply(try await environment.store.addSupplier(code, name: name, leadDays: leadDays, minOrder: minOrder,
                                                                 invocation.context))
        },
        CommandSpec("supplier list", "supplier list", "suppliers with lead days, minimum order and open orders",
                    role: .viewer) { _, environment in
            let suppliers = try await environment.store.suppliers()
            return Reply(.ok, "\(suppliers.count) suppliers", blocks: [.table(Table(
                columns: [Table.Column("code"), Table.Column("name"), Table.Column("lead_days", nil, .right),
                          Table.Column("min_order", nil, .right), Table.Column("open_orders", nil, .right)],
                rows: suppliers.map { supplier in
                    [.text(supplier.code), .text(supplier.name), supplier.leadDays.map(Value.integer) ?? .null,
                     supplier.minOrder.map(Value.money) ?? .null, .integer(supplier.openOrders)]
                }))])
        },
    ]
}
