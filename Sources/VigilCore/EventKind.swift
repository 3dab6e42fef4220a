/// What an event in the log records. Stored as its raw value in the `kind` column.
public struct EventKind: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The name stored in the log.
    public let rawValue: String

    /// Makes a kind from its stored name.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// An OpenTelemetry span.
    public static let span = EventKind(rawValue: "span")
    /// One data point of an OpenTelemetry metric, of any OTLP metric type.
    public static let metricPoint = EventKind(rawValue: "metric_point")
    /// An OpenTelemetry log record.
    public static let logRecord = EventKind(rawValue: "log_record")
    /// An evaluation of an LLM output (a score, a label, or both), sent to the evaluations API.
    public static let evaluation = EventKind(rawValue: "evaluation")
    /// A project was created.
    public static let projectCreated = EventKind(rawValue: "project_created")
    /// An API key was created.
    public static let keyCreated = EventKind(rawValue: "key_created")
    /// An API key was revoked.
    public static let keyRevoked = EventKind(rawValue: "key_revoked")

    /// A silence was made: its matchers, start, end, comment and author (`silences` processor).
    public static let silenceCreated = EventKind(rawValue: "silence_created")
    /// A silence was ended before its time: its id (the `silence_created` event's sequence number)
    /// and when.
    public static let silenceExpired = EventKind(rawValue: "silence_expired")

    /// An alert changed state (inactive, pending, firing, resolved).
    public static let alertTransition = EventKind(rawValue: "alert_transition")

    /// Embedding vectors of a drift feature, sent to the embeddings API (float32, base64).
    public static let embedding = EventKind(rawValue: "embedding")
    /// A drift baseline was pinned for a feature.
    public static let driftBaselinePinned = EventKind(rawValue: "drift_baseline_pinned")
    /// A drift report was computed for a feature.
    public static let driftReport = EventKind(rawValue: "drift_report")

    /// An operate, admin or operator action, or a key made or revoked with the CLI: who, what,
    /// on which target, with what outcome (`AuditRecord`).
    public static let audit = EventKind(rawValue: "audit")
    /// Retention removed a partition of the log, or some projects' rows from it: the range, the
    /// rows per project and the bytes freed.
    public static let retentionApplied = EventKind(rawValue: "retention_applied")

    /// The stored name.
    public var description: String { rawValue }
}
