public import Foundation

/// One alert: a rule's state for one label set, from its first breach to its resolution. Prometheus'
/// lifecycle: inactive → pending (breaching, waiting out `for`) → firing → resolved (kept for
/// `resolvedRetention` so the resolution is delivered, then inactive); a breach while resolved starts
/// a new pending (or firing) episode. Moved on by `step(now:value:breaching:)`
/// (`Alert+StateMachine.swift`); a plain value, persisted as JSON by the evaluator.
public struct Alert: Sendable, Hashable, Codable {
    /// Where the alert is in its lifecycle.
    public enum State: String, Sendable, Hashable, Codable, CaseIterable {
        /// Not breaching (or never evaluated).
        case inactive
        /// Breaching, but not yet for `holdDuration`; never notified.
        case pending
        /// Breaching for at least `holdDuration` (or within `keepFiringFor` of it); notified.
        case firing
        /// Was firing and stopped; notified, kept until `resolvedRetention` has passed.
        case resolved
    }

    /// The rule's name (also the `alertname` label).
    public let ruleName: String
    /// The alert's labels, which identify it.
    public let labels: LabelSet
    /// The rule's `for`: how long a breach must last before the alert fires.
    public var holdDuration: Duration
    /// The rule's `keep_firing_for`: how long a firing alert stays firing after the breach ends.
    public var keepFiringFor: Duration
    /// How long a resolved alert is kept before it becomes inactive (Prometheus: 15 minutes).
    public var resolvedRetention: Duration

    /// The current state.
    public internal(set) var state: State
    /// When the current episode started breaching (pending, firing, resolved), or nil.
    public internal(set) var activeAt: Date?
    /// When it fired; the notification's `startsAt`.
    public internal(set) var firedAt: Date?
    /// When it resolved; the notification's `endsAt`.
    public internal(set) var resolvedAt: Date?
    /// While firing on `keep_firing_for`: the first evaluation that did not breach.
    public internal(set) var keepFiringSince: Date?
    /// The value at the last breaching evaluation, which annotations show.
    public internal(set) var value: Double?
    /// The value at the last evaluation, breaching or not.
    public internal(set) var lastValue: Double?
    /// When it was last stepped.
    public internal(set) var lastEvaluatedAt: Date?

    /// An inactive alert for `labels` of a rule.
    public init(ruleName: String, labels: LabelSet, holdDuration: Duration = .zero, keepFiringFor: Duration = .zero, resolvedRetention: Duration = .seconds(15 * 60)) {
        self.ruleName = ruleName
        self.labels = labels
        self.holdDuration = holdDuration
        self.keepFiringFor = keepFiringFor
        self.resolvedRetention = resolvedRetention
        self.state = .inactive
    }

    /// An inactive alert of `rule` for the labels `rule.alertLabels(series:)` gives.
    public init(rule: AlertRule, labels: LabelSet) {
        self.init(ruleName: rule.name, labels: labels, holdDuration: rule.holdDuration, keepFiringFor: rule.keepFiringFor)
    }

    /// The fingerprint of its labels, which identifies it to Alertmanager.
    public var fingerprint: String { labels.fingerprintHex }

    /// Whether receivers know of it: firing, or resolved and kept.
    public var isNotifiable: Bool { state == .firing || state == .resolved }
}
