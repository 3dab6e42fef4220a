internal import Foundation
internal import Hummingbird
public import Logging
internal import NIOCore
internal import PostgresNIO
public import Prometheus
internal import ServiceLifecycle
internal import VigilAlerting
internal import VigilCore
internal import VigilDashboards
internal import VigilEventLog
internal import VigilHTTP
internal import VigilHTTPBase
internal import VigilCollector
internal import VigilGRPC
internal import VigilProcessors
internal import VigilQueries
internal import VigilDrift
internal import VigilSafety
internal import VigilWebUI
internal import VigilEmbeddedPostgres
internal import UnixSignals

/// `vigil serve`: prepares the database, then runs one service group ordered by dependency
/// (database pool, partition upkeep, appender, HTTP server, OTLP/gRPC listener) so shutdown
/// drains in reverse: the listeners stop taking requests and answer those in flight, the appender
/// commits what it accepted, the pool closes.
/// The embedded cluster, when in use, stops last.
public struct VigilServer: Sendable {
    private let configuration: VigilConfiguration
    private let registry: PrometheusCollectorRegistry
    private let logger: Logger

    /// Makes the server; `registry` is what `/metrics` renders (bootstrapped by the executable).
    public init(configuration: VigilConfiguration, registry: PrometheusCollectorRegistry, logger: Logger) {
        self.configuration = configuration
        self.registry = registry
        self.logger = logger
    }

    /// Runs until SIGTERM or SIGINT.
    public func run(roles: Set<ServeRole> = Set(ServeRole.allCases)) async throws {
        let provider = DatabaseProvider(configuration: configuration, logger: logger)
        let url = try await provider.prepare().url
        do {
            try await runServices(url: url, roles: roles, embedded: provider.embedded != nil)
        } catch {
            try provider.embedded?.stop()
            throw error
        }
        try provider.embedded?.stop()
    }

    private func runServices(url: DatabaseURL, roles: Set<ServeRole>, embedded: Bool) async throws {
        let client = PostgresClient(configuration: url.clientConfiguration(statementTimeoutMilliseconds: configuration.storage.apiStatementTimeoutMilliseconds), backgroundLogger: logger)
        let database = Database(url: url, logger: logger)
        let readiness = Readiness()
        let appender = EventAppender(database: database, configuration: configuration.appender, readiness: roles.contains(.collector) ? readiness : nil, logger: logger)
        let keys = KeyStore(executor: client, cacheTTL: .seconds(configuration.keyCacheSeconds), logger: logger)
        let rollups = RollupReader(executor: client, logger: logger)
        // One set of rate buckets and one spend meter for both collectors: a key's limits hold
        // whichever transport its exports come by.
        let limiter = RequestLimiter(rollups: rollups, spendRefreshSeconds: configuration.http.spendRefreshSeconds)
        let rules = try configuration.loadRules()
        let redaction = try configuration.redactionPolicies()
        let driftScheduler = DriftScheduler(database: database, configuration: configuration.drift, logger: logger)
        let catalog = try DashboardCatalog(directory: configuration.resolvedDashboardsDirectory(), executor: client, logger: logger)
        let dashboards = DashboardsController(
            catalog: catalog,
            exporter: DashboardExporter(logger: logger),
            connection: { body in try await client.withConnection { connection in try await body(connection) } },
            maxBodyBytes: configuration.http.maxBodyBytes
        )
        // This server owns the router: the API's error middleware goes outermost, then the API's
        // routes and the web view's beside them.
        let router = Router(context: VigilRequestContext.self)
        router.add(middleware: ErrorMiddleware())
        VigilRouter.addRoutes(to: router, .init(
            appender: appender,
            keys: keys,
            reader: EventReader(executor: client, logger: logger),
            rollups: rollups,
            traces: TraceReader(executor: client, logger: logger),
            database: client,
            registry: registry,
            configuration: configuration.http,
            rules: rules,
            driftScheduler: driftScheduler,
            dashboards: dashboards,
            readiness: readiness,
            redaction: redaction,
            retentionDays: configuration.retention.defaultDays,
            limiter: limiter
        ))
        WebUI.addRoutes(to: router, .init(
            database: client,
            reader: EventReader(executor: client, logger: logger),
            rollups: RollupReader(executor: client, logger: logger),
            traces: TraceReader(executor: client, logger: logger),
            rules: rules,
            logger: logger,
            maxTraceSpans: configuration.http.maxTraceSpans,
            loginMaxFailures: configuration.http.loginMaxFailures
        ))
        let banner = StartupBanner(configuration: configuration, databaseURL: url, embedded: embedded)
        let application = Application(
            router: router,
            configuration: .init(address: .hostname(configuration.http.host, port: configuration.http.port), serverName: "vigil"),
            onServerRunning: { channel in
                banner.print(port: channel.localAddress?.port ?? configuration.http.port)
            },
            logger: logger
        )
        var services: [any Service] = [client, PartitionMaintainer(database: database, logger: logger)]
        if roles.contains(.processor) {
            services += try ProcessorCatalog(configuration: configuration).runners(database: database, readiness: readiness, logger: logger)
            services.append(driftScheduler)
            services.append(AlertEvaluator(database: database, rules: rules, configuration: configuration.alerting.evaluator, readiness: readiness, logger: logger))
            services.append(WebhookNotifier(database: database, rules: rules, logger: logger))
            services.append(RetentionService(database: database, configuration: configuration.retention, logger: logger))
        }
        if roles.contains(.collector) {
            services += [appender, application]
            if let grpc = configuration.grpc {
                let intake = OTLPIntake(
                    appender: appender, limits: configuration.http.ingestLimits, maxInflatedBytes: configuration.http.maxInflatedBytes,
                    redaction: redaction, limiter: limiter
                )
                let service = OTLPGRPCService(intake: intake, gate: KeyGate(keys: keys, limiter: limiter), maxMessageBytes: grpc.maxMessageBytes, logger: logger)
                services.append(GRPCCollector(configuration: grpc, services: [service], logger: logger) { host, port in
                    banner.printGRPC(host: host, port: port)
                })
            }
        }
        let group = ServiceGroup(configuration: .init(
            services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) },
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        ))
        try await group.run()
    }
}

