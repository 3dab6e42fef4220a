internal import Foundation
public import Logging
internal import NIOCore
public import PostgresNIO
internal import VigilCore

/// The `samples` processor: keeps `drift_samples`, what drift is computed over. From the log it
/// takes embedding vectors (sent to the embeddings API, or OpenInference embedding spans'
/// `embedding.embeddings.N.embedding.vector`), and scalar features of LLM spans — `input_tokens`,
/// `output_tokens`, `latency_ms`, `prompt_chars` — and of evaluations, `score:<name>`.
public struct SamplesProcessor: Processor {
    /// `samples`.
    public let name = "samples"
    /// `drift_samples` and `drift_baselines`.
    public let projectionTables = ["drift_samples", "drift_baselines"]

    /// Makes the processor.
    public init() {}

    /// One sample to write.
    public struct Sample: Sendable {
        var projectID: Int64
        var feature: String
        var micros: Int64
        var seq: Int64
        var ordinal: Int32
        var value: Double?
        var vector: [UInt8]?
        /// A pinned baseline (from and to, µs; last N) instead of a sample.
        var baseline: (from: Int64, to: Int64, lastN: Int64?)?
    }

    /// Reads the range's samples.
    public func read(after: Int64, through: Int64, on connection: PostgresConnection, logger: Logger) async throws -> [Sample] {
        var samples: [Sample] = []
        let rows = try await connection.query("""
            SELECT project_id, seq, (extract(epoch FROM occurred_at) * 1000000)::bigint, kind,
                   CASE kind
                     WHEN 'embedding' THEN jsonb_build_array(body->>'feature', body->>'vector')
                     WHEN 'evaluation' THEN jsonb_build_array(body->>'name', body->>'score')
                     WHEN 'drift_baseline_pinned' THEN jsonb_build_array(body->>'feature', body->'from_us', body->'to_us', body->'last_n')
                     ELSE jsonb_build_array(
                            coalesce(body->>'service', ''),
                            body ? 'genai',
                            body->'genai'->'input_tokens', body->'genai'->'output_tokens', body->'duration_ns',
                            coalesce(body->'attributes'->>'gen_ai.input.messages', body->'attributes'->>'gen_ai.prompt',
                                     body->'attributes'->>'llm.input_messages.0.message.content', body->'attributes'->>'input.value'),
                            coalesce(body->'attributes'->>'embedding.model_name', ''),
                            CASE WHEN body->'attributes' ? 'embedding.embeddings.0.embedding.vector' THEN
                                (SELECT jsonb_agg(value ORDER BY (split_part(key, '.', 3))::int) FROM jsonb_each(body->'attributes')
                                 WHERE key ~ '^embedding\\.embeddings\\.[0-9]+\\.embedding\\.vector$')
                            END)
                   END::text
            FROM events
            WHERE seq > \(after) AND seq <= \(through) AND kind IN ('embedding', 'evaluation', 'span', 'drift_baseline_pinned')
            """, logger: logger)
        for try await (project, seq, micros, kind, json) in rows.decode((Int64, Int64, Int64, String, String).self) {
            guard let fields = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [Any] else { continue }
            func add(_ feature: String, value: Double? = nil, vector: [UInt8]? = nil, ordinal: Int32 = 0) {
                samples.append(Sample(projectID: project, feature: feature, micros: micros, seq: seq, ordinal: ordinal, value: value, vector: vector))
            }
            switch kind {
            case "embedding":
                if let feature = fields.first as? String, let text = fields.last as? String, let bytes = Data(base64Encoded: text), !bytes.isEmpty {
                    add(feature, vector: Array(bytes))
                }
            case "drift_baseline_pinned":
                if fields.count == 4, let feature = fields[0] as? String, let from = (fields[1] as? NSNumber)?.int64Value, let to = (fields[2] as? NSNumber)?.int64Value {
                    samples.append(Sample(projectID: project, feature: feature, micros: micros, seq: seq, ordinal: 0,
                                          baseline: (from, to, (fields[3] as? NSNumber)?.int64Value)))
                }
            case "evaluation":
                if let name = fields.first as? String, let text = fields.last as? String, let score = Double(text), score.isFinite {
                    add("score:\(name)", value: score)
                }
            default:
                guard fields.count == 8 else { continue }
                if (fields[1] as? Bool) == true {
                    if let input = (fields[2] as? NSNumber)?.doubleValue { add("input_tokens", value: input) }
                    if let output = (fields[3] as? NSNumber)?.doubleValue { add("output_tokens", value: output) }
                    if let nanos = (fields[4] as? NSNumber)?.doubleValue, nanos >= 0 { add("latency_ms", value: nanos / 1_000_000) }
                    if let prompt = fields[5] as? String { add("prompt_chars", value: Double(prompt.count)) }
                }
                if let vectors = fields[7] as? [Any] {
                    let model = fields[6] as? String ?? ""
                    let feature = "embedding:" + (model.isEmpty ? (fields[0] as? String ?? "") : model)
                    for (ordinal, vector) in vectors.enumerated() {
                        guard let numbers = vector as? [Any], !numbers.isEmpty else { continue }
                        let floats = numbers.compactMap { ($0 as? NSNumber)?.floatValue }
                        guard floats.count == numbers.count, floats.allSatisfy(\.isFinite) else { continue }
                        add(feature, vector: EmbeddingVector.bytes(floats), ordinal: Int32(ordinal))
                    }
                }
            }
        }
        return samples
    }

