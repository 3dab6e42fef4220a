import Testing
@testable import VigilProcessors

@Suite("Rollup cache")
struct RollupCacheTests {
    /// `rows` as a batch writes them, each with its bucket.
    func written(_ rows: [(key: RollupKey, value: RollupTotals)]) -> RollupCache.Written {
        RollupCache.Written(rows: rows, buckets: rows.map(\.key.bucketMicros), floors: [:])
    }

    func row(_ minute: Int64, _ service: String) -> (key: RollupKey, value: RollupTotals) {
        var totals = RollupTotals()
        totals.add(isError: false, durationNanos: 1_000_000 * (minute + 1), ttftMillis: nil, input: nil, output: nil, cost: nil)
        return (RollupKey(projectID: 1, bucketMicros: minute * 60_000_000, service: service, model: "m", operation: "chat", status: "ok", kind: "llm"), totals)
    }

    @Test("under the limit every row is kept, a rewritten row replaced")
    func underLimit() {
        var tier = RollupCache.Tier(rows: [:], floors: [1: 0])
        RollupCache.absorb(written([row(1, "a"), row(2, "a")]), into: &tier, limit: 10)
        var again = row(2, "a")
        again.value.add(isError: true, durationNanos: 5, ttftMillis: nil, input: nil, output: nil, cost: nil)
        RollupCache.absorb(written([again]), into: &tier, limit: 10)
        #expect(tier.rows.count == 2)
        #expect(tier.rows[again.key]?.errors == 1)
        #expect(tier.floors[1] == 0)
    }

    @Test("past the limit only whole newest buckets are kept and the floor rises to the oldest of them")
    func trim() {
        var tier = RollupCache.Tier(rows: [:], floors: [1: 0])
        RollupCache.absorb(written((0..<6).flatMap { minute in ["a", "b"].map { row(Int64(minute), $0) } }), into: &tier, limit: 20)
        #expect(tier.rows.count == 12)
        // 12 stored + 12 written > 20: keep the newest buckets until 10 rows are kept.
        RollupCache.absorb(written((6..<12).flatMap { minute in ["a", "b"].map { row(Int64(minute), $0) } }), into: &tier, limit: 20)
        let minutes = Set(tier.rows.keys.map { $0.bucketMicros / 60_000_000 })
        #expect(minutes == Set(7..<12))
        #expect(tier.rows.count == 10)
        #expect(tier.floors[1] == Int64(7 * 60_000_000), "every row at or after the floor is in the cache")
    }
}
