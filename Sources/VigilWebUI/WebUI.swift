public import Hummingbird
internal import HTTPTypes
public import Logging
internal import NIOCore
public import VigilAlerting
public import VigilEventLog

public import VigilQueries
public import VigilHTTPBase

/// The analyst's web view at `/ui`: server-rendered HTML with inline SVG charts, one stylesheet
/// served by Vigil, no JavaScript and no external URL. Sign-in with a read, operate or admin key of a
/// project gives a session cookie; every page but the sign-in form and the assets needs one.
///
/// Pages: `/ui` (overview), `/ui/traces` and `/ui/traces/{trace_id}`, `/ui/drift` and
/// `/ui/drift/{id}`, `/ui/alerts`, `/ui/audit` (admin sessions); `GET`/`POST /ui/login`, `POST /ui/logout`.
public enum WebUI {
    /// What the pages read.
    public struct Dependencies: Sendable {
        /// The database (sessions, drift reports, alerts).
        public var database: any QueryExecutor
        /// Reads a trace's spans from the log.
        public var reader: EventReader
        /// Reads the rollups (overview).
        public var rollups: RollupReader
        /// Searches the trace summaries.
        public var traces: TraceReader
        /// The alerting rules in force (their annotations).
        public var rules: RuleStore
        /// For the readers' queries and the pages' failures.
        public var logger: Logger
        /// Most spans a trace's page shows. `VIGIL_TRACE_MAX_SPANS`, default 10000.
        public var maxTraceSpans: Int
        /// Failed sign-ins per client address and minute before 429. `VIGIL_LOGIN_MAX_FAILURES`, default 10.
        public var loginMaxFailures: Int

        /// Bundles the dependencies.
        public init(database: any QueryExecutor, reader: EventReader, rollups: RollupReader, traces: TraceReader, rules: RuleStore, logger: Logger, maxTraceSpans: Int = 10_000, loginMaxFailures: Int = 10) {
            self.maxTraceSpans = maxTraceSpans
            self.loginMaxFailures = loginMaxFailures
            self.database = database
            self.reader = reader
            self.rollups = rollups
            self.traces = traces
            self.rules = rules
            self.logger = logger
        }
    }

    /// Adds the web view's routes to `router`. Its pages render their own errors; the router's
    /// owner installs whatever error middleware it wants outermost.
    public static func addRoutes(to router: Router<VigilRequestContext>, _ dependencies: Dependencies) {
        let sessions = SessionStore(executor: dependencies.database, logger: dependencies.logger)
        let drift = DriftStore(executor: dependencies.database, logger: dependencies.logger)
        let alerts = AlertReader(executor: dependencies.database, logger: dependencies.logger)
        let ui = router.group("/ui", context: PageContext.self).add(middleware: PageGuardMiddleware())

        ui.get("/assets/vigil.css") { _, _ in
            asset(Stylesheet.css, contentType: "text/css; charset=utf-8")
        }
        ui.get("/assets/icon.svg") { _, _ in
            asset(Stylesheet.icon, contentType: "image/svg+xml")
        }
        let failures = max(1, dependencies.loginMaxFailures)
        let throttle = SignInThrottle(configuration: .init(maxFailuresPerAddress: failures, maxFailuresPerProject: 10 * failures))
        let login = LoginPage(sessions: sessions, throttle: throttle)
        ui.get("/login") { _, _ in login.show() }
        ui.post("/login") { request, context in try await login.submit(request, context: context) }
        ui.post("/logout") { request, _ in try await login.signOut(request) }

        let pages = ui.group().add(middleware: SignInMiddleware(sessions: sessions))
        let overview = OverviewPage(rollups: dependencies.rollups)
        let traces = TracesPage(traces: dependencies.traces)
        let trace = TraceDetailPage(traces: dependencies.traces, events: dependencies.reader, maxSpans: dependencies.maxTraceSpans)
        let driftList = DriftListPage(drift: drift)
        let driftReport = DriftReportPage(drift: drift)
        let alertsPage = AlertsPage(alerts: alerts, rules: dependencies.rules)
        let auditPage = AuditPage(audit: AuditReader(executor: dependencies.database, logger: dependencies.logger))
        pages.get("") { request, context in try await overview.response(request, context: context) }
        pages.get("/traces") { request, context in try await traces.response(request, context: context) }
        pages.get("/traces/{trace_id}") { request, context in try await trace.response(request, context: context) }
        pages.get("/drift") { request, context in try await driftList.response(request, context: context) }
        pages.get("/drift/{id}") { request, context in try await driftReport.response(request, context: context) }
        pages.get("/alerts") { request, context in try await alertsPage.response(request, context: context) }
        pages.get("/audit") { request, context in try await auditPage.response(request, context: context) }
        pages.get("/**") { request, _ -> Response in
            throw PageError(status: 404, message: "There is no page \(request.uri.path).")
        }
    }

    private static func asset(_ text: String, contentType: String) -> Response {
        Response(status: .ok, headers: [.contentType: contentType, .cacheControl: "public, max-age=3600"],
                 body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
