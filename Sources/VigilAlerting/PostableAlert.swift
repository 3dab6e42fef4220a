public import Foundation

/// One alert in the body of Alertmanager's `POST /api/v2/alerts` (its `postableAlerts`):
/// `labels`, `annotations`, `startsAt`, `endsAt`, `generatorURL`. As Prometheus does, a firing alert
/// is re-sent every resend delay with `endsAt` a little in the future (`validUntil`), so that
/// Alertmanager resolves it by itself if Vigil stops sending; a resolved one carries its end.
public struct PostableAlert: Sendable, Hashable, Codable {
    /// The alert's labels.
    public var labels: LabelSet
    /// Its annotations.
    public var annotations: [String: String]
    /// When it fired.
    public var startsAt: Date
    /// When it resolved, or until when a firing alert holds.
    public var endsAt: Date
    /// A link to the rule that made it.
    public var generatorURL: String

    /// The postable form of a snapshot: a firing alert ends at `validUntil`.
    public init(_ alert: AlertSnapshot, validUntil: Date) {
        self.labels = alert.labels
        self.annotations = alert.annotations
        self.startsAt = alert.startsAt
        self.endsAt = alert.endsAt ?? validUntil
        self.generatorURL = alert.generatorURL
    }

    /// Prometheus' rule for a firing alert's `endsAt`: `now + 4 × max(resendDelay, evaluationInterval)`.
    public static func validUntil(now: Date, resendDelay: Duration = .seconds(60), evaluationInterval: Duration) -> Date {
        now.adding(max(resendDelay, evaluationInterval) * 4)
    }

    /// The JSON array Alertmanager's `POST /api/v2/alerts` takes, keys sorted.
    public static func body(_ alerts: [AlertSnapshot], validUntil: Date) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(alerts.map { PostableAlert($0, validUntil: validUntil) })) ?? Data()
    }

    enum CodingKeys: String, CodingKey {
        case labels, annotations, startsAt, endsAt, generatorURL
    }

    /// Decodes the JSON.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        labels = try container.decode(LabelSet.self, forKey: .labels)
        annotations = try container.decodeIfPresent([String: String].self, forKey: .annotations) ?? [:]
        generatorURL = try container.decodeIfPresent(String.self, forKey: .generatorURL) ?? ""
        let starts = try container.decode(String.self, forKey: .startsAt)
        let ends = try container.decode(String.self, forKey: .endsAt)
        guard let startsAt = RFC3339.parse(starts) else {
            throw DecodingError.dataCorruptedError(forKey: .startsAt, in: container, debugDescription: "not an RFC 3339 time: \(starts)")
        }
        guard let endsAt = RFC3339.parse(ends) else {
            throw DecodingError.dataCorruptedError(forKey: .endsAt, in: container, debugDescription: "not an RFC 3339 time: \(ends)")
        }
        self.startsAt = startsAt
        self.endsAt = endsAt
    }

    /// Encodes the JSON.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(labels, forKey: .labels)
        try container.encode(annotations, forKey: .annotations)
        try container.encode(RFC3339.format(startsAt), forKey: .startsAt)
        try container.encode(RFC3339.format(endsAt), forKey: .endsAt)
        try container.encode(generatorURL, forKey: .generatorURL)
    }
}
