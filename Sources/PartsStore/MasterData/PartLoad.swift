import PartsDomain

/// One row of a `part load`: the part's fields as part add or part set takes them, or the
/// daemon's own refusal of the row's shape (a bad number, a bad part number), which the load
/// reports in its place among the others.
public enum PartLoadRow: Sendable, Equatable {
    case fields(partNo: String, PartChanges)
    case refused(partNo: String, message: String)
}

/// What a part load did, row by row.
public struct PartLoad: Sendable {
    public struct Row: Sendable, Equatable {
        /// The row's place in the request, from 1.
        public let row: Int
        public let partNo: String
        /// added, changed, unchanged or refused.
        public let outcome: String
        /// The reply code part add or part set would have answered for this row alone.
        public let code: Int
        /// Why a refused row was refused.
        public let message: String?
    }

    public let message: String
    public let rows: [Row]
}

extension PartsStore {
    /// Adds, changes or leaves each part of the rows, each on its own, in one transaction
    /// (part_load).
    public func loadParts(_ rows: [PartLoadRow], _ context: CommandContext) async throws(StoreError) -> PartLoad {
        var input = WorkflowInput(context)
        input.set("rows", nested: rows.map { row in
            switch row {
            case .fields(let partNo, let changes):
                var object = WorkflowInput(object: "part_no", partNo)
                object.set(changes)
                return object
            case .refused(let partNo, let message):
                var object = WorkflowInput(object: "part_no", partNo)
                object.set("refused", message)
                return object
            }
        })
        let reply = try await perform(.partLoad, input)
        let answers = try reply.fields("rows")
        return PartLoad(message: reply.message, rows: try answers.json.array?.map { json throws(StoreError) in
            let row = JSONFields(json, "part load row")
            return PartLoad.Row(row: try row.int("row"), partNo: try row.text("part_no"), outcome: try row.text("outcome"),
                                code: try row.int("code"), message: row.optionalText("message"))
        } ?? [])
    }
}
