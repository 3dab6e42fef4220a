/// What the demo saw, for its closing summary: webhook notifications received and the alerts'
/// states as the API showed them.
public actor DemoTally {
    /// Notifications received by the demo's webhook receivers, one readable line each.
    public private(set) var notifications: [String] = []
    /// The last state seen of each alert (rule and labels), e.g. `firing`.
    public private(set) var alertStates: [String: String] = [:]
    /// Drift verdicts, in the order they were asked for.
    public private(set) var driftReports: [(label: String, psiMean: Double, drifted: Bool)] = []

    /// An empty tally.
    public init() {}

    /// Records a received notification.
    public func received(_ line: String) {
        notifications.append(line)
    }

    /// Records an alert's state; returns the state it had before (nil when new).
    public func alert(_ key: String, state: String?) -> String? {
        let before = alertStates[key]
        alertStates[key] = state
        return before
    }

    /// Records a drift report.
    public func drift(_ label: String, psiMean: Double, drifted: Bool) {
        driftReports.append((label, psiMean, drifted))
    }
}
