import PartsDomain
import PartsProtocol
import PartsStore

/// location add | list.
enum LocationCommands {
    static let specs: [CommandSpec] = [
        CommandSpec("location add", "location add <code> \"<name>\" [kind=warehouse|branch|rotation|oldparts|repair|quarantine|transit]",
                    "adds a stock location", role: .manager, changesData: true, positional: 2...2,
                    named: ["kind"]) { invocation, environment in
            let code = invocation.argument(0)!
            guard Identifier.isLocationCode(code) else {
                throw CommandFailure.invalid("'\(code)' is not a valid location code (letters, digits, _ . -, up to 32)")
            }
            let name = invocation.argument(1)!.trimmingSpaces
            guard !name.isEmpty, name.count <= 200 else { throw CommandFailure.invalid("the name must be 1 to 200 characters") }
            let kind = invocation[named: "kind"] ?? "warehouse"
            guard PartsStore.locationKinds.contains(kind) else {
                throw CommandFailure.invalid("unknown kind \(kind); kinds: \(PartsStore.locationKinds.joined(separator: ", "))")
            }
            return Reply(try await environment.store.addLocation(code, name: name, kind: kind, invocation.context))
        },
        CommandSpec("location list", "location list", "locations with their stocked parts and value", role: .viewer) {
            _, environment in
            let locations = try await environment.store.locations()
            return Reply(.ok, "\(locations.count) locations", blocks: [.table(Table(
                columns: [Table.Column("code"), Table.Column("name"), Table.Column("kind"),
                          Table.Column("parts", nil, .right), Table.Column("value", nil, .right)],
                rows: locations.map { [.text($0.code), .text($0.name), .text($0.kind), .integer($0.parts), .money($0.value)] }))])
        },
    ]
}
