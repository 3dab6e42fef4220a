public import Foundation
internal import VigilCore

extension Alert {
    /// A change of state, for the event log and the notification outbox.
    public struct Transition: Sendable, Hashable, Codable {
        /// The state before.
        public var from: State
        /// The state after.
        public var to: State
        /// When it happened (the evaluation's time).
        public var at: Date
        /// The alert's value after the step.
        public var value: Double?

        /// Makes a transition.
        public init(from: State, to: State, at: Date, value: Double?) {
            self.from = from
            self.to = to
            self.at = at
            self.value = value
        }
    }

    /// Moves the alert on by one evaluation at `now` with the rule's `value` (nil when the window
    /// had no data) and whether it `breaching`. Returns the transition, or nil when the state is
    /// unchanged. Prometheus' semantics:
    ///
    /// - a breach makes an inactive (or resolved) alert pending, with `activeAt = now`; it fires at
    ///   the first evaluation at least `holdDuration` after `activeAt` — in the same step when
    ///   `holdDuration` is zero, which is then reported as one transition straight to firing;
    /// - a pending alert that stops breaching becomes inactive, unnotified;
    /// - a firing alert that stops breaching stays firing while `now − keepFiringSince <
    ///   keepFiringFor`, `keepFiringSince` being the first evaluation that missed; then it resolves;
    ///   a breach in between cancels the grace;
    /// - a resolved alert becomes inactive once more than `resolvedRetention` has passed since it
    ///   resolved.
    ///
    /// Steps are expected in time order; a step earlier than the last is treated as at the last.
    public mutating func step(now: Date, value: Double?, breaching: Bool) -> Transition? {
        let now = lastEvaluatedAt.map { max($0, now) } ?? now
        lastEvaluatedAt = now
        lastValue = value
        let before = state
        if breaching {
            self.value = value
            keepFiringSince = nil
            switch state {
            case .inactive, .resolved:
                state = .pending
                activeAt = now
                firedAt = nil
                resolvedAt = nil
            case .pending, .firing:
                break
            }
            if state == .pending, let activeAt, now.micros(since: activeAt) >= holdDuration.micros {
                state = .firing
                firedAt = now
            }
        } else {
            switch state {
            case .inactive:
                break
            case .pending:
                state = .inactive
                activeAt = nil
            case .firing:
                let since = keepFiringSince ?? now
                if keepFiringFor > .zero, now.micros(since: since) < keepFiringFor.micros {
                    keepFiringSince = since
                } else {
                    state = .resolved
                    resolvedAt = now
                    keepFiringSince = nil
                }
            case .resolved:
                if let resolved = resolvedAt, now.micros(since: resolved) > resolvedRetention.micros {
                    state = .inactive
                    activeAt = nil
                    firedAt = nil
                    resolvedAt = nil
                }
            }
        }
        guard state != before else { return nil }
        return Transition(from: before, to: state, at: now, value: self.value)
    }
}
