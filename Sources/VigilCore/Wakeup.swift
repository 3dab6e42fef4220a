import Synchronization

/// A one-slot doorbell between tasks: `ring()` from anywhere, `wait(upTo:clock:)` in one consumer.
/// A ring before the wait is remembered, so no wake-up is lost; many rings fold into one.
public final class Wakeup: Sendable {
    private struct State {
        var rung = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    /// Makes a doorbell that has not rung.
    public init() {}

    /// Wakes the waiter, or marks the bell so the next wait returns at once.
    public func ring() {
        let waiter: CheckedContinuation<Void, Never>? = state.withLock { state in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.rung = true
            return nil
        }
        waiter?.resume()
    }

    /// Waits for a ring, cancellation, or `timeout`, whichever comes first. Returns whether it rang.
    @discardableResult
    public func wait(upTo timeout: Duration, clock: any Clock<Duration>) async -> Bool {
        if consumeRing() { return true }
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask { await self.waitForRing() }
            group.addTask {
                try? await clock.sleep(for: timeout)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            // Whatever finished second is discarded; a ring it consumed is put back for the next wait.
            if let second = await group.next(), second, !first {
                return true
            }
            return first
        }
    }

    /// Waits for a ring or cancellation, with no time limit.
    public func wait() async {
        if consumeRing() { return }
        _ = await waitForRing()
    }

    private func consumeRing() -> Bool {
        state.withLock { state in
            let rung = state.rung
            state.rung = false
            return rung
        }
    }

    private func waitForRing() async -> Bool {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow: Bool = state.withLock { state in
                    if state.rung {
                        state.rung = false
                        return true
                    }
                    if Task.isCancelled { return true }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
            return !Task.isCancelled
        } onCancel: {
            let waiter: CheckedContinuation<Void, Never>? = state.withLock { state in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume()
        }
    }
}
