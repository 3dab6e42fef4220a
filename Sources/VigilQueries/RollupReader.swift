public import Foundation
public import Logging
internal import NIOCore
internal import PostgresNIO
internal import VigilCore
public import VigilEventLog
public import VigilStats
public import VigilProjections

/// Reads the rollups back for the query API: any time range (whole minutes) and grouping is a
/// merge of the stored per-minute rows, sketches included. Counts, latency, tokens and cost are of
/// LLM calls unless a query asks for another `SpanKind` (or every kind).
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
        /// The span's kind: llm, tool, agent or other (`SpanKind`).
        case kind
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
        /// Calls that carried the app's own cost while Vigil priced them too.
        public var reportedCalls: Int64 = 0
        /// The app's sum over those calls.
        public var reportedAppCostUSD = Decimal(0)
        /// Vigil's sum over the same calls.
        public var reportedVigilCostUSD = Decimal(0)
        /// Output quality by evaluation or check name: how many, how many had a score, their exact
        /// sum. The built-in checks are in every grouping, evaluations in groupings by service and model alone.
        public var quality: [String: QualityTotals] = [:]

        /// An empty group with these dimension values.
        public init(dimensions: [(Dimension, String)]) {
            self.dimensions = dimensions
        }

        /// Adds another group's totals (its dimension values are not compared).
        public mutating func merge(_ other: Group) {
            count += other.count
            errors += other.errors
            skewed += other.skewed
            latency.merge(other.latency)
            ttft.merge(other.ttft)
            inputTokens += other.inputTokens
            outputTokens += other.outputTokens
            costUSD += other.costUSD
            unpricedCalls += other.unpricedCalls
            reportedCalls += other.reportedCalls
            reportedAppCostUSD += other.reportedAppCostUSD
            reportedVigilCostUSD += other.reportedVigilCostUSD
            for (name, totals) in other.quality { quality[name, default: QualityTotals()].merge(totals) }
        }
    }

    /// One quality name's totals in a group.
    public typealias QualityTotals = VigilProjections.QualityTotals

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

    /// The summary of `projectID`'s spans of `kind` (every kind when nil; LLM calls by default) in
    /// the minutes starting in [`fromMicros`, `toMicros`), optionally of one service and one model,
    /// grouped by `groupBy` (one group for no dimensions).
    public func summary(
        projectID: Int64, fromMicros: Int64, toMicros: Int64, service: String?, model: String?, kind: SpanKind? = .llm, groupBy: [Dimension]
    ) async throws -> [Group] {
        let segments = RollupTier.segments(fromMicros: fromMicros, toMicros: toMicros)
        let filter = Filter(projectID: projectID, service: service, model: model.map(ModelName.normalise), kind: kind)
        var groups = try await fold(segments, filter: filter, keys: groupBy.map(\.rawValue)) { values in
            Group(dimensions: zip(groupBy, values).map { ($0, $1) })
        }
        // Evaluations are kept per service and model, of LLM outputs; they join groupings by those
        // alone, of LLM calls or of every kind. (The built-in checks are columns of the rollup rows,
        // read by `fold`.)
        if groupBy.allSatisfy({ $0 == .service || $0 == .model }), (kind ?? .llm) == .llm {
            let rows = try await executor.execute(
                Self.query(segments, filter: filter, keys: groupBy.map(\.rawValue) + ["name"], table: \.qualityTable, columns: "count, scored, score_sum", aggregates: """
                    sum(count)::bigint, sum(scored)::bigint, sum(score_sum)::text
                    """),
                logger: logger
            )
            for try await row in rows {
                let cells = row.makeRandomAccess()
                let values = try (0..<groupBy.count).map { try cells[$0].decode(String.self) }
                let name = try cells[groupBy.count].decode(String.self)
                var group = groups[values] ?? Group(dimensions: zip(groupBy, values).map { ($0, $1) })
                var totals = group.quality[name] ?? QualityTotals()
                totals.count += try cells[groupBy.count + 1].decode(Int64.self)
                totals.scored += try cells[groupBy.count + 2].decode(Int64.self)
                totals.sum += try Self.decimal(cells[groupBy.count + 3].decode(String.self))
                group.quality[name] = totals
                groups[values] = group
            }
        }
        return groups.sorted { $0.key.lexicographicallyPrecedes($1.key) }.map(\.value)
    }

    /// One group per `stepMicros`-long bucket (aligned to the epoch) that has data, keyed by the
    /// bucket's start; the same filters as `summary`.
    public func series(
        projectID: Int64, fromMicros: Int64, toMicros: Int64, stepMicros: Int64, service: String?, model: String?, kind: SpanKind? = .llm
    ) async throws -> [Int64: Group] {
        let segments = RollupTier.segments(fromMicros: fromMicros, toMicros: toMicros, step: stepMicros)
        let filter = Filter(projectID: projectID, service: service, model: model.map(ModelName.normalise), kind: kind)
        let groups = try await fold(segments, filter: filter, keys: ["((bucket_us / \(stepMicros)) * \(stepMicros))::text"]) { _ in Group(dimensions: []) }
        var series: [Int64: Group] = [:]
        for (key, group) in groups {
            if let first = key.first, let bucket = Int64(first) { series[bucket] = group }
        }
        return series
    }

    /// The rows a query reads: one project, optionally one service, one (normalised) model and
    /// one kind of span (the quality tables, kept per service and model, have no kind).
    struct Filter {
        var projectID: Int64
        var service: String?
        var model: String?
        var kind: SpanKind?
    }

    /// Sums the rollup rows of `segments` in SQL by the `keys` expressions (columns of the rows, or
    /// expressions over them and `bucket_us`), sketches concatenated there and merged here.
    func fold(_ segments: [RollupTier.Segment], filter: Filter, keys: [String], makeGroup: ([String]) -> Group) async throws -> [[String]: Group] {
        guard !segments.isEmpty else { return [:] }
        let rows = try await executor.execute(
            Self.query(segments, filter: filter, keys: keys, table: \.table, columns: """
                count, errors, skewed, latency_sketch, ttft_sketch, input_tokens, output_tokens, cost_usd, unpriced, \(CheckTotals.columns.joined(separator: ", ")),
                reported_calls, reported_cost_usd, reported_vigil_cost_usd
                """, aggregates: """
                sum(count)::bigint, sum(errors)::bigint, sum(skewed)::bigint, string_agg(latency_sketch, ''::bytea), string_agg(ttft_sketch, ''::bytea),
                sum(input_tokens)::bigint, sum(output_tokens)::bigint, sum(cost_usd)::text, sum(unpriced)::bigint,
                \(CheckTotals.columns.map { "sum(\($0))::bigint" }.joined(separator: ", ")),
                sum(reported_calls)::bigint, sum(reported_cost_usd)::text, sum(reported_vigil_cost_usd)::text
                """),
            logger: logger
        )
        var groups: [[String]: Group] = [:]
        for try await row in rows {
            let cells = row.makeRandomAccess()
            let k = keys.count
            // Without keys an empty range still gives one row, of NULL sums: no group.
            guard cells[k].bytes != nil else { continue }
            let values = try (0..<keys.count).map { try cells[$0].decode(String.self) }
            var group = makeGroup(values)
            group.count = try cells[k].decode(Int64.self)
            group.errors = try cells[k + 1].decode(Int64.self)
            group.skewed = try cells[k + 2].decode(Int64.self)
            let latency = try cells[k + 3].decode(ByteBuffer.self)
            let ttft = try cells[k + 4].decode(ByteBuffer.self)
            guard latency.withUnsafeReadableBytes({ group.latency.merge(concatenated: $0) }),
                  ttft.withUnsafeReadableBytes({ group.ttft.merge(concatenated: $0) })
            else {
                throw VigilError(.unavailable, "a stored rollup row is unreadable; run vigil replay rollup")
            }
            group.inputTokens = try cells[k + 5].decode(Int64.self)
            group.outputTokens = try cells[k + 6].decode(Int64.self)
            group.costUSD = try Self.decimal(cells[k + 7].decode(String.self))
            group.unpricedCalls = try cells[k + 8].decode(Int64.self)
            for (name, totals) in try CheckTotals(decoding: cells, from: k + 9).rows { group.quality[name] = totals }
            let reportedAt = k + 9 + CheckTotals.columns.count
            group.reportedCalls = try cells[reportedAt].decode(Int64.self)
            group.reportedAppCostUSD = try Self.decimal(cells[reportedAt + 1].decode(String.self))
            group.reportedVigilCostUSD = try Self.decimal(cells[reportedAt + 2].decode(String.self))
            groups[values] = group
        }
        return groups
    }

    /// `SELECT keys, aggregates FROM (the segments' rows of table) GROUP BY keys`.
    private static func query(_ segments: [RollupTier.Segment], filter: Filter, keys: [String], table: KeyPath<RollupTier, String>, columns: String, aggregates: String) -> PostgresQuery {
        var sql = PostgresQuery.StringInterpolation(literalCapacity: 512 * segments.count, interpolationCount: 6 * segments.count)
        sql.appendLiteral("SELECT " + keys.map { $0 + ", " }.joined() + aggregates + " FROM (")
        for (index, segment) in segments.enumerated() {
            let column = segment.tier.column
            let name = segment.tier[keyPath: table]
            let isQuality = name == segment.tier.qualityTable
            let groupColumns = isQuality ? "name" : "operation, status, kind"
            if index > 0 { sql.appendLiteral(" UNION ALL ") }
            sql.appendLiteral("""
                SELECT vigil_us(\(column)) AS bucket_us, service, model, \(groupColumns), \(columns)
                FROM \(name) WHERE project_id = 
                """)
            sql.appendInterpolation(filter.projectID)
            sql.appendLiteral(" AND \(column) >= vigil_ts(")
            sql.appendInterpolation(segment.fromMicros)
            sql.appendLiteral(") AND \(column) < vigil_ts(")
            sql.appendInterpolation(segment.toMicros)
            sql.appendLiteral(")")
            if let service = filter.service {
                sql.appendLiteral(" AND service = ")
                sql.appendInterpolation(service)
            }
            if let model = filter.model {
                sql.appendLiteral(" AND model = ")
                sql.appendInterpolation(model)
            }
            if !isQuality, let kind = filter.kind {
                sql.appendLiteral(" AND kind = ")
                sql.appendInterpolation(kind.rawValue)
            }
        }
        sql.appendLiteral(") AS r")
        if !keys.isEmpty { sql.appendLiteral(" GROUP BY " + (1...keys.count).map(String.init).joined(separator: ", ")) }
        return PostgresQuery(stringInterpolation: sql)
    }

    private static func decimal(_ text: String) throws -> Decimal {
        guard let value = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) else {
            throw VigilError(.unavailable, "a stored amount (\(text)) is unreadable; run vigil replay rollup")
        }
        return value
    }

    /// The exact dollars of `projectID`'s priced LLM calls (the spend budgets count too) in the minutes from `fromMicros` on (the
    /// start of a UTC day, for a spend quota): the minute rows, which cover a day since the day
    /// began whatever the tiers hold.
    public func spendUSD(projectID: Int64, sinceMicros fromMicros: Int64) async throws -> Decimal {
        for try await total in try await executor.execute("""
            SELECT COALESCE(sum(cost_usd), 0)::text FROM rollup_minute
            WHERE project_id = \(projectID) AND minute >= vigil_ts(\(fromMicros)) AND kind = 'llm'
            """, logger: logger).decode(String.self) {
            return try Self.decimal(total)
        }
        return 0
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
