internal import Foundation
public import Logging
internal import NIOCore
public import PostgresNIO
internal import VigilCore
internal import VigilEventLog
internal import VigilStats

/// The `rollup` processor: folds spans into per-minute rollups by project, service, model,
/// operation and status — count, errors, clock-skewed spans, latency and time-to-first-token
/// sketches, input and output tokens, exact cost — and keeps the list of models seen without a price.
public struct RollupProcessor: Processor {
    /// `rollup`.
    public let name = "rollup"
    /// `rollup_minute`, `unpriced_models`, `trace_summary` and `quality_minute`.
    public let projectionTables = ["rollup_minute", "unpriced_models", "trace_summary", "quality_minute"]

    private let prices: PriceTable

    /// Makes the processor, pricing calls with `prices`.
    public init(prices: PriceTable) {
        self.prices = prices
    }

    struct Key: Hashable {
        var projectID: Int64
        var minuteMicros: Int64
        var service: String
        var model: String
        var operation: String
        var status: String
    }

    struct Totals {
        var count: Int64 = 0
        var errors: Int64 = 0
        var skewed: Int64 = 0
        var latency = QuantileSketch()
        var ttft = QuantileSketch()
        var inputTokens: Int64 = 0
        var outputTokens: Int64 = 0
        var cost = Decimal(0)
        var unpriced: Int64 = 0

        mutating func merge(_ other: Totals) {
            count += other.count
            errors += other.errors
            skewed += other.skewed
            latency.merge(other.latency)
            ttft.merge(other.ttft)
            inputTokens += other.inputTokens
            outputTokens += other.outputTokens
            cost += other.cost
            unpriced += other.unpriced
        }
    }

    struct TraceKey: Hashable {
        var projectID: Int64
        var traceID: String
    }

    struct TraceTotals {
        var startMicros: Int64 = .max
        var endMicros: Int64 = .min
        var rootName: String?
        var rootService: String?
        var spans: Int64 = 0
        var llmCalls: Int64 = 0
        var errors: Int64 = 0
        var inputTokens: Int64 = 0
        var outputTokens: Int64 = 0
        var cost = Decimal(0)
        var unpriced: Int64 = 0
        var models = Set<String>()
        var services = Set<String>()
    }

    struct UnpricedKey: Hashable {
        var projectID: Int64
        var model: String
        var provider: String
    }

    /// Folds the spans of the range into the rollups.
    public func apply(after: Int64, through: Int64, on transaction: PostgresConnection, logger: Logger) async throws {
        var totals: [Key: Totals] = [:]
        var unpriced: [UnpricedKey: (calls: Int64, first: Int64, last: Int64)] = [:]
        var traces: [TraceKey: TraceTotals] = [:]
        let rows = try await transaction.query("""
            SELECT project_id, (extract(epoch FROM occurred_at) * 1000000)::bigint,
                   coalesce(body->>'service', ''),
                   coalesce(body->'genai'->>'response_model', body->'genai'->>'request_model', ''),
                   coalesce(body->'genai'->>'provider', ''),
                   coalesce(body->'genai'->>'operation', ''),
                   coalesce(body->'status'->>'code', 'unset'),
                   coalesce((body->>'duration_ns')::bigint, 0),
                   (body->'genai'->>'input_tokens')::bigint,
                   (body->'genai'->>'output_tokens')::bigint,
                   (body->'genai'->>'cached_input_tokens')::bigint,
                   coalesce(body->'attributes'->>'gen_ai.server.time_to_first_token',
                            body->'attributes'->>'gen_ai.response.time_to_first_chunk',
                            body->'attributes'->>'llm.time_to_first_token'),
                   coalesce(body->>'trace_id', ''), body->>'parent_span_id', coalesce(body->>'name', '')
            FROM events
            WHERE kind = 'span' AND seq > \(after) AND seq <= \(through)
            """, logger: logger)
        for try await (project, micros, service, rawModel, provider, operation, status, durationNanos, input, output, cached, ttftText, traceID, parent, spanName) in rows.decode(
            (Int64, Int64, String, String, String, String, String, Int64, Int64?, Int64?, Int64?, String?, String, String?, String).self
        ) {
            let model = rawModel.isEmpty ? "" : ModelName.normalise(rawModel)
            let isError = status == "error"
            let key = Key(
                projectID: project,
                minuteMicros: micros.floorDivided(by: 60_000_000) * 60_000_000,
                service: service,
                model: model,
                operation: operation,
                status: isError ? "error" : "ok"
            )
            var entry = totals[key] ?? Totals()
            entry.count += 1
            if isError { entry.errors += 1 }
            if durationNanos < 0 {
                entry.skewed += 1
            } else {
                entry.latency.add(Double(durationNanos) / 1_000_000)
            }
            if let ttftText, let seconds = Double(ttftText), seconds >= 0 {
                entry.ttft.add(seconds * 1000)
            }
            entry.inputTokens += input ?? 0
            entry.outputTokens += output ?? 0
            var trace = traces[TraceKey(projectID: project, traceID: traceID)] ?? TraceTotals()
            trace.spans += 1
            trace.startMicros = min(trace.startMicros, micros)
            trace.endMicros = max(trace.endMicros, micros + max(durationNanos, 0) / 1000)
            if parent == nil {
                trace.rootName = spanName
                trace.rootService = service
            }
            if isError { trace.errors += 1 }
            trace.services.insert(service)
            trace.inputTokens += input ?? 0
            trace.outputTokens += output ?? 0
            if !model.isEmpty {
                trace.llmCalls += 1
                trace.models.insert(model)
            }
            if !model.isEmpty, input != nil || output != nil {
                if let cost = prices.cost(model: model, atMicros: micros, inputTokens: input ?? 0, outputTokens: output ?? 0, cachedInputTokens: cached ?? 0) {
                    entry.cost += cost
                    trace.cost += cost
                } else {
                    trace.unpriced += 1
                    entry.unpriced += 1
                    let unpricedKey = UnpricedKey(projectID: project, model: model, provider: provider)
                    let seen = unpriced[unpricedKey]
                    unpriced[unpricedKey] = ((seen?.calls ?? 0) + 1, min(seen?.first ?? micros, micros), max(seen?.last ?? micros, micros))
                }
            }
            totals[key] = entry
            if !traceID.isEmpty { traces[TraceKey(projectID: project, traceID: traceID)] = trace }
        }
        if !totals.isEmpty {
            try await merge(totals, on: transaction, logger: logger)
        }
        try await record(unpriced, on: transaction, logger: logger)
        try await record(traces, on: transaction, logger: logger)
        // After the trace summaries, so an evaluation of a trace in this batch finds it.
        try await foldQuality(after: after, through: through, on: transaction, logger: logger)
    }

