internal import Foundation

/// The data a receiver's `body_template` is rendered over: what Alertmanager gives its
/// notification templates — `.Receiver`, `.Status`, `.Alerts` (each with `.Status`, `.Labels`,
/// `.Annotations`, `.StartsAt`, `.EndsAt`, `.GeneratorURL`, `.Fingerprint`), `.GroupLabels`,
/// `.CommonLabels`, `.CommonAnnotations`, `.ExternalURL` — and `.GroupKey` and
/// `.TruncatedAlerts` from the webhook payload. Times are RFC 3339 strings; a firing alert's
/// `.EndsAt` is Go's zero time, as in the webhook JSON.
public struct TemplateData: Sendable, Hashable {
    /// The root value.
    public let root: TemplateValue

    /// The data of a webhook payload (the same alerts, truncation and common labels).
    public init(_ payload: WebhookPayload) {
        let alerts: [TemplateValue] = payload.alerts.map { alert in
            .map([
                "Status": .string(alert.status.rawValue),
                "Labels": .strings(alert.labels.dictionary),
                "Annotations": .strings(alert.annotations),
                "StartsAt": .string(RFC3339.format(alert.startsAt)),
                "EndsAt": .string(alert.endsAt.map(RFC3339.format) ?? RFC3339.zeroTime),
                "GeneratorURL": .string(alert.generatorURL),
                "Fingerprint": .string(alert.fingerprint),
            ])
        }
        root = .map([
            "Receiver": .string(payload.receiver),
            "Status": .string(payload.status.rawValue),
            "Alerts": .list(alerts),
            "GroupLabels": .strings(payload.groupLabels.dictionary),
            "CommonLabels": .strings(payload.commonLabels.dictionary),
            "CommonAnnotations": .strings(payload.commonAnnotations),
            "ExternalURL": .string(payload.externalURL),
            "GroupKey": .string(payload.groupKey),
            "TruncatedAlerts": .int(payload.truncatedAlerts),
        ])
    }

    /// A firing notification of one alert with every usual label and annotation, which
    /// `vigil rules check` renders each `body_template` over.
    public static let sample: TemplateData = {
        var labels = LabelSet()
        labels["alertname"] = "SampleAlert"
        labels["severity"] = "warning"
        labels["service"] = "chat"
        labels["model"] = "gpt-4o"
        let alert = AlertSnapshot(
            labels: labels,
            annotations: ["summary": "Sample \"summary\" with\nspecial <characters> & more", "description": "A sample description.", "value": "2345", "threshold": "2000"],
            startsAt: Date(timeIntervalSince1970: 1_795_167_000), endsAt: nil, generatorURL: "http://localhost:4318/api/v1/rules?name=SampleAlert"
        )
        var groupLabels = LabelSet()
        groupLabels["alertname"] = "SampleAlert"
        let notification = GroupNotification(
            receiver: "sample", groupKey: NotificationGroup.groupKey(receiver: "sample", groupLabels: groupLabels),
            groupLabels: groupLabels, alerts: [alert], at: Date(timeIntervalSince1970: 1_795_167_060)
        )
        return TemplateData(WebhookPayload(notification, externalURL: "http://localhost:4318"))
    }()
}
