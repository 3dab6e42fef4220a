public import Foundation
internal import VigilCore
internal import VigilProjections
public import VigilStats

/// A budget in its current period: what has been spent of it so far.
public struct BudgetStatus: Sendable, Equatable {
    /// The budget.
    public var budget: Budget
    /// The current period's start, microseconds since the epoch.
    public var periodStartMicros: Int64
    /// The current period's end (exclusive).
    public var periodEndMicros: Int64
    /// Exact dollars spent in the period so far.
    public var spent: Decimal

    /// Makes a status.
    public init(budget: Budget, periodStartMicros: Int64, periodEndMicros: Int64, spent: Decimal) {
        self.budget = budget
        self.periodStartMicros = periodStartMicros
        self.periodEndMicros = periodEndMicros
        self.spent = spent
    }

    /// What is left of the amount, never below 0.
    public var remaining: Decimal { max(0, budget.amountUSD - spent) }
    /// Whether the period's amount is spent.
    public var exhausted: Bool { spent >= budget.amountUSD }
}

extension RollupReader {
    /// Exact dollars of the budget's calls in the minutes starting in [`fromMicros`, `toMicros`).
    public func spend(of budget: Budget, fromMicros: Int64, toMicros: Int64) async throws -> Decimal {
        let groups = try await summary(projectID: budget.projectID, fromMicros: fromMicros, toMicros: toMicros,
                                       service: budget.service, model: budget.model, groupBy: [])
        return groups.reduce(Decimal(0)) { $0 + $1.costUSD }
    }

    /// The budget's spend in its period up to `nowMicros` (the minute holding it included).
    public func status(of budget: Budget, nowMicros: Int64) async throws -> BudgetStatus {
        let (start, end) = budget.periodBounds(nowMicros: nowMicros)
        let to = min(RollupTier.minute.bucket(of: nowMicros) + RollupTier.minute.bucketMicros, end)
        let spent = try await spend(of: budget, fromMicros: start, toMicros: to)
        return BudgetStatus(budget: budget, periodStartMicros: start, periodEndMicros: end, spent: spent)
    }

    /// The forecast of the budget's spend at the end of its period (`BudgetForecast.method`): the
    /// daily spend of the `BudgetForecast.trailingDays` complete UTC days before `nowMicros`'s.
    public func forecast(of status: BudgetStatus, nowMicros: Int64) async throws -> BudgetForecast {
        let day = RollupTier.day.bucketMicros
        let today = RollupTier.day.bucket(of: nowMicros)
        let from = today - Int64(BudgetForecast.trailingDays) * day
        let series = try await series(projectID: status.budget.projectID, fromMicros: from, toMicros: today, stepMicros: day,
                                      service: status.budget.service, model: status.budget.model)
        let daily = (0..<Int64(BudgetForecast.trailingDays)).map { series[from + $0 * day]?.costUSD ?? Decimal(0) }
        let secondsLeft = (status.periodEndMicros - nowMicros) / 1_000_000
        return BudgetForecast(spent: status.spent, trailingDaily: daily, secondsLeft: secondsLeft)
    }
}
