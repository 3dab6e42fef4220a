public import Foundation
internal import Crypto
internal import VigilCore

/// The event a `pagerduty` receiver sends to PagerDuty's Events API v2, following
/// https://developer.pagerduty.com/docs/events-api-v2/trigger-events/ and
/// https://developer.pagerduty.com/docs/events-api-v2/resolve-events/ (the "Events API v2
/// Overview" and "Send an Alert Event" pages): `routing_key`, `event_action` (`trigger` while any
/// alert of the group fires, `resolve` once all have resolved), `dedup_key` (the same for every
/// event of one alert group, so a resolve closes the incident its trigger opened), and for a
/// trigger `payload` — `summary` (at most 1024 characters), `source`, `severity` (`critical`,
/// `error`, `warning` or `info`), `timestamp` (ISO 8601), `component`, `group`, `class`,
/// `custom_details` — with `links` (`href`, `text`), `client` and `client_url`.
///
/// The body is kept in the outbox without `routing_key`, which stays in the environment and is
/// added when the event is sent (`withRoutingKey`).
public enum PagerDutyEvent {
    /// PagerDuty's limit of `payload.summary`.
    public static let maxSummary = 1024
    /// The severities PagerDuty takes.
    public static let severities: Set<String> = ["critical", "error", "warning", "info"]

    /// `severity` label → PagerDuty severity: its own four as they are, `page` as `critical`,
    /// anything else (or none) as `warning`.
    public static func severity(_ label: String?) -> String {
        guard let label = label?.lowercased() else { return "warning" }
        if severities.contains(label) { return label }
        if label == "page" { return "critical" }
        return "warning"
    }

    /// The dedup key of an alert group: hex SHA-256 of the receiver's group key, 64 characters
    /// (PagerDuty takes up to 255), the same for the trigger and the resolve of the group.
    public static func dedupKey(groupKey: String) -> String {
        SHA256.hash(data: Data(groupKey.utf8)).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// The event for `notification`, without `routing_key`; at most `maxAlerts` alerts in
    /// `custom_details` (0: all).
    public static func body(_ notification: GroupNotification, externalURL: String, maxAlerts: Int = 0) -> Data {
        let firing = notification.alerts.filter { $0.status == .firing }
        var writer = JSONWriter()
        writer.beginObject()
        writer.string("dedup_key", dedupKey(groupKey: notification.groupKey))
        if notification.status == .resolved {
            writer.string("event_action", "resolve")
            writer.endObject()
            return Data(writer.bytes)
        }
        writer.string("event_action", "trigger")
        let alertsPage = SlackMessage.alertsPageURL(externalURL)
        writer.string("client", "Vigil")
        writer.string("client_url", alertsPage)

        let labels = LabelSet(WebhookPayload.common(firing.map(\.labels.dictionary)))
        let annotations = WebhookPayload.common(firing.map(\.annotations))
        let name = notification.groupLabels["alertname"] ?? labels["alertname"] ?? "alerts"
        writer.beginObject("payload")
        writer.string("summary", truncated(summary(name: name, firing: firing, annotations: annotations), to: maxSummary))
        writer.string("source", labels["service"] ?? source(externalURL))
        writer.string("severity", severity(labels["severity"] ?? firing.first?.labels["severity"]))
        writer.string("timestamp", RFC3339.format(firing.map(\.startsAt).min() ?? notification.at))
        if let service = labels["service"] { writer.string("component", service) }
        if let team = labels["team"] { writer.string("group", team) }
        writer.string("class", name)
        writer.beginObject("custom_details")
        writer.int("firing", Int64(firing.count))
        writer.string("group_key", notification.groupKey)
        stringMap("group_labels", notification.groupLabels.dictionary, into: &writer)
        stringMap("common_labels", labels.dictionary, into: &writer)
        stringMap("common_annotations", annotations, into: &writer)
        let kept = maxAlerts > 0 ? Array(firing.prefix(maxAlerts)) : firing
        if kept.count < firing.count { writer.int("truncated_alerts", Int64(firing.count - kept.count)) }
        writer.beginArray("alerts")
        for alert in kept {
            writer.beginObject()
            stringMap("labels", alert.labels.dictionary, into: &writer)
            stringMap("annotations", alert.annotations, into: &writer)
            if let value = alert.annotations["value"] { writer.string("value", value) }
            writer.string("starts_at", RFC3339.format(alert.startsAt))
            writer.string("generator_url", alert.generatorURL)
            writer.string("fingerprint", alert.fingerprint)
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
        writer.endObject()

        writer.beginArray("links")
        link(alertsPage, "Vigil alerts", into: &writer)
        var seen: Set<String> = [alertsPage]
        for alert in kept.prefix(5) where !alert.generatorURL.isEmpty && seen.insert(alert.generatorURL).inserted {
            link(alert.generatorURL, "Rule \(alert.labels["alertname"] ?? name)", into: &writer)
        }
        if let runbook = annotations["runbook_url"], seen.insert(runbook).inserted {
            link(runbook, "Runbook", into: &writer)
        }
        writer.endArray()
        writer.endObject()
        return Data(writer.bytes)
    }

    /// `stored` (a body made by `body`) with `"routing_key"` added first; the same key gives the same bytes.
    public static func withRoutingKey(_ stored: Data, routingKey: String) -> Data {
        var writer = JSONWriter()
        writer.beginObject()
        writer.string("routing_key", routingKey)
        var bytes = writer.bytes
        let rest = stored.drop(while: { $0 != UInt8(ascii: "{") }).dropFirst()
        if rest.first != UInt8(ascii: "}") { bytes.append(UInt8(ascii: ",")) }
        bytes.append(contentsOf: rest)
        return Data(bytes)
    }

    /// The summary: the common summary annotation, or the alert's name and how many fire.
    static func summary(name: String, firing: [AlertSnapshot], annotations: [String: String]) -> String {
        let prefix = "[FIRING:\(firing.count)] \(name)"
        if let summary = annotations["summary"], !summary.isEmpty { return prefix + ": " + summary }
        if firing.count == 1, let summary = firing[0].annotations["summary"], !summary.isEmpty { return prefix + ": " + summary }
        return prefix
    }

    /// The host of `externalURL`, PagerDuty's `source` when the alerts have no `service` label.
    static func source(_ externalURL: String) -> String {
        URL(string: externalURL)?.host ?? "vigil"
    }

    /// At most `limit` characters, ending with `…` when cut.
    static func truncated(_ text: String, to limit: Int) -> String {
        guard text.count > limit else { return text }
        return String(text.prefix(limit - 1)) + "…"
    }

    private static func stringMap(_ key: String, _ map: [String: String], into writer: inout JSONWriter) {
        writer.beginObject(key)
        for (name, value) in map.sorted(by: { $0.key < $1.key }) { writer.string(name, value) }
        writer.endObject()
    }

    private static func link(_ href: String, _ text: String, into writer: inout JSONWriter) {
        writer.beginObject()
        writer.string("href", href)
        writer.string("text", text)
        writer.endObject()
    }
}
