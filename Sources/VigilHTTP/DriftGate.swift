internal import VigilCore

/// Admits at most `limit` drift computations asked over HTTP at once; one more is refused at
/// once (503 with `Retry-After`) rather than queued, so that a burst of requests cannot pile up
/// CPU work and memory.
actor DriftGate {
    private let limit: Int
    private var running = 0

    /// A gate for `limit` computations at once (at least one).
    init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// Runs `work` when fewer than `limit` computations are running.
    /// - Throws: `VigilError` `.overloaded` with `Retry-After` when `limit` are running.
    nonisolated func run<T: Sendable>(_ work: @Sendable () async throws -> T) async throws -> T {
        guard await enter() else {
            throw VigilError(.overloaded, "\(limit) drift computations are running, the most this server runs at once; retry shortly", retryAfterSeconds: 5)
        }
        do {
            let result = try await work()
            await leave()
            return result
        } catch {
            await leave()
            throw error
        }
    }

    private func enter() -> Bool {
        guard running < limit else { return false }
        running += 1
        return true
    }

    private func leave() {
        running -= 1
    }
}
