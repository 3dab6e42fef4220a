public import Foundation

/// The alerts of one receiver that share their `group_by` labels, and when to notify about them,
/// as Alertmanager's aggregation group and notification log decide it:
///
/// - a new group waits `groupWait` before its first notification, unless an alert in it started
///   more than `groupWait` ago (then it is due at once);
/// - after each flush the next is `groupInterval` later;
/// - a flush notifies when there are firing alerts not in the last notification, when every alert
///   has resolved and the last notification had firing ones, when (with `sendResolved`) there
///   are newly resolved alerts, or when `repeatInterval` has passed since the last notification;
///   otherwise it sends nothing;
/// - resolved alerts leave the group once flushed; an empty group can be dropped.
///
/// A pure value: the caller inserts snapshots as alerts change, calls `flush(now:)` when
/// `nextFlushAt` comes, and persists the group with its outbox row in the same transaction.
public struct NotificationGroup: Sendable, Hashable, Codable {
    /// What the last notification said, to tell what has changed since.
    public struct Record: Sendable, Hashable, Codable {
        /// Fingerprints of the alerts that were firing.
        public var firing: Set<String>
        /// Fingerprints of the alerts that were resolved.
        public var resolved: Set<String>
        /// When it was sent.
        public var at: Date
    }

    /// The receiver's name.
    public let receiver: String
    /// The labels that define the group.
    public let groupLabels: LabelSet
    /// Timing and grouping.
    public var options: GroupingOptions
    /// Whether resolved alerts are sent (the receiver's `send_resolved`).
    public var sendResolved: Bool
    /// The alerts in the group by fingerprint.
    public private(set) var alerts: [String: AlertSnapshot] = [:]
    /// When the next flush is due.
    public private(set) var nextFlushAt: Date
    /// Whether the group has flushed at least once (group_wait is over).
    public private(set) var hasFlushed = false
    /// What the last notification said; nil before the first.
    public private(set) var lastNotification: Record?

    /// A new, empty group created at `createdAt`; its first flush is due `groupWait` later.
    public init(receiver: String, groupLabels: LabelSet, options: GroupingOptions, sendResolved: Bool = true, createdAt: Date) {
        self.receiver = receiver
        self.groupLabels = groupLabels
        self.options = options
        self.sendResolved = sendResolved
        self.nextFlushAt = createdAt.adding(options.groupWait)
    }

    /// Alertmanager's group key for a receiver and group labels, as its webhook `groupKey` carries
    /// it: a route key naming the receiver, a colon, the group labels.
    public static func groupKey(receiver: String, groupLabels: LabelSet) -> String {
        "{}/{receiver=\(LabelSet.quoted(receiver))}:\(groupLabels)"
    }

    /// This group's key.
    public var groupKey: String { Self.groupKey(receiver: receiver, groupLabels: groupLabels) }

    /// Whether the group holds no alerts (and can be dropped after a flush).
    public var isEmpty: Bool { alerts.isEmpty }

    /// Adds or replaces an alert (by fingerprint) at `now`. Before the first flush, an alert that
    /// started more than `groupWait` ago makes the flush due at once.
    public mutating func insert(_ alert: AlertSnapshot, now: Date) {
        alerts[alert.fingerprint] = alert
        if !hasFlushed, alert.startsAt.adding(options.groupWait).micros < now.micros, now.micros < nextFlushAt.micros {
            nextFlushAt = now
        }
    }

    /// Takes an alert out of the group (it was silenced): later notifications leave it out.
    public mutating func remove(fingerprint: String) {
        alerts[fingerprint] = nil
    }

    /// Whether a flush is due at `now`.
    public func isDue(now: Date) -> Bool {
        now.micros >= nextFlushAt.micros
    }

    /// At or after `nextFlushAt`: schedules the next flush `groupInterval` later, and returns the
    /// notification to send, or nil when nothing needs sending. Before `nextFlushAt`: nil, and
    /// nothing changes.
    public mutating func flush(now: Date) -> GroupNotification? {
        guard isDue(now: now) else { return nil }
        nextFlushAt = now.adding(options.groupInterval)
        hasFlushed = true
        guard !alerts.isEmpty else { return nil }

        let firing = Set(alerts.values.filter { $0.status == .firing }.map(\.fingerprint))
        let resolved = Set(alerts.values.filter { $0.status == .resolved }.map(\.fingerprint))
        let send = needsUpdate(firing: firing, resolved: resolved, now: now)
        // Resolved alerts leave the group once flushed, whether or not they were sent.
        for fingerprint in resolved { alerts[fingerprint] = nil }
        guard send.notify else { return nil }

        lastNotification = Record(firing: firing, resolved: resolved, at: now)
        let included = send.alerts.filter { sendResolved || $0.status == .firing }
        guard !included.isEmpty else { return nil }
        return GroupNotification(
            receiver: receiver, groupKey: groupKey, groupLabels: groupLabels,
            alerts: included.sorted { Self.precedes($0.labels, $1.labels) }, at: now
        )
    }

    /// Alertmanager's `DedupStage.needsUpdate`, over the group as it was before the flush.
    private func needsUpdate(firing: Set<String>, resolved: Set<String>, now: Date) -> (notify: Bool, alerts: [AlertSnapshot]) {
        let all = Array(alerts.values)
        guard let last = lastNotification else {
            return (!firing.isEmpty, all)
        }
        if !firing.isSubset(of: last.firing) { return (true, all) }
        if firing.isEmpty { return (!last.firing.isEmpty, all) }
        if sendResolved, !resolved.isSubset(of: last.resolved) { return (true, all) }
        return (last.at.adding(options.repeatInterval).micros < now.micros, all)
    }

    /// Orders label sets by their sorted pairs, for a stable order of alerts in a notification.
    static func precedes(_ lhs: LabelSet, _ rhs: LabelSet) -> Bool {
        let a = lhs.sorted.map { [$0.name, $0.value] }.flatMap { $0 }
        let b = rhs.sorted.map { [$0.name, $0.value] }.flatMap { $0 }
        return a.lexicographicallyPrecedes(b) { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }
}
