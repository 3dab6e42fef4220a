internal import Foundation
internal import Hummingbird
internal import VigilCore
internal import VigilHTTPBase
internal import VigilQueries

/// `GET /api/v1/quota?service&model`: asked by an app before an expensive call, with the key it
/// already has (ingest, or any key that reads the project): every budget of the project that
/// applies to a call of that service and model, what remains of it, and whether the call should go
/// ahead (`allow` is false when any of them is spent). Answered from `BudgetSpendCache`, so no
/// request waits for a query but the one that finds the snapshot stale.
struct QuotaController: Sendable {
    let cache: BudgetSpendCache

    func addRoutes(to guards: RouteGuards) {
        guards[.checkQuota].get("/api/v1/quota") { request, context in try await quota(request: request, context: context) }
    }

    func quota(request: Request, context: VigilRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let query = request.uri.queryParameters
        let service = try QueryParameter.filter(query, "service")
        let model = try QueryParameter.filter(query, "model")
        let (statuses, asOfMicros) = try await cache.statuses(projectID: principal.projectID)
        let applying = statuses.filter { $0.budget.applies(service: service, model: model) }
        var writer = JSONWriter()
        writer.beginObject()
        writer.bool("allow", !applying.contains(where: \.exhausted))
        writer.string("as_of", CivilTime.rfc3339(micros: asOfMicros))
        writer.beginArray("budgets")
        for status in applying {
            writer.beginObject()
            writer.int("id", status.budget.id)
            writer.string("scope", status.budget.scopeKind.rawValue)
            if status.budget.scopeKind == .project { writer.null("value") } else { writer.string("value", status.budget.scopeValue) }
            writer.string("period", status.budget.period.rawValue)
            writer.string("period_end", CivilTime.rfc3339(micros: status.periodEndMicros))
            BudgetsController.amount("amount_usd", status.budget.amountUSD, to: &writer)
            BudgetsController.amount("spent_usd", status.spent, to: &writer)
            BudgetsController.amount("remaining_usd", status.remaining, to: &writer)
            writer.bool("exhausted", status.exhausted)
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
        return Response.json(writer.bytes)
    }
}
