internal import Foundation

/// An event on its way into the log: everything but the sequence number and the receipt time,
/// which the appender assigns when it commits.
public struct NewEvent: Sendable, Equatable {
    /// The project the event belongs to.
    public var projectID: Int64
    /// What the event records.
    public var kind: EventKind
    /// When it happened, in microseconds since the Unix epoch, already clamped to `EventTime.storableRange`.
    public var occurredAtMicros: Int64
    /// What makes a retried copy of this event recognisable: trace and span id for spans,
    /// a content hash for other kinds.
    public var dedupKey: [UInt8]
    /// The event's body as UTF-8 JSON text.
    public var body: [UInt8]

    /// Makes an event; `occurredAtMicros` is clamped into the range the log stores.
    public init(projectID: Int64, kind: EventKind, occurredAtMicros: Int64, dedupKey: [UInt8], body: [UInt8]) {
        self.projectID = projectID
        self.kind = kind
        self.occurredAtMicros = EventTime.clamp(occurredAtMicros)
        self.dedupKey = dedupKey
        self.body = body
    }
}

/// Time helpers for event timestamps.
public enum EventTime {
    /// 2000-01-01T00:00:00Z in microseconds since the epoch: the earliest time the log's partition key takes.
    public static let earliestMicros: Int64 = 946_684_800_000_000
    /// 2100-01-01T00:00:00Z in microseconds: the partition key stays below it.
    public static let latestMicros: Int64 = 4_102_444_800_000_000

    /// Event times outside 2000–2100 (zero, garbage, far skew) are stored at the nearest bound
    /// in the partition key column; the body keeps the original value.
    public static func clamp(_ micros: Int64) -> Int64 {
        min(max(micros, earliestMicros), latestMicros - 1)
    }

    /// The wall-clock time now, in microseconds since the epoch.
    public static func nowMicros() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1_000_000).rounded())
    }

    /// The wall-clock time now, in nanoseconds since the epoch.
    public static func nowNanos() -> UInt64 {
        UInt64((Date().timeIntervalSince1970 * 1_000_000_000).rounded())
    }

    /// Converts OTLP's unsigned nanoseconds to microseconds, saturating.
    public static func micros(fromUnixNanos nanos: UInt64) -> Int64 {
        Int64(clamping: nanos / 1_000)
    }
}
