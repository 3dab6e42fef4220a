public import Foundation
internal import Metrics
internal import Synchronization
public import VigilCore
public import VigilQueries
internal import Logging

/// The rate limits and spend quota of keys, checked in the request path: requests on every keyed
/// route (`AuthMiddleware`), body bytes, items and the day's spend on the OTLP routes
/// (`OTLPController`). One token bucket per key and limit (`TokenBucket`, holding one second's
/// worth), in this process's memory: with N collector processes on one database a key gets up to
/// N times its rate (each process enforces the whole limit), while the spend quota is shared
/// through the rollups. A refusal is a `VigilError` `.rateLimited` (429) naming the limit, with
/// `Retry-After` the seconds until the bucket has room (the OpenTelemetry SDKs wait that long),
/// and is counted on `/metrics` as `vigil_rate_limited_total{key_id, limit}`.
public final class RequestLimiter: Sendable {
    /// The limits a request can be over.
    public enum Limit: String, Sendable, CaseIterable {
        /// Requests a second.
        case requests
        /// Body bytes a second.
        case bytes
        /// Items (spans, data points, log records) a second.
        case items
        /// Dollars a UTC day.
        case spend
    }

    private let buckets = Mutex<[Int64: [Limit: TokenBucket]]>([:])
    private let origin: ContinuousClock.Instant
    private let spend: SpendMeter?

    /// A limiter whose spend quotas read `spend` (no quota is enforced without it).
    public init(spend: SpendMeter? = nil) {
        self.spend = spend
        self.origin = ContinuousClock.now
    }

    /// A limiter whose spend quotas read each project's spend from `rollups`, refreshed at most
    /// every `spendRefreshSeconds` (`SpendMeter`): what a server's collectors share.
    public convenience init(rollups: RollupReader, spendRefreshSeconds: Int) {
        self.init(spend: SpendMeter(rollups: rollups, refreshInterval: .seconds(spendRefreshSeconds), logger: Logger(label: "vigil.limits")))
    }

    /// Counts one request of `principal`'s key.
    /// - Throws: `VigilError` `.rateLimited` when the key is over its requests a second.
    public func admitRequest(_ principal: Principal) throws {
        try take(.requests, rate: principal.limits.requestsPerSecond, amount: 1, principal: principal)
    }

    /// Counts `bytes` of request body of `principal`'s key.
    /// - Throws: `VigilError` `.rateLimited` when the key is over its bytes a second.
    public func admitBytes(_ bytes: Int, for principal: Principal) throws {
        try take(.bytes, rate: principal.limits.bytesPerSecond, amount: Double(bytes), principal: principal)
    }

    /// Counts `items` exported by `principal`'s key.
    /// - Throws: `VigilError` `.rateLimited` when the key is over its items a second.
    public func admitItems(_ items: Int, for principal: Principal) throws {
        try take(.items, rate: principal.limits.itemsPerSecond, amount: Double(items), principal: principal)
    }

    /// Checks the key's spend quota against its project's spend today (UTC).
    /// - Throws: `VigilError` `.rateLimited`, retry at the next 00:00 UTC, when the project has
    ///   spent the key's quota or more.
    public func admitSpend(_ principal: Principal, now: Date = Date()) async throws {
        guard let quota = principal.limits.spendUSDPerDay, let spend else { return }
        let spent = await spend.spentToday(projectID: principal.projectID, now: now)
        guard spent >= quota else { return }
        count(.spend, principal)
        let wait = SpendMeter.secondsToNextDay(from: now)
        throw VigilError(
            .rateLimited,
            "the key's spend quota of $\(Self.text(quota)) a day is used up: project \(principal.projectName) has spent $\(Self.text(spent)) today (UTC); ingest resumes at 00:00 UTC, in \(wait) s",
            retryAfterSeconds: wait
        )
    }

    private func take(_ limit: Limit, rate: Double?, amount: Double, principal: Principal) throws {
        guard let rate, rate > 0, rate.isFinite else { return }
        let now = ContinuousClock.now - origin
        let admission: TokenBucket.Admission = buckets.withLock { all in
            var keyBuckets = all[principal.keyID] ?? [:]
            var bucket = keyBuckets[limit] ?? TokenBucket(rate: rate, now: now)
            if bucket.rate != rate { bucket.reconfigure(rate: rate, now: now) }
            let admission = bucket.take(amount, now: now)
            keyBuckets[limit] = bucket
            all[principal.keyID] = keyBuckets
            return admission
        }
        guard case .refused(let wait) = admission else { return }
        count(limit, principal)
        let seconds = wait.retryAfterSeconds
        throw VigilError(.rateLimited, "key \(principal.keyID) is over its limit of \(Self.describe(limit, rate)); retry in \(seconds) s", retryAfterSeconds: seconds)
    }

    private func count(_ limit: Limit, _ principal: Principal) {
        Counter(label: "vigil_rate_limited_total", dimensions: [("key_id", String(principal.keyID)), ("limit", limit.rawValue)]).increment()
    }

    static func describe(_ limit: Limit, _ rate: Double) -> String {
        let number = rate == rate.rounded() && rate < 1e15 ? String(Int64(rate)) : String(rate)
        switch limit {
        case .requests: return "\(number) requests a second"
        case .bytes: return "\(number) body bytes a second"
        case .items: return "\(number) spans, data points and log records a second"
        case .spend: return "$\(number) a day"
        }
    }

    static func text(_ amount: Decimal) -> String {
        NSDecimalNumber(decimal: amount).description(withLocale: Locale(identifier: "en_US_POSIX"))
    }
}
