public import Logging
internal import NIOCore
public import PostgresNIO
public import VigilCore

/// The append protocol, shared by the group-committing appender and the CLI. One transaction:
/// take the append lock, make sure the day partitions exist, insert the batch (bound as arrays)
/// into `events` with sequence numbers in order (dropping retried duplicates), NOTIFY.
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

    /// Appends one of Vigil's own facts inside the caller's open transaction (which keeps the
    /// append lock until it ends); returns its sequence number, or nil when the log already held
    /// an event with its dedup key.
    public static func appendOne(_ event: NewEvent, on connection: PostgresConnection, logger: Logger) async throws -> Int64? {
        let (outcome, _) = try await appendInTransaction([event], on: connection, knownPartitions: [], logger: logger)
        return outcome.inserted == 1 ? outcome.lastSeq : nil
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

        // One statement takes the whole batch as five array parameters, encoded straight into the
        // bind message. Not COPY: PostgresNIO (1.33) traps when COPY data is written to a
        // connection the server has just closed (a restart, a failover), which takes the whole
        // process down, and can leave the COPY waiting forever.
        var outcome = Outcome(inserted: 0, lastSeq: 0)
        var bindings = PostgresBindings(capacity: 5)
        bindings.append(events.map(\.projectID))
        bindings.append(events.map(\.kind.rawValue))
        bindings.append(events.map(\.occurredAtMicros))
        bindings.append(ByteStringArray(bytea: events.map(\.dedupKey)))
        bindings.append(ByteStringArray(jsonb: events.map(\.body)))
        let rows = try await connection.query(PostgresQuery(unsafeSQL: """
            WITH inserted AS (
                INSERT INTO events (project_id, seq, kind, occurred_at, received_at, dedup_key, body)
                SELECT project_id, nextval('event_seq'), kind, vigil_ts(occurred_us), now(), dedup_key, body
                FROM (
                    SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::bytea[], $5::jsonb[])
                        WITH ORDINALITY AS batch (project_id, kind, occurred_us, dedup_key, body, ord)
                    ORDER BY ord
                ) AS staged
                ON CONFLICT DO NOTHING
                RETURNING seq
            )
            SELECT count(*)::bigint, coalesce(max(seq), 0)::bigint FROM inserted
            """, binds: bindings), logger: logger)
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