    /// Writes the samples (a replayed range overwrites the same rows).
    public func apply(_ batch: ProcessorBatch, input: [Sample], on transaction: PostgresConnection, logger: Logger) async throws {
        for sample in input {
            guard let baseline = sample.baseline else { continue }
            try await transaction.query("""
                INSERT INTO drift_baselines (project_id, feature, from_time, to_time, last_n, pinned_at)
                VALUES (\(sample.projectID), \(sample.feature),
                        'epoch'::timestamptz + \(baseline.from)::float8 * interval '1 microsecond',
                        'epoch'::timestamptz + \(baseline.to)::float8 * interval '1 microsecond',
                        \(baseline.lastN.map { Int($0) }), 'epoch'::timestamptz + \(sample.micros)::float8 * interval '1 microsecond')
                ON CONFLICT (project_id, feature) DO UPDATE SET
                    from_time = excluded.from_time, to_time = excluded.to_time, last_n = excluded.last_n, pinned_at = excluded.pinned_at
                """, logger: logger)
        }
        let scalars = input.filter { $0.value != nil }
        if !scalars.isEmpty {
            try await transaction.query("""
                INSERT INTO drift_samples (project_id, feature, occurred_at, seq, ordinal, value)
                SELECT project_id, feature, 'epoch'::timestamptz + us::float8 * interval '1 microsecond', seq, ordinal, value
                FROM unnest(\(scalars.map(\.projectID)), \(scalars.map(\.feature)), \(scalars.map(\.micros)), \(scalars.map(\.seq)),
                            \(scalars.map(\.ordinal)), \(scalars.map { $0.value ?? 0 })) AS s(project_id, feature, us, seq, ordinal, value)
                ON CONFLICT DO NOTHING
                """, logger: logger)
        }
        let vectors = input.filter { $0.vector != nil }
        if !vectors.isEmpty {
            try await transaction.query("""
                INSERT INTO drift_samples (project_id, feature, occurred_at, seq, ordinal, vector)
                SELECT project_id, feature, 'epoch'::timestamptz + us::float8 * interval '1 microsecond', seq, ordinal, vector
                FROM unnest(\(vectors.map(\.projectID)), \(vectors.map(\.feature)), \(vectors.map(\.micros)), \(vectors.map(\.seq)),
                            \(vectors.map(\.ordinal)), \(vectors.map { ByteBuffer(bytes: $0.vector ?? []) })) AS s(project_id, feature, us, seq, ordinal, vector)
                ON CONFLICT DO NOTHING
                """, logger: logger)
        }
    }
}

/// Embedding vectors as stored: float32, little-endian.
public enum EmbeddingVector {
    /// The stored bytes of `values`.
    public static func bytes(_ values: [Float]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(values.count * 4)
        for value in values {
            withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
        }
        return bytes
    }

    /// The values of stored bytes, appended to `values`; false when the length is not a multiple of 4.
    public static func append(_ bytes: UnsafeRawBufferPointer, to values: inout [Float]) -> Bool {
        guard bytes.count % 4 == 0 else { return false }
        values.reserveCapacity(values.count + bytes.count / 4)
        var offset = 0
        while offset < bytes.count {
            let bits = UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
            values.append(Float(bitPattern: bits))
            offset += 4
        }
        return true
    }
}