/// What `vigil serve` prints once it listens: where, where its data is, and the lines an app needs.
struct StartupBanner: Sendable {
    let configuration: VigilConfiguration
    let databaseURL: DatabaseURL
    let embedded: Bool

    func print(port: Int) {
        let endpoint = "http://\(Self.loopback(configuration.http.host)):\(port)"
        let dataLine = embedded
            ? "Data:      \(URL(fileURLWithPath: configuration.storage.dataDirectory).standardizedFileURL.path) (embedded Postgres at \(databaseURL.host):\(databaseURL.port); psql \"$(vigil db url)\")"
            : "Database:  \(databaseURL)"
        let text = """
            Vigil is listening on \(endpoint)
            \(dataLine)

            Point an OpenTelemetry SDK at it:
              export OTEL_EXPORTER_OTLP_ENDPOINT=\(endpoint)
              export OTEL_EXPORTER_OTLP_HEADERS="Authorization=Bearer%20<key>"
              export OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf
            Make a key (printed once):
              vigil keys create --project my-app --role ingest

            Web view: \(endpoint)/ui (sign in with a read key)
            First time? Run `vigil demo` in another terminal and watch the web view.

            """
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    /// The line that says where OTLP/gRPC is taken, once its listener is up (its port may have
    /// been picked by the system).
    func printGRPC(host: String, port: Int) {
        FileHandle.standardOutput.write(Data("Vigil takes OTLP/gRPC on http://\(Self.loopback(host)):\(port) (OTEL_EXPORTER_OTLP_PROTOCOL=grpc, the same key in the authorization header)\n".utf8))
    }

    /// `host` as a client writes it in a URL: the loopback address for all interfaces, IPv6 in brackets.
    static func loopback(_ host: String) -> String {
        let host = host == "0.0.0.0" ? "127.0.0.1" : host
        return host.contains(":") ? "[\(host)]" : host
    }
}
