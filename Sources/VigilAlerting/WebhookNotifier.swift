internal import AsyncHTTPClient
internal import Foundation
public import Logging
internal import NIOCore
internal import NIOHTTP1
internal import PostgresNIO
public import ServiceLifecycle
public import VigilEventLog
internal import VigilCore

/// Delivers the outbox: each due row is posted to its receiver with `X-Vigil-Delivery` (the same on
/// every attempt) and, when the receiver has a secret, `X-Vigil-Signature`. Several workers send at
/// once, each one row per transaction, so a slow or unreachable receiver holds up only its own
/// worker. A row is locked while it is being sent (`FOR UPDATE SKIP LOCKED`), so two Vigil
/// processes never send it at once, and marked delivered in the transaction that holds the lock: a
/// crash in between means the next attempt carries the same delivery id. A row waits while an older
/// row of the same group and receiver is undelivered, so a receiver that was down gets firing
/// before resolved. Failures retry as `DeliveryPolicy` decides.
public struct WebhookNotifier: Service {
    let database: Database
    let rules: RuleStore
    let policy: DeliveryPolicy
    let workers: Int
    let pollInterval: Duration
    let clock: any Clock<Duration>
    let logger: Logger

    /// Makes a notifier of the outbox in `database`, with the receivers of `rules`.
    public init(database: Database, rules: RuleStore, policy: DeliveryPolicy = .default, workers: Int = 4, pollInterval: Duration = .milliseconds(250), clock: any Clock<Duration> = ContinuousClock(), logger: Logger) {
        self.database = database
        self.rules = rules
        self.policy = policy
        self.workers = max(1, workers)
        self.pollInterval = pollInterval
        self.clock = clock
        self.logger = logger
    }

