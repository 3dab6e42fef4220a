internal import Foundation
internal import Hummingbird
public import VigilAlerting
internal import VigilCore
public import VigilQueries
internal import VigilHTTPBase

/// The alerting API. Reading the project: `GET /api/v1/alerts` (pending and firing),
/// `GET /api/v1/alerts/history`, `GET /api/v1/notifications` (attempts and dead letters),
/// `GET /api/v1/silences`. Operating it: `POST /api/v1/silences`, `DELETE /api/v1/silences/{id}`,
/// `POST /api/v1/notifications/{id}/retry`. `GET /api/v1/rules` (with state, last evaluation and
/// last error): a project key sees the rules that apply to its project, receivers by name only;
/// the operator sees every rule and every receiver in full. The operator's
/// `POST /api/v1/rules/reload` re-reads the rules of every project. Another project's silence or
/// notification is a 404, as one that does not exist.
public struct AlertsController: Sendable {
    private let alerts: AlertReader
    private let commands: AlertCommands
    private let rules: RuleStore

    /// Makes the controller: `alerts` answers the reads, `commands` carries out the on-call actions.
    public init(alerts: AlertReader, commands: AlertCommands, rules: RuleStore) {
        self.alerts = alerts
        self.commands = commands
        self.rules = rules
    }

