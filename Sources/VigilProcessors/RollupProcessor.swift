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
        fold.coarser = fold.rollups.coarserTiers()
        fold.qualityTiers = QualityTiers(minute: fold.quality)
        fold.quality = [:]
        return fold
    }

    /// Writes the spans' fold and folds the batch's evaluations and evaluation log records. Each
    /// table's rows are encoded while the writes before them run (`PreparedWrite`); the
    /// transaction ends only once all of them are done.
    public func apply(_ batch: ProcessorBatch, input: BatchFold, on transaction: PostgresConnection, logger: Logger) async throws {
        var fold = input
        // Read before any write is queued: the connection runs statements in turn.
        let qualityProjects = Set(fold.qualityTiers.rows.values.flatMap { $0.keys.map(\.projectID) } + fold.evaluations.map(\.projectID))
        let qualityFloors = try await qualityFloors(of: qualityProjects, on: transaction, logger: logger)
        var pending = RollupCache.Pending()
        try await withThrowingTaskGroup(of: Void.self) { running in
            for tier in RollupTier.all where !fold.rollups.isEmpty {
                let rows = tier == .minute ? fold.rollups : fold.coarser[tier] ?? [:]
                let (written, writes) = try await merge(rows, into: tier, batch: batch, on: transaction, logger: logger)
                pending.tiers[tier] = written
                for write in writes { running.addTask { try await write.run(on: transaction, logger: logger) } }
            }
            for write in [self.write(of: fold.unpriced), self.write(of: fold.traces)].compactMap({ $0 }) {
                running.addTask { try await write.run(on: transaction, logger: logger) }
            }
            // An evaluation attributed through its trace reads the trace summaries this batch writes.
            if fold.evaluations.contains(where: \.needsTrace) { try await running.waitForAll() }
            try await self.fold(fold.evaluations, into: &fold.qualityTiers, on: transaction, logger: logger)
            for write in writes(of: fold.qualityTiers, floors: qualityFloors) {
                running.addTask { try await write.run(on: transaction, logger: logger) }
            }
            try await running.waitForAll()
        }
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
    /// The minute rows summed into each coarser tier's buckets, made while reading so the
    /// batch's transaction does not wait for them.
    var coarser: [RollupTier: [RollupKey: RollupTotals]] = [:]
    var traces: [TraceKey: TraceTotals] = [:]
    var unpriced: [UnpricedKey: UnpricedSeen] = [:]
    /// Minute quality rows from the spans, while they are read.
    var quality: [QualityKey: QualityTotals] = [:]
    /// Quality rows of every tier, once the spans are read.
    var qualityTiers = QualityTiers(minute: [:])
    /// The batch's evaluations, attributed at `apply`.
    var evaluations: [Evaluation] = []
}
