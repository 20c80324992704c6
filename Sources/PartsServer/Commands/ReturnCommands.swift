import PartsDomain
import PartsProtocol
import PartsStore

/// return: unused parts back into stock against the goods issue that gave them out (退料).
enum ReturnCommands {
    static let specs: [CommandSpec] = [
        CommandSpec("return", "return <GI-no> <part_no>:<qty> ... [note=...] [ref=...]",
                    "unused parts back into stock against their goods issue: posts an RT document; never more than was issued",
                    role: .clerk, changesData: true, positional: 1...1, lines: .required, named: ["note"]) { invocation, environment in
            let lines = try LineItems.parse(Array(invocation.arguments.dropFirst()), meaning: .movement, allowCost: false)
            let document = try await environment.store.postReturn(lines, note: try invocation.text("note"),
                                                                  against: invocation.argument(0)!, invocation.context)
            return Reply(.created, document.docNo, blocks: [.document(document)])
        },
    ]
}
