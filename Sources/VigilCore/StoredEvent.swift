/// An event as read back from the log.
public struct StoredEvent: Sendable, Equatable {
    /// The global sequence number: readers consume in this order.
    public var seq: Int64
    /// The project the event belongs to.
    public var projectID: Int64
    /// What the event records.
    public var kind: EventKind
    /// When it happened, microseconds since the epoch (the partition key, clamped to 2000–2100).
    public var occurredAtMicros: Int64
    /// When Vigil committed it, microseconds since the epoch.
    public var receivedAtMicros: Int64
    /// The body as JSON text.
    public var body: String

    /// Makes a stored event.
    public init(seq: Int64, projectID: Int64, kind: EventKind, occurredAtMicros: Int64, receivedAtMicros: Int64, body: String) {
        self.seq = seq
        self.projectID = projectID
        self.kind = kind
        self.occurredAtMicros = occurredAtMicros
        self.receivedAtMicros = receivedAtMicros
        self.body = body
    }
}
