public import Foundation
public import Logging
internal import PostgresNIO
internal import VigilCore
public import VigilEventLog
internal import VigilProjections

/// The `budgets` table: each project's budgets, made and removed by its on-call keys and read by
/// the API, the quota cache and the `budget_burn` rules.
public struct BudgetStore: Sendable {
    /// The largest amount a budget may have, in dollars.
    public static let maxAmount = Decimal(1_000_000_000)

    private let executor: any QueryExecutor
    private let logger: Logger

    /// Makes a store over `executor`.
    public init(executor: any QueryExecutor, logger: Logger) {
        self.executor = executor
        self.logger = logger
    }

    /// The budgets of `projectID`, oldest first; every project's (but the instance's) when nil.
    public func list(projectID: Int64?) async throws -> [Budget] {
        let rows = try await executor.execute("""
            SELECT id, project_id, scope_kind, scope_value, period, amount_usd::text, vigil_us(created_at)
            FROM budgets WHERE (\(projectID)::bigint IS NULL OR project_id = \(projectID)::bigint)
            ORDER BY project_id, id
            """, logger: logger)
        var budgets: [Budget] = []
        for try await (id, project, kind, value, period, amount, created) in rows.decode((Int64, Int64, String, String, String, String, Int64).self) {
            guard let scopeKind = Budget.ScopeKind(rawValue: kind), let period = Budget.Period(rawValue: period),
                  let amountUSD = Decimal(string: amount, locale: Locale(identifier: "en_US_POSIX"))
            else {
                throw VigilError(.unavailable, "budget \(id) is unreadable")
            }
            budgets.append(Budget(id: id, projectID: project, scopeKind: scopeKind, scopeValue: value, period: period, amountUSD: amountUSD, createdAtMicros: created))
        }
        return budgets
    }

    /// Makes a budget of `projectID`; a model's name is stored in its normal form.
    /// - Throws: `VigilError` `.invalidInput` for an amount not above 0 or above `maxAmount`, a
    ///   project budget with a value, or a service or model budget without one.
    public func create(projectID: Int64, scopeKind: Budget.ScopeKind, scopeValue: String, period: Budget.Period, amountUSD: Decimal) async throws -> Budget {
        guard amountUSD > 0, amountUSD <= Self.maxAmount else {
            throw VigilError(.invalidInput, "amount_usd must be more than 0 and at most \(Self.maxAmount)")
        }
        let value: String
        switch scopeKind {
        case .project:
            guard scopeValue.isEmpty else { throw VigilError(.invalidInput, "a project budget takes no scope value") }
            value = ""
        case .service:
            guard !scopeValue.isEmpty else { throw VigilError(.invalidInput, "a service budget needs the service's name as its value") }
            value = scopeValue
        case .model:
            guard !scopeValue.isEmpty else { throw VigilError(.invalidInput, "a model budget needs the model's name as its value") }
            value = ModelName.normalise(scopeValue)
        }
        let amount = "\(amountUSD)"
        let rows = try await executor.execute("""
            INSERT INTO budgets (project_id, scope_kind, scope_value, period, amount_usd)
            VALUES (\(projectID), \(scopeKind.rawValue), \(value), \(period.rawValue), \(amount)::numeric)
            RETURNING id, vigil_us(created_at)
            """, logger: logger)
        for try await (id, created) in rows.decode((Int64, Int64).self) {
            return Budget(id: id, projectID: projectID, scopeKind: scopeKind, scopeValue: value, period: period, amountUSD: amountUSD, createdAtMicros: created)
        }
        throw VigilError(.unavailable, "the budget was not stored")
    }

    /// Removes `projectID`'s budget `id`; false when the project has no such budget (another
    /// project's is no such budget).
    public func delete(projectID: Int64, id: Int64) async throws -> Bool {
        let rows = try await executor.execute(
            "DELETE FROM budgets WHERE project_id = \(projectID) AND id = \(id) RETURNING id", logger: logger
        )
        var deleted = false
        for try await _ in rows.decode(Int64.self) { deleted = true }
        return deleted
    }
}
