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
        /// Output quality by evaluation or check name: how many, how many had a score, their exact sum.
        public var quality: [String: QualityTotals] = [:]

        /// An empty group with these dimension values.
        public init(dimensions: [(Dimension, String)]) {
            self.dimensions = dimensions
        }
    }

    /// One quality name's totals in a group.
    public struct QualityTotals: Sendable, Equatable {
        /// Evaluations (or checked spans).
        public var count: Int64 = 0
        /// Those with a numeric or true/false score.
        public var scored: Int64 = 0
        /// The exact sum of the scores.
        public var sum = Decimal(0)

        /// The mean score, nil when nothing was scored.
        public var mean: Double? {
            scored == 0 ? nil : NSDecimalNumber(decimal: sum / Decimal(scored)).doubleValue
        }
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
        let groups = try await fold(projectID: projectID, fromMicros: fromMicros, toMicros: toMicros, service: service, model: model) { row in
            let values: [Dimension: String] = [.service: row.service, .model: row.model, .operation: row.operation, .status: row.status]
            return (groupBy.map { values[$0] ?? "" }, groupBy.map { ($0, values[$0] ?? "") })
        }
        var withQuality = groups
        // Quality is kept per service and model; it joins groupings by those alone.
        if groupBy.allSatisfy({ $0 == .service || $0 == .model }) {
            let serviceFilter = service ?? ""
            let modelFilter = model.map(ModelName.normalise) ?? ""
            let rows = try await executor.execute("""
                SELECT service, model, name, sum(count)::bigint, sum(scored)::bigint, sum(score_sum)::text
                FROM quality_minute
                WHERE project_id = \(projectID)
                  AND minute >= 'epoch'::timestamptz + \(fromMicros)::float8 * interval '1 microsecond'
                  AND minute < 'epoch'::timestamptz + \(toMicros)::float8 * interval '1 microsecond'
                  AND (\(serviceFilter) = '' OR service = \(serviceFilter))
                  AND (\(modelFilter) = '' OR model = \(modelFilter))
                GROUP BY service, model, name
                """, logger: logger)
            for try await (rowService, rowModel, name, count, scored, sum) in rows.decode((String, String, String, Int64, Int64, String).self) {
                let values: [Dimension: String] = [.service: rowService, .model: rowModel]
                let key = groupBy.map { values[$0] ?? "" }
                var group = withQuality[key] ?? Group(dimensions: groupBy.map { ($0, values[$0] ?? "") })
                var totals = group.quality[name] ?? QualityTotals()
                totals.count += count
                totals.scored += scored
                totals.sum += Decimal(string: sum, locale: Locale(identifier: "en_US_POSIX")) ?? 0
                group.quality[name] = totals
                withQuality[key] = group
            }
        }
        return withQuality.sorted { $0.key.lexicographicallyPrecedes($1.key) }.map(\.value)
    }

    /// One group per `stepMicros`-long bucket (aligned to the epoch) that has data, keyed by the
    /// bucket's start; the same filters as `summary`.
    public func series(projectID: Int64, fromMicros: Int64, toMicros: Int64, stepMicros: Int64, service: String?, model: String?) async throws -> [Int64: Group] {
        let groups = try await fold(projectID: projectID, fromMicros: fromMicros, toMicros: toMicros, service: service, model: model) { row in
            ([String(row.minuteMicros.floorDivided(by: stepMicros) * stepMicros)], [])
        }
        return Dictionary(uniqueKeysWithValues: groups.map { (Int64($0.key[0])!, $0.value) })
    }

    private struct Row {
        var minuteMicros: Int64
        var service: String
        var model: String
        var operation: String
        var status: String
    }

    /// Reads the matching minute rows and merges them into groups by `key`.
    private func fold(projectID: Int64, fromMicros: Int64, toMicros: Int64, service: String?, model: String?, key: (Row) -> ([String], [(Dimension, String)])) async throws -> [[String]: Group] {
        let serviceFilter = service ?? ""
        let modelFilter = model.map(ModelName.normalise) ?? ""
        let rows = try await executor.execute("""
            SELECT (extract(epoch FROM minute) * 1000000)::bigint, service, model, operation, status, count, errors, skewed,
                   latency_sketch, ttft_sketch, input_tokens, output_tokens, cost_usd::text, unpriced
            FROM rollup_minute
            WHERE project_id = \(projectID)
              AND minute >= 'epoch'::timestamptz + \(fromMicros)::float8 * interval '1 microsecond'
              AND minute < 'epoch'::timestamptz + \(toMicros)::float8 * interval '1 microsecond'
              AND (\(serviceFilter) = '' OR service = \(serviceFilter))
              AND (\(modelFilter) = '' OR model = \(modelFilter))
            """, logger: logger)
        var groups: [[String]: Group] = [:]
        for try await row in rows.decode((Int64, String, String, String, String, Int64, Int64, Int64, ByteBuffer, ByteBuffer, Int64, Int64, String, Int64).self) {
            let (groupKey, dimensions) = key(Row(minuteMicros: row.0, service: row.1, model: row.2, operation: row.3, status: row.4))
            var group = groups[groupKey] ?? Group(dimensions: dimensions)
            guard let latency = QuantileSketch(encoded: Array(buffer: row.8)), let ttft = QuantileSketch(encoded: Array(buffer: row.9)),
                  let cost = Decimal(string: row.12, locale: Locale(identifier: "en_US_POSIX"))
            else {
                throw VigilError(.unavailable, "a stored rollup row is unreadable; run vigil replay rollup")
            }
            group.count += row.5
            group.errors += row.6
            group.skewed += row.7
            group.latency.merge(latency)
            group.ttft.merge(ttft)
            group.inputTokens += row.10
            group.outputTokens += row.11
            group.costUSD += cost
            group.unpricedCalls += row.13
            groups[groupKey] = group
        }
        return groups
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
