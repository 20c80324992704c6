/// The migrations in this folder, compiled into the binary so an installed partsd needs no
/// files beside it. Package.swift embeds every `*.sql` here; SwiftPM names the bytes after the
/// file, mangled, so each new migration adds its line below (a test checks none is missing).
public enum BundledSQL {
    public static let files: [(name: String, text: String)] = [
        ("001_stock_ledger.sql", PackageResources._01_stock_ledger_sql),
        ("002_batched_posting.sql", PackageResources._02_batched_posting_sql),
        ("003_demand_history.sql", PackageResources._03_demand_history_sql),
        ("004_planning_jobs.sql", PackageResources._04_planning_jobs_sql),
        ("005_purchasing.sql", PackageResources._05_purchasing_sql),
        ("006_requisitions.sql", PackageResources._06_requisitions_sql),
        ("007_returns.sql", PackageResources._07_returns_sql),
        ("008_transfer_orders.sql", PackageResources._08_transfer_orders_sql),
        ("009_exceptions.sql", PackageResources._09_exceptions_sql),
        ("010_issue_batches.sql", PackageResources._10_issue_batches_sql),
    ].map { ($0.0, String(decoding: $0.1, as: UTF8.self)) }
}
