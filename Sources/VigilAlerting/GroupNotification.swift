public import Foundation

/// A notification a group decided to send: what goes into one webhook payload.
public struct GroupNotification: Sendable, Hashable, Codable {
    /// The receiver's name.
    public var receiver: String
    /// Alertmanager's group key (`{}/{receiver="oncall"}:{alertname="HighLatency"}`).
    public var groupKey: String
    /// The labels the group is made of.
    public var groupLabels: LabelSet
    /// The alerts, firing and resolved, sorted by labels.
    public var alerts: [AlertSnapshot]
    /// When the group decided to send it.
    public var at: Date

    /// Makes a notification.
    public init(receiver: String, groupKey: String, groupLabels: LabelSet, alerts: [AlertSnapshot], at: Date) {
        self.receiver = receiver
        self.groupKey = groupKey
        self.groupLabels = groupLabels
        self.alerts = alerts
        self.at = at
    }

    /// Firing when any alert is firing, else resolved.
    public var status: AlertSnapshot.Status {
        alerts.contains { $0.status == .firing } ? .firing : .resolved
    }
}
