internal import NIOConcurrencyHelpers
internal import VigilProjections

/// The rollup rows the processor wrote last, kept in memory so the next batch merges into them
/// without reading them back. Per tier and project it knows a floor: every row of a bucket at or
/// after the floor is in the cache, so a key there that the cache lacks is a new row and needs
/// no lookup either. The cache is only trusted while this process is the one moving the offset:
/// it remembers the offset and reset count it committed last, and forgets everything when a
/// batch starts anywhere else (another process took a turn, or `vigil replay` reset the tables).
final class RollupCache: Sendable {
    /// Rows of one tier, and the floors.
    struct Tier {
        var rows: [RollupKey: RollupTotals] = [:]
        /// Project → the first bucket from which the cache holds every row.
        var floors: [Int64: Int64] = [:]
    }

    /// The rows a batch wrote to one tier, and the floors it learned.
    struct Written {
        private(set) var rows: [(key: RollupKey, value: RollupTotals)] = []
        /// Each row's bucket, at the row's position: trimming reads them here, because reading a
        /// field of a row in the array copies the whole row (retaining its strings and sketches).
        private(set) var buckets: [Int64] = []
        var floors: [Int64: Int64] = [:]

        init() {}

        /// `rows` with their buckets, which the caller read off the keys it had in hand.
        init(rows: [(key: RollupKey, value: RollupTotals)], buckets: [Int64], floors: [Int64: Int64]) {
            precondition(rows.count == buckets.count, "a bucket for every row")
            self.rows = rows
            self.buckets = buckets
            self.floors = floors
        }
    }

    /// What a batch learned and wrote, applied when its transaction commits.
    struct Pending {
        var tiers: [RollupTier: Written] = [:]
    }

    private struct State {
        var position: (seq: Int64, resets: Int64)?
        var tiers: [RollupTier: Tier] = [:]
        var pending: Pending?
    }

    /// Rows kept per tier before the oldest buckets are let go.
    private let limits: [RollupTier: Int]
    private let state = NIOLockedValueBox(State())

    init(limits: [RollupTier: Int] = [.minute: 8_000, .tenMinutes: 8_000, .hour: 8_000, .day: 4_000]) {
        self.limits = limits
    }

    /// The cached rows and floors of `tier` for a batch starting at `after` in reset generation
    /// `resets`; empty when the cache cannot be trusted for it.
    func snapshot(of tier: RollupTier, after: Int64, resets: Int64) -> Tier {
        state.withLockedValue { state in
            guard let position = state.position, position == (after, resets) else {
                state.position = nil
                state.tiers = [:]
                return Tier()
            }
            return state.tiers[tier] ?? Tier()
        }
    }

    /// Records what a batch wrote; it takes effect at `commit`.
    func stage(_ pending: Pending) {
        state.withLockedValue { $0.pending = pending }
    }

    /// The batch ending at `through` committed: its rows and floors become the cache's.
    func commit(through: Int64, resets: Int64, after: Int64) {
        state.withLockedValue { state in
            defer { state.pending = nil }
            guard let pending = state.pending else { return }
            if state.position.map({ $0 != (after, resets) }) ?? true { state.tiers = [:] }
            for (tier, written) in pending.tiers {
                // Taken out and put back, so it is mutated in place rather than copied.
                var cached = state.tiers.removeValue(forKey: tier) ?? Tier()
                cached.floors.merge(written.floors) { old, new in max(old, new) }
                Self.absorb(written, into: &cached, limit: limits[tier] ?? 10_000)
                state.tiers[tier] = cached
            }
            state.position = (through, resets)
        }
    }

    /// The batch rolled back: nothing it staged happened.
    func rollBack() {
        state.withLockedValue { $0.pending = nil }
    }

    /// Adds a batch's rows to `tier`. Past `limit` rows, only the newest buckets holding about
    /// half of it are kept and the floors rise to the oldest bucket kept; the rows are filtered
    /// before they are stored, so a batch of many rows is not copied in only to be let go.
    static func absorb(_ written: Written, into tier: inout Tier, limit: Int) {
        let rows = written.rows
        guard tier.rows.count + rows.count > limit else {
            for (key, row) in rows { tier.rows[key] = row }
            return
        }
        // Rows in both are counted twice: the cut may keep a little less than half, never a partial bucket.
        // By position and through the buckets, so that rows let go are never copied.
        var perBucket: [Int64: Int] = [:]
        for key in tier.rows.keys { perBucket[key.bucketMicros, default: 0] += 1 }
        for bucket in written.buckets { perBucket[bucket, default: 0] += 1 }
        var kept = 0
        var cutoff = Int64.max
        for bucket in perBucket.keys.sorted(by: >) where kept < limit / 2 {
            kept += perBucket[bucket] ?? 0
            cutoff = bucket
        }
        tier.rows = tier.rows.filter { $0.key.bucketMicros >= cutoff }
        tier.rows.reserveCapacity(kept)
        for (index, bucket) in written.buckets.enumerated() where bucket >= cutoff { tier.rows[rows[index].key] = rows[index].value }
        for project in tier.floors.keys { tier.floors[project] = max(tier.floors[project] ?? cutoff, cutoff) }
    }
}
