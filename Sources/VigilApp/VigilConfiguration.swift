internal import Foundation
public import Logging
public import VigilAlerting
internal import VigilCore
public import VigilEventLog
public import VigilHTTP
public import VigilGRPC
internal import VigilIngest
internal import VigilProcessors
public import VigilDrift
public import VigilSafety

/// Everything Vigil can be told, built from defaults, then `VIGIL_*` environment variables, then
/// flags. Each module receives only its slice. Errors name the variable and the bad value.
public struct VigilConfiguration: Sendable {
    /// Where the data lives.
    public struct Storage: Sendable {
        /// The server to use; nil runs the embedded cluster. `VIGIL_DATABASE_URL`, default none.
        public var databaseURL: String?
        /// The data folder (the embedded cluster lives in it). `VIGIL_DATA_DIR`, default `./.vigil`.
        public var dataDirectory: String = ".vigil"
        /// Where initdb and pg_ctl are. `VIGIL_PG_BIN`, default: the newest /usr/lib/postgresql/N/bin.
        public var postgresBinDirectory: String?
        /// The SQL migrations. `VIGIL_MIGRATIONS_DIR`, default: `migrations/` in the current folder
        /// or beside the executable's package.
        public var migrationsDirectory: String?
        /// The shipped Grafana dashboards. `VIGIL_DASHBOARDS_DIR`, default: `dashboards/` found like
        /// the migrations.
        public var dashboardsDirectory: String?
        /// The `statement_timeout` of the pool that serves requests (API, web view, dashboards), in
        /// milliseconds; a query cancelled by it is answered 503 with `Retry-After`. Processors and
        /// the appender are not limited. `VIGIL_API_STATEMENT_TIMEOUT_MS`, default 15000.
        public var apiStatementTimeoutMilliseconds: Int = 15_000
    }

    /// How processors run and price.
    public struct Processing: Sendable {
        /// A price table laid over the shipped one (same JSON form as `pricing/prices.json`).
        /// `VIGIL_PRICES_FILE`, default none.
        public var pricesFile: String?
        /// The shipped price table. `VIGIL_SHIPPED_PRICES`, default `pricing/prices.json` found from
        /// the current folder or the executable upwards.
        public var shippedPricesFile: String?
        /// Sequence numbers one processor transaction takes. `VIGIL_PROCESSOR_BATCH`, default 5000.
        public var batchSize: Int = 5_000
        /// Sequence numbers one transaction of `vigil replay` takes: a rebuild is all catch-up, and
        /// larger batches write each rollup row fewer times. `VIGIL_REPLAY_BATCH`, default 50000.
        public var replayBatchSize: Int = 50_000
        /// How often a processor looks for new events when no NOTIFY woke it.
        /// `VIGIL_PROCESSOR_POLL_MS`, default 1000.
        public var pollInterval: Duration = .seconds(1)
    }

    /// Alerting: where the rules are, how often they are evaluated.
    public struct Alerting: Sendable {
        /// `VIGIL_RULES`: rule files or folders, comma-separated; default `alerts/` found like the migrations.
        public var rulePaths: [String]?
        /// The evaluator's interval (`VIGIL_EVALUATION_INTERVAL`, seconds) and external URL (`VIGIL_EXTERNAL_URL`).
        public var evaluator = AlertEvaluator.Configuration()
        /// The environment receivers' `secret_env` names are looked up in.
        public var environment: [String: String] = [:]
    }

    /// Content safety: how telemetry text is redacted before it is stored.
    public struct Redaction: Sendable {
        /// The policy of every project. `VIGIL_REDACTION` (`off`, `mask`, `hash`), default `mask`.
        public var mode: RedactionPolicy.Mode = .mask
        /// The server secret hash tokens are keyed with (per project, derived from it).
        /// `VIGIL_REDACTION_SECRET`, default: a random secret kept in `<data dir>/redaction.secret`.
        /// Set it, the same on every process, when several collectors share one database.
        public var secret: String?
    }

