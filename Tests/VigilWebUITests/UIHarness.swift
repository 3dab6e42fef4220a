import VigilQueries
import VigilHTTPBase
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import PostgresNIO
import Prometheus
import VigilAlerting
import VigilCore
import VigilEventLog
import VigilHTTP
import VigilProcessors
import VigilTestSupport
import VigilWebUI

/// Vigil's router with the web view over a fresh database, the pool and the appender running,
/// and keys: alpha's ingest, read and admin keys, a revoked alpha read key, beta's read and
/// ingest keys.
struct UIHarness {
    let test: TestDatabase
    let application: Application<RouterResponder<VigilRequestContext>>
    let ingestKey: String
    let readKey: String
    let adminKey: String
    let adminKeyID: Int64
    let revokedKey: String
    let otherProjectReadKey: String
    let otherProjectIngestKey: String

    static func make(_ label: String, rules: RuleStore = RuleStore(RuleSet())) async throws -> UIHarness {
        let test = try await TestDatabase.fresh(label)
        let keys = try await test.withConnection { connection in
            let admin = try await KeyStore.create(project: "alpha", role: .admin, name: "", on: connection, logger: test.logger)
            let revoked = try await KeyStore.create(project: "alpha", role: .read, name: "", on: connection, logger: test.logger)
            _ = try await KeyStore.revoke(keyID: revoked.keyID, lookup: nil, on: connection, logger: test.logger)
            return (
                try await KeyStore.create(project: "alpha", role: .ingest, name: "", on: connection, logger: test.logger).token,
                try await KeyStore.create(project: "alpha", role: .read, name: "", on: connection, logger: test.logger).token,
                admin,
                revoked.token,
                try await KeyStore.create(project: "beta", role: .read, name: "", on: connection, logger: test.logger).token,
                try await KeyStore.create(project: "beta", role: .ingest, name: "", on: connection, logger: test.logger).token
            )
        }
        let client = PostgresClient(configuration: test.url.clientConfiguration, backgroundLogger: test.logger)
        let appender = EventAppender(database: test.database, logger: test.logger)
        let router = VigilRouter.make(.init(
            appender: appender,
            keys: KeyStore(executor: client, cacheTTL: .zero, logger: test.logger),
            reader: EventReader(executor: client, logger: test.logger),
            rollups: RollupReader(executor: client, logger: test.logger),
            traces: TraceReader(executor: client, logger: test.logger),
            database: client,
            registry: PrometheusCollectorRegistry(),
            configuration: HTTPConfiguration(),
            rules: rules
        ))
        WebUI.addRoutes(to: router, .init(
            database: client,
            reader: EventReader(executor: client, logger: test.logger),
            rollups: RollupReader(executor: client, logger: test.logger),
            traces: TraceReader(executor: client, logger: test.logger),
            rules: rules,
            logger: test.logger
        ))
        let application = Application(router: router, services: [client, appender], logger: test.logger)
        return UIHarness(test: test, application: application, ingestKey: keys.0, readKey: keys.1, adminKey: keys.2.token, adminKeyID: keys.2.keyID,
                         revokedKey: keys.3, otherProjectReadKey: keys.4, otherProjectIngestKey: keys.5)
    }

    /// Rolls the log up to its head, as the server's processor would.
    func process() async throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("pricing/prices.json")
        let prices = try PriceTable(json: try Data(contentsOf: url), source: "pricing/prices.json")
        let runner = ProcessorRunner(processor: RollupProcessor(prices: prices), database: test.database, logger: test.logger)
        try await test.withConnection { try await runner.runToHead(on: $0) }
        let audit = ProcessorRunner(processor: AuditProcessor(), database: test.database, logger: test.logger)
        try await test.withConnection { try await audit.runToHead(on: $0) }
    }
}

/// The request headers of a form post, with extra fields.
func formHeaders(cookie: String? = nil, _ extra: [(String, String)] = []) -> HTTPFields {
    var fields = HTTPFields()
    fields[.contentType] = "application/x-www-form-urlencoded"
    if let cookie { fields[.cookie] = cookie }
    for (name, value) in extra { fields[HTTPField.Name(name)!] = value }
    return fields
}

/// The request headers of a page request carrying `cookie`.
func pageHeaders(cookie: String?) -> HTTPFields {
    var fields = HTTPFields()
    if let cookie { fields[.cookie] = cookie }
    return fields
}

/// `name=value` pairs encoded as a browser encodes a form.
func formBody(_ pairs: [(String, String)]) -> ByteBuffer {
    let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
    let text = pairs.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&")
    return ByteBuffer(string: text)
}

/// A response body as text.
func text(_ response: TestResponse) -> String {
    String(buffer: response.body)
}
