public import Logging
public import PostgresNIO
public import ServiceLifecycle
public import VigilCore

/// Applies retention (migration 0017): a project's raw events older than its retention leave the
/// log by whole day partitions (dropped, or compacted when other projects keep rows there), and
/// projections lose their rows past their own, longer, retention by ordinary DELETEs. Each removal
/// from the log is recorded as a `retention_applied` event in the instance project, in the same
/// transaction. Runs once per database under a lease, every `interval`.
///
/// Processors are untouched by it: they read by sequence number, and a removed partition only
/// holds sequence numbers they have passed (or will find missing, which reads the same). What a
/// replay rebuilds is what the log still holds.
public struct RetentionService: Service {
    /// How long things are kept and how often retention runs.
    public struct Configuration: Sendable {
        /// Days a project's raw events are kept unless an admin set its own (`PUT /api/v1/retention`).
        /// `VIGIL_RETENTION_DAYS`, default 30.
        public var defaultDays: Int = 30
        /// Time between passes. `VIGIL_RETENTION_INTERVAL_SECONDS`, default 3600.
        public var interval: Duration = .seconds(3600)
        /// How long a removal waits for the log's readers to let go before giving up until the
        /// next pass; appends wait at most this long behind it. Default 2 s.
        public var lockWait: Duration = .seconds(2)
        /// The projections' own retention.
        public var projections: [ProjectionRetention] = ProjectionRetention.defaults

        /// The defaults.
        public init() {}
    }

    /// A projection table's retention: rows whose `column` is more than `days` old are deleted.
    public struct ProjectionRetention: Sendable, Equatable {
        /// The table.
        public var table: String
        /// Its time column.
        public var column: String
        /// Days kept.
        public var days: Int

        /// Makes one.
        public init(table: String, column: String, days: Int) {
            self.table = table
            self.column = column
            self.days = days
        }

        /// Rollup tiers: minute 7 days, ten minutes 30, hour 90, day 2 years; drift reports and the
        /// audit trail 400 days. `VIGIL_AUDIT_RETENTION_DAYS` sets the audit trail's.
        public static let defaults: [ProjectionRetention] = [
            .init(table: "rollup_minute", column: "minute", days: 7),
            .init(table: "quality_minute", column: "minute", days: 7),
            .init(table: "rollup_ten_minute", column: "ten_minute", days: 30),
            .init(table: "quality_ten_minute", column: "ten_minute", days: 30),
            .init(table: "rollup_hour", column: "hour", days: 90),
            .init(table: "quality_hour", column: "hour", days: 90),
            .init(table: "rollup_day", column: "day", days: 730),
            .init(table: "quality_day", column: "day", days: 730),
            .init(table: "drift_reports", column: "computed_at", days: 400),
            .init(table: "audit_log", column: "occurred_at", days: 400),
        ]
    }

    /// One removal from the log.
    public struct Removal: Sendable, Equatable {
        /// The partition.
        public var partition: String
        /// Its range, microseconds since the epoch: [from, to).
        public var fromMicros: Int64
        /// The end of its range.
        public var toMicros: Int64
        /// `drop` (the whole partition) or `compact` (some projects' rows).
        public var action: String
        /// Rows removed per project id.
        public var rows: [Int64: Int64]
        /// Bytes given back (table, indexes and TOAST).
        public var bytesFreed: Int64
    }

    /// What one pass did.
    public struct Report: Sendable {
        /// Removals from the log, oldest partition first.
        public var removals: [Removal]
        /// Rows deleted per projection table.
        public var projectionRows: [String: Int64]
        /// Removals that could not be done this pass (a reader held the log too long), by partition.
        public var deferred: [String]
    }

    private let database: Database
    private let configuration: Configuration
    private let clock: any Clock<Duration>
    private let logger: Logger

    /// Makes the service.
    public init(database: Database, configuration: Configuration = .init(), clock: any Clock<Duration> = ContinuousClock(), logger: Logger) {
        self.database = database
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
    }

