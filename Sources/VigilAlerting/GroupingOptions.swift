/// How a rule's alerts are batched into notifications for a webhook receiver, as Alertmanager's
/// route options: alerts whose `groupBy` labels agree share a group and a notification.
public struct GroupingOptions: Sendable, Hashable, Codable {
    /// Label names whose values define a group; `["..."]` groups by every label (one group per
    /// alert). Default `["alertname"]`.
    public var groupBy: [String]
    /// How long a new group waits before its first notification, gathering alerts that start
    /// together. Default 30s.
    public var groupWait: Duration
    /// How long to wait after a notification before sending one about changes to the group
    /// (new firing or resolved alerts). Default 5m.
    public var groupInterval: Duration
    /// How long to wait before repeating a notification when nothing changed. Default 4h.
    public var repeatInterval: Duration

    /// Alertmanager's defaults, grouped by alert name.
    public static let `default` = GroupingOptions()

    /// Makes options; the defaults are Alertmanager's.
    public init(
        groupBy: [String] = ["alertname"],
        groupWait: Duration = .seconds(30),
        groupInterval: Duration = .seconds(300),
        repeatInterval: Duration = .seconds(4 * 3600)
    ) {
        self.groupBy = groupBy
        self.groupWait = groupWait
        self.groupInterval = groupInterval
        self.repeatInterval = repeatInterval
    }

    /// Whether the group is every label (`group_by: ["..."]`).
    public var groupsByAllLabels: Bool { groupBy.contains("...") }

    /// The labels of an alert that identify its group.
    public func groupLabels(of labels: LabelSet) -> LabelSet {
        groupsByAllLabels ? labels : labels.keeping(groupBy)
    }
}
