import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import VigilCore
import VigilEventLog
import VigilTestSupport

/// The budgets API and the quota over rollup rows written here by hand, at a fixed clock
/// (2025-03-10T18:00:00Z), against figures worked out by hand.
@Suite("Budgets and quota")
struct BudgetRouteTests {
    struct Forecast: Decodable {
        var method: String
        var spendUsd: Decimal
        var lowUsd: Decimal
        var highUsd: Decimal
        var dailyMeanUsd: Decimal
        var dailySdUsd: Decimal
        var daysLeft: Decimal
        var overBudget: Bool
    }

    struct Budget: Decodable {
        var id: Int64
        var scope: String
        var value: String?
        var period: String
        var amountUsd: Decimal
        var periodStart: String
        var periodEnd: String
        var spentUsd: Decimal
        var remainingUsd: Decimal
        var exhausted: Bool
        var forecast: Forecast
    }

    struct Budgets: Decodable {
        var budgets: [Budget]
    }

    struct QuotaBudget: Decodable {
        var id: Int64
        var scope: String
        var remainingUsd: Decimal
        var exhausted: Bool
    }

    struct Quota: Decodable {
        var allow: Bool
        var budgets: [QuotaBudget]
    }

    static func decode<T: Decodable>(_ type: T.Type, _ buffer: ByteBuffer) throws -> T {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(type, from: Data(String(buffer: buffer).utf8))
    }

