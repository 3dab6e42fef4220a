internal import Foundation

/// One readable line for an Alertmanager-shaped webhook notification (version 4): status,
/// alert name, each alert's labels and summary.
public enum WebhookLine {
    /// The line for `body`, received by the listener of `receiver` (used when the payload names none).
    public static func describe(_ body: [UInt8], receiver: String) -> String {
        guard let payload = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
              let alerts = payload["alerts"] as? [[String: Any]] else {
            return "webhook \(receiver): received \(body.count) bytes that are not Alertmanager webhook JSON"
        }
        let status = (payload["status"] as? String ?? "?").uppercased()
        let name = payload["receiver"] as? String ?? receiver
        let groupLabels = payload["groupLabels"] as? [String: String] ?? [:]
        var alertNames: [String] = []
        var details: [String] = []
        for alert in alerts {
            let labels = alert["labels"] as? [String: String] ?? [:]
            let alertName = labels["alertname"] ?? groupLabels["alertname"] ?? "?"
            if !alertNames.contains(alertName) { alertNames.append(alertName) }
            let shown = labels.filter { $0.key != "alertname" }.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            var detail = "{" + shown.joined(separator: ", ") + "}"
            if let alertStatus = alert["status"] as? String, alertStatus.uppercased() != status {
                detail = "[\(alertStatus)] " + detail
            }
            let annotations = alert["annotations"] as? [String: String] ?? [:]
            if let summary = annotations["summary"] ?? annotations["description"] {
                detail += " " + summary
            }
            details.append(detail)
        }
        let count = alerts.count == 1 ? "" : " (\(alerts.count) alerts)"
        let truncated = (payload["truncatedAlerts"] as? Int).flatMap { $0 > 0 ? " (+\($0) more)" : nil } ?? ""
        return "webhook \(name): \(status) \(alertNames.joined(separator: ", "))\(count) — \(details.joined(separator: "; "))\(truncated)"
    }
}
