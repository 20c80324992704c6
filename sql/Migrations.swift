/// The schema, compiled into the binary so an installed partsd needs no files beside it.
/// Package.swift embeds every file listed here; SwiftPM names the bytes after the file,
/// mangled, so each new file adds its line below (a test checks the lists against the folders).
public enum BundledSQL {
    /// A numbered migration: tables, constraints and data changes, never edited once shipped.
    public struct Migration: Sendable {
        public let version: Int
        public let name: String
        public let text: String
        /// Checksums (md5) of earlier texts of this migration that count as it applied.
        public let formerChecksums: Set<String>
    }

    /// A script of functions, views, triggers and types: source, applied again whenever any
    /// script changed (see Migrator).
    public struct Script: Sendable {
        public let name: String
        public let text: String
    }

    /// Migrations 001 to 010 once also held the functions, views and triggers of their
    /// workflows, several of them replaced by later migrations. Those moved to sql/functions
    /// (issue 9), which left the migrations with what they changed in tables and data; the
    /// checksums of the texts 0.1.0 shipped are the second column, so databases made by 0.1.0
    /// upgrade without being taken for edited.
    public static let migrations: [Migration] = [
        (1, "001_stock_ledger.sql", PackageResources._01_stock_ledger_sql, "a6eff6e0e24dede2271dc44904df69b7"),
        (2, "002_batched_posting.sql", PackageResources._02_batched_posting_sql, "6260bc527c71ad86080f102171ec59af"),
        (3, "003_demand_history.sql", PackageResources._03_demand_history_sql, "c35fc2b57c435facde6b1ea995165055"),
        (4, "004_planning_jobs.sql", PackageResources._04_planning_jobs_sql, "b12f0620f973b32389983517ad006672"),
        (5, "005_purchasing.sql", PackageResources._05_purchasing_sql, "da37393cbf800687a3901e940b582c96"),
        (6, "006_requisitions.sql", PackageResources._06_requisitions_sql, "8b087466bb9426ba6ead113ed9c230a6"),
        (7, "007_returns.sql", PackageResources._07_returns_sql, "1881c5cd75cdcc84cfe9115d89ea23dd"),
        (8, "008_transfer_orders.sql", PackageResources._08_transfer_orders_sql, "6350492b89f1085ee298a3c45da229e6"),
        (9, "009_exceptions.sql", PackageResources._09_exceptions_sql, "2a9b88baf507dd9682701db961a4f997"),
        (10, "010_issue_batches.sql", PackageResources._10_issue_batches_sql, "4d7f16bc87c84a8d2888f78a74c572df"),
        (11, "011_one_write_path.sql", PackageResources._11_one_write_path_sql, nil),
        (12, "012_record_documents.sql", PackageResources._12_record_documents_sql, nil),
        (13, "013_warranty.sql", PackageResources._13_warranty_sql, nil),
        (14, "014_serials_repairs.sql", PackageResources._14_serials_repairs_sql, nil),
        (15, "015_job_findings.sql", PackageResources._15_job_findings_sql, nil),
        (16, "016_history_start.sql", PackageResources._16_history_start_sql, nil),
        (17, "017_review_days.sql", PackageResources._17_review_days_sql, nil),
        (18, "018_fill_rate.sql", PackageResources._18_fill_rate_sql, nil),
        (19, "019_obsolescence.sql", PackageResources._19_obsolescence_sql, nil),
        (20, "020_part_fill_rate.sql", PackageResources._20_part_fill_rate_sql, nil),
        (21, "021_demand_model.sql", PackageResources._21_demand_model_sql, nil),
        (22, "022_method_trial.sql", PackageResources._22_method_trial_sql, nil),
        (23, "023_demand_history_by_location.sql", PackageResources._23_demand_history_by_location_sql, nil),
        (24, "024_reorder_line_proposal_check.sql", PackageResources._24_reorder_line_proposal_check_sql, nil),
    ].map { Migration(version: $0.0, name: $0.1, text: String(decoding: $0.2, as: UTF8.self), formerChecksums: Set([$0.3].compactMap { $0 })) }

    /// In dependency order: a script may use what the scripts before it define.
    public static let scripts: [Script] = [
        ("functions/requests.sql", PackageResources.requests_sql),
        ("functions/ledger.sql", PackageResources.ledger_sql),
        ("functions/master_data.sql", PackageResources.master_data_sql),
        ("functions/stock.sql", PackageResources.stock_sql),
        ("functions/purchasing.sql", PackageResources.purchasing_sql),
        ("functions/requisitions.sql", PackageResources.requisitions_sql),
        ("functions/transfer_orders.sql", PackageResources.transfer_orders_sql),
        ("functions/exceptions.sql", PackageResources.exceptions_sql),
        ("functions/planning.sql", PackageResources.planning_sql),
        ("functions/warranty.sql", PackageResources.warranty_sql),
        ("functions/serials.sql", PackageResources.serials_sql),
        ("functions/repairs.sql", PackageResources.repairs_sql),
        ("functions/exchanges.sql", PackageResources.exchanges_sql),
        ("functions/deadlines.sql", PackageResources.deadlines_sql),
    ].map { Script(name: $0.0, text: String(decoding: $0.1, as: UTF8.self)) }
}
