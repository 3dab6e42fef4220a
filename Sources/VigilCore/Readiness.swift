internal import Synchronization

/// What `/readyz` tells: whether each long-running part of this process is doing its work.
///
/// A part reports `succeeded` after each unit of work (a commit, a processor step, an evaluation
/// cycle) and `failed` when one fails. The process is ready while every registered part's last
/// report is a success that is no older than the part's stall limit. A part that reports nothing
/// for longer than its limit is stuck, which is as bad as failing: a monitoring system that has
/// stopped must say so.
public final class Readiness: Sendable {
    /// One part's standing.
    public struct Part: Sendable, Equatable {
        /// The part's name, as `/readyz` shows it (`appender`, `processor.rollup`, `evaluator`).
        public var name: String
        /// The longest it may go without a report before it counts as stuck; nil when it may idle.
        public var stallLimit: Duration?
        /// When it last reported.
        public var lastReport: ContinuousClock.Instant
        /// Why its last unit of work failed, or nil when it succeeded.
        public var failure: String?
    }

    private let parts = Mutex<[String: Part]>([:])
    private let clock: ContinuousClock

    /// Makes an empty board.
    public init(clock: ContinuousClock = ContinuousClock()) {
        self.clock = clock
    }

    /// Starts watching `name`; it counts as healthy until it reports otherwise or stalls.
    public func register(_ name: String, stallLimit: Duration?) {
        let now = clock.now
        parts.withLock { $0[name] = Part(name: name, stallLimit: stallLimit, lastReport: now, failure: nil) }
    }

    /// `name` finished a unit of work.
    public func succeeded(_ name: String) {
        let now = clock.now
        parts.withLock { parts in
            parts[name, default: Part(name: name, stallLimit: nil, lastReport: now)].lastReport = now
            parts[name]?.failure = nil
        }
    }

    /// `name`'s last unit of work failed because of `reason` (a short text without secrets).
    public func failed(_ name: String, _ reason: String) {
        let now = clock.now
        parts.withLock { parts in
            parts[name, default: Part(name: name, stallLimit: nil, lastReport: now)].lastReport = now
            parts[name]?.failure = reason
        }
    }

    /// The parts that are failing or stuck at `now`, as `name: reason` lines sorted by name;
    /// empty when the process is ready.
    public func problems(at now: ContinuousClock.Instant? = nil) -> [String] {
        let now = now ?? clock.now
        return parts.withLock { parts in
            parts.values.compactMap { part -> String? in
                if let failure = part.failure { return "\(part.name): \(failure)" }
                if let limit = part.stallLimit, now - part.lastReport > limit {
                    return "\(part.name): no progress for \(Int((now - part.lastReport).components.seconds)) s"
                }
                return nil
            }
            .sorted()
        }
    }
}
