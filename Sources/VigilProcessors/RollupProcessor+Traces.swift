internal import Foundation
internal import Logging
internal import PostgresNIO

/// Per-trace summaries and the list of models seen without a price: both add up in SQL, so a
/// batch upserts its own totals; summaries of traces the ledger knows to be new are copied in.
extension RollupProcessor {
    /// Whether `trace_summary` is empty (asked at sequence zero, inside the batch's transaction).
    func traceTableIsEmpty(on transaction: PostgresConnection, logger: Logger) async throws -> Bool {
        for try await empty in try await transaction.query("SELECT NOT EXISTS (SELECT 1 FROM trace_summary)", logger: logger).decode(Bool.self) {
            return empty
        }
        return false
    }

    /// The writes of the batch's trace summaries: those not in `known` (the hashes of the stored
    /// traces, when known) are copied in, the rest upserted.
    func writes(of traces: [TraceKey: TraceTotals], hashes: [TraceKey: Int], known: Set<Int>?) -> [PreparedWrite] {
        guard let known else { return [upsert(Array(traces))].compactMap { $0 } }
        var fresh: [(key: TraceKey, value: TraceTotals)] = []
        var stored: [(key: TraceKey, value: TraceTotals)] = []
        fresh.reserveCapacity(traces.count)
        for row in traces {
            let writable = BatchRows.canWrite(micros: row.value.startMicros) && BatchRows.canWrite(micros: row.value.endMicros)
            if writable, let hash = hashes[row.key], !known.contains(hash) { fresh.append(row) } else { stored.append(row) }
        }
        return [copy(fresh), upsert(stored)].compactMap { $0 }
    }

    private func copy(_ rows: [(key: TraceKey, value: TraceTotals)]) -> PreparedWrite? {
        let columns = ["project_id", "trace_id", "start_time", "end_time", "root_name", "root_service", "span_count", "llm_calls",
                       "error_count", "input_tokens", "output_tokens", "cost_usd", "unpriced", "models", "services"]
        return .copy(rows, into: "trace_summary", columns: columns) { text, row in
            let (key, trace) = row
            text.int(key.projectID)
            text.text(key.traceID)
            text.timestamp(micros: trace.startMicros)
            text.timestamp(micros: trace.endMicros)
            if let name = trace.rootName { text.text(name) } else { text.null() }
            if let service = trace.rootService { text.text(service) } else { text.null() }
            text.int(trace.spans)
            text.int(trace.llmCalls)
            text.int(trace.errors)
            text.int(trace.inputTokens)
            text.int(trace.outputTokens)
            text.numeric(trace.cost)
            text.int(trace.unpriced)
            text.textArray(Self.arrayElements(trace.models))
            text.textArray(Self.arrayElements(trace.services))
        }
    }

    /// A set's elements as the upsert stores them: sorted, and none for a set of one empty text
    /// (`string_to_array` of an empty text is an empty array).
    private static func arrayElements(_ set: Set<String>) -> [String] {
        set == [""] ? [] : set.sorted()
    }

    private func upsert(_ rows: [(key: TraceKey, value: TraceTotals)]) -> PreparedWrite? {
        guard !rows.isEmpty else { return nil }
        // Arrays of optional text do not bind, so an absent root is sent as U+0001 and made NULL
        // again in SQL; model and service sets travel as U+001F-separated text.
        return .query("""
            INSERT INTO trace_summary (project_id, trace_id, start_time, end_time, root_name, root_service, span_count, llm_calls,
                                       error_count, input_tokens, output_tokens, cost_usd, unpriced, models, services)
            SELECT project_id, trace_id,
                   vigil_ts(start_us),
                   vigil_ts(end_us),
                   nullif(root_name, E'\\x01'), nullif(root_service, E'\\x01'), span_count, llm_calls, error_count, input_tokens, output_tokens,
                   cost::numeric, unpriced, string_to_array(models, E'\\x1f'), string_to_array(services, E'\\x1f')
            FROM unnest(\(rows.map(\.key.projectID)), \(rows.map(\.key.traceID)), \(rows.map(\.value.startMicros)), \(rows.map(\.value.endMicros)),
                        \(rows.map { $0.value.rootName ?? "\u{01}" }), \(rows.map { $0.value.rootService ?? "\u{01}" }), \(rows.map(\.value.spans)),
                        \(rows.map(\.value.llmCalls)), \(rows.map(\.value.errors)), \(rows.map(\.value.inputTokens)), \(rows.map(\.value.outputTokens)),
                        \(rows.map(\.value.cost.numericText)), \(rows.map(\.value.unpriced)),
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
            """)
    }

    func write(of unpriced: [UnpricedKey: UnpricedSeen]) -> PreparedWrite? {
        guard !unpriced.isEmpty else { return nil }
        let rows = Array(unpriced)
        return .query("""
            INSERT INTO unpriced_models (project_id, model, provider, calls, first_seen, last_seen)
            SELECT project_id, model, provider, calls,
                   vigil_ts(first_us),
                   vigil_ts(last_us)
            FROM unnest(\(rows.map(\.key.projectID)), \(rows.map(\.key.model)), \(rows.map(\.key.provider)),
                        \(rows.map(\.value.calls)), \(rows.map(\.value.firstMicros)), \(rows.map(\.value.lastMicros)))
                 AS u(project_id, model, provider, calls, first_us, last_us)
            ON CONFLICT (project_id, model, provider) DO UPDATE SET
                calls = unpriced_models.calls + excluded.calls,
                first_seen = least(unpriced_models.first_seen, excluded.first_seen),
                last_seen = greatest(unpriced_models.last_seen, excluded.last_seen)
            """)
    }
}

struct TraceKey: Hashable {
    var projectID: Int64
    var traceID: String
}

/// One trace's totals in a batch.
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

    mutating func add(span name: String, isRoot: Bool, service: String, model: String, micros: Int64, durationNanos: Int64, isError: Bool, input: Int64?, output: Int64?, cost: Decimal??) {
        spans += 1
        startMicros = min(startMicros, micros)
        endMicros = max(endMicros, micros + max(durationNanos, 0) / 1000)
        if isRoot {
            rootName = name
            rootService = service
        }
        if isError { errors += 1 }
        services.insert(service)
        inputTokens += input ?? 0
        outputTokens += output ?? 0
        if !model.isEmpty {
            llmCalls += 1
            models.insert(model)
        }
        switch cost {
        case .some(.some(let dollars)): self.cost += dollars
        case .some(.none): unpriced += 1
        case .none: break
        }
    }
}

struct UnpricedKey: Hashable {
    var projectID: Int64
    var model: String
    var provider: String
}

/// Calls of an unpriced model in a batch, and the first and last of them.
struct UnpricedSeen {
    var calls: Int64 = 0
    var firstMicros: Int64
    var lastMicros: Int64

    init(micros: Int64) {
        firstMicros = micros
        lastMicros = micros
    }

    mutating func add(micros: Int64) {
        calls += 1
        firstMicros = min(firstMicros, micros)
        lastMicros = max(lastMicros, micros)
    }
}
