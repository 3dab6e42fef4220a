internal import Foundation
internal import Logging
internal import PostgresNIO
internal import VigilCore
internal import VigilEventLog
internal import VigilQueries

/// One evaluation: read every rule's values, step the alerts, and write what changed.
extension AlertEvaluator {
    struct AlertKey: Hashable {
        var projectID: Int64
        var rule: String
        var fingerprint: String
    }

    struct GroupKey: Hashable {
        var projectID: Int64
        var receiver: String
        var groupKey: String
    }

    /// One rule's series for one project, or the error that stopped reading them.
    struct Reading {
        var projectID: Int64
        var projectName: String
        var rule: AlertRule
        var series: [LabelSet: [Double?]]
        /// For an anomaly rule, each series' seasonal baseline.
        var baselines: [LabelSet: SeasonalBaseline] = [:]
    }

    /// Evaluates every rule at `now`, for each project it applies to (never the instance project).
    func evaluate(at now: Date, on connection: PostgresConnection) async throws {
        let ruleSet = rules.current
        var projects: [(Int64, String)] = []
        for try await row in try await connection.query(
            "SELECT project_id, name FROM projects WHERE project_id <> \(InstanceProject.id) ORDER BY project_id", logger: logger
        ).decode((Int64, String).self) {
            projects.append(row)
        }
        let reader = RollupReader(executor: connection, logger: logger)
        let reads = CycleReads(reader: reader)
        let drift = DriftStore(executor: connection, logger: logger)
        let budgets = BudgetStore(executor: connection, logger: logger)
        var readings: [Reading] = []
        var ruleStatus: [(rule: String, millis: Double, error: String?)] = []
        for rule in ruleSet.rules {
            let started = ContinuousClock.now
            var failure: String?
            for (projectID, projectName) in projects where rule.scope.includes(project: projectName) {
                do {
                    let series = try await rule.values(projectID: projectID, nowMicros: now.micros, reads: reads, drift: drift, budgets: budgets)
                    let baselines = try await rule.baselines(projectID: projectID, nowMicros: now.micros, reader: reader)
                    readings.append(Reading(projectID: projectID, projectName: projectName, rule: rule, series: series, baselines: baselines))
                } catch {
                    failure = Database.describe(error)
                }
            }
            let elapsed = started.duration(to: .now)
            ruleStatus.append((rule.name, elapsed.seconds * 1000, failure))
        }
        let projectNames = Dictionary(projects, uniquingKeysWith: { first, _ in first })
        try await connection.transaction(logger: logger) { transaction in
            try await apply(readings, ruleSet: ruleSet, projectNames: projectNames, at: now, on: transaction)
            try await record(ruleStatus, at: now, on: transaction)
            return true
        }
    }

