internal import Foundation
internal import Logging
internal import PostgresNIO
internal import VigilCore
internal import VigilEventLog

/// The evaluator's working state in Postgres: alerts and notification groups as JSON of their
/// value types, transitions as events, notifications as outbox rows.
extension AlertEvaluator {
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    func loadAlerts(on transaction: PostgresConnection) async throws -> [AlertKey: Alert] {
        var alerts: [AlertKey: Alert] = [:]
        let rows = try await transaction.query("SELECT project_id, rule, fingerprint, machine::text FROM alert_states", logger: logger)
        for try await (projectID, rule, fingerprint, machine) in rows.decode((Int64, String, String, String).self) {
            guard let alert = try? JSONDecoder().decode(Alert.self, from: Data(machine.utf8)) else {
                logger.warning("an alert state is unreadable and starts afresh", metadata: ["vigil.rule": "\(rule)"])
                continue
            }
            alerts[AlertKey(projectID: projectID, rule: rule, fingerprint: fingerprint)] = alert
        }
        return alerts
    }

    func loadGroups(on transaction: PostgresConnection) async throws -> [GroupKey: NotificationGroup] {
        var groups: [GroupKey: NotificationGroup] = [:]
        let rows = try await transaction.query("SELECT project_id, receiver, group_key, state::text FROM notification_groups", logger: logger)
        for try await (projectID, receiver, groupKey, state) in rows.decode((Int64, String, String, String).self) {
            guard let group = try? JSONDecoder().decode(NotificationGroup.self, from: Data(state.utf8)) else { continue }
            groups[GroupKey(projectID: projectID, receiver: receiver, groupKey: groupKey)] = group
        }
        return groups
    }

    /// The silences not yet over, by project.
    func loadSilences(on transaction: PostgresConnection) async throws -> [Int64: [Silence]] {
        var silences: [Int64: [Silence]] = [:]
        let rows = try await transaction.query("""
            SELECT project_id, matchers::text, vigil_us(starts_at), vigil_us(ends_at)
            FROM silences WHERE ends_at > now()
            """, logger: logger)
        for try await (projectID, matchers, starts, ends) in rows.decode((Int64, String, Int64, Int64).self) {
            guard let decoded = try? JSONDecoder().decode([Silence.Matcher].self, from: Data(matchers.utf8)) else { continue }
            silences[projectID, default: []].append(Silence(matchers: decoded, startsAtMicros: starts, endsAtMicros: ends))
        }
        return silences
    }

    func save(_ alerts: [AlertKey: Alert], at now: Date, on transaction: PostgresConnection) async throws {
        guard !alerts.isEmpty else { return }
        let rows = Array(alerts)
        let labels = try rows.map { String(decoding: try Self.encoder.encode($0.value.labels), as: UTF8.self) }
        let machines = try rows.map { String(decoding: try Self.encoder.encode($0.value), as: UTF8.self) }
        try await transaction.query("""
            INSERT INTO alert_states (project_id, rule, fingerprint, labels, status, value, machine, updated_at)
            SELECT project_id, rule, fingerprint, labels::jsonb, status, nullif(value, 'NaN'::float8), machine::jsonb, now()
            FROM unnest(\(rows.map(\.key.projectID)), \(rows.map(\.key.rule)), \(rows.map(\.key.fingerprint)), \(labels),
                        \(rows.map(\.value.state.rawValue)), \(rows.map { $0.value.value ?? .nan }), \(machines))
                 AS a(project_id, rule, fingerprint, labels, status, value, machine)
            ON CONFLICT (project_id, rule, fingerprint) DO UPDATE SET
                labels = excluded.labels, status = excluded.status, value = excluded.value, machine = excluded.machine, updated_at = now()
            """, logger: logger)
    }

    func delete(_ keys: [AlertKey], on transaction: PostgresConnection) async throws {
        guard !keys.isEmpty else { return }
        try await transaction.query("""
            DELETE FROM alert_states a
            USING unnest(\(keys.map(\.projectID)), \(keys.map(\.rule)), \(keys.map(\.fingerprint))) AS k(project_id, rule, fingerprint)
            WHERE a.project_id = k.project_id AND a.rule = k.rule AND a.fingerprint = k.fingerprint
            """, logger: logger)
    }

    func save(_ groups: [GroupKey: NotificationGroup], on transaction: PostgresConnection) async throws {
        for (key, group) in groups {
            if group.isEmpty {
                try await transaction.query("""
                    DELETE FROM notification_groups WHERE project_id = \(key.projectID) AND receiver = \(key.receiver) AND group_key = \(key.groupKey)
                    """, logger: logger)
                continue
            }
            let state = String(decoding: try Self.encoder.encode(group), as: UTF8.self)
            try await transaction.query("""
                INSERT INTO notification_groups (project_id, receiver, group_key, state, next_flush_at)
                VALUES (\(key.projectID), \(key.receiver), \(key.groupKey), \(state)::jsonb,
                        vigil_ts(\(group.nextFlushAt.micros)))
                ON CONFLICT (project_id, receiver, group_key) DO UPDATE SET state = excluded.state, next_flush_at = excluded.next_flush_at
                """, logger: logger)
        }
    }

