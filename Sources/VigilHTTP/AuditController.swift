internal import Hummingbird
internal import VigilCore
internal import VigilEventLog
internal import VigilHTTPBase

/// `GET /api/v1/audit`: the audit trail, newest first, `from`/`to` (default: the last 30 days)
/// and `limit` (1–1000, default 100). A project admin sees its own project's; the instance's
/// operator sees every project's, or one project's with `project=NAME`.
struct AuditController: Sendable {
    let audit: AuditReader

    func addRoutes(to guards: RouteGuards) {
        guards[.readAudit].get("/api/v1/audit") { request, context in try await list(request: request, context: context) }
    }

    func list(request: Request, context: VigilRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let query = request.uri.queryParameters
        let (from, to) = try TimeParameter.range(query, defaultTo: EventTime.nowMicros() + 60_000_000, lengthMicros: 30 * 86_400_000_000)
        let limit = Int(try QueryParameter.integer(query, "limit", default: 100, range: 1...1000))
        let project = try QueryParameter.filter(query, "project")
        var projectID: Int64? = principal.projectID
        if principal.role.isInstanceWide {
            projectID = nil
            if let project {
                guard let found = try await audit.projectID(named: project) else {
                    throw VigilError(.notFound, "no project named \(InputText.shown(project))")
                }
                projectID = found
            }
        } else if let project, project != principal.projectName {
            // A project key reads its own project only; another name is answered as unknown.
            throw VigilError(.notFound, "no project named \(InputText.shown(project))")
        }
        var writer = JSONWriter()
        writer.beginObject()
        writer.beginArray("entries")
        for entry in try await audit.entries(projectID: projectID, fromMicros: from, toMicros: to, limit: limit) {
            writer.beginObject()
            writer.int("seq", entry.seq)
            writer.string("time", entry.occurredAt)
            writer.string("project", entry.project)
            writer.string("actor", entry.actor)
            if let keyID = entry.keyID { writer.int("key_id", keyID) } else { writer.null("key_id") }
            if let role = entry.role { writer.string("role", role) } else { writer.null("role") }
            writer.string("action", entry.action)
            if let target = entry.target { writer.string("target", target) } else { writer.null("target") }
            writer.string("outcome", entry.outcome)
            if let requestID = entry.requestID { writer.string("request_id", requestID) } else { writer.null("request_id") }
            writer.raw("details", Array(entry.detailsJSON.utf8))
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
        return Response.json(writer.bytes)
    }
}
