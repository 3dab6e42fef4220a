public import Logging
internal import PostgresNIO
public import ServiceLifecycle

/// Keeps the event log's day partitions created ahead of time (today and the next `daysAhead`),
/// at start and then every `interval`, so appends rarely create one themselves.
public struct PartitionMaintainer: Service {
    private let database: Database
    private let daysAhead: Int
    private let interval: Duration
    private let clock: any Clock<Duration>
    private let logger: Logger

    /// Makes the maintainer.
    public init(database: Database, daysAhead: Int = 7, interval: Duration = .seconds(6 * 3600), clock: any Clock<Duration> = ContinuousClock(), logger: Logger) {
        self.database = database
        self.daysAhead = daysAhead
        self.interval = interval
        self.clock = clock
        self.logger = logger
    }

    /// Creates the partitions now, on its own connection.
    public func ensureAhead() async throws {
        try await database.withConnection { connection in
            try await connection.transaction(logger: logger) { transaction in
                try await transaction.query("SELECT pg_advisory_xact_lock(\(AdvisoryLock.append))", logger: logger)
                for day in 0...daysAhead {
                    try await transaction.query(
                        "SELECT vigil_ensure_event_partition(now() + \(day) * interval '1 day')", logger: logger
                    )
                }
            }
        }
    }

    /// Repeats `ensureAhead` until shutdown; a failure is logged and tried again next time.
    public func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                try await ensureAhead()
            } catch {
                logger.warning("could not create event partitions ahead", metadata: ["vigil.error": "\(Database.describe(error))"])
            }
            try? await cancelWhenGracefulShutdown { [clock, interval] in try await clock.sleep(for: interval) }
        }
    }
}
