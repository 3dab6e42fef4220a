import Foundation
import Testing
import VigilCore

@Suite("Token bucket")
struct TokenBucketTests {
    @Test("a full bucket admits its capacity at once, then one token per 1/rate seconds")
    func steadyRate() {
        // Rates and times in binary fractions, so that the arithmetic is exact.
        var bucket = TokenBucket(rate: 4, now: .zero)
        for _ in 0..<4 {
            let admission = bucket.take(1, now: .zero)
            #expect(admission == .admitted)
        }
        let result2 = bucket.take(1, now: .zero)
        #expect(result2 == .refused(retryAfter: .milliseconds(250)))
        var early = bucket
        let result3 = early.take(1, now: .milliseconds(249))
        #expect(result3 != .admitted)
        let result4 = bucket.take(1, now: .milliseconds(250))
        #expect(result4 == .admitted)
        let result5 = bucket.take(1, now: .milliseconds(250))
        #expect(result5 == .refused(retryAfter: .milliseconds(250)))
    }

    @Test("over a long window the admitted amount stays within rate × time + capacity")
    func longWindow() {
        var bucket = TokenBucket(rate: 10, now: .zero)
        var admitted = 0
        // A client sending 10× the limit: one request every 10 ms for 20 s.
        for step in 0..<2_000 {
            let admission = bucket.take(1, now: .milliseconds(10 * step))
            if admission == .admitted { admitted += 1 }
        }
        #expect(admitted >= 199 && admitted <= 10 * 20 + 10, "\(admitted)")
    }

    @Test("a request larger than the bucket passes from a full bucket and its debt is paid back first")
    func debt() {
        var bucket = TokenBucket(rate: 100, now: .zero)
        let result6 = bucket.take(1_000, now: .zero)
        #expect(result6 == .admitted)
        #expect(bucket.tokens == -900)
        // 1,000 more tokens are needed to fill the bucket again: 10 s at 100 a second.
        let result7 = bucket.take(1_000, now: .zero)
        #expect(result7 == .refused(retryAfter: .seconds(10)))
        var early = bucket
        let result8 = early.take(1_000, now: .seconds(9))
        #expect(result8 != .admitted)
        let result9 = bucket.take(1_000, now: .seconds(10))
        #expect(result9 == .admitted)
    }

    @Test("tokens never exceed the capacity, a clock going backwards adds nothing, a new rate keeps what is held")
    func edges() {
        var bucket = TokenBucket(rate: 2, capacity: 4, now: .seconds(100))
        let result10 = bucket.take(4, now: .seconds(1_000))
        #expect(result10 == .admitted)
        #expect(bucket.tokens == 0)
        let result11 = bucket.take(1, now: .seconds(50))
        #expect(result11 == .refused(retryAfter: .milliseconds(500)))
        bucket.reconfigure(rate: 1, now: .seconds(1_000))
        #expect(bucket.capacity == 1)
        let result12 = bucket.take(1, now: .seconds(1_001))
        #expect(result12 == .admitted)
        // A fractional rate still holds one whole token.
        var slow = TokenBucket(rate: 0.1, now: .zero)
        let result13 = slow.take(1, now: .zero)
        #expect(result13 == .admitted)
        let second = slow.take(1, now: .zero)
        guard case .refused(let wait) = second else {
            Issue.record("a second request at once is refused")
            return
        }
        #expect(wait >= .seconds(10) && wait <= .milliseconds(10_001))
    }

    @Test("Retry-After is whole seconds rounded up, at least one")
    func retryAfter() {
        #expect(Duration.milliseconds(1).retryAfterSeconds == 1)
        #expect(Duration.zero.retryAfterSeconds == 1)
        #expect(Duration.seconds(2).retryAfterSeconds == 2)
        #expect(Duration.milliseconds(2_001).retryAfterSeconds == 3)
    }

    @Test("limits given on the command line are checked")
    func parsing() throws {
        #expect(try KeyLimits.parseRate("5", option: "--rate") == 5)
        #expect(try KeyLimits.parseRate("none", option: "--rate") == nil)
        #expect(try KeyLimits.parseDollars("20.50", option: "--spend-usd-per-day") == 20.5)
        for bad in ["0", "-1", "nan", "inf", "1e13", "x", ""] {
            #expect(throws: VigilError.self) { try KeyLimits.parseRate(bad, option: "--rate") }
        }
        for bad in ["0", "-1", "1e3", "1.2.3", "2000000000", "$5"] {
            #expect(throws: VigilError.self) { try KeyLimits.parseDollars(bad, option: "--spend-usd-per-day") }
        }
    }
}
