internal import Synchronization

/// What a handler of an audited route tells the audit middleware about its action once it knows
/// it: the target it made (a new silence's id, an imported dashboard's uid), or that it recorded
/// the audit event itself, in the action's own transaction.
public final class AuditNote: Sendable {
    private struct State {
        var target: String?
        var recorded = false
    }

    private let state = Mutex(State())

    /// An empty note.
    public init() {}

    /// Names the action's target.
    public func name(target: String) {
        state.withLock { $0.target = target }
    }

    /// Says the audit event was appended with the action itself.
    public func markRecorded() {
        state.withLock { $0.recorded = true }
    }

    /// The target named, if any.
    public var target: String? { state.withLock { $0.target } }

    /// Whether the handler recorded the audit event itself.
    public var isRecorded: Bool { state.withLock { $0.recorded } }
}
