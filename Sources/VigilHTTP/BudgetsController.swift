internal import Foundation
internal import Hummingbird
internal import Logging
internal import VigilCore
internal import VigilEventLog
internal import VigilHTTPBase
internal import VigilQueries
internal import VigilStats

/// `GET /api/v1/budgets` (reading the project): each budget with its spend in the current UTC
/// period, what remains, and the forecast of its spend at the period's end (`BudgetForecast`).
/// `POST /api/v1/budgets` and `DELETE /api/v1/budgets/{id}` (operating it): make and remove one;
/// another project's budget is a 404. Amounts are exact decimals, written as JSON numbers.
struct BudgetsController: Sendable {
    let store: BudgetStore
    let rollups: RollupReader
    let cache: BudgetSpendCache
    let now: @Sendable () -> Date

    func addRoutes(to guards: RouteGuards) {
        guards[.readProject].get("/api/v1/budgets") { _, context in try await list(context: context) }
        guards[.operateProject].post("/api/v1/budgets") { request, context in try await create(request: request, context: context) }
        guards[.operateProject].delete("/api/v1/budgets/{id}") { _, context in try await remove(context: context) }
    }

    /// An amount sent as a JSON string of digits (`"20.00"`, exact) or as a number (read back from
    /// its shortest decimal spelling, so `12.34` is 12.34).
    struct Amount: Decodable {
        var value: Decimal?

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                value = DecimalText.parse(text)
            } else if let number = try? container.decode(Double.self), number.isFinite {
                value = DecimalText.parse("\(number)")
            } else {
                value = nil
            }
        }
    }

    struct Input: Decodable {
        var scope: String?
        var value: String?
        var period: String?
        var amountUSD: Amount?

        enum CodingKeys: String, CodingKey {
            case scope, value, period
            case amountUSD = "amount_usd"
        }
    }

    func list(context: VigilRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let nowMicros = Self.micros(now())
        var writer = JSONWriter()
        writer.beginObject()
        writer.string("as_of", CivilTime.rfc3339(micros: nowMicros))
        writer.beginArray("budgets")
        for budget in try await store.list(projectID: principal.projectID) {
            try await write(budget, nowMicros: nowMicros, to: &writer)
        }
        writer.endArray()
        writer.endObject()
        return Response.json(writer.bytes)
    }

    func create(request: Request, context: VigilRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let body = try await request.jsonBody("the budget", upTo: 4096)
        let usage = "send {\"scope\": \"project\"|\"service\"|\"model\", \"value\": name (not for project), \"period\": \"day\"|\"month\", \"amount_usd\": \"20.00\"} as JSON"
        let input: Input
        do {
            input = try JSONDecoder().decode(Input.self, from: body)
        } catch {
            throw VigilError(.invalidInput, usage)
        }
        guard let scopeText = input.scope else { throw VigilError(.invalidInput, "scope must be given: " + usage) }
        if scopeText == "key" {
            throw VigilError(.invalidInput, "budgets per key are not offered yet: the rollups do not record which key sent a call")
        }
        guard let scopeKind = Budget.ScopeKind(rawValue: scopeText) else {
            throw VigilError(.invalidInput, "scope \(InputText.shown(scopeText)) must be project, service or model")
        }
        guard let periodText = input.period, let period = Budget.Period(rawValue: periodText) else {
            throw VigilError(.invalidInput, "period must be day or month")
        }
        guard let amount = input.amountUSD?.value else {
            throw VigilError(.invalidInput, "amount_usd must be an amount of dollars such as \"20.00\" (digits and at most one point)")
        }
        let value = try InputText.check(input.value ?? "", "value")
        let budget = try await store.create(projectID: principal.projectID, scopeKind: scopeKind, scopeValue: value, period: period, amountUSD: amount)
        cache.invalidate()
        var writer = JSONWriter()
        try await write(budget, nowMicros: Self.micros(now()), to: &writer)
        var response = Response.json(writer.bytes)
        response.status = .created
        return response
    }

    func remove(context: VigilRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let text = context.parameters.get("id") ?? ""
        guard let id = Int64(text), id > 0 else {
            throw VigilError(.invalidInput, "budget id \(InputText.shown(text)) must be a whole number from 1 to \(Int64.max)")
        }
        guard try await store.delete(projectID: principal.projectID, id: id) else {
            throw VigilError(.notFound, "no budget \(id) in this project")
        }
        cache.invalidate()
        return Response.json("{\"id\":\(id),\"deleted\":true}")
    }

    /// One budget as the API shows it: its definition, its current period's spend and its forecast.
    private func write(_ budget: Budget, nowMicros: Int64, to writer: inout JSONWriter) async throws {
        let status = try await rollups.status(of: budget, nowMicros: nowMicros)
        let forecast = try await rollups.forecast(of: status, nowMicros: nowMicros)
        writer.beginObject()
        writer.int("id", budget.id)
        writer.string("scope", budget.scopeKind.rawValue)
        if budget.scopeKind == .project { writer.null("value") } else { writer.string("value", budget.scopeValue) }
        writer.string("period", budget.period.rawValue)
        Self.amount("amount_usd", budget.amountUSD, to: &writer)
        writer.string("created_at", CivilTime.rfc3339(micros: budget.createdAtMicros))
        writer.string("period_start", CivilTime.rfc3339(micros: status.periodStartMicros))
        writer.string("period_end", CivilTime.rfc3339(micros: status.periodEndMicros))
        Self.amount("spent_usd", status.spent, to: &writer)
        Self.amount("remaining_usd", status.remaining, to: &writer)
        writer.bool("exhausted", status.exhausted)
        writer.beginObject("forecast")
        writer.string("method", BudgetForecast.method)
        Self.amount("spend_usd", forecast.spend, to: &writer)
        Self.amount("low_usd", forecast.low, to: &writer)
        Self.amount("high_usd", forecast.high, to: &writer)
        Self.amount("daily_mean_usd", forecast.dailyMean, to: &writer)
        Self.amount("daily_sd_usd", forecast.dailySD, to: &writer)
        Self.amount("days_left", forecast.daysLeft, to: &writer)
        writer.bool("over_budget", forecast.spend > budget.amountUSD)
        writer.endObject()
        writer.endObject()
    }

    /// An exact amount as a JSON number.
    static func amount(_ key: String, _ value: Decimal, to writer: inout JSONWriter) {
        writer.raw(key, Array("\(value)".utf8))
    }

    /// Microseconds since the epoch of `date`.
    static func micros(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1_000_000).rounded(.down))
    }
}
