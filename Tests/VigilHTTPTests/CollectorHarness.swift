import VigilQueries
import VigilHTTPBase
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Metrics
import NIOCore
import PostgresNIO
import Prometheus
import SwiftProtobuf
import VigilCore
import VigilEventLog
import VigilHTTP
import VigilIngest
import VigilOTLPProto
import VigilProcessors
import VigilTestSupport

/// One Prometheus registry for the whole test process (swift-metrics bootstraps once).
let sharedRegistry: PrometheusCollectorRegistry = {
    let registry = PrometheusCollectorRegistry()
    MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
    return registry
}()

/// Vigil's router over a fresh database, with the pool and the appender running as services,
/// and keys of each role in two projects.
struct CollectorHarness {
    let test: TestDatabase
    let application: Application<RouterResponder<VigilRequestContext>>
    let ingestKey: String
    let readKey: String
    let adminKey: String
    let otherProjectReadKey: String
    let otherProjectIngestKey: String

    static func make(_ label: String, configure: (inout HTTPConfiguration) -> Void = { _ in }, now: @escaping @Sendable () -> Date = { Date() }) async throws -> CollectorHarness {
        let test = try await TestDatabase.fresh(label)
        let keys = try await test.withConnection { connection in
            (
                try await KeyStore.create(project: "alpha", role: .ingest, name: "", on: connection, logger: test.logger).token,
                try await KeyStore.create(project: "alpha", role: .read, name: "", on: connection, logger: test.logger).token,
                try await KeyStore.create(project: "alpha", role: .admin, name: "", on: connection, logger: test.logger).token,
                try await KeyStore.create(project: "beta", role: .read, name: "", on: connection, logger: test.logger).token,
                try await KeyStore.create(project: "beta", role: .ingest, name: "", on: connection, logger: test.logger).token
            )
        }
        let client = PostgresClient(configuration: test.url.clientConfiguration, backgroundLogger: test.logger)
        let appender = EventAppender(database: test.database, logger: test.logger)
        var configuration = HTTPConfiguration()
        configure(&configuration)
        let router = VigilRouter.make(.init(
            appender: appender,
            keys: KeyStore(executor: client, cacheTTL: .zero, logger: test.logger),
            reader: EventReader(executor: client, logger: test.logger),
            rollups: RollupReader(executor: client, logger: test.logger),
            traces: TraceReader(executor: client, logger: test.logger),
            database: client,
            registry: sharedRegistry,
            configuration: configuration,
            now: now
        ))
        let application = Application(router: router, services: [client, appender], logger: test.logger)
        return CollectorHarness(test: test, application: application, ingestKey: keys.0, readKey: keys.1, adminKey: keys.2, otherProjectReadKey: keys.3, otherProjectIngestKey: keys.4)
    }

    /// Telemetry events stored (the key and project facts excluded).
    func telemetryCount() async throws -> Int64 {
        try await test.scalar("SELECT count(*) FROM events WHERE kind IN ('span', 'metric_point', 'log_record')")
    }
}

func headers(key: String?, contentType: String?, encoding: String? = nil) -> HTTPFields {
    var fields = HTTPFields()
    if let key { fields[.authorization] = "Bearer \(key)" }
    if let contentType { fields[.contentType] = contentType }
    if let encoding { fields[.contentEncoding] = encoding }
    return fields
}

func span(trace: UInt8, span: UInt8, name: String = "chat gpt-4o") -> OTLPSpan {
    OTLPTraces.span(trace: trace, span: span, name: name)
}

func traceRequest(_ spans: [OTLPSpan]) throws -> ByteBuffer {
    ByteBuffer(bytes: try OTLPTraces.request(spans))
}

func json(_ buffer: ByteBuffer) throws -> [String: Any] {
    try JSONSerialization.jsonObject(with: Data(Array(buffer: buffer))) as? [String: Any] ?? [:]
}
