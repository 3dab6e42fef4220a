internal import Foundation
public import Logging
internal import NIOCore
public import PostgresNIO
internal import VigilCore
internal import VigilProjections

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
        /// A pinned baseline (from and to, µs, and last N; or a trailing window in seconds) instead of a sample.
        var baseline: (from: Int64?, to: Int64?, lastN: Int64?, trailing: Int64?)?
    }

    /// Reads the range's samples. Postgres takes the fields apart (typed columns, one pass over
    /// each body); only the rare spans with embedding vectors come back as JSON to parse.
    public func read(after: Int64, through: Int64, on connection: PostgresConnection, logger: Logger) async throws -> [Sample] {
        var samples: [Sample] = []
        let rows = try await connection.query("""
            SELECT project_id, seq, vigil_us(occurred_at), kind,
                   CASE kind WHEN 'span' THEN coalesce(b->>'service', '') ELSE coalesce(b->>'feature', b->>'name', '') END,
                   CASE kind WHEN 'embedding' THEN b->>'vector' END,
                   CASE kind WHEN 'evaluation' THEN (b->>'score')::float8 END,
                   g IS NOT NULL,
                   (g->>'input_tokens')::float8, (g->>'output_tokens')::float8,
                   CASE kind WHEN 'span' THEN (b->>'duration_ns')::float8 END,
                   char_length(coalesce(a->>'gen_ai.input.messages', a->>'gen_ai.prompt', a->>'llm.input_messages.0.message.content', a->>'input.value')),
                   coalesce(a->>'embedding.model_name', ''),
                   CASE WHEN a ? 'embedding.embeddings.0.embedding.vector' THEN
                       (SELECT jsonb_agg(value ORDER BY (split_part(key, '.', 3))::int) FROM jsonb_each(a)
                        WHERE key ~ '^embedding\\.embeddings\\.[0-9]+\\.embedding\\.vector$')::text
                   END,
                   CASE kind WHEN 'drift_baseline_pinned' THEN (b->>'from_us')::bigint END,
                   CASE kind WHEN 'drift_baseline_pinned' THEN (b->>'to_us')::bigint END,
                   CASE kind WHEN 'drift_baseline_pinned' THEN (b->>'last_n')::bigint END,
                   CASE kind WHEN 'drift_baseline_pinned' THEN (b->>'trailing_seconds')::bigint END
            FROM (SELECT project_id, seq, occurred_at, kind, body AS b, body->'genai' AS g, body->'attributes' AS a
                  FROM events
                  WHERE seq > \(after) AND seq <= \(through) AND kind IN ('embedding', 'evaluation', 'span', 'drift_baseline_pinned')
                  OFFSET 0) AS e
            """, logger: logger)
        for try await row in rows {
            let cells = row.makeRandomAccess()
            let project = try cells[0].decode(Int64.self)
            let seq = try cells[1].decode(Int64.self)
            let micros = try cells[2].decode(Int64.self)
            let name = try cells[4].decode(String.self)
            func add(_ feature: String, value: Double? = nil, vector: [UInt8]? = nil, ordinal: Int32 = 0) {
                samples.append(Sample(projectID: project, feature: feature, micros: micros, seq: seq, ordinal: ordinal, value: value, vector: vector))
            }
            switch try cells[3].decode(String.self) {
            case "embedding":
                if let text = try cells[5].decode(String?.self), let bytes = Data(base64Encoded: text), !bytes.isEmpty {
                    add(name, vector: Array(bytes))
                }
            case "evaluation":
                if let score = try cells[6].decode(Double?.self), score.isFinite { add("score:\(name)", value: score) }
            case "drift_baseline_pinned":
                let from = try cells[14].decode(Int64?.self), to = try cells[15].decode(Int64?.self), trailing = try cells[17].decode(Int64?.self)
                if (from != nil && to != nil) || trailing != nil {
                    samples.append(Sample(projectID: project, feature: name, micros: micros, seq: seq, ordinal: 0,
                                          baseline: (from, to, try cells[16].decode(Int64?.self), trailing)))
                }
            default:
                if try cells[7].decode(Bool.self) {
                    if let input = try cells[8].decode(Double?.self) { add("input_tokens", value: input) }
                    if let output = try cells[9].decode(Double?.self) { add("output_tokens", value: output) }
                    if let nanos = try cells[10].decode(Double?.self), nanos >= 0 { add("latency_ms", value: nanos / 1_000_000) }
                    if let characters = try cells[11].decode(Int?.self) { add("prompt_chars", value: Double(characters)) }
                }
                if let json = try cells[13].decode(String?.self),
                   let vectors = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [Any] {
                    let model = try cells[12].decode(String.self)
                    let feature = "embedding:" + (model.isEmpty ? name : model)
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
                INSERT INTO drift_baselines (project_id, feature, from_time, to_time, last_n, trailing_seconds, pinned_at)
                VALUES (\(sample.projectID), \(sample.feature),
                        vigil_ts(\(baseline.from)),
                        vigil_ts(\(baseline.to)),
                        \(baseline.lastN.map { Int($0) }), \(baseline.trailing.map { Int($0) }),
                        vigil_ts(\(sample.micros)))
                ON CONFLICT (project_id, feature) DO UPDATE SET
                    from_time = excluded.from_time, to_time = excluded.to_time, last_n = excluded.last_n,
                    trailing_seconds = excluded.trailing_seconds, pinned_at = excluded.pinned_at
                """, logger: logger)
        }
        let scalars = input.filter { $0.value != nil }
        if !scalars.isEmpty {
            try await transaction.query("""
                INSERT INTO drift_samples (project_id, feature, occurred_at, seq, ordinal, value)
                SELECT project_id, feature, vigil_ts(us), seq, ordinal, value
                FROM unnest(\(scalars.map(\.projectID)), \(scalars.map(\.feature)), \(scalars.map(\.micros)), \(scalars.map(\.seq)),
                            \(scalars.map(\.ordinal)), \(scalars.map { $0.value ?? 0 })) AS s(project_id, feature, us, seq, ordinal, value)
                ON CONFLICT DO NOTHING
                """, logger: logger)
        }
        let vectors = input.filter { $0.vector != nil }
        if !vectors.isEmpty {
            try await transaction.query("""
                INSERT INTO drift_samples (project_id, feature, occurred_at, seq, ordinal, vector)
                SELECT project_id, feature, vigil_ts(us), seq, ordinal, vector
                FROM unnest(\(vectors.map(\.projectID)), \(vectors.map(\.feature)), \(vectors.map(\.micros)), \(vectors.map(\.seq)),
                            \(vectors.map(\.ordinal)), \(vectors.map { ByteBuffer(bytes: $0.vector ?? []) })) AS s(project_id, feature, us, seq, ordinal, vector)
                ON CONFLICT DO NOTHING
                """, logger: logger)
        }
    }
}
