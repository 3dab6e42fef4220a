import Foundation
import Testing
import VigilAlerting

@Suite("Delivery retries")
struct DeliveryPolicyTests {
    let policy = DeliveryPolicy(initialBackoff: .seconds(1), maxBackoff: .seconds(300), multiplier: 2, jitter: 0.5, maxAge: .seconds(3600))

    @Test("which outcomes are retried", arguments: [
        (DeliveryOutcome.connectionFailed, true), (.timedOut, true), (.response(status: 500, retryAfter: nil), true),
        (.response(status: 503, retryAfter: nil), true), (.response(status: 599, retryAfter: nil), true),
        (.response(status: 429, retryAfter: nil), true), (.response(status: 400, retryAfter: nil), false),
        (.response(status: 401, retryAfter: nil), false), (.response(status: 404, retryAfter: nil), false),
        (.response(status: 408, retryAfter: nil), false), (.response(status: 413, retryAfter: nil), false),
        (.response(status: 301, retryAfter: nil), false),
    ])
    func retryable(outcome: DeliveryOutcome, expected: Bool) {
        #expect(outcome.isRetryable == expected)
    }

    @Test("2xx is delivered; 4xx other than 429 is dead at once")
    func terminal() {
        var random = SeededGenerator(seed: 1)
        #expect(policy.decide(.response(status: 204, retryAfter: nil), attempt: 1, createdAt: TestClock.at(0), now: TestClock.at(0), using: &random) == .delivered)
        #expect(policy.decide(.response(status: 404, retryAfter: nil), attempt: 1, createdAt: TestClock.at(0), now: TestClock.at(0), using: &random) == .dead(reason: "HTTP 404 is not retried"))
    }

    @Test("backoff doubles up to the cap, each delay jittered into [½d, d]")
    func backoff() {
        var random = SeededGenerator(seed: 99)
        for attempt in 1...15 {
            let full = min(pow(2, Double(attempt - 1)), 300)
            for _ in 0..<50 {
                let delay = policy.backoff(attempt: attempt, using: &random).inSeconds
                #expect(delay >= full / 2 - 1e-6 && delay <= full + 1e-6, "attempt \(attempt): \(delay)")
            }
        }
        let noJitter = DeliveryPolicy(jitter: 0)
        #expect(noJitter.backoff(attempt: 4, using: &random) == .seconds(8))
        #expect(noJitter.backoff(attempt: 40, using: &random) == .seconds(300))
    }

    @Test("the jitter comes from the injected source: the same seed, the same schedule")
    func deterministic() {
        var a = SeededGenerator(seed: 5)
        var b = SeededGenerator(seed: 5)
        let first = (1...10).map { policy.backoff(attempt: $0, using: &a) }
        let second = (1...10).map { policy.backoff(attempt: $0, using: &b) }
        #expect(first == second)
    }

    @Test("Retry-After is honoured, in seconds or as an HTTP date")
    func retryAfter() {
        var random = SeededGenerator(seed: 3)
        let now = TestClock.at(100)
        #expect(policy.decide(.response(status: 429, retryAfter: "120"), attempt: 1, createdAt: TestClock.at(0), now: now, using: &random)
            == .retry(at: TestClock.at(220), reason: "HTTP 429"))
        // TestClock.at(0) is Fri, 20 Nov 2026 09:30:00 GMT.
        #expect(policy.decide(.response(status: 503, retryAfter: "Fri, 20 Nov 2026 09:35:00 GMT"), attempt: 2, createdAt: TestClock.at(0), now: now, using: &random)
            == .retry(at: TestClock.at(300), reason: "HTTP 503"))
        #expect(RetryAfter.delay("Friday, 20-Nov-26 09:35:00 GMT", now: now) == .seconds(200))
        #expect(RetryAfter.delay("Fri Nov 20 09:35:00 2026", now: now) == .seconds(200))
        #expect(RetryAfter.delay("Fri, 20 Nov 2026 09:00:00 GMT", now: now) == .zero)  // in the past: at once
        #expect(RetryAfter.delay(" 7 ", now: now) == .seconds(7))
        for bad in ["", "-5", "1.5", "soon", "Fri, 32 Nov 2026 09:35:00 GMT", "Fri, 20 Foo 2026 09:35:00 GMT"] {
            #expect(RetryAfter.delay(bad, now: now) == nil, "\(bad)")
        }
        // An unusable Retry-After falls back to the backoff.
        if case .retry(let at, _) = policy.decide(.response(status: 429, retryAfter: "soon"), attempt: 1, createdAt: TestClock.at(0), now: now, using: &random) {
            #expect(at.timeIntervalSince(now) >= 0.5 && at.timeIntervalSince(now) <= 1)
        } else {
            Issue.record("expected a retry")
        }
    }

    @Test("a delivery whose next attempt would pass the maximum age is dead")
    func maxAge() {
        var random = SeededGenerator(seed: 4)
        let decision = policy.decide(.connectionFailed, attempt: 20, createdAt: TestClock.at(0), now: TestClock.at(3500), using: &random)
        #expect(decision == .dead(reason: "connection failed; gave up after 20 attempts: the next would be past the maximum age of 1h"))
        let honoured = policy.decide(.response(status: 429, retryAfter: "7200"), attempt: 1, createdAt: TestClock.at(0), now: TestClock.at(0), using: &random)
        #expect(honoured == .dead(reason: "HTTP 429; gave up after 1 attempt: the next would be past the maximum age of 1h"))
    }

    /// Property: simulating a receiver that is down for a while, a delivery retries with growing
    /// delays and is delivered once it is up, or dies within its maximum age.
    @Test("a down receiver: retries until it is up, never past the maximum age", arguments: [0.0, 60, 600, 3000, 5000])
    func simulation(downFor: Double) {
        var random = SeededGenerator(seed: UInt64(downFor) + 11)
        var now = 0.0
        var attempt = 0
        var delays: [Double] = []
        while true {
            attempt += 1
            let outcome: DeliveryOutcome = now < downFor ? .response(status: 503, retryAfter: nil) : .response(status: 200, retryAfter: nil)
            switch policy.decide(outcome, attempt: attempt, createdAt: TestClock.at(0), now: TestClock.at(now), using: &random) {
            case .delivered:
                #expect(downFor < 3600)
                #expect(now >= downFor)
                return
            case .retry(let at, _):
                let delay = at.timeIntervalSince(TestClock.at(now))
                #expect(at.timeIntervalSince(TestClock.at(0)) <= 3600 + 1e-6)
                delays.append(delay)
                now += delay
            case .dead:
                #expect(downFor >= now)
                #expect(attempt > 1)
                return
            }
        }
    }
}
