internal import Foundation
public import Logging
public import PostgresNIO
internal import VigilCore

/// The `rollup` processor: folds spans into per-minute rollups by project, service, model,
/// operation and status — count, errors, clock-skewed spans, latency and time-to-first-token
/// sketches, input and output tokens, exact cost — with hourly and daily tiers of the same rows;
/// keeps per-trace summaries, output quality and the list of models seen without a price.
public struct RollupProcessor: Processor {
    /// `rollup`.
    public let name = "rollup"
    /// Every tier of the rollups and of quality, `unpriced_models` and `trace_summary`.
    public let projectionTables = RollupTier.all.flatMap { [$0.table, $0.qualityTable] } + ["unpriced_models", "trace_summary"]

    let prices: PriceTable
    let cache: RollupCache

    /// Makes the processor, pricing calls with `prices`.
    public init(prices: PriceTable) {
        self.prices = prices
        self.cache = RollupCache()
    }

    /// Folds the range's spans: rollups, trace totals, unpriced calls and span-borne quality.
    public func read(after: Int64, through: Int64, on connection: PostgresConnection, logger: Logger) async throws -> BatchFold {
        var fold = BatchFold()
        try await foldSpans(after: after, through: through, into: &fold, on: connection, logger: logger)
        return fold
    }

    /// Writes the spans' fold and folds the batch's evaluations and evaluation log records.
    public func apply(_ batch: ProcessorBatch, input: BatchFold, on transaction: PostgresConnection, logger: Logger) async throws {
        var fold = input
        var pending = RollupCache.Pending()
        if !fold.rollups.isEmpty {
            for tier in RollupTier.all {
                let rows = tier == .minute ? fold.rollups : fold.rollups.rebucketed(to: tier)
                pending.tiers[tier] = try await merge(rows, into: tier, batch: batch, on: transaction, logger: logger)
            }
        }
        try await record(fold.unpriced, on: transaction, logger: logger)
        try await record(fold.traces, on: transaction, logger: logger)
        // After the trace summaries, so an evaluation of a trace in this batch finds it.
        try await foldEvaluations(of: batch, into: &fold.quality, on: transaction, logger: logger)
        try await record(fold.quality, on: transaction, logger: logger)
        cache.stage(pending)
    }

    /// Makes the rows the batch wrote the cache's.
    public func committed(_ batch: ProcessorBatch) {
        cache.commit(through: batch.through, resets: batch.resets, after: batch.after)
    }

    /// Forgets what the rolled-back batch staged.
    public func rolledBack() {
        cache.rollBack()
    }
}

/// Everything one batch of spans adds up before it is written.
public struct BatchFold: Sendable {
    /// Minute rows.
    var rollups: [RollupKey: RollupTotals] = [:]
    var traces: [TraceKey: TraceTotals] = [:]
    var unpriced: [UnpricedKey: UnpricedSeen] = [:]
    /// Minute quality rows.
    var quality: [QualityKey: QualityTotals] = [:]
}
