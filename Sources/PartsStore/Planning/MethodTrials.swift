import PartsDomain
import PostgresClient

/// What `job run method-trial` found for one part-location (`method_trial`): the candidate
/// method whose replayed policy did best, the runner-up, and what each reached. Numbers are
/// decimal text, rounded by the planner, so the database stores what `plan show` prints.
public struct MethodTrial: Sendable {
    public var partID: Int
    public var locationID: Int
    public var target: String
    public var method: String
    public var fillRate: String
    public var averageOnHand: String
    public var averageValue: String
    public var runnerUp: String?
    public var runnerUpFillRate: String?
    public var runnerUpOnHand: String?
    public var runnerUpValue: String?
    /// When the run that chose it started, as a date; nil for a trial not stored yet.
    public var triedOn: String? = nil
    /// Days from then to the database's today; nil for a trial not stored yet.
    public var ageDays: Int? = nil

    public init(partID: Int, locationID: Int, target: String, method: String, fillRate: String, averageOnHand: String,
                averageValue: String, runnerUp: String?, runnerUpFillRate: String?, runnerUpOnHand: String?,
                runnerUpValue: String?) {
        self.partID = partID
        self.locationID = locationID
        self.target = target
        self.method = method
        self.fillRate = fillRate
        self.averageOnHand = averageOnHand
        self.averageValue = averageValue
        self.runnerUp = runnerUp
        self.runnerUpFillRate = runnerUpFillRate
        self.runnerUpOnHand = runnerUpOnHand
        self.runnerUpValue = runnerUpValue
    }

    /// The trial's columns in the planning read, from the `method_trial` row aliased `alias`.
    static func columns(_ alias: String) -> String {
        """
        \(alias).target AS trial_target, \(alias).method AS trial_method, \(alias).fill_rate AS trial_fill_rate,
               \(alias).average_on_hand AS trial_on_hand, \(alias).average_value AS trial_value,
               \(alias).runner_up AS trial_runner_up, \(alias).runner_up_fill_rate AS trial_runner_up_fill_rate,
               \(alias).runner_up_on_hand AS trial_runner_up_on_hand, \(alias).runner_up_value AS trial_runner_up_value,
               \(alias).tried_at::date::text AS trial_tried_on, current_date - \(alias).tried_at::date AS trial_age_days
        """
    }

    struct Columns {
        let target, method, fillRate, onHand, value, runnerUp, runnerUpFillRate, runnerUpOnHand, runnerUpValue: Int
        let triedOn, ageDays: Int

        init(_ names: ColumnNames) throws(PostgresError) {
            target = try names.position("trial_target")
            method = try names.position("trial_method")
            fillRate = try names.position("trial_fill_rate")
            onHand = try names.position("trial_on_hand")
            value = try names.position("trial_value")
            runnerUp = try names.position("trial_runner_up")
            runnerUpFillRate = try names.position("trial_runner_up_fill_rate")
            runnerUpOnHand = try names.position("trial_runner_up_on_hand")
            runnerUpValue = try names.position("trial_runner_up_value")
            triedOn = try names.position("trial_tried_on")
            ageDays = try names.position("trial_age_days")
        }
    }

    /// The row's trial; nil when the part-location has none (the columns are NULL together).
    static func parse(_ values: [String?], _ at: Columns) -> MethodTrial? {
        guard let method = values[at.method], let target = values[at.target], let fillRate = values[at.fillRate],
              let onHand = values[at.onHand], let value = values[at.value] else { return nil }
        var trial = MethodTrial(
            partID: 0, locationID: 0, target: target, method: method, fillRate: fillRate, averageOnHand: onHand,
            averageValue: value, runnerUp: values[at.runnerUp], runnerUpFillRate: values[at.runnerUpFillRate],
            runnerUpOnHand: values[at.runnerUpOnHand], runnerUpValue: values[at.runnerUpValue])
        trial.triedOn = values[at.triedOn]
        trial.ageDays = values[at.ageDays].flatMap { Int($0) }
        return trial
    }
}

/// The steps of a method-trial run that write: in the run's transaction, so a run that fails
/// part-way leaves the trials of the run before it.
extension PartsStore {
    /// Removes the trials of `location` (nil: every warehouse and branch), which the run then
    /// writes again: a part no longer replayable keeps no old choice.
    public func clearMethodTrials(in scope: TransactionScope, location: String?) async throws(StoreError) {
        _ = try await Self.run(scope) { connection throws(PostgresError) in
            try connection.query("""
                DELETE FROM method_trial t USING location
                 WHERE location.id = t.location_id
                   AND CASE WHEN $1::text IS NULL THEN \(PlannedLocations.predicate()) ELSE location.code = $1::text END
                """, [location])
        }
    }

    /// Writes the trials of the run `jobID`.
    public func insert(_ trials: [MethodTrial], jobID: Int64, in scope: TransactionScope) async throws(StoreError) {
        guard !trials.isEmpty else { return }
        let parameters: [String?] = [
            String(jobID),
            ArrayLiteral.plain(trials.map { String($0.partID) }), ArrayLiteral.plain(trials.map { String($0.locationID) }),
            ArrayLiteral.plain(trials.map(\.target)), ArrayLiteral.quoted(trials.map(\.method)),
            ArrayLiteral.plain(trials.map(\.fillRate)), ArrayLiteral.plain(trials.map(\.averageOnHand)),
            ArrayLiteral.plain(trials.map(\.averageValue)), ArrayLiteral.quoted(trials.map(\.runnerUp)),
            ArrayLiteral.plain(trials.map { $0.runnerUpFillRate ?? "NULL" }),
            ArrayLiteral.plain(trials.map { $0.runnerUpOnHand ?? "NULL" }),
            ArrayLiteral.plain(trials.map { $0.runnerUpValue ?? "NULL" }),
        ]
        _ = try await Self.run(scope) { connection throws(PostgresError) in
            try connection.query("""
                INSERT INTO method_trial (job_id, part_id, location_id, target, method, fill_rate, average_on_hand, average_value,
                                          runner_up, runner_up_fill_rate, runner_up_on_hand, runner_up_value)
                SELECT $1, * FROM unnest($2::integer[], $3::integer[], $4::numeric[], $5::text[], $6::numeric[], $7::numeric[],
                                         $8::numeric[], $9::text[], $10::numeric[], $11::numeric[], $12::numeric[])
                """, parameters)
        }
    }
}
