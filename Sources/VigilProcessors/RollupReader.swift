public import Foundation
public import Logging
internal import NIOCore
internal import PostgresNIO
internal import VigilCore
public import VigilEventLog
public import VigilStats

/// Reads the rollups back for the query API: any time range (whole minutes) and grouping is a
/// merge of the stored per-minute rows, sketches included.
public struct RollupReader: Sendable {
    /// What a summary can be grouped by.
    public enum Dimension: String, Sendable, CaseIterable {
        /// The resource's service.name.
        case service
        /// The model, in its normal form.
        case model
        /// The GenAI operation (chat, embeddings, …), empty for spans without one.
        case operation
        /// ok or error.
        case status
    }

    /// One group of a summary.
    public struct Group: Sendable {
        /// The group's value for each dimension grouped by.
        public var dimensions: [(Dimension, String)]
        /// Spans.
        public var count: Int64 = 0
        /// Spans with status error.
        public var errors: Int64 = 0
        /// Spans whose end is before their start (not in the latency sketch).
        public var skewed: Int64 = 0
        /// Span durations in milliseconds.
        public var latency = QuantileSketch()
        /// Time to first token in milliseconds, where spans carry it.
        public var ttft = QuantileSketch()
        /// Input tokens.
        public var inputTokens: Int64 = 0
        /// Output tokens.
        public var outputTokens: Int64 = 0
        /// Exact dollars of the priced calls.
        public var costUSD = Decimal(0)
        /// LLM calls whose model has no price.
        public var unpricedCalls: Int64 = 0
    }

    /// A model seen without a price.
    public struct UnpricedModel: Sendable {
        /// The model's normal form.
        public var model: String
        /// The provider the spans named.
        public var provider: String
        /// Calls seen.
        public var calls: Int64
        /// First and last call, RFC 3339.
        public var firstSeen: String
        /// Last call, RFC 3339.
        public var lastSeen: String
    }

    private let executor: any QueryExecutor
    private let logger: Logger

    /// Makes a reader over `executor`.
    public init(executor: any QueryExecutor, logger: Logger) {
        self.executor = executor
        self.logger = logger
    }

    /// The summary of `projectID`'s spans in the minutes starting in [`fromMicros`, `toMicros`),
    /// optionally of one service and one model, grouped by `groupBy` (one group for no dimensions).
    public func summary(projectID: Int64, fromMicros: Int64, toMicros: Int64, service: String?, model: String?, groupBy: [Dimension]) async throws -> [Group] {
        let serviceFilter = service ?? ""
        let modelFilter = model.map(ModelName.normalise) ?? ""
        let rows = try await executor.execute("""
            SELECT service, model, operation, status, count, errors, skewed, latency_sketch, ttft_sketch,
                   input_tokens, output_tokens, cost_usd::text, unpriced
            FROM rollup_minute
            WHERE project_id = \(projectID)
              AND minute >= 'epoch'::timestamptz + \(fromMicros)::float8 * interval '1 microsecond'
              AND minute < 'epoch'::timestamptz + \(toMicros)::float8 * interval '1 microsecond'
              AND (\(serviceFilter) = '' OR service = \(serviceFilter))
              AND (\(modelFilter) = '' OR model = \(modelFilter))
            """, logger: logger)
        var groups: [[String]: Group] = [:]
        for try await row in rows.decode((String, String, String, String, Int64, Int64, Int64, ByteBuffer, ByteBuffer, Int64, Int64, String, Int64).self) {
            let values: [Dimension: String] = [.service: row.0, .model: row.1, .operation: row.2, .status: row.3]
            let key = groupBy.map { values[$0] ?? "" }
            var group = groups[key] ?? Group(dimensions: groupBy.map { ($0, values[$0] ?? "") })
            guard let latency = QuantileSketch(encoded: Array(buffer: row.7)), let ttft = QuantileSketch(encoded: Array(buffer: row.8)),
                  let cost = Decimal(string: row.11, locale: Locale(identifier: "en_US_POSIX"))
            else {
                throw VigilError(.unavailable, "a stored rollup row is unreadable; run vigil replay rollup")
            }
            group.count += row.4
            group.errors += row.5
            group.skewed += row.6
            group.latency.merge(latency)
            group.ttft.merge(ttft)
            group.inputTokens += row.9
            group.outputTokens += row.10
            group.costUSD += cost
            group.unpricedCalls += row.12
            groups[key] = group
        }
        return groups.sorted { $0.key.lexicographicallyPrecedes($1.key) }.map(\.value)
    }

    /// The models `projectID` called that have no price, most called first.
    public func unpricedModels(projectID: Int64) async throws -> [UnpricedModel] {
        var models: [UnpricedModel] = []
        for try await (model, provider, calls, first, last) in try await executor.execute("""
            SELECT model, provider, calls,
                   to_char(first_seen AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                   to_char(last_seen AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
            FROM unpriced_models WHERE project_id = \(projectID) ORDER BY calls DESC, model
            """, logger: logger).decode((String, String, Int64, String, String).self) {
            models.append(UnpricedModel(model: model, provider: provider, calls: calls, firstSeen: first, lastSeen: last))
        }
        return models
    }
}
