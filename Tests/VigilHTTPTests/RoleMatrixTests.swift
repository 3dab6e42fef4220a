import VigilDrift
import VigilQueries
import VigilHTTPBase
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import PostgresNIO
import Testing
import VigilAlerting
import VigilCore
import VigilDashboards
import VigilEventLog
import VigilHTTP
import VigilProcessors
import VigilTestSupport

/// Vigil's router with every optional part (dashboards, drift reports now, rules limited to
/// projects) over a fresh database, with a key of every role in project alpha, the project roles
/// in beta, and an operator key.
struct RoleHarness {
    let test: TestDatabase
    let router: Router<VigilRequestContext>
    let application: Application<RouterResponder<VigilRequestContext>>
    /// Project alpha's keys, and the operator's under `.operator`.
    let keys: [Role: String]
    /// Project beta's keys (no operator).
    let betaKeys: [Role: String]

    static let receiverURL = "http://hooks.example.internal/vigil/very-private-path"
    static let headerValue = "Bearer hook-token-1234"
    static let secretVariable = "VIGIL_HOOK_SECRET_NAME"

    /// Three rules: one for every project, one for alpha, one for beta; one receiver with a URL,
    /// a header and a secret variable that only the operator may see.
    static let rules = RuleSet(
        receivers: [
            Receiver(name: "hook", kind: .webhook, url: URL(string: receiverURL)!, secretEnv: secretVariable, headers: ["Authorization": headerValue]),
        ],
        rules: [
            AlertRule(name: "Everywhere", metric: .latencyP95, windows: [.seconds(300)], comparison: .greaterThan, threshold: 2000, receivers: ["hook"]),
            AlertRule(name: "AlphaOnly", metric: .latencyP95, windows: [.seconds(300)], comparison: .greaterThan, threshold: 2000, receivers: ["hook"], scope: .projects(["alpha"])),
            AlertRule(name: "BetaOnly", metric: .latencyP95, windows: [.seconds(300)], comparison: .greaterThan, threshold: 2000, receivers: ["hook"], scope: .projects(["beta"])),
        ]
    )

    static func make(_ label: String) async throws -> RoleHarness {
        let test = try await TestDatabase.fresh(label)
        let (keys, betaKeys) = try await test.withConnection { connection in
            var keys: [Role: String] = [:]
            var betaKeys: [Role: String] = [:]
            for role in Role.allCases {
                keys[role] = try await KeyStore.create(project: role.isInstanceWide ? nil : "alpha", role: role, name: "", on: connection, logger: test.logger).token
                if !role.isInstanceWide {
                    betaKeys[role] = try await KeyStore.create(project: "beta", role: role, name: "", on: connection, logger: test.logger).token
                }
            }
            return (keys, betaKeys)
        }
        let client = PostgresClient(configuration: test.url.clientConfiguration, backgroundLogger: test.logger)
        let appender = EventAppender(database: test.database, logger: test.logger)
        let configuration = HTTPConfiguration()
        let dashboards = DashboardsController(
            catalog: try DashboardCatalog(directory: nil, executor: client, logger: test.logger),
            exporter: DashboardExporter(logger: test.logger),
            connection: { body in try await client.withConnection { connection in try await body(connection) } },
            maxBodyBytes: configuration.maxBodyBytes
        )
        let router = VigilRouter.make(.init(
            appender: appender,
            keys: KeyStore(executor: client, cacheTTL: .zero, logger: test.logger),
            reader: EventReader(executor: client, logger: test.logger),
            rollups: RollupReader(executor: client, logger: test.logger),
            traces: TraceReader(executor: client, logger: test.logger),
            database: client,
            registry: sharedRegistry,
            configuration: configuration,
            rules: RuleStore(rules),
            driftScheduler: DriftScheduler(database: test.database, configuration: .init(), logger: test.logger),
            dashboards: dashboards
        ))
        let application = Application(router: router, services: [client, appender], logger: test.logger)
        return RoleHarness(test: test, router: router, application: application, keys: keys, betaKeys: betaKeys)
    }

    /// The id of project `name`.
    func projectID(_ name: String) async throws -> Int64 {
        try await test.scalar("SELECT project_id FROM projects WHERE name = '\(name)'")
    }
}

@Suite("Roles: which key may call which route")
struct RoleMatrixTests {
    static let readers: Set<Role> = [.read, .operate, .admin]
    static let onCall: Set<Role> = [.operate, .admin]
    static let ingesters: Set<Role> = [.ingest, .admin]

