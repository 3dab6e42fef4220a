public import Foundation

/// Alertmanager's webhook payload, version 4 — what every Alertmanager webhook integration takes:
/// `version`, `groupKey`, `truncatedAlerts`, `status`, `receiver`, `groupLabels`, `commonLabels`,
/// `commonAnnotations`, `externalURL`, `alerts`.
public struct WebhookPayload: Sendable, Hashable, Codable {
    /// Always `"4"`.
    public var version: String
    /// Identifies the group, stable across its notifications.
    public var groupKey: String
    /// How many alerts were left out because of the receiver's `max_alerts`.
    public var truncatedAlerts: Int
    /// `firing` when any alert is firing, else `resolved`.
    public var status: AlertSnapshot.Status
    /// The receiver's name.
    public var receiver: String
    /// The labels that define the group.
    public var groupLabels: LabelSet
    /// The labels every alert has, with the same value.
    public var commonLabels: LabelSet
    /// The annotations every alert has, with the same value.
    public var commonAnnotations: [String: String]
    /// Vigil's external URL.
    public var externalURL: String
    /// The alerts.
    public var alerts: [WebhookAlert]

    /// The payload of a group's notification; at most `maxAlerts` alerts (0: all), the first ones
    /// in the notification's order, the rest counted in `truncatedAlerts`. Common labels and
    /// annotations are computed over all of them, as Alertmanager does.
    public init(_ notification: GroupNotification, externalURL: String, maxAlerts: Int = 0) {
        let all = notification.alerts
        let kept = maxAlerts > 0 ? Array(all.prefix(maxAlerts)) : all
        self.version = "4"
        self.groupKey = notification.groupKey
        self.truncatedAlerts = all.count - kept.count
        self.status = notification.status
        self.receiver = notification.receiver
        self.groupLabels = notification.groupLabels
        self.commonLabels = LabelSet(Self.common(all.map(\.labels.dictionary)))
        self.commonAnnotations = Self.common(all.map(\.annotations))
        self.externalURL = externalURL
        self.alerts = kept.map(WebhookAlert.init)
    }

    /// The JSON body: keys sorted, so the same payload is always the same bytes.
    public func encoded() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Only strings, integers and string maps: encoding cannot fail.
        return (try? encoder.encode(self)) ?? Data()
    }

    /// The pairs every dictionary has with the same value.
    static func common(_ dictionaries: [[String: String]]) -> [String: String] {
        guard var common = dictionaries.first else { return [:] }
        for dictionary in dictionaries.dropFirst() {
            common = common.filter { dictionary[$0.key] == $0.value }
        }
        return common
    }
}
