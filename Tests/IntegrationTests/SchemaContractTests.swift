import Foundation
import PartsDomain
import PartsStore
import PostgresClient
import Testing

/// What the Swift code and the schema must agree on, checked against a migrated database.
@Suite("the code and the schema agree")
struct SchemaContractTests {
    /// Every workflow the store calls is one SQL function taking the request, and it is
    /// wrapped by the shared pair: request_begin first (the ref, a retry's replay), and
    /// request_end (the reply a retry gets, the audit row) on its way out.
    @Test func everyWorkflowIsOneFunctionWrappedByTheRequestEnvelope() throws {
        let database = try TestCluster.createDatabase()
        defer { TestCluster.dropDatabase(database) }
        let connection = try Connection(conninfo: TestCluster.conninfo(database: database))
        for workflow in Workflow.allCases {
            let found = try connection.query("""
                SELECT p.prosrc AS source, pg_get_function_result(p.oid) AS result
                  FROM pg_proc p WHERE p.oid = to_regprocedure($1 || '(jsonb)')
                """, [workflow.rawValue]).records.first
            let row = try #require(found, "no SQL function \(workflow.rawValue)(jsonb)")
            #expect(try row.text("result") == "jsonb", "\(workflow.rawValue)")
            let source = try row.text("source")
            let begin = source.range(of: "request_begin(p)")
            let end = source.range(of: "request_end(p,")
            #expect(begin != nil, "\(workflow.rawValue) does not call request_begin(p)")
            #expect(end != nil, "\(workflow.rawValue) does not return through request_end(p, ...)")
            if let begin, let end { #expect(begin.lowerBound < end.lowerBound, "\(workflow.rawValue)") }
        }
    }

    /// The hottest workflows (a clerk's receipt and issue, one by one and as a set, and an
    /// import's part add) call no SQL-language function: every helper on their path is
    /// inlined. One that is not (declared IMMUTABLE over a stable body, or given a call that
    /// writes as its argument) is parsed and planned again at every call.
    @Test func theHotWorkflowsCallNoSQLFunctionThatIsNotInlined() throws {
        let database = try TestCluster.createDatabase()
        defer { TestCluster.dropDatabase(database) }
        let connection = try Connection(conninfo: TestCluster.conninfo(database: database))
        let actor = #"{"uid": 0, "user": "test", "role": "admin"}"#
        func request(_ fields: String) -> String { #"{"actor": \#(actor), "command": "test", \#(fields)}"# }
        try connection.query("SELECT location_add($1::jsonb)", [request(#""code": "MAIN", "name": "Main""#)])
        try connection.execute("BEGIN; SET LOCAL track_functions = 'all'")
        try connection.query("SELECT part_add($1::jsonb)", [request(#""part_no": "P-1", "description": "Filter", "cost": "2.50""#)])
        try connection.query("SELECT part_add_set($1::jsonb)", [
            "[" + request(#""part_no": "P-2", "description": "Belt""#) + "," + request(#""part_no": "P-3", "description": "Pad""#) + "]",
        ])
        let receipt = request(#""type": "GR", "location": "MAIN", "lines": [{"part_no": "P-1", "quantity": "10"}]"#)
        let issue = request(#""type": "GI", "location": "MAIN", "lines": [{"part_no": "P-1", "quantity": "1"}]"#)
        // A client's retry-safe posting carries a ref, whose reply is recorded with it.
        func issueWithRef(_ ref: String) -> String {
            request(#""type": "GI", "location": "MAIN", "ref": "\#(ref)", "fingerprint": "f-\#(ref)", "lines": [{"part_no": "P-1", "quantity": "1"}]"#)
        }
        for batch in ["[\(receipt)]", "[\(issue)]", "[\(issue),\(issue)]", "[\(issueWithRef("r-1"))]",
                      "[\(issue),\(issueWithRef("r-2"))]"] {
            let replies = try connection.query("SELECT post_stock_documents($1::jsonb)::text AS replies", [batch])
            let answers = try replies.records[0].text("replies")
            #expect(!answers.contains("sqlstate"), "\(batch): \(answers)")
        }
        // A clerk's return of unused parts against the first issue.
        let issued = try connection.query("SELECT doc_no FROM document WHERE doc_type = 'GI' ORDER BY id LIMIT 1").records[0].text("doc_no")
        let returned = try connection.query("SELECT return_post($1::jsonb)::text AS reply", [
            request(#""gi_no": "\#(issued)", "lines": [{"part_no": "P-1", "quantity": "1"}]"#),
        ])
        #expect(try returned.records[0].text("reply").contains("\"code\": 201"), "\(returned)")
        let called = try connection.query("""
            SELECT f.funcname FROM pg_stat_xact_user_functions f
              JOIN pg_proc p ON p.oid = f.funcid JOIN pg_language l ON l.oid = p.prolang
             WHERE l.lanname = 'sql' ORDER BY 1
            """).records.map { try $0.text("funcname") }
        try connection.execute("ROLLBACK")
        #expect(called.isEmpty, "SQL functions called, not inlined: \(called)")
    }

    /// The state lists the daemon filters and branches on are the rows of the state tables.
    @Test func everyStateEnumMatchesItsTable() throws {
        let database = try TestCluster.createDatabase()
        defer { TestCluster.dropDatabase(database) }
        let connection = try Connection(conninfo: TestCluster.conninfo(database: database))
        func states(_ table: String) throws -> Set<String> {
            Set(try connection.query("SELECT state FROM \(table)").records.map { try $0.text("state") })
        }
        #expect(try states("requisition_state") == Set(RequisitionState.names))
        #expect(try states("purchase_order_state") == Set(PurchaseOrderState.names))
        #expect(try states("transfer_order_state") == Set(TransferOrderState.names))
        #expect(try states("stock_exception_state") == Set(StockExceptionState.names))
        #expect(try states("reorder_proposal_state") == Set(ReorderProposalState.names))
        #expect(try states("job_run_state") == Set(JobRunState.names))
        #expect(try states("old_part_state") == Set(OldPartState.names))
        #expect(try states("return_batch_state") == Set(ReturnBatchState.names))
        #expect(try states("repair_state") == Set(RepairOrderState.names))
        #expect(try states("exchange_state") == Set(ExchangeState.names))
        #expect(try states("unit_place") == Set(UnitPlace.names))
        #expect(try states("unit_condition") == Set(UnitCondition.names))
    }
}
