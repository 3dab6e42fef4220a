public import Foundation

/// What to do with a delivery after an attempt.
public enum DeliveryDecision: Sendable, Hashable {
    /// It is delivered; done.
    case delivered
    /// Try again at `at`; `reason` says why the attempt failed.
    case retry(at: Date, reason: String)
    /// Give up: a dead letter, visible in the notifications API and retried only by hand.
    case dead(reason: String)
}