    private func record(_ traces: [TraceKey: TraceTotals], on transaction: PostgresConnection, logger: Logger) async throws {
        guard !traces.isEmpty else { return }
        // Arrays of optional text do not bind, so an absent root is sent as U+0001 and made NULL
        // again in SQL; model and service sets travel as U+001F-separated text.
        let rows = Array(traces)
        try await transaction.query("""
            INSERT INTO trace_summary (project_id, trace_id, start_time, end_time, root_name, root_service, span_count, llm_calls,
                                       error_count, input_tokens, output_tokens, cost_usd, unpriced, models, services)
            SELECT project_id, trace_id,
                   'epoch'::timestamptz + start_us::float8 * interval '1 microsecond',
                   'epoch'::timestamptz + end_us::float8 * interval '1 microsecond',
                   nullif(root_name, E'\\x01'), nullif(root_service, E'\\x01'), span_count, llm_calls, error_count, input_tokens, output_tokens,
                   cost::numeric, unpriced, string_to_array(models, E'\\x1f'), string_to_array(services, E'\\x1f')
            FROM unnest(\(rows.map(\.key.projectID)), \(rows.map(\.key.traceID)), \(rows.map(\.value.startMicros)), \(rows.map(\.value.endMicros)),
                        \(rows.map { $0.value.rootName ?? "\u{01}" }), \(rows.map { $0.value.rootService ?? "\u{01}" }), \(rows.map(\.value.spans)),
                        \(rows.map(\.value.llmCalls)), \(rows.map(\.value.errors)), \(rows.map(\.value.inputTokens)), \(rows.map(\.value.outputTokens)),
                        \(rows.map { "\($0.value.cost)" }), \(rows.map(\.value.unpriced)),
                        \(rows.map { $0.value.models.sorted().joined(separator: "\u{1F}") }), \(rows.map { $0.value.services.sorted().joined(separator: "\u{1F}") }))
                 AS t(project_id, trace_id, start_us, end_us, root_name, root_service, span_count, llm_calls, error_count,
                      input_tokens, output_tokens, cost, unpriced, models, services)
            ON CONFLICT (project_id, trace_id) DO UPDATE SET
                start_time = least(trace_summary.start_time, excluded.start_time),
                end_time = greatest(trace_summary.end_time, excluded.end_time),
                root_name = coalesce(excluded.root_name, trace_summary.root_name),
                root_service = coalesce(excluded.root_service, trace_summary.root_service),
                span_count = trace_summary.span_count + excluded.span_count,
                llm_calls = trace_summary.llm_calls + excluded.llm_calls,
                error_count = trace_summary.error_count + excluded.error_count,
                input_tokens = trace_summary.input_tokens + excluded.input_tokens,
                output_tokens = trace_summary.output_tokens + excluded.output_tokens,
                cost_usd = trace_summary.cost_usd + excluded.cost_usd,
                unpriced = trace_summary.unpriced + excluded.unpriced,
                models = ARRAY(SELECT DISTINCT m FROM unnest(trace_summary.models || excluded.models) AS m WHERE m <> '' ORDER BY m),
                services = ARRAY(SELECT DISTINCT m FROM unnest(trace_summary.services || excluded.services) AS m ORDER BY m)
            """, logger: logger)
    }

