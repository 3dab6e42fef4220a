public import Foundation
internal import VigilCore

/// When to retry a webhook delivery and when to give up: exponential backoff with jitter from
/// `initialBackoff` doubling up to `maxBackoff`, or the receiver's `Retry-After` when it sends one;
/// no retry for answers a retry cannot change; dead once the next attempt would fall after
/// `maxAge` from the delivery's creation. Pure: the random source and the time are passed in.
public struct DeliveryPolicy: Sendable, Hashable {
    /// The delay after the first failed attempt, before jitter. Default 1s.
    public var initialBackoff: Duration
    /// The longest delay between attempts, before jitter. Default 5m.
    public var maxBackoff: Duration
    /// The factor the delay grows by per attempt. Default 2.
    public var multiplier: Double
    /// The share of each delay drawn at random, from 0 (none) to 1: with 0.5 a delay of 8s becomes
    /// 4–8s, so deliveries failed together do not retry together. Default 0.5.
    public var jitter: Double
    /// How long after its creation a delivery may still be attempted. Default 24h.
    public var maxAge: Duration

    /// The defaults.
    public static let `default` = DeliveryPolicy()

    /// Makes a policy.
    public init(
        initialBackoff: Duration = .seconds(1), maxBackoff: Duration = .seconds(300), multiplier: Double = 2,
        jitter: Double = 0.5, maxAge: Duration = .seconds(24 * 3600)
    ) {
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.multiplier = multiplier
        self.jitter = min(max(jitter, 0), 1)
        self.maxAge = maxAge
    }

    /// The decision after attempt number `attempt` (1 for the first) ended in `outcome` at `now`,
    /// for a delivery created at `createdAt`.
    public func decide(
        _ outcome: DeliveryOutcome, attempt: Int, createdAt: Date, now: Date,
        using random: inout some RandomNumberGenerator
    ) -> DeliveryDecision {
        if outcome.isSuccess { return .delivered }
        guard outcome.isRetryable else {
            return .dead(reason: "\(outcome.summary) is not retried")
        }
        var delay = backoff(attempt: attempt, using: &random)
        if case .response(_, let header?) = outcome, let requested = RetryAfter.delay(header, now: now) {
            delay = requested
        }
        let next = now.adding(delay)
        let deadline = createdAt.adding(maxAge)
        guard next.micros <= deadline.micros else {
            return .dead(reason: "\(outcome.summary); gave up after \(attempt) attempt\(attempt == 1 ? "" : "s"): the next would be past the maximum age of \(DurationText.format(maxAge))")
        }
        return .retry(at: next, reason: outcome.summary)
    }

    /// The delay after failed attempt number `attempt` (from 1): `initialBackoff × multiplier^(attempt−1)`,
    /// at most `maxBackoff`, less a random share of up to `jitter` of it.
    public func backoff(attempt: Int, using random: inout some RandomNumberGenerator) -> Duration {
        let base = initialBackoff.seconds * pow(max(multiplier, 1), Double(max(attempt, 1) - 1))
        let capped = min(base, maxBackoff.seconds)
        let factor = 1 - jitter * Double.random(in: 0..<1, using: &random)
        return .microseconds(Int64((capped * factor * 1_000_000).rounded()))
    }
}