    /// Every route of the API and the roles allowed to call it; every other role gets 403. Written
    /// out here, apart from the code, so that a route added without a line here fails `complete`.
    static let matrix: [String: Set<Role>] = [
        "POST /v1/traces": ingesters,
        "POST /v1/metrics": ingesters,
        "POST /v1/logs": ingesters,
        "POST /api/v1/evaluations": ingesters,
        "POST /api/v1/embeddings": ingesters,
        // Checks a text inline with the app's telemetry key; stores nothing.
        "POST /api/v1/guard": ingesters,
        "GET /api/v1/events": readers,
        "GET /api/v1/summary": readers,
        "GET /api/v1/models/unpriced": readers,
        "GET /api/v1/timeseries": readers,
        "GET /api/v1/traces": readers,
        "GET /api/v1/traces/{trace_id}": readers,
        // Computes between two windows and stores nothing, so it is reading.
        "POST /api/v1/drift/compute": readers,
        "POST /api/v1/drift/baselines": onCall,
        "GET /api/v1/drift/reports": readers,
        "POST /api/v1/drift/reports": onCall,
        "GET /api/v1/drift/reports/{id}": readers,
        "GET /api/v1/alerts": readers,
        "GET /api/v1/alerts/history": readers,
        "GET /api/v1/notifications": readers,
        "POST /api/v1/notifications/{id}/retry": onCall,
        "GET /api/v1/silences": readers,
        "POST /api/v1/silences": onCall,
        "DELETE /api/v1/silences/{id}": onCall,
        "GET /api/v1/rules": [.read, .operate, .admin, .operator],
        "POST /api/v1/rules/reload": [.operator],
        "GET /api/v1/dashboards": readers,
        "GET /api/v1/dashboards/{uid}/export": readers,
        "POST /api/v1/dashboards/import": [.admin],
        "DELETE /api/v1/dashboards/{uid}": [.admin],
        "GET /api/v1/audit": [.admin, .operator],
        "GET /api/v1/retention": readers,
        "PUT /api/v1/retention": [.admin],
        "GET /api/v1/budgets": readers,
        "POST /api/v1/budgets": onCall,
        "DELETE /api/v1/budgets/{id}": onCall,
        // Asked by the app before an expensive call, with the key it sends telemetry with.
        "GET /api/v1/quota": [.ingest, .read, .operate, .admin],
    ]

    /// Routes that need no key.
    static let open: Set<String> = ["GET /healthz", "GET /readyz", "GET /metrics", "GET /openapi.json"]

    /// `route` ("METHOD /path/{param}") as a request: method, URI with its parameters filled in, and a body.
    static func request(_ route: String) throws -> (method: HTTPRequest.Method, uri: String, contentType: String, body: ByteBuffer) {
        let parts = route.split(separator: " ", maxSplits: 1).map(String.init)
        let method = try #require(HTTPRequest.Method(parts[0]))
        let uri = parts[1]
            .replacingOccurrences(of: "{trace_id}", with: String(repeating: "0", count: 32))
            .replacingOccurrences(of: "{id}", with: "999999")
            .replacingOccurrences(of: "{uid}", with: "no-such-dashboard")
        if uri.hasPrefix("/v1/") {
            return (method, uri, "application/x-protobuf", ByteBuffer())
        }
        return (method, uri, "application/json", ByteBuffer(string: "{}"))
    }

    @Test("every route the router has is in the matrix, and every route in the matrix is routed")
    func complete() async throws {
        let harness = try await RoleHarness.make("matrixcomplete")
        let routed = Set(harness.router.routes.map(\.description))
        for route in routed.subtracting(Self.open).subtracting(Self.matrix.keys).sorted() {
            Issue.record("route \(route) has no line in RoleMatrixTests.matrix: say which roles may call it")
        }
        for route in Set(Self.matrix.keys).union(Self.open).subtracting(routed).sorted() {
            Issue.record("route \(route) is in the matrix but not routed")
        }
        #expect(routed == Set(Self.matrix.keys).union(Self.open))
    }

    @Test("each role gets 403 exactly where the matrix says, and no valid key gets 401")
    func statuses() async throws {
        let harness = try await RoleHarness.make("matrixstatus")
        // Reloading replaces the harness's rules with the (empty) files, so it goes last.
        let routes = Self.matrix.keys.sorted { ($0 == "POST /api/v1/rules/reload" ? 1 : 0, $0) < ($1 == "POST /api/v1/rules/reload" ? 1 : 0, $1) }
        let keys = harness.keys
        try await harness.application.test(.router) { client in
            for route in routes {
                let allowed = try #require(Self.matrix[route])
                let (method, uri, contentType, body) = try Self.request(route)
                for role in Role.allCases {
                    let key = try #require(keys[role])
                    try await client.execute(uri: uri, method: method, headers: headers(key: key, contentType: contentType), body: body) { response in
                        if allowed.contains(role) {
                            #expect(response.status != .forbidden && response.status != .unauthorized, "\(route) as \(role.rawValue): \(response.status.code) \(String(buffer: response.body))")
                        } else {
                            #expect(response.status == .forbidden, "\(route) as \(role.rawValue): \(response.status.code), expected 403")
                        }
                    }
                }
                try await client.execute(uri: uri, method: method, headers: headers(key: nil, contentType: contentType), body: body) { response in
                    #expect(response.status == .unauthorized, "\(route) without a key")
                }
            }
        }
    }

