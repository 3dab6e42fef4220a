internal import Foundation
public import Logging
public import PostgresNIO
internal import VigilCore
internal import VigilProjections

/// The `rollup` processor: folds spans into per-minute rollups by project, service, model,
/// operation, status and kind (LLM call, tool call, agent run or other span: `SpanKind`) — count, errors, clock-skewed spans, latency and time-to-first-token
/// sketches, input and output tokens, exact cost, the built-in checks of LLM output — with
/// ten-minute, hourly and daily tiers of the same rows; keeps per-trace summaries, evaluations
/// (output quality) and the list of models seen without a price.
public struct RollupProcessor: Processor {
    /// `rollup`.
    public let name = "rollup"
    /// Every tier of the rollups and of quality, `unpriced_models` and `trace_summary`.
    public let projectionTables = RollupTier.all.flatMap { [$0.table, $0.qualityTable] } + ["unpriced_models", "trace_summary"]

    let prices: PriceTable
    let cache: RollupCache
    let traceLedger: TraceLedger

    /// Makes the processor, pricing calls with `prices`.
    public init(prices: PriceTable) {
        self.prices = prices
        self.cache = RollupCache()
        self.traceLedger = TraceLedger()
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

    /// Writes the spans' fold and folds the batch's evaluations and evaluation log records. The
    /// tables' rows are merged and encoded in concurrent tasks, and each table's writes are queued
    /// on the connection as soon as they are ready (`PreparedWrite`), so Postgres inserts one
    /// table's rows while Vigil encodes the next; the transaction ends once all of them are done.
    public func apply(_ batch: ProcessorBatch, input: BatchFold, on transaction: PostgresConnection, logger: Logger) async throws {
        var fold = input
        // Read before any write is queued: the connection runs statements in turn.
        let qualityProjects = Set(fold.qualityTiers.rows.values.flatMap { $0.keys.map(\.projectID) } + fold.evaluations.map(\.projectID))
        let qualityFloors = try await qualityFloors(of: qualityProjects, on: transaction, logger: logger)
        let knownTraces = try await traceLedger.known(after: batch.after, resets: batch.resets) {
            try await traceTableIsEmpty(on: transaction, logger: logger)
        }
        let traceHashes = knownTraces == nil ? [:] : fold.traces.keys.reduce(into: [TraceKey: Int]()) { $0[$1] = TraceLedger.hash($1) }
        // An evaluation attributed through its trace reads the trace summaries this batch writes,
        // so its quality rows wait for them; otherwise evaluations are folded in now.
        let throughTraces = fold.evaluations.contains(where: \.needsTrace)
        if !throughTraces { try await self.fold(fold.evaluations, into: &fold.qualityTiers, on: transaction, logger: logger) }
        var pending = RollupCache.Pending()
        try await withThrowingTaskGroup(of: Void.self) { running in
            try await withThrowingTaskGroup(of: (tier: RollupTier?, written: RollupCache.Written, writes: [PreparedWrite]).self) { preparing in
                for tier in RollupTier.all where !fold.rollups.isEmpty {
                    let rows = tier == .minute ? fold.rollups : fold.coarser[tier] ?? [:]
                    preparing.addTask {
                        let (written, writes) = try await merge(rows, into: tier, batch: batch, on: transaction, logger: logger)
                        return (tier, written, writes)
                    }
                }
                let (unpriced, traces, quality) = (fold.unpriced, fold.traces, fold.qualityTiers)
                preparing.addTask {
                    (nil, RollupCache.Written(), [write(of: unpriced)].compactMap { $0 } + writes(of: traces, hashes: traceHashes, known: knownTraces))
                }
                if !throughTraces {
                    preparing.addTask { (nil, RollupCache.Written(), writes(of: quality, floors: qualityFloors)) }
                }
                for try await prepared in preparing {
                    if let tier = prepared.tier { pending.tiers[tier] = prepared.written }
                    for write in prepared.writes { running.addTask { try await write.run(on: transaction, logger: logger) } }
                }
            }
            if throughTraces {
                try await running.waitForAll()
                try await self.fold(fold.evaluations, into: &fold.qualityTiers, on: transaction, logger: logger)
                for write in writes(of: fold.qualityTiers, floors: qualityFloors) {
                    running.addTask { try await write.run(on: transaction, logger: logger) }
                }
            }
            try await running.waitForAll()
        }
        cache.stage(pending)
        traceLedger.stage(knownTraces == nil ? nil : Array(traceHashes.values))
    }

    /// Makes the rows the batch wrote the cache's.
    public func committed(_ batch: ProcessorBatch) {
        cache.commit(through: batch.through, resets: batch.resets, after: batch.after)
        traceLedger.commit(through: batch.through, resets: batch.resets, after: batch.after)
    }

    /// Forgets what the rolled-back batch staged.
    public func rolledBack() {
        cache.rollBack()
        traceLedger.rollBack()
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
