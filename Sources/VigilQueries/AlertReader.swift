internal import Foundation
public import Logging
internal import PostgresNIO
internal import VigilCore
public import VigilEventLog

/// Reads the alerting tables for the API: active alerts, transitions, rule status, deliveries.
public struct AlertReader: Sendable {
    /// One alert that is pending or firing.
    public struct ActiveAlert: Sendable {
        /// The rule's name.
        public var rule: String
        /// pending or firing.
        public var state: String
        /// The alert's labels.
        public var labels: [(String, String)]
        /// The value at the last evaluation.
        public var value: Double?
        /// When it became pending, RFC 3339.
        public var activeAt: String?
        /// When it fired, RFC 3339.
        public var firedAt: String?
    }

    /// When a rule was last evaluated.
    public struct RuleEvaluation: Sendable {
        /// RFC 3339.
        public var lastEvaluation: String
        /// How long its last evaluation took.
        public var durationMilliseconds: Double
        /// What went wrong in it, if anything.
        public var lastError: String?
    }

    /// One notification in the outbox.
    public struct Delivery: Sendable {
        /// The row's id (for retry).
        public var id: Int64
        /// `X-Vigil-Delivery`.
        public var deliveryID: String
        /// The receiver's name.
        public var receiver: String
        /// firing or resolved.
        public var alertStatus: String
        /// pending, delivered or dead.
        public var status: String
        /// Attempts made.
        public var attempts: Int
        /// RFC 3339 times: created, last attempt, next attempt, delivered.
        public var createdAt: String
        /// The last attempt, RFC 3339.
        public var lastAttemptAt: String?
        /// The next attempt (pending rows), RFC 3339.
        public var nextAttemptAt: String?
        /// When it was delivered, RFC 3339.
        public var deliveredAt: String?
        /// Why the last attempt failed.
        public var lastError: String?
    }

    private let executor: any QueryExecutor
    private let logger: Logger

    /// Makes a reader over `executor`.
    public init(executor: any QueryExecutor, logger: Logger) {
        self.executor = executor
        self.logger = logger
    }

    /// The project's pending and firing alerts.
    public func active(projectID: Int64) async throws -> [ActiveAlert] {
        var alerts: [ActiveAlert] = []
        let rows = try await executor.execute("""
            SELECT rule, status, machine::text FROM alert_states
            WHERE project_id = \(projectID) AND status IN ('pending', 'firing') ORDER BY rule, fingerprint
            """, logger: logger)
        for try await (rule, status, machine) in rows.decode((String, String, String).self) {
            guard let alert = try? JSONDecoder().decode(StoredAlert.self, from: Data(machine.utf8)) else { continue }
            alerts.append(ActiveAlert(
                rule: rule, state: status, labels: alert.labels.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, value: alert.value,
                activeAt: alert.activeAt.map { CivilTime.rfc3339(micros: StoredAlert.micros($0)) },
                firedAt: alert.firedAt.map { CivilTime.rfc3339(micros: StoredAlert.micros($0)) }
            ))
        }
        return alerts
    }

    /// The project's alert transitions in [`fromMicros`, `toMicros`), newest first: their event bodies.
    public func history(projectID: Int64, fromMicros: Int64, toMicros: Int64, limit: Int) async throws -> [String] {
        var bodies: [String] = []
        let rows = try await executor.execute("""
            SELECT body::text FROM events
            WHERE project_id = \(projectID) AND kind = 'alert_transition'
              AND occurred_at >= vigil_ts(\(fromMicros))
              AND occurred_at < vigil_ts(\(toMicros))
            ORDER BY seq DESC LIMIT \(limit)
            """, logger: logger)
        for try await body in rows.decode(String.self) { bodies.append(body) }
        return bodies
    }