    @Test("another project's trace, report, silence, dashboard and notification is a 404, as a missing one is")
    func otherProjectsObjects() async throws {
        let harness = try await RoleHarness.make("matrix404")
        let alpha = try await harness.projectID("alpha")
        let reportID = try await harness.test.scalar("""
            INSERT INTO drift_reports (project_id, id, feature, computed_at, reference_from, reference_to, current_from, current_to, psi_mean, psi_max, drifted, report)
            VALUES (\(alpha), nextval('event_seq'), 'prompt', now(), now() - interval '2 days', now() - interval '1 day', now() - interval '1 hour', now(), 0.1, 0.2, false, '{}')
            RETURNING id
            """)
        let notificationID = try await harness.test.scalar("""
            INSERT INTO alert_outbox (project_id, delivery_id, receiver, group_key, alert_status, body, status)
            VALUES (\(alpha), 'delivery-alpha', 'hook', '{}', 'firing', '\\x7b7d'::bytea, 'dead')
            RETURNING id
            """)
        _ = try await harness.test.scalar("""
            INSERT INTO dashboards (project_id, uid, title, body) VALUES (\(alpha), 'alpha-board', 'Alpha', '{"uid": "alpha-board", "title": "Alpha", "panels": []}')
            RETURNING 1::bigint
            """)
        let alphaKeys = harness.keys
        let betaKeys = harness.betaKeys
        let endsAt = ISO8601DateFormatter().string(from: Date().addingTimeInterval(3600))
        try await harness.application.test(.router) { client in
            try await client.execute(uri: "/v1/traces", method: .post, headers: headers(key: alphaKeys[.ingest], contentType: "application/x-protobuf"), body: try traceRequest([span(trace: 8, span: 1)])) { response in
                #expect(response.status == .ok)
            }
            let silenceID = try await client.execute(uri: "/api/v1/silences", method: .post, headers: headers(key: alphaKeys[.operate], contentType: "application/json"),
                                                     body: ByteBuffer(string: "{\"matchers\": [{\"name\": \"service\", \"value\": \"chat\"}], \"endsAt\": \"\(endsAt)\", \"comment\": \"deploy\"}")) { response -> Int in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                return try json(response.body)["id"] as? Int ?? 0
            }
            let trace = String(repeating: "08", count: 16)
            // Each object: beta's key of the role that may act on it is told 404, in the same words
            // as for an id nothing has; alpha's key then finds it, so it did exist.
            let cases: [(method: HTTPRequest.Method, uri: String, role: Role, missing: String, found: HTTPResponse.Status)] = [
                (.get, "/api/v1/traces/\(trace)", .read, "/api/v1/traces/\(String(repeating: "0", count: 32))", .ok),
                (.get, "/api/v1/drift/reports/\(reportID)", .read, "/api/v1/drift/reports/999999", .ok),
                (.post, "/api/v1/notifications/\(notificationID)/retry", .operate, "/api/v1/notifications/999999/retry", .ok),
                (.get, "/api/v1/dashboards/alpha-board/export", .read, "/api/v1/dashboards/no-such-board/export", .ok),
                (.delete, "/api/v1/dashboards/alpha-board", .admin, "/api/v1/dashboards/no-such-board", .noContent),
                (.delete, "/api/v1/silences/\(silenceID)", .operate, "/api/v1/silences/999999", .ok),
            ]
            for item in cases {
                let missingMessage = try await client.execute(uri: item.missing, method: item.method, headers: headers(key: betaKeys[item.role], contentType: nil)) { response -> String in
                    #expect(response.status == .notFound, "\(item.method) \(item.missing)")
                    return (try json(response.body)["error"] as? [String: Any])?["message"] as? String ?? ""
                }
                try await client.execute(uri: item.uri, method: item.method, headers: headers(key: betaKeys[item.role], contentType: nil)) { response in
                    #expect(response.status == .notFound, "beta: \(item.method) \(item.uri)")
                    let message = (try json(response.body)["error"] as? [String: Any])?["message"] as? String ?? ""
                    // Worded as for a missing object (it may repeat the id asked for, never whose it is).
                    #expect(!message.contains("another project") && !message.contains("belongs"), "\(message)")
                    #expect(message.split(separator: " ").count == missingMessage.split(separator: " ").count, "\(message) / \(missingMessage)")
                }
                try await client.execute(uri: item.uri, method: item.method, headers: headers(key: alphaKeys[item.role], contentType: nil)) { response in
                    #expect(response.status == item.found, "alpha: \(item.method) \(item.uri): \(String(buffer: response.body))")
                }
            }
            // Lists show only the key's own project.
            try await client.execute(uri: "/api/v1/silences", method: .get, headers: headers(key: betaKeys[.read], contentType: nil)) { response in
                let silences = try json(response.body)["silences"] as? [Any]
                #expect(silences?.isEmpty == true)
            }
            try await client.execute(uri: "/api/v1/notifications", method: .get, headers: headers(key: betaKeys[.read], contentType: nil)) { response in
                let notifications = try json(response.body)["notifications"] as? [Any]
                #expect(notifications?.isEmpty == true)
            }
        }
    }