    /// Delivers until shutdown; database failures are logged and retried.
    public func run() async throws {
        var configuration = HTTPClient.Configuration()
        // A refused connection is an attempt that failed now, for the backoff to space out, not
        // a reason to hold the worker for the whole connect timeout.
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(5)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<workers {
                    group.addTask { await work(with: client) }
                }
            }
        }
        try? await client.shutdown()
    }

    private func work(with client: HTTPClient) async {
        while !Task.isCancelled {
            do {
                try await database.withConnection { connection in
                    while !Task.isCancelled {
                        if try await !deliverOne(on: connection, client: client) {
                            try? await clock.sleep(for: pollInterval)
                        }
                    }
                    return true
                }
            } catch {
                if Task.isCancelled { break }
                logger.error("notifier failed; retrying", metadata: ["vigil.error": "\(Database.describe(error))"])
                try? await clock.sleep(for: .seconds(1))
            }
        }
    }

    /// Sends the oldest due row that no other worker holds; false when there is none.
    func deliverOne(on connection: PostgresConnection, client: HTTPClient) async throws -> Bool {
        try await connection.transaction(logger: logger) { transaction in
            let rows = try await transaction.query("""
                SELECT project_id, id, delivery_id, receiver, body, attempts, vigil_us(created_at)
                FROM alert_outbox a
                WHERE status = 'pending' AND next_attempt_at <= now()
                  AND NOT EXISTS (SELECT 1 FROM alert_outbox o
                                  WHERE o.project_id = a.project_id AND o.receiver = a.receiver AND o.group_key = a.group_key
                                    AND o.status = 'pending' AND o.id < a.id)
                ORDER BY next_attempt_at, id
                LIMIT 1
                FOR UPDATE SKIP LOCKED
                """, logger: logger)
            var due: (Int64, Int64, String, String, ByteBuffer, Int, Int64)?
            for try await row in rows.decode((Int64, Int64, String, String, ByteBuffer, Int, Int64).self) { due = row }
            guard let (projectID, id, deliveryID, receiverName, body, attempts, createdMicros) = due else { return false }
            guard let receiver = rules.current.receiver(named: receiverName) else {
                try await mark(projectID, id, .dead(reason: "receiver \(receiverName) is no longer in the rule files"), attempts: attempts, on: transaction)
                return true
            }
            let credentials: Receiver.Credentials
            switch Result(catching: { () throws(RuleCheckFailure) -> Receiver.Credentials in try rules.credentials(of: receiver) }) {
            case .success(let found):
                credentials = found
            case .failure(let failure):
                // The reason is shown to the project's keys, which may not learn the variables'
                // names (only the operator may); the log, for the operator, says which they are.
                logger.warning("receiver without its environment", metadata: [
                    "vigil.receiver": "\(receiverName)", "vigil.problem": "\(failure.problems.map(\.message).joined(separator: "; "))",
                ])
                let onlySecret = failure.problems.count == 1 && failure.problems[0].message.contains("(its secret_env)")
                let reason = onlySecret
                    ? "receiver \(receiverName) has no signing secret: the environment variable its secret_env names is not set (the server log and an operator key's GET /api/v1/rules name it)"
                    : "receiver \(receiverName) cannot be sent to: an environment variable it names (url_env, secret_env or routing_key_env) is not set or not valid (the server log and an operator key's GET /api/v1/rules name it)"
                try await mark(projectID, id, .dead(reason: reason), attempts: attempts, on: transaction)
                return true
            }
            var payload = Data(body.readableBytesView)
            if receiver.kind == .pagerduty, let routingKey = credentials.routingKey {
                payload = PagerDutyEvent.withRoutingKey(payload, routingKey: routingKey)
            }
            let request = WebhookRequest.make(receiver: receiver, credentials: credentials, body: payload, deliveryID: deliveryID)
            let outcome = await send(request, with: client)
            var random = SystemRandomNumberGenerator()
            let decision = policy.decide(outcome, attempt: attempts + 1, createdAt: Date(timeIntervalSince1970: Double(createdMicros) / 1e6), now: Date(), using: &random)
            logger.info("webhook delivery attempt", metadata: [
                "vigil.delivery": "\(deliveryID)", "vigil.receiver": "\(receiverName)", "vigil.outcome": "\(outcome.summary)",
            ])
            try await mark(projectID, id, decision, attempts: attempts + 1, on: transaction)
            return true
        }
    }

    private func mark(_ projectID: Int64, _ id: Int64, _ decision: DeliveryDecision, attempts: Int, on transaction: PostgresConnection) async throws {
        switch decision {
        case .delivered:
            try await transaction.query("""
                UPDATE alert_outbox SET status = 'delivered', attempts = \(attempts), last_attempt_at = now(), delivered_at = now(), last_error = NULL
                WHERE project_id = \(projectID) AND id = \(id)
                """, logger: logger)
        case .retry(let at, let reason):
            try await transaction.query("""
                UPDATE alert_outbox SET attempts = \(attempts), last_attempt_at = now(), last_error = \(reason),
                    next_attempt_at = vigil_ts(\(at.micros))
                WHERE project_id = \(projectID) AND id = \(id)
                """, logger: logger)
        case .dead(let reason):
            try await transaction.query("""
                UPDATE alert_outbox SET status = 'dead', attempts = \(attempts), last_attempt_at = now(), last_error = \(reason)
                WHERE project_id = \(projectID) AND id = \(id)
                """, logger: logger)
        }
    }

    /// Posts `request`; what came of it.
    func send(_ request: WebhookRequest, with client: HTTPClient) async -> DeliveryOutcome {
        var http = HTTPClientRequest(url: request.url.absoluteString)
        http.method = .POST
        for (name, value) in request.headers { http.headers.add(name: name, value: value) }
        http.body = .bytes(ByteBuffer(bytes: request.body))
        let timeout = TimeAmount.microseconds(request.timeout.micros)
        do {
            let response = try await client.execute(http, timeout: timeout)
            _ = try? await response.body.collect(upTo: 64 * 1024)
            return .response(status: Int(response.status.code), retryAfter: response.headers.first(name: "Retry-After"))
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            return .timedOut
        } catch {
            return .connectionFailed
        }
    }
}
