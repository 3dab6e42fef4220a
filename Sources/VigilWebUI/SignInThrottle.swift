internal import VigilCore

/// Failed sign-ins counted per client address and per project named in the form, in fixed windows:
/// past `maxFailuresPerAddress` failures from one address (or `maxFailuresPerProject` for one
/// project, from any address) in a window, the sign-in form answers 429 with `Retry-After` until
/// the window ends. At most `maxTracked` addresses and projects are remembered; the one seen least
/// recently is forgotten first, so memory stays bounded whatever the number of addresses.
actor SignInThrottle {
    /// The limits.
    struct Configuration: Sendable {
        /// Failures one address may have in a window. `VIGIL_LOGIN_MAX_FAILURES`, default 10.
        var maxFailuresPerAddress = 10
        /// Failures one project may have in a window, from all addresses together.
        var maxFailuresPerProject = 100
        /// The window.
        var window: Duration = .seconds(60)
        /// Addresses and projects remembered at most.
        var maxTracked = 10_000
    }

    private struct Entry {
        var windowStart: ContinuousClock.Instant
        var failures: Int
        var lastSeen: UInt64
    }

    private let configuration: Configuration
    private let now: @Sendable () -> ContinuousClock.Instant
    private var entries: [String: Entry] = [:]
    private var tick: UInt64 = 0

    /// Makes a throttle; `now` is the clock (a test's own, or the continuous clock).
    init(configuration: Configuration = Configuration(), now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }) {
        self.configuration = configuration
        self.now = now
    }

    /// Seconds until `address` (and `project`, when the form names one) may try again; nil when
    /// it may now.
    func retryAfter(address: String, project: String) -> Int? {
        let instant = now()
        var wait: Duration = .zero
        for (key, limit) in keys(address: address, project: project) {
            guard let entry = entries[key], entry.failures >= limit else { continue }
            let left = configuration.window - (instant - entry.windowStart)
            if left > wait { wait = left }
        }
        guard wait > .zero else { return nil }
        return max(1, Int(wait.components.seconds) + (wait.components.attoseconds > 0 ? 1 : 0))
    }

    /// Counts a failed sign-in of `address` (for `project`).
    func recordFailure(address: String, project: String) {
        let instant = now()
        for (key, _) in keys(address: address, project: project) {
            tick &+= 1
            var entry = entries[key] ?? Entry(windowStart: instant, failures: 0, lastSeen: tick)
            if instant - entry.windowStart >= configuration.window {
                entry.windowStart = instant
                entry.failures = 0
            }
            entry.failures += 1
            entry.lastSeen = tick
            entries[key] = entry
        }
        if entries.count > configuration.maxTracked {
            forgetLeastRecent(instant)
        }
    }

    /// How many addresses and projects are remembered.
    var trackedCount: Int { entries.count }

    private func keys(address: String, project: String) -> [(String, Int)] {
        var keys = [("address " + address, configuration.maxFailuresPerAddress)]
        let name = project.trimmingWhitespace()
        if !name.isEmpty {
            keys.append(("project " + String(name.prefix(128)), configuration.maxFailuresPerProject))
        }
        return keys
    }

    /// Drops the entries whose window has ended, then, while still too many, the least recently
    /// seen half of what is over the limit and more: a sweep is O(n) and happens rarely.
    private func forgetLeastRecent(_ instant: ContinuousClock.Instant) {
        entries = entries.filter { instant - $0.value.windowStart < configuration.window }
        guard entries.count > configuration.maxTracked else { return }
        let keep = configuration.maxTracked * 3 / 4
        let kept = entries.sorted { $0.value.lastSeen > $1.value.lastSeen }.prefix(keep)
        entries = Dictionary(uniqueKeysWithValues: kept.map { ($0.key, $0.value) })
    }
}
