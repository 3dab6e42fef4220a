public import Foundation

/// An alert as receivers see it at one moment — what goes into a notification: labels,
/// rendered annotations, when it started and (once resolved) ended, and where it came from.
public struct AlertSnapshot: Sendable, Hashable, Codable {
    /// Firing or resolved, as Alertmanager says it.
    public enum Status: String, Sendable, Hashable, Codable {
        /// The alert is firing.
        case firing
        /// The alert has resolved.
        case resolved
    }

    /// The alert's labels.
    public var labels: LabelSet
    /// Its annotations, rendered.
    public var annotations: [String: String]
    /// When it fired.
    public var startsAt: Date
    /// When it resolved; nil while firing.
    public var endsAt: Date?
    /// A link to the rule that made it.
    public var generatorURL: String

    /// Makes a snapshot.
    public init(labels: LabelSet, annotations: [String: String], startsAt: Date, endsAt: Date?, generatorURL: String) {
        self.labels = labels
        self.annotations = annotations
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.generatorURL = generatorURL
    }

    /// Firing while it has no end.
    public var status: Status { endsAt == nil ? .firing : .resolved }

    /// The fingerprint of its labels: 16 hex digits, as Alertmanager computes it.
    public var fingerprint: String { labels.fingerprintHex }
}
