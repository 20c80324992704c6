import Foundation
import Logging
import PartsClient
import PartsStore
import PostgresClient
import Testing

/// Warranty deadlines against a fixed calendar with known answers: month ends, 29 February,
/// rules changed after a claim (the rules in force when each clock starts apply), the
/// deadlines run on given dates, and the site's own time zone.
@Suite("warranty deadlines")
struct WarrantyCalendarTests {
    /// A migrated database and the workflows called as the daemon calls them.
    final class Calendar {
        let database: String
        let connection: Connection

        init() throws {
            database = try TestCluster.createDatabase()
            connection = try Connection(conninfo: TestCluster.conninfo(database: database))
            try call("location_add", #"{"code": "MAIN", "name": "Main"}"#)
            try call("part_add", #"{"part_no": "P-1", "description": "pad"}"#)
        }

        deinit { TestCluster.dropDatabase(database) }

        /// A workflow with the request's envelope; the site in Asia/Shanghai.
        @discardableResult
        func call(_ workflow: String, _ fields: String) throws -> String {
            let request = #"{"actor": {"uid": 0, "user": "test", "role": "admin"}, "command": "test", "time_zone": "Asia/Shanghai", "max_tags": 200}"#
            return try connection.query("SELECT \(workflow)($1::jsonb || $2::jsonb)::text AS reply", [request, fields])
                .records[0].text("reply")
        }

        func value(_ sql: String) throws -> String? {
            try connection.query("SELECT (\(sql))::text AS value").records[0].optionalText("value")
        }

        /// A claim of one P-1 on `claimed`; returns its tag.
        func claim(_ oem: String, _ number: String, claimed: String) throws -> String {
            try call("warranty_claim_new", #"{"oem": "\#(oem)", "claim_no": "\#(number)", "vin": "V1", "failure": "F1", "claimed": "\#(claimed)", "lines": [{"part_no": "P-1", "quantity": "1"}]}"#)
            return try value("SELECT tag_no FROM old_part o JOIN warranty_claim c ON c.id = o.claim_id WHERE c.claim_no = '\(number)'")!
        }

        func part(_ tag: String, _ column: String) throws -> String? {
            try value("SELECT \(column) FROM old_part WHERE tag_no = '\(tag)'")
        }
    }

    @Test func monthEndsAndTheLeapDay() throws {
        let calendar = try Calendar()
        try calendar.call("oem_add", #"{"code": "ALL", "name": "All back", "return": "all", "ship_days": "29", "cycle": "weekly"}"#)
        try calendar.call("oem_add", #"{"code": "CALL", "name": "Called back", "request_days": "15", "retention_days": "60"}"#)
        // 31 January + 29 days: 29 February in a leap year, 1 March in another.
        #expect(try calendar.part(calendar.claim("ALL", "A-2024", claimed: "2024-01-31"), "ship_by") == "2024-02-29")
        #expect(try calendar.part(calendar.claim("ALL", "A-2023", claimed: "2023-01-31"), "ship_by") == "2023-03-01")
        // The pure calendar, for years still to come: 2028 is a leap year, 2100 is not.
        let all = try #require(try calendar.value("SELECT id FROM oem WHERE code = 'ALL'"))
        #expect(try calendar.value("(warranty_dates(\(all), '2028-01-31', NULL, false)).ship_by") == "2028-02-29")
        #expect(try calendar.value("(warranty_dates(\(all), '2100-01-31', NULL, false)).ship_by") == "2100-03-01")
        // A call-back window across the year end; the retention across February.
        let call = try calendar.claim("CALL", "C-1231", claimed: "2023-12-31")
        #expect(try calendar.value("SELECT request_by FROM warranty_claim WHERE claim_no = 'C-1231'") == "2024-01-15")
        #expect(try calendar.value("SELECT retain_until FROM warranty_claim WHERE claim_no = 'C-1231'") == "2024-02-29")
        #expect(try calendar.part(call, "ship_by") == nil)
        // The claim month of the month's last day is that month.
        let claimJSON = try calendar.value("warranty_claim_json((SELECT id FROM warranty_claim WHERE claim_no = 'C-1231'), '2024-01-01')")
        #expect(claimJSON?.contains(#""claim_month": "2023-12""#) == true, "\(claimJSON ?? "")")
        #expect(try calendar.value("claim_month('2024-02-29')") == "2024-02-01")
        // Called back on the window's last day: 21 days later is 5 February.
        try calendar.call("warranty_claim_call", #"{"targets": ["C-1231"], "called": "2024-01-15"}"#)
        #expect(try calendar.part(call, "ship_by") == "2024-02-05")
    }

    /// The rules in force when each clock starts: a claim's call-back window and retention,
    /// and the ship-by date of a part wanted from the claim, from the rules of the claim date;
    /// a called part's ship-by date from the rules of the call-back date. A rule set later,
    /// even valid from an earlier date, changes no deadline already running.
    @Test func aRuleChangedAfterAClaimAppliesFromWhenEachClockStarts() throws {
        let calendar = try Calendar()
        try calendar.call("oem_add", #"{"code": "CHG", "name": "Changes", "ship_days": "21", "request_days": "30"}"#)
        try calendar.call("oem_add", #"{"code": "ALL", "name": "All back", "return": "all", "ship_days": "21"}"#)
        let early = try calendar.claim("CHG", "C-EARLY", claimed: "2024-05-20")
        let late = try calendar.claim("CHG", "C-LATE", claimed: "2024-05-20")
        let due = try calendar.claim("ALL", "A-1", claimed: "2024-05-31")
        #expect(try calendar.part(due, "ship_by") == "2024-06-21")
        // From 1 June the maker wants its parts within 10 days of the call-back.
        try calendar.call("oem_set", #"{"code": "CHG", "ship_days": "10", "from": "2024-06-01"}"#)
        try calendar.call("oem_set", #"{"code": "ALL", "ship_days": "5", "from": "2024-05-01"}"#)
        try calendar.call("warranty_claim_call", #"{"targets": ["\#(early)"], "called": "2024-05-25"}"#)
        try calendar.call("warranty_claim_call", #"{"targets": ["\#(late)"], "called": "2024-06-02"}"#)
        #expect(try calendar.part(early, "ship_by") == "2024-06-15")
        #expect(try calendar.part(late, "ship_by") == "2024-06-12")
        // The part due from its claim keeps the date its claim's rules gave it; a new claim
        // of the same day gets the new rule.
        #expect(try calendar.part(due, "ship_by") == "2024-06-21")
        #expect(try calendar.part(calendar.claim("ALL", "A-2", claimed: "2024-05-31"), "ship_by") == "2024-06-05")
        // The call-back window was fixed on the claim date too.
        #expect(try calendar.value("SELECT request_by FROM warranty_claim WHERE claim_no = 'C-EARLY'") == "2024-06-19")
        #expect(try calendar.value("SELECT count(*) FROM oem_rule WHERE oem_id = (SELECT id FROM oem WHERE code = 'CHG')") == "2")
    }

    /// The deadlines run on given local dates: each reminder bucket once a part, overdue once,
    /// the retention over the day after its last day; a second run the same day marks nothing.
    @Test func theDeadlinesRunMarksEachThingOnce() throws {
        let calendar = try Calendar()
        try calendar.call("oem_add", #"{"code": "ALL", "name": "All back", "return": "all", "ship_days": "29", "cycle": "weekly"}"#)
        try calendar.call("oem_add", #"{"code": "KEEP", "name": "Keeps", "request_days": "15", "retention_days": "30"}"#)
        let due = try calendar.claim("ALL", "A-1", claimed: "2024-01-31")
        let kept = try calendar.claim("KEEP", "K-1", claimed: "2024-01-31")
        func run(_ day: String) throws -> (reminders: [String], overdue: [String], expired: [String], text: String) {
            let text = try #require(try calendar.value("warranty_deadlines('\(day)', '{7,3}')"))
            let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
            func tags(_ key: String) -> [String] { (object[key] as! [[String: Any]]).map { "\($0["tag_no"]!)" } }
            return (tags("reminders"), tags("overdue"), tags("expired"), text)
        }
        #expect(try run("2024-02-21").reminders == [])
        let seven = try run("2024-02-22")
        #expect(seven.reminders == [due])
        #expect(try calendar.part(due, "reminded_days") == "7")
        #expect(try run("2024-02-22").reminders == [])
        #expect(try run("2024-02-26").reminders == [due])
        #expect(try calendar.part(due, "reminded_days") == "3")
        let last = try run("2024-02-29")
        #expect(last.reminders == [] && last.overdue == [])
        #expect(last.text.contains(#""due_soon": 1"#), "\(last.text)")
        let over = try run("2024-03-01")
        #expect(over.overdue == [due] && over.expired == [])
        #expect(over.text.contains(#""overdue_total": 1"#) && over.text.contains(#""overdue_amount": "0.00""#), "\(over.text)")
        #expect(try calendar.part(due, "overdue_on") == "2024-03-01")
        #expect(try run("2024-03-01").overdue == [])
        // K-1 is kept until 1 March (31 January + 30): over on the 2nd.
        #expect(try run("2024-03-02").expired == [kept])
        #expect(try calendar.part(kept, "state") == "expired")
        #expect(try calendar.part(kept, "expired_on") == "2024-03-02")
    }

    /// The store method the deadlines job calls: the same run, read into Swift, with its
    /// findings as the database wrote them for the job's row.
    @Test func theStoreRunsTheDeadlinesForTheJob() async throws {
        let calendar = try Calendar()
        try calendar.call("oem_add", #"{"code": "ALL", "name": "All back", "return": "all", "ship_days": "29", "cycle": "weekly"}"#)
        let due = try calendar.claim("ALL", "A-1", claimed: "2024-01-31")
        let pool = ConnectionPool(.init(conninfo: try TestCluster.conninfo(database: calendar.database), size: 1))
        let store = PartsStore(pool: pool, logger: Logger(label: "test"))
        let site = SiteCalendar(timeZone: "Asia/Shanghai", reminderDays: [7, 3])
        let reminded = try await store.warrantyDeadlines(on: "2024-02-22", site)
        #expect(reminded.date == "2024-02-22" && reminded.reminderDays == [7, 3])
        #expect(reminded.reminders.map(\.tagNo) == [due] && reminded.reminders.first?.daysLeft == 7)
        #expect(reminded.dueSoon == 1 && reminded.overdue.isEmpty && reminded.expired.isEmpty)
        let overdue = try await store.warrantyDeadlines(on: "2024-03-05", site)
        #expect(overdue.overdue.map(\.tagNo) == [due] && overdue.overdueTotal == 1)
        #expect(overdue.json.contains(#""overdue_total": 1"#))
        // Today, in the site's zone: long past 2024, the part is still overdue, but marked already.
        let today = try await store.warrantyDeadlines(on: nil, site)
        #expect(today.overdue.isEmpty && today.overdueTotal == 1)
        await pool.close()
    }

    /// Today is the site's date, not the server's: the same moment is two different days at
    /// UTC+14 and UTC-12.
    @Test func todayIsTheSitesLocalDate() throws {
        var claimed: [String: String] = [:]
        for zone in ["Pacific/Kiritimati", "Etc/GMT+12"] {
            let daemon = try TestDaemon(environment: ["PARTSD_SITE_TIME_ZONE": zone])
            let client = try daemon.connect()
            try daemon.seed(client)
            try expectOK(client.send("oem add SAIC \"SAIC\""))
            let before = try daemon.sql("SELECT (now() AT TIME ZONE '\(zone)')::date::text AS day").scalar!
            try expectOK(client.send("claim new SAIC C-1 P-1001:1 vin=V1 failure=F1"))
            let after = try daemon.sql("SELECT (now() AT TIME ZONE '\(zone)')::date::text AS day").scalar!
            let day = try daemon.sql("SELECT claimed::text AS day FROM warranty_claim").scalar!
            #expect(day == before || day == after, "\(zone): \(day), local \(before) to \(after)")
            claimed[zone] = day
        }
        #expect(claimed["Pacific/Kiritimati"] != claimed["Etc/GMT+12"], "\(claimed)")
    }

    @Test func aBadTimeZoneOrReminderBucketIsAConfigurationError() throws {
        for (variable, value) in [("PARTSD_SITE_TIME_ZONE", "Mars/Olympus"), ("PARTSD_WARRANTY_REMINDER_DAYS", "7,0")] {
            let result = try TestCluster.run(TestCluster.binary("partsd"), ["check-config"],
                                             environment: ProcessInfo.processInfo.environment.merging([variable: value]) { $1 })
            #expect(result.status != 0, "\(variable)=\(value): \(result.output)")
            #expect(result.output.contains(variable == "PARTSD_SITE_TIME_ZONE" ? "site.time_zone" : "warranty.reminder_days"),
                    "\(result.output)")
        }
    }
}
