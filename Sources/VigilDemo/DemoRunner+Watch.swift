internal import Foundation

/// Watching the alerts through the API while the demo runs (the webhooks only show what is
/// delivered), and the closing summary.
extension DemoRunner {
    /// Polls `/api/v1/alerts` and the dead notifications until cancelled, printing each change.
    func watchAlerts(tally: DemoTally) async {
        let interval = Duration.seconds(max(1, min(5, 5 / options.speed)))
        var reportedDead: Set<String> = []
        while !Task.isCancelled {
            do {
                try await pollAlerts(tally: tally)
                try await pollDeadLetters(seen: &reportedDead)
            } catch is CancellationError {
                return
            } catch {
                // A missed poll is shown by the next one.
            }
            do { try await Task.sleep(for: interval) } catch { return }
        }
    }

    private func pollAlerts(tally: DemoTally) async throws {
        let body = try await client.get("/api/v1/alerts")
        guard let object = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
              let alerts = object["alerts"] as? [[String: Any]] else { return }
        var present: Set<String> = []
        for alert in alerts {
            let rule = alert["rule"] as? String ?? "?"
            let labels = (alert["labels"] as? [String: String] ?? [:]).filter { $0.key != "alertname" }
            let key = rule + " {" + labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ") + "}"
            let state = alert["state"] as? String ?? "?"
            present.insert(key)
            let before = await tally.alert(key, state: state)
            guard before != state else { continue }
            let value = (alert["value"] as? NSNumber).map { " (value \(String(format: "%.4g", $0.doubleValue)))" } ?? ""
            output.line("alert \(key): \(state)\(value)")
        }
        for (key, state) in await tally.alertStates where !present.contains(key) && state != "resolved" {
            _ = await tally.alert(key, state: "resolved")
            output.line("alert \(key): resolved")
        }
    }

    private func pollDeadLetters(seen: inout Set<String>) async throws {
        let body = try await client.get("/api/v1/notifications?status=dead")
        guard let object = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
              let notifications = object["notifications"] as? [[String: Any]] else { return }
        for notification in notifications {
            let receiver = notification["receiver"] as? String ?? "?"
            let error = notification["last_error"] as? String ?? "no reason given"
            guard seen.insert(receiver + "\u{0}" + error).inserted else { continue }
            output.line("notification to \(receiver) not delivered (dead letter): \(error)")
        }
    }

    func summarize(_ tally: DemoTally) async {
        var lines = ["Demo finished."]
        let notifications = await tally.notifications
        lines.append("  Webhooks received: \(notifications.count)")
        let states = await tally.alertStates.filter { $0.value != "resolved" }
        if !states.isEmpty {
            lines.append("  Alerts: " + states.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: "; "))
        }
        for report in await tally.driftReports {
            lines.append("  Drift of \(TrafficGenerator.feature) \(report.label): PSI mean \(String(format: "%.3f", report.psiMean)), \(report.drifted ? "drifted" : "not drifted")")
        }
        lines.append("  Keep exploring: \(options.baseURL)/ui with the read key \(options.readKey)")
        output.line(lines.joined(separator: "\n"))
    }
}
