public import Foundation
public import Logging
internal import Synchronization
public import VigilQueries

/// Each project's spend since the start of the current UTC day, from the rollups (exact cost per
/// minute), cached per project and refreshed at most every `refreshInterval`: the quota check of
/// an export reads the cache, and one export per project and interval pays for one query. Spend
/// counts once the rollup processor has folded the calls in, so a burst is seen a few seconds late.
public final class SpendMeter: Sendable {
    private struct Entry {
        var day: Int64
        var spent: Decimal
        var fetched: ContinuousClock.Instant
        var refreshing: Bool
    }

    private let rollups: RollupReader
    private let refreshInterval: Duration
    private let logger: Logger
    private let entries = Mutex<[Int64: Entry]>([:])

    /// Reads spend through `rollups`, refreshing each project's at most every `refreshInterval`.
    public init(rollups: RollupReader, refreshInterval: Duration = .seconds(5), logger: Logger) {
        self.rollups = rollups
        self.refreshInterval = refreshInterval
        self.logger = logger
    }

    /// Dollars `projectID` spent since 00:00 UTC of the day of `now`, at most `refreshInterval`
    /// old. When the database cannot say, the last known figure of the day (or zero) is used:
    /// a quota is not a reason to refuse telemetry while the database is away.
    public func spentToday(projectID: Int64, now: Date = Date()) async -> Decimal {
        let day = Self.day(of: now)
        let instant = ContinuousClock.now
        let cached: Decimal? = entries.withLock { entries in
            if var entry = entries[projectID], entry.day == day {
                if entry.refreshing || instant - entry.fetched < refreshInterval { return entry.spent }
                entry.refreshing = true
                entries[projectID] = entry
                return nil
            }
            entries[projectID] = Entry(day: day, spent: 0, fetched: instant, refreshing: true)
            return nil
        }
        if let cached { return cached }
        var spent: Decimal?
        do {
            spent = try await rollups.spendUSD(projectID: projectID, sinceMicros: day * 86_400_000_000)
        } catch {
            logger.warning("cannot read the day's spend; the quota uses the last figure", metadata: ["vigil.project_id": "\(projectID)"])
        }
        return entries.withLock { entries in
            var entry = entries[projectID] ?? Entry(day: day, spent: 0, fetched: instant, refreshing: false)
            if let spent, entry.day == day {
                entry.spent = spent
                entry.fetched = ContinuousClock.now
            }
            entry.refreshing = false
            entries[projectID] = entry
            return entry.spent
        }
    }

    /// Days since the epoch of `date`, UTC.
    static func day(of date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 / 86_400).rounded(.down))
    }

    /// Whole seconds from `date` to the next 00:00 UTC, at least 1.
    static func secondsToNextDay(from date: Date) -> Int {
        let next = Double(day(of: date) + 1) * 86_400
        return max(1, Int((next - date.timeIntervalSince1970).rounded(.up)))
    }
}
