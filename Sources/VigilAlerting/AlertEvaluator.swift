public import Foundation
public import Logging
internal import Metrics
internal import PostgresNIO
public import ServiceLifecycle
public import VigilCore
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
    let readiness: Readiness?
    let logger: Logger

    /// The name the evaluator reports under on the readiness board.
    public static let readinessName = "evaluator"

    /// Makes an evaluator of `rules` over `database`; `now` tells the time of each evaluation, and
    /// each evaluation's outcome goes to `readiness`.
    public init(database: Database, rules: RuleStore, configuration: Configuration, clock: any Clock<Duration> = ContinuousClock(), now: @escaping @Sendable () -> Date = { Date() }, readiness: Readiness? = nil, logger: Logger) {
        self.database = database
        self.rules = rules
        self.configuration = configuration
        self.clock = clock
        self.now = now
        self.readiness = readiness
        self.logger = logger
        readiness?.register(Self.readinessName, stallLimit: nil)
    }

    /// One evaluation may take four intervals, and at least a minute, before it counts as stuck.
    private var cycleDeadline: ConnectionDeadline.Limits {
        ConnectionDeadline.Limits(timeout: max(configuration.interval * 4, .seconds(60)))
    }

    /// Takes the lease, then evaluates every interval until shutdown; failures are logged and retried.
    public func run() async throws {
        let cycleTime = Gauge(label: "vigil_alert_evaluation_seconds")
        await cancelWhenGracefulShutdown {
            await Lease(key: AdvisoryLock.alertEvaluator, holder: "alert evaluator", retry: configuration.leaseRetry)
                .run(database: database, backoff: .seconds(1), clock: clock, logger: logger) { connection in
                    while !Task.isCancelled {
                        let started = ContinuousClock.now
                        let time = now()
                        do {
                            try await ConnectionDeadline.run(on: connection, limits: cycleDeadline, what: "an alert evaluation") {
                                try await evaluate(at: time, on: connection)
                            }
                            readiness?.succeeded(Self.readinessName)
                        } catch {
                            readiness?.failed(Self.readinessName, "cannot evaluate the rules")
                            throw error
                        }
                        let elapsed = started.duration(to: .now)
                        cycleTime.record(elapsed.seconds)
                        try? await clock.sleep(for: max(configuration.interval - elapsed, .milliseconds(10)))
                    }
                }
        }
    }
}
