import Testing
@testable import VigilEventLog

@Suite("Unknown-key cache")
struct UnknownKeyCacheTests {
    let start = ContinuousClock.now

    @Test("a key is remembered for its time to live, then forgotten")
    func timeToLive() {
        var cache = UnknownKeyCache(capacity: 10, timeToLive: .seconds(10))
        cache.insert("a", now: start)
        let found1 = cache.contains("a", now: start + .seconds(9))
        #expect(found1)
        let found2 = cache.contains("a", now: start + .seconds(10))
        #expect(!found2)
        #expect(cache.count == 0, "an expired key is dropped when found")
        let found3 = cache.contains("b", now: start)
        #expect(!found3)
        cache.insert("a", now: start)
        cache.insert("a", now: start + .seconds(5))
        let found4 = cache.contains("a", now: start + .seconds(14))
        #expect(found4, "inserting again renews the time to live")
        #expect(cache.count == 1)
    }

    @Test("when full, the least recently used key makes room; a hit counts as a use")
    func leastRecentlyUsed() {
        var cache = UnknownKeyCache(capacity: 3, timeToLive: .seconds(60))
        for key in ["a", "b", "c"] { cache.insert(key, now: start) }
        let found5 = cache.contains("a", now: start)
        #expect(found5)
        cache.insert("d", now: start)
        #expect(cache.keysByRecency == ["d", "a", "c"])
        let found6 = cache.contains("b", now: start)
        #expect(!found6)
        #expect(cache.count == 3)
    }

    @Test("removing a key keeps the recency list whole, whatever slot it had")
    func removal() {
        var cache = UnknownKeyCache(capacity: 5, timeToLive: .seconds(60))
        for key in ["a", "b", "c", "d", "e"] { cache.insert(key, now: start) }
        cache.remove("b")
        cache.remove("e")
        cache.remove("not there")
        #expect(cache.keysByRecency == ["d", "c", "a"])
        for key in ["f", "g", "h"] { cache.insert(key, now: start) }
        #expect(cache.keysByRecency == ["h", "g", "f", "d", "c"])
        #expect(cache.count == 5)
        for key in ["h", "g", "f", "d", "c"] { cache.remove(key) }
        #expect(cache.keysByRecency.isEmpty)
        cache.insert("z", now: start)
        #expect(cache.keysByRecency == ["z"])
    }

    @Test("a flood of distinct keys never holds more than the capacity, the newest kept")
    func flood() {
        var cache = UnknownKeyCache(capacity: 100, timeToLive: .seconds(60))
        for index in 0..<10_000 { cache.insert("key\(index)", now: start) }
        #expect(cache.count == 100)
        #expect(cache.keysByRecency == (9_900..<10_000).reversed().map { "key\($0)" })
    }

    @Test("a zero time to live or capacity remembers nothing")
    func disabled() {
        var zeroTime = UnknownKeyCache(capacity: 100, timeToLive: .zero)
        zeroTime.insert("a", now: start)
        let found7 = zeroTime.contains("a", now: start)
        #expect(!found7)
        var zeroCapacity = UnknownKeyCache(capacity: 0, timeToLive: .seconds(60))
        zeroCapacity.insert("a", now: start)
        #expect(zeroCapacity.count == 0)
    }
}
