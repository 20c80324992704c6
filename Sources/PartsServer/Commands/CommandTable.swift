import PartsDomain
import PartsProtocol

/// All commands, looked up by their first one or two words.
struct CommandTable: Sendable {
    let specs: [CommandSpec]
    private let byName: [String: Int]

    init(specs: [CommandSpec]) {
        self.specs = specs
        var byName: [String: Int] = [:]
        for (index, spec) in specs.enumerated() {
            precondition(byName[spec.name] == nil, "command \(spec.name) defined twice")
            byName[spec.name] = index
        }
        self.byName = byName
    }

    /// The full command set of this daemon.
    static let standard: CommandTable = {
        let domain = PartCommands.specs + LocationCommands.specs + StockCommands.specs + DocumentCommands.specs
            + PlanCommands.specs + StockBudgetCommands.specs + JobCommands.specs + ReorderCommands.specs + TargetCommands.specs
            + ReportCommands.specs + SupplierCommands.specs + PurchaseOrderCommands.specs + ReturnCommands.specs
            + RequisitionCommands.specs + TransferOrderCommands.specs + ExceptionCommands.specs
            + OEMCommands.specs + ClaimCommands.specs + ReturnBatchCommands.specs + VerdictCommands.specs
            + OldPartsCommands.specs + WarrantyReportCommands.specs
            + UnitCommands.specs + RepairCommands.specs + RepairReportCommands.specs + ExchangeCommands.specs
            + PoolCommands.specs + CountCommands.specs
        return CommandTable(specs: SessionCommands.specs(table: { CommandTable.standard }) + domain)
    }()

    /// The command a request names and how many of its words the name used.
    func lookup(_ words: [String]) -> (spec: CommandSpec, wordsUsed: Int)? {
        if words.count >= 2, let index = byName[words[0] + " " + words[1]] { return (specs[index], 2) }
        if let first = words.first, let index = byName[first] { return (specs[index], 1) }
        return nil
    }

    /// The verbs of a noun, for the error when only the noun was given.
    func verbs(of noun: String) -> [String] {
        specs.compactMap { spec in
            let parts = spec.name.split(separator: " ")
            return parts.count == 2 && parts[0] == noun ? String(parts[1]) : nil
        }
    }
}
