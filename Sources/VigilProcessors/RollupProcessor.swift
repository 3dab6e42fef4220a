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
    /// `rollup_minute` and `unpriced_models`.
    public let projectionTables = ["rollup_minute", "unpriced_models"]

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

    struct UnpricedKey: Hashable {
        var projectID: Int64
        var model: String
        var provider: String
    }

    /// Folds the spans of the range into the rollups.
    public func apply(after: Int64, through: Int64, on transaction: PostgresConnection, logger: Logger) async throws {
        var totals: [Key: Totals] = [:]
        var unpriced: [UnpricedKey: (calls: Int64, first: Int64, last: Int64)] = [:]
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
                            body->'attributes'->>'llm.time_to_first_token')
            FROM events
            WHERE kind = 'span' AND seq > \(after) AND seq <= \(through)
            """, logger: logger)
        for try await (project, micros, service, rawModel, provider, operation, status, durationNanos, input, output, cached, ttftText) in rows.decode(
            (Int64, Int64, String, String, String, String, String, Int64, Int64?, Int64?, Int64?, String?).self
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
            if !model.isEmpty, input != nil || output != nil {
                if let cost = prices.cost(model: model, atMicros: micros, inputTokens: input ?? 0, outputTokens: output ?? 0, cachedInputTokens: cached ?? 0) {
                    entry.cost += cost
                } else {
                    entry.unpriced += 1
                    let unpricedKey = UnpricedKey(projectID: project, model: model, provider: provider)
                    let seen = unpriced[unpricedKey]
                    unpriced[unpricedKey] = ((seen?.calls ?? 0) + 1, min(seen?.first ?? micros, micros), max(seen?.last ?? micros, micros))
                }
            }
            totals[key] = entry
        }
        guard !totals.isEmpty else { return }
        try await merge(totals, on: transaction, logger: logger)
        try await record(unpriced, on: transaction, logger: logger)
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
