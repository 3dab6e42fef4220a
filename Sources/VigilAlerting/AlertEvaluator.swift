public import Foundation
public import Logging
internal import Metrics
internal import PostgresNIO
public import ServiceLifecycle
internal import VigilCore
public import VigilEventLog

/// Evaluates every rule over the rollups at a fixed interval and moves each alert through
/// inactive → pending → firing → resolved. Exactly one evaluator runs across processes: it holds a
/// session advisory lock (the lease) on its own connection, and when that process dies the lock
/// goes with its connection and another process's evaluator takes over within `leaseRetry`.
/// Each evaluation writes its transitions to the log, the alerts' states, the notification
/// groups and the outbox rows in one transaction.
public struct AlertEvaluator: Service {
    /// How often and for whom the evaluator works.
    public struct Configuration: Sendable {
        /// `VIGIL_EVALUATION_INTERVAL` (seconds, 1 or more): time between evaluations, default 15 s.
        public var interval: Duration = .seconds(15)
        /// `VIGIL_EXTERNAL_URL`: where Vigil's API is reached, for the alerts' `generatorURL`.
        public var externalURL: String = "http://localhost:4318"
        /// How often a process without the lease tries to take it.
        public var leaseRetry: Duration = .seconds(2)

        /// The defaults.
        public init() {}
    }

    let database: Database
    let rules: RuleStore
    let configuration: Configuration
    let clock: any Clock<Duration>
    let now: @Sendable () -> Date
    let logger: Logger

    /// Makes an evaluator of `rules` over `database`; `now` tells the time of each evaluation.
    public init(database: Database, rules: RuleStore, configuration: Configuration, clock: any Clock<Duration> = ContinuousClock(), now: @escaping @Sendable () -> Date = { Date() }, logger: Logger) {
        self.database = database
        self.rules = rules
        self.configuration = configuration
        self.clock = clock
        self.now = now
        self.logger = logger
    }

    /// Takes the lease, then evaluates every interval until shutdown; failures are logged and retried.
    public func run() async throws {
        let cycleTime = Gauge(label: "vigil_alert_evaluation_seconds")
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await database.withConnection { connection in
                        try await EventLogWriter.prepare(connection, logger: logger)
                        while !Task.isCancelled, try await !Self.takeLease(on: connection, logger: logger) {
                            try? await clock.sleep(for: configuration.leaseRetry)
                        }
                        logger.info("alert evaluator holds the lease")
                        while !Task.isCancelled {
                            let started = ContinuousClock.now
                            try await evaluate(at: now(), on: connection)
                            let elapsed = started.duration(to: .now)
                            cycleTime.record(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
                            try? await clock.sleep(for: max(configuration.interval - elapsed, .milliseconds(10)))
                        }
                        return true
                    }
                } catch {
                    if Task.isCancelled { break }
                    logger.error("alert evaluation failed; retrying", metadata: ["vigil.error": "\(Database.describe(error))"])
                    try? await clock.sleep(for: .seconds(1))
                }
            }
        }
    }

    /// Tries to take the evaluator's lease for the life of `connection`.
    static func takeLease(on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        for try await taken in try await connection.query("SELECT pg_try_advisory_lock(\(AdvisoryLock.alertEvaluator))", logger: logger).decode(Bool.self) {
            return taken
        }
        return false
    }
}