    private func apply(_ readings: [Reading], ruleSet: RuleSet, projectNames: [Int64: String], at now: Date, on transaction: PostgresConnection) async throws {
        var alerts = try await loadAlerts(on: transaction)
        // Alerts of rules no longer in the files (a reload removed them), or no longer applying to
        // their project (a reload narrowed the rule's projects), are forgotten.
        let rulesByName = Dictionary(ruleSet.rules.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let orphans = alerts.keys.filter { key in
            guard let rule = rulesByName[key.rule], let project = projectNames[key.projectID] else { return true }
            return !rule.scope.includes(project: project)
        }
        try await delete(orphans, on: transaction)
        for key in orphans { alerts[key] = nil }
        let stored = Set(alerts.keys)
        var groups = try await loadGroups(on: transaction)
        var dirty: Set<GroupKey> = []
        for orphan in orphans {
            for (key, group) in groups where key.projectID == orphan.projectID && group.alerts[orphan.fingerprint] != nil {
                var group = group
                group.remove(fingerprint: orphan.fingerprint)
                groups[key] = group
                dirty.insert(key)
            }
        }
        var changed: Set<AlertKey> = []
        var transitions: [(key: AlertKey, alert: Alert, transition: Alert.Transition)] = []

        func step(_ key: AlertKey, _ alert: Alert, value: Double?, breaching: Bool) {
            var alert = alert
            let before = alert
            let transition = alert.step(now: now, value: value, breaching: breaching)
            // A series that had no alert and stays quiet leaves nothing to keep (no row means
            // inactive): most series of a large rule set, and no reason to remember them.
            if transition == nil, alert.state == .inactive, alerts[key] == nil { return }
            if let transition { transitions.append((key, alert, transition)) }
            if alert != before { changed.insert(key) }
            alerts[key] = alert
        }

        // The alerts with a state that a series of this cycle stepped.
        var seen: Set<AlertKey> = []
        for reading in readings {
            for (series, values) in reading.series {
                var labels = reading.rule.alertLabels(series: series)
                labels["project"] = reading.projectName
                let key = AlertKey(projectID: reading.projectID, rule: reading.rule.name, fingerprint: labels.fingerprintHex)
                let (value, breaching) = reading.rule.condition(values: values, baseline: reading.baselines[series])
                step(key, alerts[key] ?? Alert(rule: reading.rule, labels: labels), value: value, breaching: breaching)
                if alerts[key] != nil { seen.insert(key) }
            }
        }
        // Series without data this time: their alerts see no value and stop breaching.
        let evaluated = Set(readings.map { "\($0.projectID)/\($0.rule.name)" })
        for (key, alert) in alerts where !seen.contains(key) && evaluated.contains("\(key.projectID)/\(key.rule)") {
            step(key, alert, value: nil, breaching: false)
        }

        // An inactive alert is what no row means: only alerts with a state are kept, and one that
        // went back to inactive loses its row (so a cycle over many quiet series writes nothing).
        try await save(alerts.filter { changed.contains($0.key) && $0.value.state != .inactive }, at: now, on: transaction)
        try await delete(Array(changed.filter { stored.contains($0) && alerts[$0]?.state == .inactive }), on: transaction)
        try await log(transitions, at: now, on: transaction)

        // Every firing alert, and each that resolved now, is kept in its receivers' groups (the
        // groups decide what is news); a silenced one is left out and so never notified.
        let silences = try await loadSilences(on: transaction)
        let resolvedNow = Set(transitions.filter { $0.transition.to == .resolved }.map(\.key))
        for (key, alert) in alerts where alert.state == .firing || resolvedNow.contains(key) {
            guard let rule = ruleSet.rule(named: key.rule),
                  let snapshot = alert.snapshot(annotations: rule.renderedAnnotations(value: alert.value, labels: alert.labels),
                                                generatorURL: rule.generatorURL(externalURL: configuration.externalURL))
            else { continue }
            let silenced = (silences[key.projectID] ?? []).contains { $0.silences(alert.labels, atMicros: now.micros) }
            for receiverName in rule.receivers {
                guard let receiver = ruleSet.receiver(named: receiverName) else { continue }
                let groupLabels = rule.grouping.groupLabels(of: alert.labels)
                let groupKey = GroupKey(projectID: key.projectID, receiver: receiverName, groupKey: NotificationGroup.groupKey(receiver: receiverName, groupLabels: groupLabels))
                let before = groups[groupKey]
                if silenced && before == nil { continue }
                var options = rule.grouping
                if receiver.kind == .alertmanager {
                    // Alertmanager does the grouping: as Prometheus does, changes go out at the
                    // next evaluation, and firing alerts are posted again every minute, since
                    // Alertmanager forgets one at its endsAt (four minutes on).
                    options.groupWait = .zero
                    options.groupInterval = configuration.interval
                    options.repeatInterval = .seconds(60)
                }
                var group = before ?? NotificationGroup(receiver: receiverName, groupLabels: groupLabels, options: options, sendResolved: receiver.sendResolved, createdAt: now)
                group.options = options
                if silenced {
                    group.remove(fingerprint: alert.fingerprint)
                } else {
                    group.insert(snapshot, now: now)
                }
                if group != before {
                    groups[groupKey] = group
                    dirty.insert(groupKey)
                }
            }
        }
        for (key, group) in groups where group.isDue(now: now) {
            var group = group
            if let notification = group.flush(now: now), let receiver = ruleSet.receiver(named: key.receiver) {
                try await enqueue(notification, to: receiver, projectID: key.projectID, at: now, on: transaction)
            }
            groups[key] = group
            dirty.insert(key)
        }
        try await save(groups.filter { dirty.contains($0.key) }, on: transaction)
    }
}