    /// The redaction slice.
    public var redaction = Redaction()
    /// The drift slice: report interval and windows.
    public var drift = DriftScheduler.Configuration()
    /// Retention: raw events per project (`VIGIL_RETENTION_DAYS`, default 30), how often it runs
    /// (`VIGIL_RETENTION_INTERVAL_SECONDS`, default 3600) and the audit trail's
    /// (`VIGIL_AUDIT_RETENTION_DAYS`, default 400); the other projections keep `RetentionService` defaults.
    public var retention = RetentionService.Configuration()
    /// The storage slice.
    public var storage = Storage()
    /// The alerting slice.
    public var alerting = Alerting()
    /// The processing slice.
    public var processing = Processing()
    /// The HTTP slice (listen address and body limits).
    public var http = HTTPConfiguration()
    /// The OTLP/gRPC listener (`VIGIL_GRPC_LISTEN`, `127.0.0.1:4317` by default), nil when `off`.
    public var grpc: GRPCCollector.Configuration? = GRPCCollector.Configuration()
    /// The appender slice (batch and queue bounds).
    public var appender = EventAppender.Configuration()
    /// The parts `vigil serve` runs, comma-separated (`collector`, `processor`). `VIGIL_ONLY`
    /// (or `--only`), default all.
    public var only: String?
    /// How long a verified key is trusted before it is checked again. `VIGIL_KEY_CACHE_SECONDS`, default 10.
    public var keyCacheSeconds: Int = 10
    /// Log level. `VIGIL_LOG_LEVEL` (trace, debug, info, notice, warning, error, critical), default info.
    public var logLevel: Logger.Level = .info

    /// The defaults.
    public static let `default` = VigilConfiguration()

