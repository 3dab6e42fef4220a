public import Foundation

/// One alert in Alertmanager's webhook payload: `status`, `labels`, `annotations`, `startsAt`,
/// `endsAt` (Go's zero time, `0001-01-01T00:00:00Z`, while firing), `generatorURL`, `fingerprint`.
public struct WebhookAlert: Sendable, Hashable, Codable {
    /// `firing` or `resolved`.
    public var status: AlertSnapshot.Status
    /// The alert's labels.
    public var labels: LabelSet
    /// Its annotations.
    public var annotations: [String: String]
    /// When it fired.
    public var startsAt: Date
    /// When it resolved; nil (written as the zero time) while firing.
    public var endsAt: Date?
    /// A link to the rule that made it.
    public var generatorURL: String
    /// 16 hex digits: FNV-1a 64 of the sorted labels, as Alertmanager computes it
    /// (`LabelSet.fingerprint`).
    public var fingerprint: String

    /// The webhook form of a snapshot.
    public init(_ alert: AlertSnapshot) {
        self.status = alert.status
        self.labels = alert.labels
        self.annotations = alert.annotations
        self.startsAt = alert.startsAt
        self.endsAt = alert.endsAt
        self.generatorURL = alert.generatorURL
        self.fingerprint = alert.fingerprint
    }

    enum CodingKeys: String, CodingKey {
        case status, labels, annotations, startsAt, endsAt, generatorURL, fingerprint
    }

    /// Decodes Alertmanager's JSON (the zero time as nil).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        status = try container.decode(AlertSnapshot.Status.self, forKey: .status)
        labels = try container.decode(LabelSet.self, forKey: .labels)
        annotations = try container.decodeIfPresent([String: String].self, forKey: .annotations) ?? [:]
        startsAt = try Self.date(container, .startsAt) ?? Date(micros: 0)
        endsAt = try Self.date(container, .endsAt)
        generatorURL = try container.decodeIfPresent(String.self, forKey: .generatorURL) ?? ""
        fingerprint = try container.decodeIfPresent(String.self, forKey: .fingerprint) ?? labels.fingerprintHex
    }

    /// Encodes Alertmanager's JSON.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(status, forKey: .status)
        try container.encode(labels, forKey: .labels)
        try container.encode(annotations, forKey: .annotations)
        try container.encode(RFC3339.format(startsAt), forKey: .startsAt)
        try container.encode(endsAt.map(RFC3339.format) ?? RFC3339.zeroTime, forKey: .endsAt)
        try container.encode(generatorURL, forKey: .generatorURL)
        try container.encode(fingerprint, forKey: .fingerprint)
    }

    private static func date(_ container: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) throws -> Date? {
        guard let text = try container.decodeIfPresent(String.self, forKey: key), text != RFC3339.zeroTime else { return nil }
        guard let date = RFC3339.parse(text) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "not an RFC 3339 time: \(text)")
        }
        return date
    }
}
