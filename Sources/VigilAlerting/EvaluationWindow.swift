internal import VigilCore
internal import VigilProjections

/// The minutes of the rollups a rule's window reads at one evaluation, so that a window always
/// covers its whole length up to the evaluation time: every minute that overlaps
/// [now − length, now] — the minute holding now − length read whole, the whole minutes after it,
/// and the current minute as far as it has data (up to now). A `5m` window evaluated at 12:00:10
/// reads 11:55:00 to 12:00:10: between five and six minutes of data, never less than five, so a
/// count rule does not see only the new minute just after a boundary and flap.
public struct EvaluationWindow: Sendable, Hashable {
    /// The start of the first minute read.
    public var fromMicros: Int64
    /// The end of the last minute read: the end of the minute holding the evaluation time.
    public var toMicros: Int64

    /// The minutes a window of `length` reads at `nowMicros`.
    public init(length: Duration, nowMicros: Int64) {
        let minute = RollupTier.minute
        fromMicros = minute.bucket(of: nowMicros - length.micros)
        toMicros = minute.bucket(of: nowMicros) + minute.bucketMicros
    }
}