    /// Adds the routes, each behind the permission it needs.
    public func addRoutes(to guards: RouteGuards) {
        guards[.readProject].get("/api/v1/alerts") { _, context in try await active(context: context) }
        guards[.readProject].get("/api/v1/alerts/history") { request, context in try await history(request: request, context: context) }
        guards[.listRules].get("/api/v1/rules") { _, context in try await ruleList(context: context) }
        guards[.readProject].get("/api/v1/notifications") { request, context in try await deliveries(request: request, context: context) }
        guards[.readProject].get("/api/v1/silences") { _, context in try await silences(context: context) }
        guards[.operateProject].post("/api/v1/silences") { request, context in try await silence(request: request, context: context) }
        guards[.operateProject].delete("/api/v1/silences/{id}") { _, context in try await expire(context: context) }
        guards[.reloadRules].post("/api/v1/rules/reload") { _, _ in try reload() }
        guards[.operateProject].post("/api/v1/notifications/{id}/retry") { _, context in try await retry(context: context) }
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
        let (from, to) = try TimeParameter.range(query, defaultTo: EventTime.nowMicros() + 60_000_000, lengthMicros: 7 * 86_400_000_000)
        let limit = try Self.limit(query)
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

    /// `GET /api/v1/rules`. A project key's view holds the rules that apply to its project, their
    /// receivers by name, and its own alerts' counts; nothing in it names another project or says
    /// where a receiver is. The operator's view holds every rule with the projects it applies to,
    /// the counts over every project, and the receivers in full.
    func ruleList(context: VigilRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let ruleSet = rules.current
        let full = principal.role.permits(.viewReceiverDetails)
        let shown = full ? ruleSet.rules : ruleSet.rules.filter { $0.scope.includes(project: principal.projectName) }
        let (evaluations, states) = try await alerts.ruleStatus(projectID: full ? nil : principal.projectID)
        var writer = JSONWriter()
        writer.beginObject()
        writer.beginArray("rules")
        for rule in shown {
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
            if full {
                switch rule.scope {
                case .allProjects:
                    writer.null("projects")
                case .projects(let names):
                    writer.beginArray("projects")
                    for name in names.sorted() { writer.string(nil, name) }
                    writer.endArray()
                }
            }
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
        if full {
            writer.beginArray("receivers")
            for receiver in ruleSet.receivers { Self.write(receiver, into: &writer) }
            writer.endArray()
        }
        writer.endObject()
        return Response.json(writer.bytes)
    }

    /// A receiver in full, for the operator: where it is, the headers sent and the variable its secret is in (never the secret).
    private static func write(_ receiver: Receiver, into writer: inout JSONWriter) {
        writer.beginObject()
        writer.string("name", receiver.name)
        writer.string("kind", receiver.kind.rawValue)
        if let url = receiver.url { writer.string("url", url.absoluteString) } else { writer.null("url") }
        if let urlEnv = receiver.urlEnv { writer.string("url_env", urlEnv) } else { writer.null("url_env") }
        writer.beginObject("headers")
        for (name, value) in receiver.headers.sorted(by: { $0.key < $1.key }) { writer.string(name, value) }
        writer.endObject()
        if let secretEnv = receiver.secretEnv { writer.string("secret_env", secretEnv) } else { writer.null("secret_env") }
        if let routingKeyEnv = receiver.routingKeyEnv { writer.string("routing_key_env", routingKeyEnv) } else { writer.null("routing_key_env") }
        if let template = receiver.bodyTemplate {
            writer.string("body_template", template.source)
            writer.string("content_type", receiver.contentType)
        } else {
            writer.null("body_template")
            writer.null("content_type")
        }
        writer.string("timeout", DurationText.format(receiver.timeout))
        writer.bool("send_resolved", receiver.sendResolved)
        writer.int("max_alerts", Int64(receiver.maxAlerts))
        writer.endObject()
    }

    func deliveries(request: Request, context: VigilRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let query = request.uri.queryParameters
        let status = try QueryParameter.filter(query, "status")
        if let status, !["pending", "delivered", "dead"].contains(status) {
            throw VigilError(.invalidInput, "query parameter status=\(InputText.shown(status)) must be pending, delivered or dead")
        }
        var writer = JSONWriter()
        writer.beginObject()
        writer.beginArray("notifications")
        for delivery in try await alerts.deliveries(projectID: principal.projectID, status: status, limit: try Self.limit(query)) {
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
        let id = try Self.id(text, "notification id")
        guard try await commands.retry(projectID: principal.projectID, id: id) else {
            throw VigilError(.notFound, "no pending or dead notification \(id) in this project")
        }
        return Response.json("{\"id\":\(id),\"status\":\"pending\"}")
    }

    struct SilenceInput: Decodable {
        struct MatcherInput: Decodable {
            var name: String?
            var value: String?
            var isRegex: Bool?
            var isEqual: Bool?
        }

        var matchers: [MatcherInput]?
        var startsAt: EvaluationInput.Time?
        var endsAt: EvaluationInput.Time?
        var comment: String?
        var createdBy: String?
    }

    func silence(request: Request, context: VigilRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let body = try await request.jsonBody("the silence", upTo: 1 << 20)
        let input: SilenceInput
        do {
            input = try JSONDecoder().decode(SilenceInput.self, from: body)
        } catch {
            throw VigilError(.invalidInput, "send {\"matchers\": [{\"name\", \"value\", \"isRegex\"?, \"isEqual\"?}], \"endsAt\", \"comment\", \"startsAt\"?, \"createdBy\"?} as JSON")
        }
        guard let given = input.matchers, !given.isEmpty else { throw VigilError(.invalidInput, "matchers must name at least one label") }
        var matchers: [Silence.Matcher] = []
        guard given.count <= 100 else { throw VigilError(.invalidInput, "matchers: at most 100 (got \(given.count))") }
        for (index, item) in given.enumerated() {
            guard let name = item.name, !name.isEmpty else { throw VigilError(.invalidInput, "matcher \(index): name must be a label name") }
            guard let value = item.value else { throw VigilError(.invalidInput, "matcher \(index): value must be given") }
            try InputText.check(name, "matcher \(index): name")
            try InputText.check(value, "matcher \(index) (\(InputText.shown(name))): value", maxLength: LabelRegex.maxPatternLength)
            let matcher = Silence.Matcher(name: name, value: value, isRegex: item.isRegex ?? false, isEqual: item.isEqual ?? true)
            if let problem = matcher.regexProblem {
                throw VigilError(.invalidInput, "matcher \(index) (\(InputText.shown(name)) \(matcher.isEqual ? "=~" : "!~")) is not a valid regular expression: \(problem)")
            }
            matchers.append(matcher)
        }
        let now = EventTime.nowMicros()
        var starts = now
        if let text = input.startsAt?.text {
            guard let parsed = TimeParameter.parse(text) else { throw VigilError(.invalidInput, "startsAt must be \(CivilTime.expectedText)") }
            starts = parsed
        }
        guard let endText = input.endsAt?.text, let ends = TimeParameter.parse(endText) else {
            throw VigilError(.invalidInput, "endsAt must be \(CivilTime.expectedText)")
        }
        guard ends > max(starts, now) else { throw VigilError(.invalidInput, "endsAt must be in the future and after startsAt") }
        guard let comment = input.comment?.trimmingWhitespace(), !comment.isEmpty, comment.count <= 10_000 else {
            throw VigilError(.invalidInput, "comment must say why (1 to 10000 characters)")
        }
        try InputText.check(comment, "comment", maxLength: 10_000)
        try InputText.check(input.createdBy ?? "", "createdBy")
        let id = try await commands.createSilence(projectID: principal.projectID, matchers: matchers, startsAtMicros: starts, endsAtMicros: ends,
                                                comment: comment, createdBy: input.createdBy ?? "")
        context.audit?.name(target: String(id))
        return Response.json("{\"id\":\(id)}")
    }

    func silences(context: VigilRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        var writer = JSONWriter()
        writer.beginObject()
        writer.beginArray("silences")
        for silence in try await alerts.silences(projectID: principal.projectID) {
            writer.beginObject()
            writer.int("id", silence.id)
            writer.raw("matchers", Array(silence.matchersJSON.utf8))
            writer.string("startsAt", silence.startsAt)
            writer.string("endsAt", silence.endsAt)
            writer.string("comment", silence.comment)
            writer.string("createdBy", silence.createdBy)
            writer.string("state", silence.active ? "active" : "inactive")
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
        return Response.json(writer.bytes)
    }

    func expire(context: VigilRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let text = context.parameters.get("id") ?? ""
        let id = try Self.id(text, "silence id")
        guard try await commands.expireSilence(projectID: principal.projectID, id: id) else {
            throw VigilError(.notFound, "no silence \(id) in force or to come in this project")
        }
        return Response.json("{\"id\":\(id),\"state\":\"expired\"}")
    }

    private static func limit(_ query: Parameters) throws -> Int {
        Int(try QueryParameter.integer(query, "limit", default: 100, range: 1...1000))
    }

    /// A row id from the path: a whole number from 1 to Int64.max.
    private static func id(_ text: String, _ name: String) throws -> Int64 {
        guard let id = Int64(text), id > 0 else {
            throw VigilError(.invalidInput, "\(name) \(InputText.shown(text)) must be a whole number from 1 to \(Int64.max)")
        }
        return id
    }
}
