import PartsDomain
import PostgresClient

/// What the daily deadlines job found (deadlines_mark): repair orders past their promised
/// date and exchange cores past their due date, and how many of each it marked for the first
/// time. The job writes `summary` and `lines` to its row for `job show`.
public struct RepairDeadlineFindings: Sendable {
    public struct LateRepair: Sendable, Equatable {
        public var roNo: String
        public var vendor: String
        public var partNo: String
        public var serial: String?
        public var promised: String
        public var daysLate: Int
    }

    public struct LateCore: Sendable, Equatable {
        public var xcNo: String
        public var customer: String
        public var partNo: String
        public var serial: String
        public var due: String
        public var daysLate: Int
    }

    public var on: String
    public var markedRepairs: Int
    public var markedCores: Int
    public var repairs: [LateRepair]
    public var cores: [LateCore]

    /// One line for the job's outcome.
    public var summary: String {
        "\(repairs.count) repairs past their promised date (\(markedRepairs) new), "
            + "\(cores.count) cores past their due date (\(markedCores) new), on \(on)"
    }

    /// One line per finding, latest first.
    public var lines: [String] {
        repairs.map { late in
            "\(late.roNo) at \(late.vendor): \(late.partNo)\(late.serial.map { "#" + $0 } ?? "") promised \(late.promised), \(late.daysLate) days late"
        } + cores.map { late in
            "\(late.xcNo) \(late.customer): core for \(late.partNo)#\(late.serial) due \(late.due), \(late.daysLate) days late"
        }
    }
}

extension PartsStore {
    /// Runs the deadlines for `day` (ISO date; today when nil) in one transaction.
    public func markDeadlines(on day: String? = nil) async throws(StoreError) -> RepairDeadlineFindings {
        let json = try await write { connection throws(PostgresError) in
            try connection.query("SELECT deadlines_mark(coalesce($1::date, current_date)) AS findings", [day]).records[0].text("findings")
        }
        let fields = try JSONFields(parsing: json, "deadline findings")
        let repairs = JSONFields(fields.json["repairs"] ?? .null, "repair deadlines")
        let cores = JSONFields(fields.json["cores"] ?? .null, "core deadlines")
        var lateRepairs: [RepairDeadlineFindings.LateRepair] = []
        for late in repairs.objects("late", "late repair") {
            lateRepairs.append(.init(roNo: try late.text("ro_no"), vendor: try late.text("vendor"), partNo: try late.text("part_no"),
                                     serial: late.optionalText("serial"), promised: try late.text("promised"),
                                     daysLate: try late.int("days_late")))
        }
        var lateCores: [RepairDeadlineFindings.LateCore] = []
        for late in cores.objects("late", "late core") {
            lateCores.append(.init(xcNo: try late.text("xc_no"), customer: try late.text("customer"), partNo: try late.text("part_no"),
                                   serial: try late.text("serial"), due: try late.text("due"), daysLate: try late.int("days_late")))
        }
        return RepairDeadlineFindings(on: try fields.text("on"), markedRepairs: try repairs.int("marked"), markedCores: try cores.int("marked"),
                                repairs: lateRepairs, cores: lateCores)
    }
}
