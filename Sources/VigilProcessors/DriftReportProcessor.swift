public import Logging
public import PostgresNIO
internal import VigilProjections

/// Projects the log's `drift_report` events into `drift_reports`. The drift scheduler appends each
/// report as an event and writes its row in the same transaction (so "report now" can answer with
/// it); this processor owns the table all the same: a row it finds already there is left alone,
/// and `vigil replay drift_reports` rebuilds every report the log still holds, under the same id
/// (the event's sequence number).
public struct DriftReportProcessor: Processor {
    /// Nothing is read ahead: the batch's reports are copied in one statement.
    public typealias Input = Void

    /// Makes the processor.
    public init() {}

    /// `drift_reports`.
    public var name: String { "drift_reports" }
    /// The stored drift reports.
    public var projectionTables: [String] { [DriftReportProjection.table] }


    /// Projects the batch's drift reports (`DriftReportProjection`).
    public func apply(_ batch: ProcessorBatch, input: Void, on transaction: PostgresConnection, logger: Logger) async throws {
        try await DriftReportProjection.apply(after: batch.after, through: batch.through, on: transaction, logger: logger)
    }
}
