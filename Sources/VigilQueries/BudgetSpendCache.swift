public import Foundation
public import Logging
internal import Synchronization
public import VigilEventLog

/// Every budget's spend in its current period, held in memory so that `GET /api/v1/quota` answers
/// without a query: the snapshot is read again from the rollups when it is older than `maxAge`
/// (by one request at a time, the others answering from the snapshot they have), and at once after
/// a budget is made or removed (`invalidate`).
public final class BudgetSpendCache: Sendable {
    /// One snapshot: the statuses of every project's budgets, by project.
    struct State {
        var statuses: [Int64: [BudgetStatus]] = [:]
        var asOfMicros: Int64 = 0
        var refreshedAt: ContinuousClock.Instant?
        var refreshing = false
    }

    /// How old a snapshot may be before a request reads it again (`VIGIL_QUOTA_REFRESH_MS`, 5 s).
    public let maxAge: Duration
    private let state = Mutex(State())
    private let store: BudgetStore
    private let reader: RollupReader
    private let now: @Sendable () -> Date

    /// A cache of the budgets in `executor`'s database; `now` is the clock of the periods.
    public init(executor: any QueryExecutor, logger: Logger, maxAge: Duration = .seconds(5), now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = BudgetStore(executor: executor, logger: logger)
        self.reader = RollupReader(executor: executor, logger: logger)
        self.maxAge = maxAge
        self.now = now
    }

    /// The statuses of `projectID`'s budgets, and the time (microseconds) they were read at.
    public func statuses(projectID: Int64) async throws -> (statuses: [BudgetStatus], asOfMicros: Int64) {
        enum Next { case cached([BudgetStatus], Int64), refresh, refreshBeside([BudgetStatus], Int64) }
        let clock = ContinuousClock()
        let next: Next = state.withLock { state in
            let cached = state.statuses[projectID] ?? []
            guard let refreshedAt = state.refreshedAt else { return .refresh }
            if refreshedAt.duration(to: clock.now) < maxAge || state.refreshing { return .cached(cached, state.asOfMicros) }
            state.refreshing = true
            return .refreshBeside(cached, state.asOfMicros)
        }
        switch next {
        case .cached(let statuses, let asOf):
            return (statuses, asOf)
        case .refresh:
            try await refresh()
        case .refreshBeside(let statuses, let asOf):
            do {
                try await refresh()
            } catch {
                // The stale snapshot is still the best answer; the next request tries again.
                state.withLock { $0.refreshing = false }
                return (statuses, asOf)
            }
        }
        return state.withLock { state in (state.statuses[projectID] ?? [], state.asOfMicros) }
    }

    /// Reads every budget's spend now.
    public func refresh() async throws {
        let started = ContinuousClock().now
        let nowMicros = Self.micros(now())
        var statuses: [Int64: [BudgetStatus]] = [:]
        for budget in try await store.list(projectID: nil) {
            let status = try await reader.status(of: budget, nowMicros: nowMicros)
            statuses[budget.projectID, default: []].append(status)
        }
        state.withLock { state in
            state.statuses = statuses
            state.asOfMicros = nowMicros
            state.refreshedAt = started
            state.refreshing = false
        }
    }

    /// Forgets the snapshot's age, so the next request reads the budgets again.
    public func invalidate() {
        state.withLock { $0.refreshedAt = nil }
    }

    /// Microseconds since the epoch of `date`.
    static func micros(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1_000_000).rounded(.down))
    }
}
