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

    /// One pass on `connection` as of `nowMicros`: every removal the plan lists, each in its own
    /// transaction with its `retention_applied` event, then the projections.
    public static func apply(on connection: PostgresConnection, configuration: Configuration, nowMicros: Int64 = EventTime.nowMicros(),
                             logger: Logger) async throws -> Report {
        var plan: [(name: String, from: Int64, to: Int64, action: String, kept: [Int64])] = []
        let days = Int64(configuration.defaultDays)
        for try await row in try await connection.query("""
            SELECT partition_name, vigil_us(from_at), vigil_us(to_at), action, kept
            FROM vigil_retention_plan(\(days)::integer, vigil_ts(\(nowMicros)))
            """, logger: logger).decode((String, Int64, Int64, String, [Int64]).self) {
            plan.append((row.0, row.1, row.2, row.3, row.4))
        }
        let lockWaitMillis = max(Int64(1), Int64((configuration.lockWait / .milliseconds(1)).rounded()))
        var report = Report(removals: [], projectionRows: [:], deferred: [])
        for item in plan {
            do {
                let removal = try await connection.transaction(logger: logger) { transaction in
                    let query: PostgresQuery = if item.action == "compact" {
                        """
                        SELECT project_ids, row_counts, bytes_freed
                        FROM vigil_compact_event_partition(\(item.name), \(item.kept), \(AdvisoryLock.append), \(lockWaitMillis) * interval '1 millisecond')
                        """
                    } else {
                        """
                        SELECT project_ids, row_counts, bytes_freed
                        FROM vigil_drop_event_partition(\(item.name), \(AdvisoryLock.append), \(lockWaitMillis) * interval '1 millisecond')
                        """
                    }
                    var removal = Removal(partition: item.name, fromMicros: item.from, toMicros: item.to, action: item.action, rows: [:], bytesFreed: 0)
                    for try await (projects, counts, bytes) in try await transaction.query(query, logger: logger).decode(([Int64], [Int64], Int64).self) {
                        for (project, count) in zip(projects, counts) { removal.rows[project] = count }
                        removal.bytesFreed = bytes
                    }
                    _ = try await EventLogWriter.appendInTransaction([event(for: removal)], on: transaction, knownPartitions: [], logger: logger)
                    return removal
                }
                report.removals.append(removal)
            } catch {
                // Most often a reader held the log past `lockWait`; the next pass tries again.
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
