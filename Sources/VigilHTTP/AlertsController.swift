internal import Foundation
public import Hummingbird
public import VigilAlerting
internal import VigilCore

/// The alerting API: `GET /api/v1/alerts` (pending and firing), `GET /api/v1/alerts/history`,
/// `GET /api/v1/rules` (with state, last evaluation and last error), `GET /api/v1/notifications`
/// (attempts and dead letters); for admin keys `POST /api/v1/rules/reload` and
/// `POST /api/v1/notifications/{id}/retry`.
public struct AlertsController: Sendable {
    private let alerts: AlertReader
    private let rules: RuleStore

    /// Makes the controller.
    public init(alerts: AlertReader, rules: RuleStore) {
        self.alerts = alerts
        self.rules = rules
    }

    /// Adds the read routes to `read` and the admin routes to `admin`.
    public func addRoutes(read: RouterGroup<VigilRequestContext>, admin: RouterGroup<VigilRequestContext>) {
        read.get("/api/v1/alerts") { _, context in try await active(context: context) }
        read.get("/api/v1/alerts/history") { request, context in try await history(request: request, context: context) }
        read.get("/api/v1/rules") { _, context in try await ruleList(context: context) }
        read.get("/api/v1/notifications") { request, context in try await deliveries(request: request, context: context) }
        admin.post("/api/v1/rules/reload") { _, _ in try reload() }
        admin.post("/api/v1/notifications/{id}/retry") { _, context in try await retry(context: context) }
    }

    func active(context: VigilRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        var writer = JSONWriter()
        writer.beginObject()
        writer.beginArray("alerts")
        for alert in try await alerts.active(projectID: principal.projectID) {
            writer.beginObject()
            writer.string("rule", alert.rule)
            writer.string("state", alert.state)
            writer.beginObject("labels")
            for (name, value) in alert.labels { writer.string(name, value) }
            writer.endObject()
            if let value = alert.value, value.isFinite { writer.double("value", value) } else { writer.null("value") }
            if let activeAt = alert.activeAt { writer.string("active_at", activeAt) } else { writer.null("active_at") }
            if let firedAt = alert.firedAt { writer.string("fired_at", firedAt) } else { writer.null("fired_at") }
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
        return Response.json(writer.bytes)
    }

    func history(request: Request, context: VigilRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let query = request.uri.queryParameters
        let to = try TimeParameter.micros(query, "to", default: EventTime.nowMicros() + 60_000_000)
        let from = try TimeParameter.micros(query, "from", default: to - 7 * 86_400_000_000)
        guard from < to else { throw VigilError(.invalidInput, "query parameter from must be before to") }
        let limit = try Self.limit(query.get("limit"))
        var writer = JSONWriter()
        writer.beginObject()
        writer.beginArray("transitions")
        for body in try await alerts.history(projectID: principal.projectID, fromMicros: from, toMicros: to, limit: limit) {
            writer.raw(nil, Array(body.utf8))
        }
        writer.endArray()
        writer.endObject()
        return Response.json(writer.bytes)
    }

    func ruleList(context: VigilRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let (evaluations, states) = try await alerts.ruleStatus(projectID: principal.projectID)
        var writer = JSONWriter()
        writer.beginObject()
        writer.beginArray("rules")
        for rule in rules.current.rules {
            writer.beginObject()
            writer.string("name", rule.name)
            writer.string("metric", rule.metric.rawValue)
            writer.string("comparison", rule.comparison.rawValue)
            writer.double("threshold", rule.threshold)
            writer.beginArray("windows")
            for window in rule.windows { writer.string(nil, DurationText.format(window)) }
            writer.endArray()
            writer.string("for", DurationText.format(rule.holdDuration))
            writer.string("severity", rule.severity)
            writer.beginArray("receivers")
            for receiver in rule.receivers { writer.string(nil, receiver) }
            writer.endArray()
            writer.beginObject("alerts")
            for (state, count) in (states[rule.name] ?? [:]).sorted(by: { $0.key < $1.key }) { writer.int(state, Int64(count)) }
            writer.endObject()
            if let evaluation = evaluations[rule.name] {
                writer.string("last_evaluation", evaluation.lastEvaluation)
                writer.double("evaluation_ms", evaluation.durationMilliseconds)
                if let error = evaluation.lastError { writer.string("last_error", error) } else { writer.null("last_error") }
            } else {
                writer.null("last_evaluation")
                writer.null("last_error")
            }
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
        return Response.json(writer.bytes)
    }

    func deliveries(request: Request, context: VigilRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let query = request.uri.queryParameters
        let status = query.get("status").flatMap { $0.isEmpty ? nil : $0 }
        if let status, !["pending", "delivered", "dead"].contains(status) {
            throw VigilError(.invalidInput, "query parameter status=\(status) must be pending, delivered or dead")
        }
        var writer = JSONWriter()
        writer.beginObject()
        writer.beginArray("notifications")
        for delivery in try await alerts.deliveries(projectID: principal.projectID, status: status, limit: try Self.limit(query.get("limit"))) {
            writer.beginObject()
            writer.int("id", delivery.id)
            writer.string("delivery_id", delivery.deliveryID)
            writer.string("receiver", delivery.receiver)
            writer.string("alert_status", delivery.alertStatus)
            writer.string("status", delivery.status)
            writer.int("attempts", Int64(delivery.attempts))
            writer.string("created_at", delivery.createdAt)
            for (key, value) in [("last_attempt_at", delivery.lastAttemptAt), ("next_attempt_at", delivery.nextAttemptAt),
                                 ("delivered_at", delivery.deliveredAt), ("last_error", delivery.lastError)] {
                if let value { writer.string(key, value) } else { writer.null(key) }
            }
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
        return Response.json(writer.bytes)
    }

    func reload() throws -> Response {
        do {
            let ruleSet = try rules.reload()
            return Response.json("{\"rules\":\(ruleSet.rules.count),\"receivers\":\(ruleSet.receivers.count)}")
        } catch {
            throw VigilError(.invalidInput, "the rule files have problems; the rules in force are unchanged:\n\(error.description)")
        }
    }

    func retry(context: VigilRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let text = context.parameters.get("id") ?? ""
        guard let id = Int64(text) else { throw VigilError(.invalidInput, "notification id \(text) must be a number") }
        guard try await alerts.retry(projectID: principal.projectID, id: id) else {
            throw VigilError(.notFound, "no pending or dead notification \(id) in this project")
        }
        return Response.json("{\"id\":\(id),\"status\":\"pending\"}")
    }

    private static func limit(_ text: String?) throws -> Int {
        guard let text, !text.isEmpty else { return 100 }
        guard let limit = Int(text), (1...1000).contains(limit) else {
            throw VigilError(.invalidInput, "query parameter limit=\(text) must be a whole number from 1 to 1000")
        }
        return limit
    }
}