    /// The defaults overridden by `environment` (pass `ProcessInfo.processInfo.environment`).
    public static func load(environment: [String: String]) throws -> VigilConfiguration {
        var configuration = VigilConfiguration.default
        let env = Environment(values: environment)
        if let url = env["VIGIL_DATABASE_URL"], !url.isEmpty { configuration.storage.databaseURL = url }
        if let directory = env["VIGIL_DATA_DIR"], !directory.isEmpty { configuration.storage.dataDirectory = directory }
        if let bin = env["VIGIL_PG_BIN"], !bin.isEmpty { configuration.storage.postgresBinDirectory = bin }
        if let migrations = env["VIGIL_MIGRATIONS_DIR"], !migrations.isEmpty { configuration.storage.migrationsDirectory = migrations }
        if let dashboards = env["VIGIL_DASHBOARDS_DIR"], !dashboards.isEmpty { configuration.storage.dashboardsDirectory = dashboards }
        if let listen = env["VIGIL_LISTEN"] {
            try configuration.setListen(listen, source: "VIGIL_LISTEN")
        }
        if let listen = env["VIGIL_GRPC_LISTEN"] {
            try configuration.setGRPCListen(listen, source: "VIGIL_GRPC_LISTEN")
        }
        configuration.http.maxBodyBytes = try env.integer("VIGIL_MAX_BODY_BYTES", default: configuration.http.maxBodyBytes, range: 1024...1_073_741_824)
        if configuration.grpc != nil {
            configuration.grpc?.maxMessageBytes = try env.integer("VIGIL_GRPC_MAX_MESSAGE_BYTES", default: GRPCCollector.Configuration().maxMessageBytes, range: 1024...1_073_741_824)
        }
        configuration.http.maxInflatedBytes = try env.integer("VIGIL_MAX_INFLATED_BYTES", default: configuration.http.maxInflatedBytes, range: 1024...4_294_967_296)
        configuration.storage.apiStatementTimeoutMilliseconds = try env.integer("VIGIL_API_STATEMENT_TIMEOUT_MS", default: configuration.storage.apiStatementTimeoutMilliseconds, range: 100...600_000)
        configuration.http.loginMaxFailures = try env.integer("VIGIL_LOGIN_MAX_FAILURES", default: configuration.http.loginMaxFailures, range: 1...10_000)
        configuration.http.maxTraceSpans = try env.integer("VIGIL_TRACE_MAX_SPANS", default: configuration.http.maxTraceSpans, range: 1...1_000_000)
        configuration.http.ingestLimits.attributeCount = try env.integer("VIGIL_ATTRIBUTE_COUNT_LIMIT", default: configuration.http.ingestLimits.attributeCount, range: 1...100_000)
        configuration.http.ingestLimits.attributeValueLength = try env.integer("VIGIL_ATTRIBUTE_VALUE_LENGTH_LIMIT", default: configuration.http.ingestLimits.attributeValueLength, range: 16...67_108_864)
        configuration.http.ingestLimits.eventsPerSpan = try env.integer("VIGIL_SPAN_EVENT_COUNT_LIMIT", default: configuration.http.ingestLimits.eventsPerSpan, range: 0...100_000)
        configuration.http.ingestLimits.linksPerSpan = try env.integer("VIGIL_SPAN_LINK_COUNT_LIMIT", default: configuration.http.ingestLimits.linksPerSpan, range: 0...100_000)
        configuration.http.ingestLimits.itemsPerRequest = try env.integer("VIGIL_EXPORT_MAX_ITEMS", default: configuration.http.ingestLimits.itemsPerRequest, range: 1...10_000_000)
        configuration.http.spendRefreshSeconds = try env.integer("VIGIL_SPEND_REFRESH_SECONDS", default: configuration.http.spendRefreshSeconds, range: 1...3600)
        configuration.appender.maxBatchEvents = try env.integer("VIGIL_APPEND_MAX_BATCH", default: configuration.appender.maxBatchEvents, range: 1...1_000_000)
        configuration.appender.maxQueuedEvents = try env.integer("VIGIL_APPEND_QUEUE", default: configuration.appender.maxQueuedEvents, range: 1...100_000_000)
        let waitMillis = try env.integer("VIGIL_APPEND_MAX_WAIT_MS", default: Self.milliseconds(configuration.appender.maxBatchWait), range: 0...10_000)
        configuration.appender.maxBatchWait = .milliseconds(waitMillis)
        let deadlineMillis = try env.integer("VIGIL_APPEND_COMMIT_DEADLINE_MS", default: Self.milliseconds(configuration.appender.commitDeadline), range: 100...600_000)
        configuration.appender.commitDeadline = .milliseconds(deadlineMillis)
        if let only = env["VIGIL_ONLY"], !only.isEmpty { configuration.only = only }
        if let prices = env["VIGIL_PRICES_FILE"], !prices.isEmpty { configuration.processing.pricesFile = prices }
        if let shipped = env["VIGIL_SHIPPED_PRICES"], !shipped.isEmpty { configuration.processing.shippedPricesFile = shipped }
        configuration.processing.batchSize = try env.integer("VIGIL_PROCESSOR_BATCH", default: configuration.processing.batchSize, range: 1...1_000_000)
        configuration.processing.replayBatchSize = try env.integer("VIGIL_REPLAY_BATCH", default: configuration.processing.replayBatchSize, range: 1...1_000_000)
        configuration.processing.pollInterval = .milliseconds(try env.integer("VIGIL_PROCESSOR_POLL_MS", default: Self.milliseconds(configuration.processing.pollInterval), range: 10...600_000))
        configuration.keyCacheSeconds = try env.integer("VIGIL_KEY_CACHE_SECONDS", default: configuration.keyCacheSeconds, range: 0...3600)
        if let rules = env["VIGIL_RULES"], !rules.isEmpty {
            configuration.alerting.rulePaths = rules.split(separator: ",").map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty }
        }
        configuration.alerting.evaluator.interval = .seconds(try env.integer("VIGIL_EVALUATION_INTERVAL", default: Self.seconds(configuration.alerting.evaluator.interval), range: 1...86_400))
        if let external = env["VIGIL_EXTERNAL_URL"], !external.isEmpty { configuration.alerting.evaluator.externalURL = external }
        configuration.alerting.environment = environment
        configuration.retention.defaultDays = try env.integer("VIGIL_RETENTION_DAYS", default: configuration.retention.defaultDays, range: 1...3650)
        configuration.retention.interval = .seconds(try env.integer("VIGIL_RETENTION_INTERVAL_SECONDS", default: Self.seconds(configuration.retention.interval), range: 10...604_800))
        let auditDefault = configuration.retention.projections.first { $0.table == "audit_log" }?.days ?? 400
        let auditDays = try env.integer("VIGIL_AUDIT_RETENTION_DAYS", default: auditDefault, range: 1...36_500)
        for index in configuration.retention.projections.indices where configuration.retention.projections[index].table == "audit_log" {
            configuration.retention.projections[index].days = auditDays
        }
        configuration.drift.interval = .seconds(try env.integer("VIGIL_DRIFT_INTERVAL", default: Self.seconds(configuration.drift.interval), range: 1...86_400))
        configuration.drift.currentWindow = .seconds(try env.integer("VIGIL_DRIFT_WINDOW", default: Self.seconds(configuration.drift.currentWindow), range: 60...31_536_000))
        configuration.drift.referenceWindow = .seconds(try env.integer("VIGIL_DRIFT_REFERENCE", default: Self.seconds(configuration.drift.referenceWindow), range: 60...31_536_000))
        configuration.drift.maxValues = try env.integer("VIGIL_DRIFT_MAX_VALUES", default: configuration.drift.maxValues, range: 10_000...2_000_000_000)
        if let mode = env["VIGIL_REDACTION"], !mode.isEmpty {
            guard let parsed = RedactionPolicy.Mode(rawValue: mode.lowercased()) else {
                throw VigilError(.configuration, "VIGIL_REDACTION=\(mode) is not one of off, mask, hash")
            }
            configuration.redaction.mode = parsed
        }
        if let secret = env["VIGIL_REDACTION_SECRET"], !secret.isEmpty {
            guard secret.utf8.count >= 16 else {
                throw VigilError(.configuration, "VIGIL_REDACTION_SECRET must be at least 16 characters long")
            }
            configuration.redaction.secret = secret
        }
        if let level = env["VIGIL_LOG_LEVEL"] {
            guard let parsed = Logger.Level(rawValue: level.lowercased()) else {
                throw VigilError(.configuration, "VIGIL_LOG_LEVEL=\(level) is not one of trace, debug, info, notice, warning, error, critical")
            }
            configuration.logLevel = parsed
        }
        return configuration
    }

    /// A module's default duration in whole milliseconds or seconds, as its variable states it.
    static func milliseconds(_ duration: Duration) -> Int { Int((duration / .milliseconds(1)).rounded()) }
    static func seconds(_ duration: Duration) -> Int { Int((duration / .seconds(1)).rounded()) }

    /// Sets the listen address from `host:port` (or `:port`, or `[::1]:port`).
    public mutating func setListen(_ value: String, source: String) throws {
        (http.host, http.port) = try Self.address(value, source: source, example: "4318")
    }

    /// Sets the OTLP/gRPC listen address from `host:port` (as `setListen`), or turns it off with `off`.
    public mutating func setGRPCListen(_ value: String, source: String) throws {
        if value.lowercased() == "off" {
            grpc = nil
            return
        }
        var listener = grpc ?? GRPCCollector.Configuration()
        (listener.host, listener.port) = try Self.address(value, source: source, example: "4317")
        grpc = listener
    }

    private static func address(_ value: String, source: String, example port: String) throws -> (host: String, port: Int) {
        let bad = VigilError(.configuration, "\(source)=\(value) must be host:port, for example 127.0.0.1:\(port) or 0.0.0.0:\(port)")
        guard let colon = value.lastIndex(of: ":") else { throw bad }
        var host = String(value[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard let number = Int(value[value.index(after: colon)...]), (0...65535).contains(number) else { throw bad }
        return (host.isEmpty ? "0.0.0.0" : host, number)
    }

    /// The redaction policies of `vigil serve`: the configured mode for every project, keyed with
    /// `VIGIL_REDACTION_SECRET` or else with a random secret made once and kept (mode 0600) in the
    /// data folder as `redaction.secret`, so tokens stay the same across restarts.
    public func redactionPolicies() throws -> RedactionPolicies {
        let policy = RedactionPolicy(mode: redaction.mode)
        if let secret = redaction.secret {
            return RedactionPolicies(defaultPolicy: policy, serverSecret: Array(secret.utf8))
        }
        let path = (storage.dataDirectory as NSString).appendingPathComponent("redaction.secret")
        if let data = FileManager.default.contents(atPath: path), data.count >= 16 {
            return RedactionPolicies(defaultPolicy: policy, serverSecret: Array(data))
        }
        var generator = SystemRandomNumberGenerator()
        let secret = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        do {
            try FileManager.default.createDirectory(atPath: storage.dataDirectory, withIntermediateDirectories: true)
            guard FileManager.default.createFile(atPath: path, contents: Data(secret), attributes: [.posixPermissions: 0o600]) else {
                throw VigilError(.configuration, "cannot write \(path)")
            }
        } catch {
            throw VigilError(.configuration, "cannot keep the redaction secret in \(path); set VIGIL_REDACTION_SECRET")
        }
        return RedactionPolicies(defaultPolicy: policy, serverSecret: secret)
    }

    /// The migrations folder: the configured one, or `migrations/` found from the current folder
    /// or the executable's folder upwards.
    public func resolvedMigrationsDirectory() throws -> String {
        if let configured = storage.migrationsDirectory { return configured }
        guard let found = Self.findShipped("migrations/0001_event_log.sql") else {
            throw VigilError(.configuration, "cannot find the migrations folder; set VIGIL_MIGRATIONS_DIR to the project's migrations/")
        }
        return (found as NSString).deletingLastPathComponent
    }

    /// The shipped dashboards' folder: the configured one, or `dashboards/` found like the
    /// migrations; nil when there is none (then only imported dashboards exist).
    public func resolvedDashboardsDirectory() -> String? {
        storage.dashboardsDirectory ?? Self.findShipped("dashboards/overview.json").map { ($0 as NSString).deletingLastPathComponent }
    }

    /// The rule files: the configured paths, or the `alerts/` folder found like the migrations.
    public func resolvedRulePaths() throws -> [String] {
        if let configured = alerting.rulePaths { return configured }
        guard let found = Self.findShipped("alerts") else {
            throw VigilError(.configuration, "cannot find the alerts/ folder; set VIGIL_RULES to the rule files or folders")
        }
        return [found]
    }

    /// The rules in force at start: every rule file read and checked; problems stop the start.
    public func loadRules() throws -> RuleStore {
        do {
            return try RuleStore(paths: try resolvedRulePaths(), environment: alerting.environment)
        } catch let failure as RuleCheckFailure {
            throw VigilError(.configuration, "the rule files have problems (vigil rules check lists them):\n\(failure.description)")
        }
    }

    /// The shipped price table: the configured file, or `pricing/prices.json` found like the migrations.
    public func resolvedShippedPricesFile() throws -> String {
        if let configured = processing.shippedPricesFile { return configured }
        guard let found = Self.findShipped("pricing/prices.json") else {
            throw VigilError(.configuration, "cannot find pricing/prices.json; set VIGIL_SHIPPED_PRICES to the project's price table")
        }
        return found
    }

    /// A file shipped with the project, looked for from the current folder and from the
    /// executable's folder upwards (a build lives in `.build/<configuration>/` of the checkout).
    static func findShipped(_ relativePath: String) -> String? {
        var candidates = [FileManager.default.currentDirectoryPath]
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath()
        var directory = executable.deletingLastPathComponent()
        for _ in 0..<6 {
            candidates.append(directory.path)
            directory = directory.deletingLastPathComponent()
        }
        return candidates.map { "\($0)/\(relativePath)" }.first { FileManager.default.fileExists(atPath: $0) }
    }
}

/// Environment lookups with errors that name the variable.
struct Environment {
    let values: [String: String]

    subscript(name: String) -> String? { values[name] }

    func integer(_ name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text = values[name], !text.isEmpty else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw VigilError(.configuration, "\(name)=\(text) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }
}