    /// Takes the lease, then applies retention every `interval` until shutdown.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await Lease(key: AdvisoryLock.retention, holder: "retention")
                .run(database: database, backoff: .seconds(5), clock: clock, logger: logger) { connection in
                    while !Task.isCancelled {
                        let report = try await Self.apply(on: connection, configuration: configuration, logger: logger)
                        if !report.removals.isEmpty || report.projectionRows.values.contains(where: { $0 > 0 }) {
                            logger.info("retention applied", metadata: [
                                "vigil.partitions": "\(report.removals.count)",
                                "vigil.rows": "\(report.removals.reduce(0) { $0 + $1.rows.values.reduce(0, +) })",
                                "vigil.bytes_freed": "\(report.removals.reduce(0) { $0 + $1.bytesFreed })",
                            ])
                        }
                        try? await clock.sleep(for: configuration.interval)
                    }
                }
        }
    }

    /// One pass on `connection` as of `nowMicros`: a removal an earlier pass left half done is
    /// finished, then every removal the plan lists, each recorded by its `retention_applied` event,
    /// then the projections.
    ///
    /// A partition past every project's retention is detached with `DETACH PARTITION … CONCURRENTLY`,
    /// which never blocks appends or readers of the log (a plain `DROP` locks the whole log while
    /// it waits for the log's readers and for autovacuum to give way: measured, it held exports for
    /// up to 2 s), then counted and dropped in a transaction with its event. Compaction (some
    /// projects' rows kept) still swaps the partition under the log's lock.
    public static func apply(on connection: PostgresConnection, configuration: Configuration, nowMicros: Int64 = EventTime.nowMicros(),
                             logger: Logger) async throws -> Report {
        let lockWaitMillis = max(Int64(1), Int64((configuration.lockWait / .milliseconds(1)).rounded()))
        var report = Report(removals: [], projectionRows: [:], deferred: [])
        try await finishInterruptedRemovals(on: connection, lockWaitMillis: lockWaitMillis, report: &report, logger: logger)

        var plan: [(name: String, from: Int64, to: Int64, action: String, kept: [Int64])] = []
        let days = Int64(configuration.defaultDays)
        for try await row in try await connection.query("""
            SELECT partition_name, vigil_us(from_at), vigil_us(to_at), action, kept
            FROM vigil_retention_plan(\(days)::integer, vigil_ts(\(nowMicros)))
            """, logger: logger).decode((String, Int64, Int64, String, [Int64]).self) {
            plan.append((row.0, row.1, row.2, row.3, row.4))
        }
        for item in plan {
            do {
                if item.action == "compact" {
                    report.removals.append(try await compact(item.name, from: item.from, to: item.to, kept: item.kept, lockWaitMillis: lockWaitMillis,
                                                             on: connection, logger: logger))
                } else {
                    try await detach(item.name, finalize: false, lockWaitMillis: lockWaitMillis, on: connection, logger: logger)
                    report.removals.append(try await dropDetached(item.name, range: (item.from, item.to), on: connection, logger: logger))
                }
            } catch {
                // Most often a reader held the log past `lockWait`; the next pass tries again (and
                // finishes a detach left pending).
                logger.warning("retention could not remove a partition this time", metadata: [
                    "vigil.partition": "\(item.name)", "vigil.error": "\(Database.describe(error))",
                ])
                report.deferred.append(item.name)
            }
        }
        for projection in configuration.projections {
            let deleted = try await connection.query(PostgresQuery(unsafeSQL: """
                WITH removed AS (
                    DELETE FROM \(projection.table) WHERE \(projection.column) < vigil_ts($1) - $2 * interval '1 day' RETURNING 1
                )
                SELECT count(*)::bigint FROM removed
                """, binds: {
                    var binds = PostgresBindings()
                    binds.append(nowMicros)
                    binds.append(Int64(projection.days))
                    return binds
                }()), logger: logger)
            for try await count in deleted.decode(Int64.self) {
                report.projectionRows[projection.table, default: 0] += count
            }
        }
        return report
    }

    /// Finishes what a pass stopped in the middle of (a crash, a lost connection, a detach that
    /// waited too long): partitions left pending detach are detached, and tables detached but not
    /// dropped are dropped, each with its event.
    static func finishInterruptedRemovals(on connection: PostgresConnection, lockWaitMillis: Int64, report: inout Report, logger: Logger) async throws {
        var pending: [String] = []
        for try await name in try await connection.query("""
            SELECT c.relname::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = 'events'::regclass AND i.inhdetachpending ORDER BY 1
            """, logger: logger).decode(String.self) {
            pending.append(name)
        }
        for name in pending {
            try await detach(name, finalize: true, lockWaitMillis: lockWaitMillis, on: connection, logger: logger)
        }
        var detached: [String] = []
        for try await name in try await connection.query("""
            SELECT c.relname::text FROM pg_class c
            WHERE c.relkind = 'r' AND NOT c.relispartition AND pg_table_is_visible(c.oid)
              AND c.relname ~ '^events_[0-9]{4}(_[0-9]{2}|m[0-9]{2}d[0-9]{2})$'
            ORDER BY 1
            """, logger: logger).decode(String.self) {
            detached.append(name)
        }
        for name in detached {
            report.removals.append(try await dropDetached(name, range: nil, on: connection, logger: logger))
        }
    }

    /// `ALTER TABLE events DETACH PARTITION name CONCURRENTLY` (or `FINALIZE`, for one left
    /// pending), waiting at most `lockWaitMillis` for a lock. Runs outside any transaction, as
    /// Postgres requires.
    static func detach(_ name: String, finalize: Bool, lockWaitMillis: Int64, on connection: PostgresConnection, logger: Logger) async throws {
        let table = try partitionIdentifier(name)
        try await connection.query(PostgresQuery(unsafeSQL: "SET lock_timeout = \(lockWaitMillis)"), logger: logger)
        do {
            try await connection.query(PostgresQuery(unsafeSQL: "ALTER TABLE events DETACH PARTITION \(table) \(finalize ? "FINALIZE" : "CONCURRENTLY")"), logger: logger)
        } catch {
            _ = try? await connection.query("RESET lock_timeout", logger: logger)
            throw error
        }
        try await connection.query("RESET lock_timeout", logger: logger)
    }

    /// Counts the rows of `name`, a partition already detached from the log (nothing can add to
    /// it), drops it and appends its `retention_applied` event, in one transaction. `range` is the
    /// partition's bounds when known; else its rows' first and last times.
    static func dropDetached(_ name: String, range: (from: Int64, to: Int64)?, on connection: PostgresConnection, logger: Logger) async throws -> Removal {
        let table = try partitionIdentifier(name)
        return try await connection.transaction(logger: logger) { transaction in
            var removal = Removal(partition: name, fromMicros: range?.from ?? 0, toMicros: range?.to ?? 0, action: "drop", rows: [:], bytesFreed: 0)
            var first = Int64.max, last = Int64.min
            for try await (project, count, from, to) in try await transaction.query(PostgresQuery(unsafeSQL: """
                SELECT project_id, count(*)::bigint, vigil_us(min(occurred_at)), vigil_us(max(occurred_at)) FROM \(table) GROUP BY project_id
                """), logger: logger).decode((Int64, Int64, Int64, Int64).self) {
                removal.rows[project] = count
                first = min(first, from)
                last = max(last, to)
            }
            if range == nil, first <= last { (removal.fromMicros, removal.toMicros) = (first, last) }
            for try await bytes in try await transaction.query(PostgresQuery(unsafeSQL: "SELECT pg_total_relation_size('\(table)')::bigint"), logger: logger).decode(Int64.self) {
                removal.bytesFreed = bytes
            }
            try await transaction.query(PostgresQuery(unsafeSQL: "DROP TABLE \(table)"), logger: logger)
            _ = try await EventLogWriter.appendOne(event(for: removal), on: transaction, logger: logger)
            return removal
        }
    }

    /// Replaces partition `name` with a copy holding only the `kept` projects' rows
    /// (`vigil_compact_event_partition`, under the log's lock), with its event, in one transaction.
    static func compact(_ name: String, from: Int64, to: Int64, kept: [Int64], lockWaitMillis: Int64, on connection: PostgresConnection, logger: Logger) async throws -> Removal {
        try await connection.transaction(logger: logger) { transaction in
            var removal = Removal(partition: name, fromMicros: from, toMicros: to, action: "compact", rows: [:], bytesFreed: 0)
            for try await (projects, counts, bytes) in try await transaction.query("""
                SELECT project_ids, row_counts, bytes_freed
                FROM vigil_compact_event_partition(\(name), \(kept), \(AdvisoryLock.append), \(lockWaitMillis) * interval '1 millisecond')
                """, logger: logger).decode(([Int64], [Int64], Int64).self) {
                for (project, count) in zip(projects, counts) { removal.rows[project] = count }
                removal.bytesFreed = bytes
            }
            _ = try await EventLogWriter.appendOne(event(for: removal), on: transaction, logger: logger)
            return removal
        }
    }

    /// `name` quoted as an identifier, once it is known to be one of the log's partition names
    /// (they come from the catalog, but are spliced into DDL).
    static func partitionIdentifier(_ name: String) throws -> String {
        guard name.hasPrefix("events_"), name.utf8.count <= 63,
              name.utf8.allSatisfy({ (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: "_") })
        else { throw VigilError(.invalidInput, "\(name) is not a partition of the log") }
        return "\"\(name)\""
    }

    /// The `retention_applied` event of `removal`, in the instance project.
    static func event(for removal: Removal) -> NewEvent {
        var writer = JSONWriter()
        writer.beginObject()
        writer.string("partition", removal.partition)
        writer.string("action", removal.action)
        writer.string("from", CivilTime.rfc3339(micros: removal.fromMicros))
        writer.string("to", CivilTime.rfc3339(micros: removal.toMicros))
        writer.int("rows", removal.rows.values.reduce(0, +))
        writer.int("bytes_freed", removal.bytesFreed)
        writer.beginArray("projects")
        for (project, rows) in removal.rows.sorted(by: { $0.key < $1.key }) {
            writer.beginObject()
            writer.int("project_id", project)
            writer.int("rows", rows)
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
        return NewEvent(projectID: InstanceProject.id, kind: .retentionApplied, occurredAtMicros: EventTime.nowMicros(),
                        dedupKey: ContentKey.make(kind: .retentionApplied, body: writer.bytes + Array(String(EventTime.nowMicros()).utf8)),
                        body: writer.bytes)
    }
}
