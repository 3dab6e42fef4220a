/// A token bucket: `rate` tokens a second, at most `capacity` held. A request of `amount` tokens
/// is admitted when the bucket holds `min(amount, capacity)` (so a request larger than the bucket
/// still passes, once, from a full bucket) and then takes all of `amount`, going into debt when
/// it is larger than what was held: the debt is paid back at `rate` before the next admission,
/// so over any long window the admitted amount stays within `rate` × time + `capacity`. A refusal
/// says how long until the same request would be admitted. Time is passed in (an offset from any
/// fixed origin), so tests drive it without sleeping.
public struct TokenBucket: Sendable, Equatable {
    /// What `take` decided.
    public enum Admission: Sendable, Equatable {
        /// The tokens were taken.
        case admitted
        /// Not enough tokens: nothing was taken; the same request fits after `retryAfter`.
        case refused(retryAfter: Duration)
    }

    /// Tokens added per second.
    public private(set) var rate: Double
    /// Most tokens held.
    public private(set) var capacity: Double
    /// Tokens held now (negative while a large request's debt is paid back).
    public private(set) var tokens: Double
    private var updated: Duration

    /// A full bucket of `rate` tokens a second holding at most `capacity` (default one second's
    /// worth, and never less than one token), as of `now`.
    public init(rate: Double, capacity: Double? = nil, now: Duration) {
        precondition(rate > 0 && rate.isFinite, "a token bucket's rate is a positive number")
        self.rate = rate
        self.capacity = max(1, capacity ?? rate)
        self.tokens = self.capacity
        self.updated = now
    }

    /// Takes `amount` tokens at `now` when the bucket has room for it (see the type's comment).
    public mutating func take(_ amount: Double, now: Duration) -> Admission {
        refill(now: now)
        let needed = min(max(0, amount), capacity)
        if tokens >= needed {
            tokens -= max(0, amount)
            return .admitted
        }
        return .refused(retryAfter: Self.duration(seconds: (needed - tokens) / rate))
    }

    /// Changes the rate and capacity (a key's limits changed), keeping the tokens held up to the new capacity.
    public mutating func reconfigure(rate: Double, capacity: Double? = nil, now: Duration) {
        precondition(rate > 0 && rate.isFinite, "a token bucket's rate is a positive number")
        refill(now: now)
        self.rate = rate
        self.capacity = max(1, capacity ?? rate)
        tokens = min(tokens, self.capacity)
    }

    private mutating func refill(now: Duration) {
        // A clock that went backwards adds nothing.
        if now > updated {
            let elapsed = (now - updated).seconds
            tokens = min(capacity, tokens + elapsed * rate)
            updated = now
        }
    }

    static func duration(seconds: Double) -> Duration {
        // Rounded up to the microsecond, so that waiting it out always suffices.
        let micros = (seconds * 1e6).rounded(.up)
        return .microseconds(Int64(min(micros, 1e15)))
    }
}

extension Duration {
    /// Whole seconds, rounded up, at least 1: a `Retry-After` value.
    public var retryAfterSeconds: Int {
        let parts = components
        let whole = Int(clamping: parts.seconds)
        return max(1, parts.attoseconds > 0 ? whole + 1 : whole)
    }
}
