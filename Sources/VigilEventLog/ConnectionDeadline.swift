internal import NIOCore
public import PostgresNIO
internal import Synchronization
internal import VigilCore

/// Runs database work on one connection with a deadline, so no await on the database hangs forever.
///
/// The work fails with `.unavailable` when the connection closes under it and the work has not
/// ended `grace` later, or when `timeout` passes (the connection is then closed). PostgresNIO
/// (1.33) can leave a `COPY` waiting forever when its connection closed just before it began: the
/// query's continuation is dropped without being resumed, so neither an error nor cancellation
/// ever reaches the caller. Structured concurrency cannot step past such an await, because a task
/// group waits for its children; so the work runs in a task of its own, and when the deadline wins
/// the caller goes on while that task is abandoned (it holds nothing but the dead connection).
public enum ConnectionDeadline {
    /// How long work waits once its connection has closed (`grace`) and in all (`timeout`).
    public struct Limits: Sendable, Equatable {
        /// The longest the work may take. `VIGIL_DB_STATEMENT_DEADLINE_MS` where it is configured.
        public var timeout: Duration
        /// How long after its connection closed the work may still end by itself.
        public var grace: Duration

        /// Makes limits.
        public init(timeout: Duration, grace: Duration = .milliseconds(500)) {
            self.timeout = timeout
            self.grace = grace
        }
    }

    /// Runs `body` under `limits`, watching `connection`.
    /// - Throws: what `body` threw, or `VigilError` `.unavailable` when the deadline won.
    public static func run<Result: Sendable>(
        on connection: PostgresConnection,
        limits: Limits,
        what: String,
        _ body: @escaping @Sendable () async throws -> Result
    ) async throws -> Result {
        try await run(watching: [connection], limits: limits, what: what, body)
    }

    /// Runs `body` under `limits`, watching every connection it uses: when any of them closes
    /// under it, the work fails.
    /// - Throws: what `body` threw, or `VigilError` `.unavailable` when the deadline won.
    public static func run<Result: Sendable>(
        watching connections: [PostgresConnection],
        limits: Limits,
        what: String,
        _ body: @escaping @Sendable () async throws -> Result
    ) async throws -> Result {
        let outcome = Outcome<Result>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Result, any Error>) in
                outcome.install(continuation)
                // Unstructured on purpose: see the type's comment. Both tasks end once the outcome is set.
                let work = Task {
                    do {
                        outcome.finish(.success(try await body()))
                    } catch {
                        outcome.finish(.failure(error))
                    }
                }
                outcome.onAbandon { work.cancel() }
                Task {
                    let started = ContinuousClock.now
                    var closedAt: ContinuousClock.Instant?
                    while !outcome.isFinished {
                        try? await Task.sleep(for: .milliseconds(50))
                        let now = ContinuousClock.now
                        if connections.contains(where: \.isClosed) {
                            closedAt = closedAt ?? now
                            if now - closedAt! >= limits.grace {
                                outcome.finish(.failure(VigilError(.unavailable, "the database connection closed during \(what)", retryAfterSeconds: 1)))
                            }
                        }
                        if now - started >= limits.timeout {
                            if outcome.finish(.failure(VigilError(.unavailable, "\(what) took longer than \(limits.timeout)", retryAfterSeconds: 1))) {
                                for connection in connections { connection.close().whenComplete { _ in } }
                            }
                        }
                    }
                }
            }
        } onCancel: {
            outcome.finish(.failure(CancellationError()))
        }
    }

    /// The first result wins; later ones are ignored. Work still running when the result is not
    /// its own is cancelled.
    private final class Outcome<Value: Sendable>: Sendable {
        private struct State {
            var continuation: CheckedContinuation<Value, any Error>?
            var early: Swift.Result<Value, any Error>?
            var finished = false
            var abandon: (@Sendable () -> Void)?
        }

        private let state = Mutex(State())

        var isFinished: Bool { state.withLock { $0.finished } }

        func install(_ continuation: CheckedContinuation<Value, any Error>) {
            let early: Swift.Result<Value, any Error>? = state.withLock { state in
                if let early = state.early {
                    state.early = nil
                    return early
                }
                state.continuation = continuation
                return nil
            }
            if let early { continuation.resume(with: early) }
        }

        func onAbandon(_ abandon: @escaping @Sendable () -> Void) {
            let finished = state.withLock { state in
                state.abandon = abandon
                return state.finished
            }
            if finished { abandon() }
        }

        /// Sets the result unless one is set; returns whether this call set it.
        @discardableResult
        func finish(_ result: Swift.Result<Value, any Error>) -> Bool {
            let (won, continuation, abandon): (Bool, CheckedContinuation<Value, any Error>?, (@Sendable () -> Void)?) = state.withLock { state in
                guard !state.finished else { return (false, nil, nil) }
                state.finished = true
                let continuation = state.continuation
                state.continuation = nil
                if continuation == nil { state.early = result }
                return (true, continuation, state.abandon)
            }
            guard won else { return false }
            continuation?.resume(with: result)
            if case .failure = result { abandon?() }
            return true
        }
    }
}
