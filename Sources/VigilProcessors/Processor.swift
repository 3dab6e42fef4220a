public import Logging
public import PostgresNIO

/// A projection of the log, built batch by batch. The runner hands it a range of sequence numbers
/// inside a transaction that also moves the processor's offset, so a crash at any instant neither
/// loses nor double-counts: either the projection rows and the offset commit together, or neither does.
public protocol Processor: Sendable {
    /// What `read` gathers from the log for `apply`.
    associatedtype Input: Sendable
    /// The name in `consumer_offsets`, `vigil replay NAME` and metrics.
    var name: String { get }
    /// The tables `vigil replay` empties before rebuilding from sequence zero.
    var projectionTables: [String] { get }
    /// Reads and folds what it can of the events with `after < seq <= through` without looking at
    /// the projections. The runner may call it on another connection, outside the batch's
    /// transaction and while the previous batch is being written; the log below the head never changes.
    func read(after: Int64, through: Int64, on connection: PostgresConnection, logger: Logger) async throws -> Input
    /// Folds `input` (what `read` returned for the batch's range) into the projections, on `transaction`.
    func apply(_ batch: ProcessorBatch, input: Input, on transaction: PostgresConnection, logger: Logger) async throws
    /// Told once `batch`'s transaction has committed, so a processor that keeps projection rows
    /// in memory can keep them in step with the database.
    func committed(_ batch: ProcessorBatch)
    /// Told when the transaction of the batch it was applying rolled back.
    func rolledBack()
}

extension Processor where Input == Void {
    /// Processors that read nothing ahead (their `apply` is one statement over the batch's range)
    /// have nothing to read.
    public func read(after: Int64, through: Int64, on connection: PostgresConnection, logger: Logger) async throws {}
}

extension Processor {
    /// Processors without memory of their own have nothing to do.
    public func committed(_ batch: ProcessorBatch) {}
    /// Processors without memory of their own have nothing to do.
    public func rolledBack() {}
}

/// One range of the log for a processor: the events with `after < seq <= through`.
public struct ProcessorBatch: Sendable, Equatable {
    /// The processor's offset when the batch began.
    public var after: Int64
    /// The last sequence number of the batch.
    public var through: Int64
    /// How many times the processor's projections have been reset (`vigil replay`); a processor
    /// that remembers rows must forget them when this changes.
    public var resets: Int64

    /// A batch of the events with `after < seq <= through`, in reset generation `resets`.
    public init(after: Int64, through: Int64, resets: Int64) {
        self.after = after
        self.through = through
        self.resets = resets
    }
}
