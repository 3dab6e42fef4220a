public import Logging
public import PostgresNIO

/// A projection of the log, built batch by batch. The runner hands it a range of sequence numbers
/// inside a transaction that also moves the processor's offset, so a crash at any instant neither
/// loses nor double-counts: either the projection rows and the offset commit together, or neither does.
public protocol Processor: Sendable {
    /// The name in `consumer_offsets`, `vigil replay NAME` and metrics.
    var name: String { get }
    /// The tables `vigil replay` empties before rebuilding from sequence zero.
    var projectionTables: [String] { get }
    /// Folds the events with `after < seq <= through` into the projections, on `transaction`.
    func apply(after: Int64, through: Int64, on transaction: PostgresConnection, logger: Logger) async throws
}
