internal import NIOConcurrencyHelpers

/// Which traces `trace_summary` holds, while this process can know it: from an empty table on
/// (the first batch after sequence zero, as in `vigil replay`), every trace it writes. A trace
/// the ledger has not seen is then new, and its summary is copied in rather than upserted.
/// Traces are kept as 64-bit hashes: a collision only sends a new trace down the upsert path,
/// which is always right. Like the rollup cache, the ledger is only trusted while this process
/// is the one moving the offset, and it stops (everything is upserted) past `limit` traces.
final class TraceLedger: Sendable {
    private struct State {
        var position: (seq: Int64, resets: Int64)?
        var known: Set<Int>?
        var pending: [Int]?
    }

    private let limit: Int
    private let state = NIOLockedValueBox(State())

    init(limit: Int = 1_000_000) {
        self.limit = limit
    }

    /// The hash a trace is kept as.
    static func hash(_ key: TraceKey) -> Int {
        var hasher = Hasher()
        hasher.combine(key.projectID)
        hasher.combine(key.traceID)
        return hasher.finalize()
    }

    /// The traces known to be stored before a batch starting at `after` in reset generation
    /// `resets`; nil when they are not known. `emptyTable` is asked only at sequence zero.
    func known(after: Int64, resets: Int64, emptyTable: () async throws -> Bool) async rethrows -> Set<Int>? {
        let trusted: Set<Int>?? = state.withLockedValue { state in
            guard let position = state.position, position == (after, resets) else { return .none }
            return .some(state.known)
        }
        if let trusted { return trusted }
        guard after == 0, try await emptyTable() else { return nil }
        return []
    }

    /// Records the traces (hashes) a batch wrote, or nil when it did not know the stored ones;
    /// they count at `commit`.
    func stage(_ written: [Int]?) {
        state.withLockedValue { $0.pending = written }
    }

    /// The batch `after...through` committed: what it staged joins the known traces.
    func commit(through: Int64, resets: Int64, after: Int64) {
        state.withLockedValue { state in
            defer {
                state.pending = nil
                state.position = (through, resets)
            }
            guard let written = state.pending else {
                state.known = nil
                return
            }
            if after == 0 {
                state.known = Set(written)
            } else if state.position.map({ $0 == (after, resets) }) ?? false, state.known != nil {
                state.known?.formUnion(written)
            } else {
                state.known = nil
            }
            if let known = state.known, known.count > limit { state.known = nil }
        }
    }

    /// The batch rolled back: nothing it staged happened.
    func rollBack() {
        state.withLockedValue { $0.pending = nil }
    }
}
