/// Every change of state the store makes, by the SQL function that makes it. Each is one
/// function `name(p jsonb) RETURNS jsonb` in sql/functions, wrapped by request_begin and
/// request_end (the ref, the reply a retry gets, the audit row); a test checks that each of
/// these exists and is wrapped. See docs/architecture.md.
public enum Workflow: String, Sendable, CaseIterable {
    // Master data (functions/master_data.sql).
    case partAdd = "part_add"
    case partSet = "part_set"
    case partLoad = "part_load"
    case locationAdd = "location_add"
    case supplierAdd = "supplier_add"
    // Stock documents (functions/stock.sql). The clerks' receive, issue, transfer and adjust
    // reach stock_post through the batch, post_stock_documents.
    case stockPost = "stock_post"
    case returnPost = "return_post"
    // Purchasing (functions/purchasing.sql).
    case purchaseOrderNew = "purchase_order_new"
    case purchaseOrderCancel = "purchase_order_cancel"
    case purchaseOrderReceive = "purchase_order_receive"
    // Requisitions (functions/requisitions.sql).
    case requisitionNew = "requisition_new"
    case requisitionApprove = "requisition_approve"
    case requisitionReject = "requisition_reject"
    case requisitionCancel = "requisition_cancel"
    case requisitionClose = "requisition_close"
    case requisitionIssue = "requisition_issue"
    case requisitionFill = "requisition_fill"
    // Branch replenishment (functions/transfer_orders.sql).
    case transferOrderShip = "transfer_order_ship"
    case transferOrderArrive = "transfer_order_arrive"
    // Exceptions (functions/exceptions.sql).
    case exceptionRaise = "exception_raise"
    case exceptionResolve = "exception_resolve"
    // Planning (functions/planning.sql).
    case historyAdd = "history_add"
    case planningSet = "planning_set"
    case targetSet = "target_set"
    case reorderSet = "reorder_set"
    case reorderApprove = "reorder_approve"
    // Warranty old-part return (functions/warranty.sql).
    case oemAdd = "oem_add"
    case oemSet = "oem_set"
    case claimNew = "warranty_claim_new"
    case claimCall = "warranty_claim_call"
    case claimAppeal = "warranty_claim_appeal"
    case verdict = "warranty_verdict"
    case batchNew = "return_batch_new"
    case batchAdd = "return_batch_add"
    case batchRemove = "return_batch_remove"
    case batchBox = "return_batch_box"
    case batchApprove = "return_batch_approve"
    case batchShip = "return_batch_ship"
    case batchReceive = "return_batch_receive"
    case oldPartsScrap = "old_parts_scrap"
    // Units of serialised parts (functions/serials.sql).
    case unitScrap = "unit_scrap"
    case unitRelease = "unit_release"
    // Return-for-repair (functions/repairs.sql).
    case repairNew = "repair_new"
    case repairAck = "repair_ack"
    case repairQuote = "repair_quote"
    case repairAuthorize = "repair_authorize"
    case repairDecline = "repair_decline"
    case repairHold = "repair_hold"
    case repairResume = "repair_resume"
    case repairReturn = "repair_return"
    // The exchange pool (functions/exchanges.sql).
    case exchangeOut = "exchange_out"
    case exchangeCore = "exchange_core"
    case poolSet = "pool_set"
}