    /// Every transition as an `alert_transition` event, in the evaluation's transaction.
    func log(_ transitions: [(key: AlertKey, alert: Alert, transition: Alert.Transition)], at now: Date, on transaction: PostgresConnection) async throws {
        guard !transitions.isEmpty else { return }
        let events = transitions.map { key, alert, transition in
            var writer = JSONWriter()
            writer.beginObject()
            writer.string("rule", key.rule)
            writer.string("fingerprint", key.fingerprint)
            writer.beginObject("labels")
            for (name, value) in alert.labels.sorted { writer.string(name, value) }
            writer.endObject()
            writer.string("from", transition.from.rawValue)
            writer.string("to", transition.to.rawValue)
            writer.string("at", CivilTime.rfc3339(micros: transition.at.micros))
            if let value = transition.value, value.isFinite { writer.double("value", value) } else { writer.null("value") }
            writer.endObject()
            return NewEvent(projectID: key.projectID, kind: .alertTransition, occurredAtMicros: transition.at.micros,
                            dedupKey: ContentKey.make(kind: .alertTransition, body: writer.bytes), body: writer.bytes)
        }
        _ = try await EventLogWriter.appendInTransaction(events, on: transaction, knownPartitions: [], logger: logger)
    }

    /// One outbox row for `notification`, in the body `receiver` takes. A `body_template` that
    /// cannot be rendered for this notification makes a dead row that says why, so the failure
    /// shows in the deliveries and does not stop the evaluation.
    func enqueue(_ notification: GroupNotification, to receiver: Receiver, projectID: Int64, at now: Date, on transaction: PostgresConnection) async throws {
        var body = Data()
        var failure: String?
        switch receiver.kind {
        case .webhook:
            let payload = WebhookPayload(notification, externalURL: configuration.externalURL, maxAlerts: receiver.maxAlerts)
            if let template = receiver.bodyTemplate {
                do {
                    body = try template.render(TemplateData(payload))
                } catch {
                    failure = "body_template of receiver \(receiver.name) cannot be rendered: \(error.message)"
                }
            } else {
                body = payload.encoded()
            }
        case .alertmanager:
            body = PostableAlert.body(notification.alerts, validUntil: PostableAlert.validUntil(now: now, evaluationInterval: configuration.interval))
        case .slack:
            body = SlackMessage.body(notification, externalURL: configuration.externalURL, maxAlerts: receiver.maxAlerts)
        case .pagerduty:
            body = PagerDutyEvent.body(notification, externalURL: configuration.externalURL, maxAlerts: receiver.maxAlerts)
        }
        if let failure {
            logger.error("notification body not rendered", metadata: ["vigil.receiver": "\(receiver.name)", "vigil.error": "\(failure)"])
            try await transaction.query("""
                INSERT INTO alert_outbox (project_id, delivery_id, receiver, group_key, alert_status, body, status, last_error)
                VALUES (\(projectID), \(UUID().uuidString.lowercased()), \(receiver.name), \(notification.groupKey), \(notification.status.rawValue), \(ByteBuffer(bytes: body)), 'dead', \(failure))
                """, logger: logger)
            return
        }
        try await transaction.query("""
            INSERT INTO alert_outbox (project_id, delivery_id, receiver, group_key, alert_status, body)
            VALUES (\(projectID), \(UUID().uuidString.lowercased()), \(receiver.name), \(notification.groupKey), \(notification.status.rawValue), \(ByteBuffer(bytes: body)))
            """, logger: logger)
        try await transaction.query("NOTIFY vigil_outbox", logger: logger)
    }

    /// When each rule was last evaluated, how long it took and what went wrong.
    func record(_ status: [(rule: String, millis: Double, error: String?)], at now: Date, on transaction: PostgresConnection) async throws {
        guard !status.isEmpty else { return }
        try await transaction.query("""
            INSERT INTO rule_evaluations (rule, last_evaluation, duration_ms, last_error)
            SELECT rule, vigil_ts(\(now.micros)), millis, nullif(error, '')
            FROM unnest(\(status.map(\.rule)), \(status.map(\.millis)), \(status.map { $0.error ?? "" })) AS s(rule, millis, error)
            ON CONFLICT (rule) DO UPDATE SET last_evaluation = excluded.last_evaluation, duration_ms = excluded.duration_ms, last_error = excluded.last_error
            """, logger: logger)
    }
}