    static func amount(_ text: String) -> Decimal {
        Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) ?? .nan
    }

    /// One rollup row of `cost` dollars for `service` and `model` in `table`'s bucket at `time`.
    static func row(_ table: String, _ column: String, project: Int64, at time: String, service: String, model: String, cost: String) -> String {
        """
        INSERT INTO \(table) (project_id, \(column), service, model, operation, status, kind, count, errors, skewed, latency_sketch, ttft_sketch,
                              input_tokens, output_tokens, cost_usd, unpriced)
        VALUES (\(project), '\(time)', '\(service)', '\(model)', 'chat', 'ok', 'llm', 1, 0, 0, ''::bytea, ''::bytea, 0, 0, \(cost), 0)
        RETURNING 1::bigint
        """
    }

    @Test("spend, remaining and forecast per budget; the quota's answer; another project's budget is a 404")
    func budgets() async throws {
        let now = Date(timeIntervalSince1970: 1_741_629_600)  // 2025-03-10T18:00:00Z
        let harness = try await CollectorHarness.make("budgets", now: { now })
        let test = harness.test
        let alpha = try await test.scalar("SELECT project_id FROM projects WHERE name = 'alpha'")
        let beta = try await test.scalar("SELECT project_id FROM projects WHERE name = 'beta'")
        let betaOperate = try await test.withConnection { connection in
            try await KeyStore.create(project: "beta", role: .operate, name: "", on: connection, logger: test.logger).token
        }
        // The seven days before: chat on gpt-4o spends 12, 8, 12, 8, 12, 8, 10 (mean 10, sample sd 2);
        // search on claude 5 on the 9th. Today until 18:00: chat 3.5 + 4, search 1.25. Beta spends 1000.
        for (day, cost) in zip(3...9, ["12", "8", "12", "8", "12", "8", "10"]) {
            _ = try await test.scalar(Self.row("rollup_day", "day", project: alpha, at: "2025-03-0\(day)T00:00:00Z", service: "chat", model: "gpt-4o", cost: cost))
        }
        _ = try await test.scalar(Self.row("rollup_day", "day", project: alpha, at: "2025-03-09T00:00:00Z", service: "search", model: "claude-3-5-haiku", cost: "5"))
        _ = try await test.scalar(Self.row("rollup_hour", "hour", project: alpha, at: "2025-03-10T03:00:00Z", service: "chat", model: "gpt-4o", cost: "3.5"))
        _ = try await test.scalar(Self.row("rollup_hour", "hour", project: alpha, at: "2025-03-10T09:00:00Z", service: "chat", model: "gpt-4o", cost: "4"))
        _ = try await test.scalar(Self.row("rollup_hour", "hour", project: alpha, at: "2025-03-10T10:00:00Z", service: "search", model: "claude-3-5-haiku", cost: "1.25"))
        _ = try await test.scalar(Self.row("rollup_hour", "hour", project: beta, at: "2025-03-10T10:00:00Z", service: "chat", model: "gpt-4o", cost: "1000"))

        let adminKey = harness.adminKey, readKey = harness.readKey, ingestKey = harness.ingestKey
        let betaReadKey = harness.otherProjectReadKey
        try await harness.application.test(.router) { client in
            func post(_ body: String) async throws -> (HTTPResponse.Status, ByteBuffer) {
                try await client.execute(uri: "/api/v1/budgets", method: .post, headers: headers(key: adminKey, contentType: "application/json"), body: ByteBuffer(string: body)) { response in
                    (response.status, response.body)
                }
            }
            let (chatStatus, chatBody) = try await post(#"{"scope": "service", "value": "chat", "period": "day", "amount_usd": "20"}"#)
            #expect(chatStatus == .created, "\(String(buffer: chatBody))")
            let chat = try Self.decode(Budget.self, chatBody)
            let (projectStatus, projectBody) = try await post(#"{"scope": "project", "period": "day", "amount_usd": 8.75}"#)
            #expect(projectStatus == .created, "\(String(buffer: projectBody))")
            let project = try Self.decode(Budget.self, projectBody)
            let (modelStatus, modelBody) = try await post(#"{"scope": "model", "value": "gpt-4o", "period": "month", "amount_usd": "100.00"}"#)
            #expect(modelStatus == .created, "\(String(buffer: modelBody))")
            let model = try Self.decode(Budget.self, modelBody)
            for bad in [#"{"scope": "key", "value": "k", "period": "day", "amount_usd": "1"}"#, #"{"scope": "service", "period": "day", "amount_usd": "1"}"#,
                        #"{"scope": "project", "period": "week", "amount_usd": "1"}"#, #"{"scope": "project", "period": "day", "amount_usd": "-1"}"#,
                        #"{"scope": "project", "period": "day", "amount_usd": "1e3"}"#] {
                let (status, body) = try await post(bad)
                #expect(status == .badRequest, "\(bad): \(String(buffer: body))")
            }

            let listed = try await client.execute(uri: "/api/v1/budgets", method: .get, headers: headers(key: readKey, contentType: nil)) { response in
                #expect(response.status == .ok)
                return response.body
            }
            let budgets = try Self.decode(Budgets.self, listed).budgets
            #expect(budgets.map(\.id) == [chat.id, project.id, model.id])
            let byID = Dictionary(uniqueKeysWithValues: budgets.map { ($0.id, $0) })

            // chat, daily 20: 7.5 spent by 18:00; 6 hours (0.25 day) left: 7.5 + 10 × 0.25 = 10,
            // band 1.96 × √(4 × 0.25) = 1.96.
            let daily = try #require(byID[chat.id])
            #expect(daily.periodStart == "2025-03-10T00:00:00.000000Z" && daily.periodEnd == "2025-03-11T00:00:00.000000Z")
            #expect(daily.spentUsd == Self.amount("7.5"))
            #expect(daily.remainingUsd == Self.amount("12.5"))
            #expect(!daily.exhausted)
            #expect(daily.forecast.daysLeft == Self.amount("0.25"))
            #expect(daily.forecast.dailyMeanUsd == 10 && daily.forecast.dailySdUsd == 2)
            #expect(daily.forecast.spendUsd == 10)
            #expect(daily.forecast.lowUsd == Self.amount("8.04") && daily.forecast.highUsd == Self.amount("11.96"))
            #expect(!daily.forecast.overBudget)
            #expect(daily.forecast.method.hasPrefix("trailing_7d_mean"))

            // The project, daily 8.75: chat 7.5 + search 1.25 = 8.75, spent (beta's 1000 not counted).
            let whole = try #require(byID[project.id])
            #expect(whole.spentUsd == Self.amount("8.75") && whole.remainingUsd == 0 && whole.exhausted)
            #expect(whole.value == nil)

            // gpt-4o, monthly 100: 3rd–9th 70 + today 7.5 = 77.5; 21.25 days to April:
            // 77.5 + 212.5 = 290, band 1.96 × √85 = 18.0703071… (Python's decimal module).
            let monthly = try #require(byID[model.id])
            #expect(monthly.periodStart == "2025-03-01T00:00:00.000000Z" && monthly.periodEnd == "2025-04-01T00:00:00.000000Z")
            #expect(monthly.spentUsd == Self.amount("77.5") && monthly.remainingUsd == Self.amount("22.5"))
            #expect(monthly.forecast.daysLeft == Self.amount("21.25"))
            #expect(monthly.forecast.spendUsd == 290)
            #expect(monthly.forecast.lowUsd == Self.amount("271.929693") && monthly.forecast.highUsd == Self.amount("308.070307"))
            #expect(monthly.forecast.overBudget)

            // The quota, with the app's ingest key: every budget of a chat call on gpt-4o applies,
            // and the project's is spent.
            let first = try await client.execute(uri: "/api/v1/quota?service=chat&model=gpt-4o", method: .get, headers: headers(key: ingestKey, contentType: nil)) { response in
                #expect(response.status == .ok)
                return response.body
            }
            let quota = try Self.decode(Quota.self, first)
            #expect(!quota.allow)
            #expect(quota.budgets.map(\.id).sorted() == [chat.id, project.id, model.id].sorted())
            #expect(quota.budgets.first { $0.id == chat.id }?.remainingUsd == Self.amount("12.5"))

            // Another project's budget is no budget at all.
            try await client.execute(uri: "/api/v1/budgets/\(project.id)", method: .delete, headers: headers(key: betaOperate, contentType: nil)) { response in
                #expect(response.status == .notFound)
            }
            let betaList = try await client.execute(uri: "/api/v1/budgets", method: .get, headers: headers(key: betaReadKey, contentType: nil)) { response in
                response.body
            }
            let betaBudgets = try Self.decode(Budgets.self, betaList).budgets
            #expect(betaBudgets.isEmpty)

            try await client.execute(uri: "/api/v1/budgets/\(project.id)", method: .delete, headers: headers(key: adminKey, contentType: nil)) { response in
                #expect(response.status == .ok)
            }
            // Removing a budget refreshes the quota at once.
            let second = try await client.execute(uri: "/api/v1/quota?service=chat&model=gpt-4o-2024-08-06", method: .get, headers: headers(key: ingestKey, contentType: nil)) { response in
                response.body
            }
            let after = try Self.decode(Quota.self, second)
            #expect(after.allow)
            #expect(after.budgets.map(\.id).sorted() == [chat.id, model.id].sorted())
            let search = try await client.execute(uri: "/api/v1/quota?service=search", method: .get, headers: headers(key: readKey, contentType: nil)) { response in
                response.body
            }
            let searchQuota = try Self.decode(Quota.self, search)
            #expect(searchQuota.allow && searchQuota.budgets.isEmpty)
        }
    }
}
