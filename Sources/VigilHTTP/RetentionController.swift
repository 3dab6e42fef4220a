internal import Foundation
internal import Hummingbird
internal import Logging
internal import VigilCore
internal import VigilEventLog
internal import VigilHTTPBase

/// `GET /api/v1/retention` (reading the project): how many days its raw events are kept, and
/// whether that is its own setting or the instance's default. `PUT /api/v1/retention` {"days": N}
/// (administering it): sets its own, from 1 to 3650 days; the change and its audit event commit
/// together. Projections keep their own retention (rollups, drift reports, the audit trail).
struct RetentionController: Sendable {
    let executor: any QueryExecutor
    let defaultDays: Int
    private let logger = Logger(label: "vigil.retention")

    init(executor: any QueryExecutor, defaultDays: Int) {
        self.executor = executor
        self.defaultDays = defaultDays
    }

    func addRoutes(to guards: RouteGuards) {
        guards[.readProject].get("/api/v1/retention") { _, context in try await show(context: context) }
        guards[.administerProject].put("/api/v1/retention") { request, context in try await set(request: request, context: context) }
    }

    struct Input: Decodable {
        var days: Int64?
    }

    func show(context: VigilRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let (days, own) = try await RetentionSettings.days(projectID: principal.projectID, defaultDays: defaultDays, on: executor, logger: logger)
        return answer(days: days, own: own)
    }

    func set(request: Request, context: VigilRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let body = try await request.jsonBody("the retention", upTo: 4096)
        let input: Input
        do {
            input = try JSONDecoder().decode(Input.self, from: body)
        } catch {
            throw VigilError(.invalidInput, "send {\"days\": N} as JSON, N a whole number from 1 to 3650")
        }
        guard let days = input.days else { throw VigilError(.invalidInput, "days must be given: {\"days\": N}") }
        let requestID = context.logger[metadataKey: "hb.request.id"]?.description
        let record = AuditRecord.byKey(principal, action: "retention.set", target: principal.projectName, outcome: .succeeded,
                                       requestID: requestID, details: ["days": String(days)])
        try await RetentionSettings.set(projectID: principal.projectID, days: days, audit: record, on: executor, logger: logger)
        context.audit?.markRecorded()
        return answer(days: Int(days), own: true)
    }

    private func answer(days: Int, own: Bool) -> Response {
        var writer = JSONWriter()
        writer.beginObject()
        writer.int("days", Int64(days))
        writer.string("source", own ? "project" : "default")
        writer.endObject()
        return Response.json(writer.bytes)
    }
}