    private func merge(_ totals: [Key: Totals], on transaction: PostgresConnection, logger: Logger) async throws {
        var merged = totals
        let keys = Array(totals.keys)
        let existing = try await transaction.query("""
            SELECT r.project_id, (extract(epoch FROM r.minute) * 1000000)::bigint, r.service, r.model, r.operation, r.status,
                   r.count, r.errors, r.skewed, r.latency_sketch, r.ttft_sketch, r.input_tokens, r.output_tokens, r.cost_usd::text, r.unpriced
            FROM rollup_minute r
            JOIN unnest(\(keys.map(\.projectID)), \(keys.map(\.minuteMicros)), \(keys.map(\.service)), \(keys.map(\.model)), \(keys.map(\.operation)), \(keys.map(\.status)))
                 AS k(project_id, minute_us, service, model, operation, status)
              ON r.project_id = k.project_id AND r.minute = 'epoch'::timestamptz + k.minute_us::float8 * interval '1 microsecond'
             AND r.service = k.service AND r.model = k.model AND r.operation = k.operation AND r.status = k.status
            """, logger: logger)
        for try await row in existing.decode((Int64, Int64, String, String, String, String, Int64, Int64, Int64, ByteBuffer, ByteBuffer, Int64, Int64, String, Int64).self) {
            let key = Key(projectID: row.0, minuteMicros: row.1, service: row.2, model: row.3, operation: row.4, status: row.5)
            guard let latency = QuantileSketch(encoded: Array(buffer: row.9)), let ttft = QuantileSketch(encoded: Array(buffer: row.10)),
                  let cost = Decimal(string: row.13, locale: Locale(identifier: "en_US_POSIX"))
            else {
                throw VigilError(.unavailable, "a stored rollup row of \(row.2)/\(row.3) is unreadable; run vigil replay rollup")
            }
            let stored = Totals(count: row.6, errors: row.7, skewed: row.8, latency: latency, ttft: ttft, inputTokens: row.11, outputTokens: row.12, cost: cost, unpriced: row.14)
            merged[key]?.merge(stored)
        }
        let rows = Array(merged)
        try await transaction.query("""
            INSERT INTO rollup_minute (project_id, minute, service, model, operation, status, count, errors, skewed,
                                       latency_sketch, ttft_sketch, input_tokens, output_tokens, cost_usd, unpriced)
            SELECT project_id, 'epoch'::timestamptz + minute_us::float8 * interval '1 microsecond', service, model, operation, status,
                   count, errors, skewed, decode(latency, 'hex'), decode(ttft, 'hex'), input_tokens, output_tokens, cost::numeric, unpriced
            FROM unnest(\(rows.map(\.key.projectID)), \(rows.map(\.key.minuteMicros)), \(rows.map(\.key.service)), \(rows.map(\.key.model)),
                        \(rows.map(\.key.operation)), \(rows.map(\.key.status)), \(rows.map(\.value.count)), \(rows.map(\.value.errors)),
                        \(rows.map(\.value.skewed)), \(rows.map { Hex.encode($0.value.latency.encoded()) }), \(rows.map { Hex.encode($0.value.ttft.encoded()) }),
                        \(rows.map(\.value.inputTokens)), \(rows.map(\.value.outputTokens)), \(rows.map { "\($0.value.cost)" }), \(rows.map(\.value.unpriced)))
                 AS r(project_id, minute_us, service, model, operation, status, count, errors, skewed, latency, ttft, input_tokens, output_tokens, cost, unpriced)
            ON CONFLICT (project_id, minute, service, model, operation, status) DO UPDATE SET
                count = excluded.count, errors = excluded.errors, skewed = excluded.skewed,
                latency_sketch = excluded.latency_sketch, ttft_sketch = excluded.ttft_sketch,
                input_tokens = excluded.input_tokens, output_tokens = excluded.output_tokens,
                cost_usd = excluded.cost_usd, unpriced = excluded.unpriced
            """, logger: logger)
    }

    private func record(_ unpriced: [UnpricedKey: (calls: Int64, first: Int64, last: Int64)], on transaction: PostgresConnection, logger: Logger) async throws {
        guard !unpriced.isEmpty else { return }
        let rows = Array(unpriced)
        try await transaction.query("""
            INSERT INTO unpriced_models (project_id, model, provider, calls, first_seen, last_seen)
            SELECT project_id, model, provider, calls,
                   'epoch'::timestamptz + first_us::float8 * interval '1 microsecond',
                   'epoch'::timestamptz + last_us::float8 * interval '1 microsecond'
            FROM unnest(\(rows.map(\.key.projectID)), \(rows.map(\.key.model)), \(rows.map(\.key.provider)),
                        \(rows.map(\.value.calls)), \(rows.map(\.value.first)), \(rows.map(\.value.last)))
                 AS u(project_id, model, provider, calls, first_us, last_us)
            ON CONFLICT (project_id, model, provider) DO UPDATE SET
                calls = unpriced_models.calls + excluded.calls,
                first_seen = least(unpriced_models.first_seen, excluded.first_seen),
                last_seen = greatest(unpriced_models.last_seen, excluded.last_seen)
            """, logger: logger)
    }
}
