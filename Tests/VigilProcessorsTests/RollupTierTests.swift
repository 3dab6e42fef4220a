import VigilProjections
import Testing
import VigilCore
import VigilProcessors

@Suite("Rollup tiers")
struct RollupTierTests {
    let minute: Int64 = 60_000_000
    let hour: Int64 = 3_600_000_000
    let day: Int64 = 86_400_000_000

    @Test("a range splits into whole days, whole hours and ten minutes at the edges and the minutes left over, covering it exactly once")
    func segments() {
        let day0 = 20_000 * day
        let from = day0 + 22 * hour + 13 * minute
        let to = day0 + 3 * day + 5 * hour + 7 * minute
        let segments = RollupTier.segments(fromMicros: from, toMicros: to)
        #expect(segments.map(\.tier.column) == ["minute", "ten_minute", "hour", "day", "hour", "minute"])
        #expect(segments.first?.fromMicros == from)
        #expect(segments.last?.toMicros == to)
        for (left, right) in zip(segments, segments.dropFirst()) { #expect(left.toMicros == right.fromMicros) }
        for segment in segments {
            #expect(segment.fromMicros % segment.tier.bucketMicros == 0 || segment.tier == .minute)
            #expect(segment.toMicros % segment.tier.bucketMicros == 0 || segment.tier == .minute)
        }
        #expect(segments[3].fromMicros == day0 + day && segments[3].toMicros == day0 + 3 * day)
        #expect(segments[1].fromMicros == day0 + 22 * hour + 20 * minute)
    }

    @Test("short ranges stay in finer tiers; an empty range reads nothing")
    func shortRanges() {
        let base = 20_000 * day + 10 * hour
        #expect(RollupTier.segments(fromMicros: base + minute, toMicros: base + 50 * minute).map(\.tier) == [.minute, .tenMinutes])
        #expect(RollupTier.segments(fromMicros: base + minute, toMicros: base + 9 * minute).map(\.tier) == [.minute])
        #expect(RollupTier.segments(fromMicros: base, toMicros: base + 2 * hour).map(\.tier) == [.hour])
        #expect(RollupTier.segments(fromMicros: base - 5 * minute, toMicros: base + hour + minute).map(\.tier) == [.minute, .hour, .minute])
        #expect(RollupTier.segments(fromMicros: base, toMicros: base).isEmpty)
    }

    @Test("a series step uses only the tiers whose bucket divides it")
    func steps() {
        let from = 20_000 * day + 3 * hour
        let to = from + 4 * day
        #expect(Set(RollupTier.segments(fromMicros: from, toMicros: to, step: 5 * minute).map(\.tier)) == [.minute])
        #expect(Set(RollupTier.segments(fromMicros: from, toMicros: to, step: 2 * hour).map(\.tier)) == [.hour])
        #expect(Set(RollupTier.segments(fromMicros: from, toMicros: to, step: day).map(\.tier)) == [.hour, .day])
        #expect(RollupTier.segments(fromMicros: from, toMicros: to, step: 90_000_000).isEmpty)
    }
}
