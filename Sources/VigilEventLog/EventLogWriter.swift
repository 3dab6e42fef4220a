public import Logging
internal import NIOCore
public import PostgresNIO
public import VigilCore

/// The append protocol, shared by the group-committing appender and the CLI. One transaction:
/// take the append lock, make sure the day partitions exist, COPY the rows into a staging table,
/// move them into `events` with sequence numbers in order (dropping retried duplicates), NOTIFY.
/// Because every append holds the same transaction-scoped advisory lock, sequence numbers
/// become visible in the order they were taken: a reader that reads `seq > last` never skips one.
public enum EventLogWriter {
    /// The channel readers LISTEN on; the payload is the highest sequence number committed.
    public static let notificationChannel = "vigil_events"

    /// What one append did.
    public struct Outcome: Sendable, Equatable {
        /// Events newly stored (retried duplicates are not counted).
        public var inserted: Int
        /// The highest sequence number stored, 0 when nothing was.
        public var lastSeq: Int64
    }

    /// Creates the connection's staging table. Call once per connection before appending.
    public static func prepare(_ connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("""
            CREATE TEMP TABLE IF NOT EXISTS vigil_event_stage (
                ord int NOT NULL,
                project_id bigint NOT NULL,
                kind text NOT NULL,
                occurred_us bigint NOT NULL,
                dedup_key bytea NOT NULL,
                body jsonb NOT NULL
            ) ON COMMIT DELETE ROWS
            """, logger: logger)
    }

    /// Appends `events` in a transaction of its own.
    public static func append(
        _ events: [NewEvent],
        on connection: PostgresConnection,
        knownPartitions: Set<Int> = [],
        logger: Logger
    ) async throws -> (outcome: Outcome, partitions: Set<Int>) {
        try await connection.transaction(logger: logger) { transaction in
            try await appendInTransaction(events, on: transaction, knownPartitions: knownPartitions, logger: logger)
        }
    }

    /// Appends `events` inside the caller's open transaction (which then holds the append lock
    /// until it ends). Returns the outcome and the days (since the epoch) whose partitions now exist.
    public static func appendInTransaction(
        _ events: [NewEvent],
        on connection: PostgresConnection,
        knownPartitions: Set<Int>,
        logger: Logger
    ) async throws -> (outcome: Outcome, partitions: Set<Int>) {
        try await connection.query("SELECT pg_advisory_xact_lock(\(AdvisoryLock.append))", logger: logger)
        // Retention drops partitions older than yesterday (holding the append lock), so only
        // yesterday's and later days are remembered; an older day is ensured on every append.
        let yesterday = DayIndex(micros: EventTime.nowMicros()).value - 1
        var partitions = knownPartitions.filter { $0 >= yesterday }
        var ensuredNow = Set<Int>()
        for event in events {
            let day = DayIndex(micros: event.occurredAtMicros)
            if !partitions.contains(day.value), ensuredNow.insert(day.value).inserted {
                try await connection.query(
                    "SELECT vigil_ensure_event_partition(vigil_ts(\(day.startMicros)))",
                    logger: logger
                )
                if day.value >= yesterday { partitions.insert(day.value) }
            }
        }
        guard !events.isEmpty else { return (Outcome(inserted: 0, lastSeq: 0), partitions) }

        try await connection.copyFrom(
            table: "vigil_event_stage",
            columns: ["ord", "project_id", "kind", "occurred_us", "dedup_key", "body"],
            logger: logger
        ) { writer in
            var buffer = ByteBuffer()
            buffer.reserveCapacity(256 * 1024)
            for (ordinal, event) in events.enumerated() {
                CopyText.appendRow(ordinal: ordinal, event: event, to: &buffer)
                if buffer.readableBytes > 192 * 1024 {
                    try await writer.write(buffer)
                    buffer.clear()
                }
            }
            if buffer.readableBytes > 0 { try await writer.write(buffer) }
        }

        var outcome = Outcome(inserted: 0, lastSeq: 0)
        let rows = try await connection.query("""
            WITH inserted AS (
                INSERT INTO events (project_id, seq, kind, occurred_at, received_at, dedup_key, body)
                SELECT project_id, nextval('event_seq'), kind,
                       'epoch'::timestamptz + occurred_us::float8 * interval '1 microsecond',
                       now(), dedup_key, body
                FROM (SELECT * FROM vigil_event_stage ORDER BY ord) AS staged
                ON CONFLICT DO NOTHING
                RETURNING seq
            )
            SELECT count(*)::bigint, coalesce(max(seq), 0)::bigint FROM inserted
            """, logger: logger)
        for try await (count, last) in rows.decode((Int64, Int64).self) {
            outcome = Outcome(inserted: Int(count), lastSeq: last)
        }
        if outcome.inserted > 0 {
            try await connection.query(
                "SELECT pg_notify(\(notificationChannel), \(String(outcome.lastSeq)))", logger: logger
            )
        }
        return (outcome, partitions)
    }
}

/// A UTC day, the log's partition (migration 0017), as days since the epoch, and where it starts.
struct DayIndex: Hashable {
    let value: Int

    init(micros: Int64) {
        value = Int(micros.floorDivided(by: 86_400_000_000))
    }

    /// Microseconds since the epoch at 00:00 UTC on the day.
    var startMicros: Int64 { Int64(value) * 86_400_000_000 }
}

/// Rows in Postgres's COPY text format.
enum CopyText {
    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    static func appendRow(ordinal: Int, event: NewEvent, to buffer: inout ByteBuffer) {
        buffer.writeString(String(ordinal))
        buffer.writeInteger(UInt8(ascii: "\t"))
        buffer.writeString(String(event.projectID))
        buffer.writeInteger(UInt8(ascii: "\t"))
        appendEscaped(Array(event.kind.rawValue.utf8), to: &buffer)
        buffer.writeInteger(UInt8(ascii: "\t"))
        buffer.writeString(String(event.occurredAtMicros))
        buffer.writeInteger(UInt8(ascii: "\t"))
        // bytea hex input is \x…; the backslash itself is escaped in COPY text.
        buffer.writeString("\\\\x")
        for byte in event.dedupKey {
            buffer.writeInteger(hexDigits[Int(byte >> 4)])
            buffer.writeInteger(hexDigits[Int(byte & 0x0F)])
        }
        buffer.writeInteger(UInt8(ascii: "\t"))
        appendEscaped(event.body, to: &buffer)
        buffer.writeInteger(UInt8(ascii: "\n"))
    }

    static func appendEscaped(_ bytes: [UInt8], to buffer: inout ByteBuffer) {
        var runStart = 0
        for (index, byte) in bytes.enumerated() {
            let escape: UInt8? = switch byte {
            case UInt8(ascii: "\\"): UInt8(ascii: "\\")
            case UInt8(ascii: "\n"): UInt8(ascii: "n")
            case UInt8(ascii: "\r"): UInt8(ascii: "r")
            case UInt8(ascii: "\t"): UInt8(ascii: "t")
            default: nil
            }
            if let escape {
                buffer.writeBytes(bytes[runStart..<index])
                buffer.writeInteger(UInt8(ascii: "\\"))
                buffer.writeInteger(escape)
                runStart = index + 1
            }
        }
        buffer.writeBytes(bytes[runStart...])
    }
}
