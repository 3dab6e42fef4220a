public import Foundation
public import Hummingbird
public import Prometheus
public import VigilCore
public import VigilEventLog
public import VigilQueries
public import VigilDrift
public import VigilAlerting
public import VigilSafety
internal import Logging
public import VigilHTTPBase
public import VigilCollector

/// Assembles every route with its guard: health and the OpenAPI document open, every other route
/// behind the one `Permission` it needs (`Role.permissions` says which roles hold it), errors
/// mapped once. `RoleMatrixTests` lists every route with the roles it admits: a route added here
/// without a line there fails the tests. Every guarded route checks its key first, then its
/// parameters' text (`InputGuardMiddleware`).
public enum VigilRouter {
    /// What the routes need.
    public struct Dependencies: Sendable {
        /// Commits exported telemetry.
        public var appender: EventAppender
        /// Verifies keys.
        public var keys: KeyStore
        /// Reads the log for the API.
        public var reader: EventReader
        /// Reads the rollups for the summary API.
        public var rollups: RollupReader
        /// Searches trace summaries.
        public var traces: TraceReader
        /// Pinged by /readyz.
        public var database: any QueryExecutor
        /// Rendered by /metrics.
        public var registry: PrometheusCollectorRegistry
        /// What the process's parts report, for /readyz.
        public var readiness: Readiness
        /// Limits and listen address.
        public var configuration: HTTPConfiguration
        /// The alerting rules in force (listed and reloaded by the API).
        public var rules: RuleStore
        /// The dashboards API, when the server offers it.
        public var dashboards: DashboardsController?
        /// Computes and stores the drift reports asked for now (`POST /api/v1/drift/reports`; not offered without it).
        public var driftScheduler: DriftScheduler?
        /// Each project's redaction policy, applied to telemetry, evaluation comments and
        /// embedding texts before they are stored.
        public var redaction: RedactionPolicies
        /// Days a project's raw events are kept unless it has its own (`VIGIL_RETENTION_DAYS`).
        public var retentionDays: Int
        /// Every budget's spend, for `GET /api/v1/quota`; one over `database` when not given.
        public var budgetCache: BudgetSpendCache?
        /// The clock of budget periods and forecasts.
        public var now: @Sendable () -> Date
        /// The keys' rate limits and spend quota, shared with any other collector of this
        /// process (gRPC); one over `rollups` when not given.
        public var limiter: RequestLimiter?

        /// Bundles the dependencies.
        public init(appender: EventAppender, keys: KeyStore, reader: EventReader, rollups: RollupReader, traces: TraceReader, database: any QueryExecutor, registry: PrometheusCollectorRegistry, configuration: HTTPConfiguration, rules: RuleStore = RuleStore(RuleSet()), driftScheduler: DriftScheduler? = nil, dashboards: DashboardsController? = nil, readiness: Readiness = Readiness(), redaction: RedactionPolicies = RedactionPolicies(), retentionDays: Int = 30, budgetCache: BudgetSpendCache? = nil, now: @escaping @Sendable () -> Date = { Date() }, limiter: RequestLimiter? = nil) {
            self.limiter = limiter
            self.budgetCache = budgetCache
            self.now = now
            self.readiness = readiness
            self.redaction = redaction
            self.appender = appender
            self.keys = keys
            self.reader = reader
            self.rollups = rollups
            self.traces = traces
            self.database = database
            self.registry = registry
            self.configuration = configuration
            self.rules = rules
            self.driftScheduler = driftScheduler
            self.dashboards = dashboards
            self.retentionDays = retentionDays
        }
    }

    /// A router with the error middleware outermost and the API's routes for `dependencies`
    /// (for a process that serves the API alone, and for tests).
    public static func make(_ dependencies: Dependencies) -> Router<VigilRequestContext> {
        let router = Router(context: VigilRequestContext.self)
        router.add(middleware: ErrorMiddleware())
        addRoutes(to: router, dependencies)
        return router
    }

    /// Adds the API's routes for `dependencies` to `router`, whose owner has installed
    /// `ErrorMiddleware` before them.
    public static func addRoutes(to router: Router<VigilRequestContext>, _ dependencies: Dependencies) {
        HealthController(executor: dependencies.database, registry: dependencies.registry, readiness: dependencies.readiness).addRoutes(to: router)
        router.get("/openapi.json") { _, _ in
            Response.json(OpenAPIDocument.json)
        }
        let limiter = dependencies.limiter ?? RequestLimiter(rollups: dependencies.rollups, spendRefreshSeconds: dependencies.configuration.spendRefreshSeconds)
        let guards = RouteGuards(router: router, keys: dependencies.keys, appender: dependencies.appender, limiter: limiter)
        let intake = OTLPIntake(
            appender: dependencies.appender, limits: dependencies.configuration.ingestLimits, maxInflatedBytes: dependencies.configuration.maxInflatedBytes,
            redaction: dependencies.redaction, limiter: limiter
        )
        OTLPController(intake: intake, maxBodyBytes: dependencies.configuration.maxBodyBytes).addRoutes(to: guards[.ingestTelemetry])
        EvaluationsController(appender: dependencies.appender, maxBodyBytes: dependencies.configuration.maxBodyBytes, redaction: dependencies.redaction).addRoutes(to: guards[.ingestTelemetry])
        let drift = DriftStore(executor: dependencies.database, logger: Logger(label: "vigil.drift"))
        EmbeddingsController(appender: dependencies.appender, drift: drift, maxBodyBytes: dependencies.configuration.maxBodyBytes, redaction: dependencies.redaction).addRoutes(to: guards[.ingestTelemetry])
        // The app checks text inline with the key it already sends telemetry with; nothing is stored.
        GuardController(maxBodyBytes: dependencies.configuration.maxBodyBytes, redaction: dependencies.redaction).addRoutes(to: guards[.ingestTelemetry])
        EventsController(reader: dependencies.reader).addRoutes(to: guards[.readProject])
        SummaryController(rollups: dependencies.rollups).addRoutes(to: guards[.readProject])
        TimeseriesController(rollups: dependencies.rollups).addRoutes(to: guards[.readProject])
        TracesController(traces: dependencies.traces, events: dependencies.reader, maxSpans: dependencies.configuration.maxTraceSpans).addRoutes(to: guards[.readProject])
        DriftController(drift: drift, appender: dependencies.appender, scheduler: dependencies.driftScheduler, maxValues: dependencies.driftScheduler?.maxValues ?? 20_000_000).addRoutes(to: guards)
        AlertsController(
            alerts: AlertReader(executor: dependencies.database, logger: Logger(label: "vigil.alerts")),
            commands: AlertCommands(executor: dependencies.database, logger: Logger(label: "vigil.alerts")),
            rules: dependencies.rules
        )
            .addRoutes(to: guards)
        dependencies.dashboards?.addRoutes(to: guards)
        AuditController(audit: AuditReader(executor: dependencies.database, logger: Logger(label: "vigil.audit"))).addRoutes(to: guards)
        RetentionController(executor: dependencies.database, defaultDays: dependencies.retentionDays).addRoutes(to: guards)
        let budgetLogger = Logger(label: "vigil.budgets")
        let budgetCache = dependencies.budgetCache ?? BudgetSpendCache(executor: dependencies.database, logger: budgetLogger, now: dependencies.now)
        BudgetsController(store: BudgetStore(executor: dependencies.database, logger: budgetLogger), rollups: dependencies.rollups,
                          cache: budgetCache, now: dependencies.now).addRoutes(to: guards)
        QuotaController(cache: budgetCache).addRoutes(to: guards)
    }
}