    /// Each rule's last evaluation, and how many alerts of `projectID` (of every project, when nil:
    /// for the instance's operator) it has in each state.
    public func ruleStatus(projectID: Int64?) async throws -> (evaluations: [String: RuleEvaluation], states: [String: [String: Int]]) {
        var evaluations: [String: RuleEvaluation] = [:]
        for try await (rule, last, millis, error) in try await executor.execute("""
            SELECT rule, to_char(last_evaluation AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), duration_ms, last_error FROM rule_evaluations
            """, logger: logger).decode((String, String, Double, String?).self) {
            evaluations[rule] = RuleEvaluation(lastEvaluation: last, durationMilliseconds: millis, lastError: error)
        }
        var states: [String: [String: Int]] = [:]
        let counts: PostgresQuery = if let projectID {
            "SELECT rule, status, count(*)::bigint FROM alert_states WHERE project_id = \(projectID) GROUP BY 1, 2"
        } else {
            "SELECT rule, status, count(*)::bigint FROM alert_states GROUP BY 1, 2"
        }
        for try await (rule, status, count) in try await executor.execute(counts, logger: logger).decode((String, String, Int64).self) {
            states[rule, default: [:]][status] = Int(count)
        }
        return (evaluations, states)
    }

    /// The project's notifications, newest first, optionally of one status.
    public func deliveries(projectID: Int64, status: String?, limit: Int) async throws -> [Delivery] {
        var deliveries: [Delivery] = []
        let time = { (column: String) in "to_char(\(column) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')" }
        var query = PostgresQuery(unsafeSQL: """
            SELECT id, delivery_id, receiver, alert_status, status, attempts, \(time("created_at")), \(time("last_attempt_at")),
                   CASE WHEN status = 'pending' THEN \(time("next_attempt_at")) END, \(time("delivered_at")), last_error
            FROM alert_outbox WHERE project_id = $1 AND ($2::text IS NULL OR status = $2::text) ORDER BY id DESC LIMIT $3
            """)
        query.binds.append(projectID)
        query.binds.append(status)
        query.binds.append(limit)
        for try await row in try await executor.execute(query, logger: logger).decode((Int64, String, String, String, String, Int, String, String?, String?, String?, String?).self) {
            deliveries.append(Delivery(id: row.0, deliveryID: row.1, receiver: row.2, alertStatus: row.3, status: row.4, attempts: row.5,
                                       createdAt: row.6, lastAttemptAt: row.7, nextAttemptAt: row.8, deliveredAt: row.9, lastError: row.10))
        }
        return deliveries
    }

    /// A silence as stored.
    public struct StoredSilence: Sendable {
        /// Its id.
        public var id: Int64
        /// Its matchers, JSON.
        public var matchersJSON: String
        /// RFC 3339.
        public var startsAt: String
        /// RFC 3339.
        public var endsAt: String
        /// Why.
        public var comment: String
        /// Who.
        public var createdBy: String
        /// Whether it is in force now.
        public var active: Bool
    }

    /// The project's silences that ended less than a day ago or have not ended, newest first.
    public func silences(projectID: Int64) async throws -> [StoredSilence] {
        var silences: [StoredSilence] = []
        let time = { (column: String) in "to_char(\(column) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')" }
        for try await row in try await executor.execute(PostgresQuery(unsafeSQL: """
            SELECT id, matchers::text, \(time("starts_at")), \(time("ends_at")), comment, created_by, starts_at <= now() AND now() < ends_at
            FROM silences WHERE project_id = $1 AND ends_at > now() - interval '1 day' ORDER BY id DESC
            """, binds: { var binds = PostgresBindings(); binds.append(projectID); return binds }()), logger: logger).decode((Int64, String, String, String, String, String, Bool).self) {
            silences.append(StoredSilence(id: row.0, matchersJSON: row.1, startsAt: row.2, endsAt: row.3, comment: row.4, createdBy: row.5, active: row.6))
        }
        return silences
    }
}

/// What the web view and the API show of an alert's state as the evaluator stores it
/// (`alert_states.machine`, the JSON of VigilAlerting's `Alert`): its labels, value and times.
private struct StoredAlert: Decodable {
    var labels: [String: String]
    var value: Double?
    var activeAt: Date?
    var firedAt: Date?

    /// Whole microseconds since 1970, rounded, as the evaluator counts them.
    static func micros(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
    }
}
