internal import HTTPTypes
public import Hummingbird
internal import Logging
internal import Metrics
internal import VigilCore
public import VigilEventLog
public import VigilHTTPBase

/// Records every request to an audited route (each operate, admin and operator action) as an
/// `audit` event: the key and role, the action, its target, the outcome (refusals and failures
/// too) and the request id. It runs after the key is verified, so a request refused for its key
/// (401, 403) is not an action and is not recorded. The event is appended through the appender
/// once the handler is done; a handler that appended it in its own transaction says so on the
/// context's `AuditNote`. When the event cannot be appended the action's answer still goes out
/// (the action is done; failing it would invite a retry that repeats it): the failure is logged
/// with the request id and counted in `vigil_audit_append_failures_total`.
public struct AuditMiddleware: RouterMiddleware {
    /// The context this middleware reads the principal from.
    public typealias Context = VigilRequestContext

    /// The action name of each audited route; a route missing here is recorded as "METHOD /path".
    static let actions: [String: String] = [
        "POST /api/v1/silences": "silence.create",
        "DELETE /api/v1/silences/{id}": "silence.expire",
        "POST /api/v1/notifications/{id}/retry": "notification.retry",
        "POST /api/v1/rules/reload": "rules.reload",
        "POST /api/v1/drift/baselines": "drift.baseline.pin",
        "POST /api/v1/drift/reports": "drift.report.now",
        "POST /api/v1/dashboards/import": "dashboard.import",
        "DELETE /api/v1/dashboards/{uid}": "dashboard.delete",
        "PUT /api/v1/retention": "retention.set",
        "POST /api/v1/budgets": "budget.create",
        "DELETE /api/v1/budgets/{id}": "budget.delete",
    ]

    private let appender: EventAppender
    private let failures = Counter(label: "vigil_audit_append_failures_total")

    /// Records through `appender`.
    public init(appender: EventAppender) {
        self.appender = appender
    }

    /// Runs the route, then records it.
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let note = AuditNote()
        context.audit = note
        let route = "\(request.method.rawValue) \(context.endpointPath ?? request.uri.path)"
        do {
            let response = try await next(request, context)
            if !note.isRecorded {
                await record(route: route, context: context, note: note, outcome: Self.outcome(response.status))
            }
            return response
        } catch {
            await record(route: route, context: context, note: note, outcome: Self.outcome(error))
            throw error
        }
    }

    private func record(route: String, context: Context, note: AuditNote, outcome: AuditRecord.Outcome) async {
        guard let principal = context.principal else { return }
        let target = note.target ?? context.parameters.get("id") ?? context.parameters.get("uid")
        let requestID = context.logger[metadataKey: "hb.request.id"]?.description
        let record = AuditRecord.byKey(principal, action: Self.actions[route] ?? route, target: target, outcome: outcome, requestID: requestID)
        do {
            try await appender.append([record.event()])
        } catch {
            failures.increment()
            context.logger.error("cannot record the audit event", metadata: [
                "vigil.action": "\(record.action)", "vigil.outcome": "\(outcome.rawValue)", "vigil.error": "\(Database.describe(error))",
            ])
        }
    }

    /// The outcome an answer of `status` means.
    static func outcome(_ status: HTTPResponse.Status) -> AuditRecord.Outcome {
        switch status.code {
        case 200..<300: .succeeded
        case 404: .notFound
        case 409: .conflict
        case 400..<500: .rejected
        default: .failed
        }
    }

    /// The outcome a thrown `error` means, as `ErrorResponder` would answer it.
    static func outcome(_ error: any Error) -> AuditRecord.Outcome {
        switch error {
        case let vigil as VigilError: outcome(ErrorResponder.status(for: vigil.code))
        case let http as HTTPError: outcome(http.status)
        default: .failed
        }
    }
}
