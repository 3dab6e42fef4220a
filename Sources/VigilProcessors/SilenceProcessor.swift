public import Logging
public import PostgresNIO
internal import VigilProjections

/// Projects the log's `silence_created` and `silence_expired` events into `silences`. The silence
/// commands append the event and write the row in one transaction (so the API can answer with the
/// silence); this processor owns the table all the same: what it finds already done it leaves
/// alone, and `vigil replay silences` rebuilds every silence the log still holds, under the same
/// id (its `silence_created` event's sequence number).
public struct SilenceProcessor: Processor {
    /// Nothing is read ahead: each batch is two statements.
    public typealias Input = Void

    /// Makes the processor.
    public init() {}

    /// `silences`.
    public var name: String { "silences" }
    /// The silences.
    public var projectionTables: [String] { [SilenceProjection.table] }


    /// Projects the batch's silences (`SilenceProjection`).
    public func apply(_ batch: ProcessorBatch, input: Void, on transaction: PostgresConnection, logger: Logger) async throws {
        try await SilenceProjection.apply(after: batch.after, through: batch.through, on: transaction, logger: logger)
    }
}