    @Test("a project key sees its project's rules with receivers by name; the operator sees every rule and receiver in full")
    func ruleVisibility() async throws {
        let harness = try await RoleHarness.make("matrixrules")
        let secrets = [RoleHarness.receiverURL, "hooks.example.internal", RoleHarness.headerValue, RoleHarness.secretVariable]
        let keys = harness.keys, betaKeys = harness.betaKeys
        try await harness.application.test(.router) { client in
            for (key, expected) in [(keys[.read], ["Everywhere", "AlphaOnly"]), (keys[.admin], ["Everywhere", "AlphaOnly"]),
                                    (betaKeys[.operate], ["Everywhere", "BetaOnly"])] {
                try await client.execute(uri: "/api/v1/rules", method: .get, headers: headers(key: key, contentType: nil)) { response in
                    #expect(response.status == .ok)
                    let text = String(buffer: response.body)
                    let body = try json(response.body)
                    let rules = body["rules"] as? [[String: Any]] ?? []
                    #expect(rules.compactMap { $0["name"] as? String } == expected)
                    #expect(rules.allSatisfy { ($0["receivers"] as? [String]) == ["hook"] && $0["projects"] == nil })
                    #expect(body["receivers"] == nil)
                    for secret in secrets { #expect(!text.contains(secret), "\(secret) shown to a project key") }
                }
            }
            try await client.execute(uri: "/api/v1/rules", method: .get, headers: headers(key: keys[.operator], contentType: nil)) { response in
                #expect(response.status == .ok)
                let body = try json(response.body)
                let rules = body["rules"] as? [[String: Any]] ?? []
                #expect(rules.compactMap { $0["name"] as? String } == ["Everywhere", "AlphaOnly", "BetaOnly"])
                #expect(rules.first?["projects"] is NSNull)
                #expect(rules.last?["projects"] as? [String] == ["beta"])
                let receivers = body["receivers"] as? [[String: Any]] ?? []
                #expect(receivers.count == 1)
                #expect(receivers.first?["url"] as? String == RoleHarness.receiverURL)
                #expect((receivers.first?["headers"] as? [String: String])?["Authorization"] == RoleHarness.headerValue)
                #expect(receivers.first?["secret_env"] as? String == RoleHarness.secretVariable)
            }
            try await client.execute(uri: "/api/v1/rules", method: .get, headers: headers(key: keys[.ingest], contentType: nil)) { response in
                #expect(response.status == .forbidden)
            }
            for role in [Role.read, .operate, .admin] {
                try await client.execute(uri: "/api/v1/rules/reload", method: .post, headers: headers(key: keys[role], contentType: nil)) { response in
                    #expect(response.status == .forbidden, "\(role.rawValue) reloading every project's rules")
                }
            }
        }
    }

    @Test("operator keys belong to the instance: made without a project, refused with one, and project keys need one")
    func operatorKeys() async throws {
        let test = try await TestDatabase.fresh("matrixoperator")
        try await test.withConnection { connection in
            let created = try await KeyStore.create(project: nil, role: .operator, name: "ops", on: connection, logger: test.logger)
            #expect(created.projectID == InstanceProject.id)
            await #expect(throws: VigilError.self) {
                try await KeyStore.create(project: "alpha", role: .operator, name: "", on: connection, logger: test.logger)
            }
            await #expect(throws: VigilError.self) {
                try await KeyStore.create(project: nil, role: .read, name: "", on: connection, logger: test.logger)
            }
            await #expect(throws: VigilError.self) {
                try await KeyStore.create(project: InstanceProject.name, role: .admin, name: "", on: connection, logger: test.logger)
            }
            let listed = try await KeyStore.list(project: nil, on: connection, logger: test.logger)
            #expect(listed.map(\.project) == [nil])
            #expect(listed.map(\.role) == [.operator])
        }
        // The database refuses a row that breaks the rule, whatever code writes it.
        await #expect(throws: (any Error).self) {
            _ = try await test.scalar("""
                INSERT INTO api_keys (project_id, lookup, secret_hash, role) VALUES (0, 'AAAAAAAAAAAA', '\\x00'::bytea, 'admin') RETURNING key_id
                """)
        }
    }
}
