public import Foundation
public import Logging
internal import PostgresNIO
internal import VigilCore
internal import VigilProjections
public import VigilEventLog

/// Trace search over the per-trace summaries: newest first, filtered, paged with a cursor.
public struct TraceReader: Sendable {
    /// What a search asks for.
    public struct Filter: Sendable {
        /// The minimum latencies a search may ask for, in milliseconds (about 31 years at most), so
        /// that SQL's `interval` of it cannot overflow.
        public static let minLatencyRange: ClosedRange<Double> = 0...1e12
        /// The minimum costs a search may ask for, in dollars.
        public static let minCostRange: ClosedRange<Decimal> = 0...1_000_000_000

        /// Traces that started at or after this (microseconds).
        public var fromMicros: Int64
        /// Traces that started before this (microseconds).
        public var toMicros: Int64
        /// Traces touching this service.
        public var service: String?
        /// Traces calling this model (normal form).
        public var model: String?
        /// `error` (any span failed) or `ok` (none did).
        public var status: String?
        /// Traces lasting at least this long.
        public var minLatencyMilliseconds: Double?
        /// Traces costing at least this much.
        public var minCostUSD: Decimal?
        /// One trace only, by id.
        public var traceID: String?
        /// Where the previous page ended.
        public var cursor: Cursor?
        /// Page size.
        public var limit: Int

        /// Makes a filter.
        public init(fromMicros: Int64, toMicros: Int64, service: String? = nil, model: String? = nil, status: String? = nil, minLatencyMilliseconds: Double? = nil, minCostUSD: Decimal? = nil, traceID: String? = nil, cursor: Cursor? = nil, limit: Int = 50) {
            self.fromMicros = fromMicros
            self.toMicros = toMicros
            self.service = service
            self.model = model
            self.status = status
            self.minLatencyMilliseconds = minLatencyMilliseconds
            self.minCostUSD = minCostUSD
            self.traceID = traceID
            self.cursor = cursor
            self.limit = limit
        }
    }

    /// A position in the newest-first order: `<start micros>.<trace id>`.
    public struct Cursor: Sendable, Equatable {
        /// The last trace's start.
        public var startMicros: Int64
        /// The last trace's id.
        public var traceID: String

        /// Reads a cursor the API handed out; nil when it is not one (its time outside
        /// `CivilTime.supportedMicros` included: no trace handed out starts there).
        public init?(_ text: String) {
            let parts = text.split(separator: ".", maxSplits: 1)
            guard parts.count == 2, let micros = Int64(parts[0]), CivilTime.supportedMicros.contains(micros),
                  parts[1].utf8.count == 32, Hex.decode(String(parts[1])) != nil else { return nil }
            startMicros = micros
            traceID = String(parts[1])
        }

        init(startMicros: Int64, traceID: String) {
            self.startMicros = startMicros
            self.traceID = traceID
        }

        /// The cursor's text.
        public var text: String { "\(startMicros).\(traceID)" }
    }

    /// One trace found.
    public struct Summary: Sendable {
        /// The trace id, hex.
        public var traceID: String
        /// First span start, microseconds.
        public var startMicros: Int64
        /// Last span end minus first span start, milliseconds.
        public var durationMilliseconds: Double
        /// The root span's name, when it has arrived.
        public var rootName: String?
        /// The root span's service.
        public var rootService: String?
        /// Spans.
        public var spanCount: Int64
        /// Spans with a model.
        public var llmCalls: Int64
        /// Spans with status error.
        public var errorCount: Int64
        /// Input tokens across the trace.
        public var inputTokens: Int64
        /// Output tokens across the trace.
        public var outputTokens: Int64
        /// Exact dollars of the priced calls.
        public var costUSD: Decimal
        /// Calls of models without a price.
        public var unpricedCalls: Int64
        /// Models called.
        public var models: [String]
        /// Services touched.
        public var services: [String]
    }

    private let executor: any QueryExecutor
    private let logger: Logger

    /// Makes a reader over `executor`.
    public init(executor: any QueryExecutor, logger: Logger) {
        self.executor = executor
        self.logger = logger
    }

    /// A page of `projectID`'s traces matching `filter`, newest first, and the cursor of the next page.
    public func search(projectID: Int64, filter: Filter) async throws -> (traces: [Summary], next: Cursor?) {
        let service = filter.service
        let model = filter.model.map(ModelName.normalise)
        let status = filter.status
        let minLatency = filter.minLatencyMilliseconds
        let minCost = filter.minCostUSD.map { "\($0)" }
        let traceFilter = filter.traceID
        let cursorMicros = filter.cursor?.startMicros
        let cursorTrace = filter.cursor?.traceID
        // Each filter is a real optional: NULL when absent, so `IS NULL OR` lets every row through.
        let rows = try await executor.execute("""
            SELECT trace_id, vigil_us(start_time),
                   (extract(epoch FROM end_time - start_time) * 1000)::float8,
                   root_name, root_service, span_count, llm_calls, error_count, input_tokens, output_tokens,
                   cost_usd::text, unpriced, models, services
            FROM trace_summary
            WHERE project_id = \(projectID)
              AND start_time >= vigil_ts(\(filter.fromMicros))
              AND start_time < vigil_ts(\(filter.toMicros))
              AND (\(traceFilter)::text IS NULL OR trace_id = \(traceFilter)::text)
              AND (\(service)::text IS NULL OR \(service)::text = ANY(services))
              AND (\(model)::text IS NULL OR \(model)::text = ANY(models))
              AND (\(status)::text IS NULL OR (\(status)::text = 'error' AND error_count > 0) OR (\(status)::text = 'ok' AND error_count = 0))
              AND (\(minLatency)::float8 IS NULL OR end_time - start_time >= \(minLatency)::float8 * interval '1 millisecond')
              AND (\(minCost)::numeric IS NULL OR cost_usd >= \(minCost)::numeric)
              AND (\(cursorTrace)::text IS NULL OR (start_time, trace_id) < (vigil_ts(\(cursorMicros)::bigint), \(cursorTrace)::text))
            ORDER BY start_time DESC, trace_id DESC
            LIMIT \(filter.limit + 1)
            """, logger: logger)
        var traces: [Summary] = []
        for try await row in rows.decode((String, Int64, Double, String?, String?, Int64, Int64, Int64, Int64, Int64, String, Int64, [String], [String]).self) {
            traces.append(Summary(
                traceID: row.0, startMicros: row.1, durationMilliseconds: row.2, rootName: row.3, rootService: row.4,
                spanCount: row.5, llmCalls: row.6, errorCount: row.7, inputTokens: row.8, outputTokens: row.9,
                costUSD: Decimal(string: row.10, locale: Locale(identifier: "en_US_POSIX")) ?? 0, unpricedCalls: row.11,
                models: row.12, services: row.13
            ))
        }
        var next: Cursor?
        if traces.count > filter.limit {
            traces.removeLast()
            next = traces.last.map { Cursor(startMicros: $0.startMicros, traceID: $0.traceID) }
        }
        return (traces, next)
    }

    /// The summary of one trace, when the processor has seen it.
    public func summary(projectID: Int64, traceID: String) async throws -> Summary? {
        try await search(
            projectID: projectID,
            filter: Filter(fromMicros: EventTime.earliestMicros, toMicros: EventTime.latestMicros, traceID: traceID, limit: 1)
        ).traces.first
    }
}
