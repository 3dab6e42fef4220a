internal import Foundation
internal import Logging
internal import PostgresNIO
internal import VigilCore

/// Output quality, folded by the rollup processor in the same transaction as the rollups:
/// evaluations from every source, and the built-in checks on LLM spans that carry output (those
/// come with the batch's spans, in `foldSpans`). Quality rows add up in SQL, tier by tier.
extension RollupProcessor {
    /// Evaluations sent to the API (attributed to their span, or their trace's root) and
    /// `gen_ai.evaluation.result` log records.
    func foldEvaluations(of batch: ProcessorBatch, into quality: inout [QualityKey: QualityTotals], on transaction: PostgresConnection, logger: Logger) async throws {
        let evaluations = try await transaction.query("""
            SELECT e.project_id, (extract(epoch FROM e.occurred_at) * 1000000)::bigint,
                   coalesce(s.body->>'service', t.root_service, ''),
                   coalesce(s.body->'genai'->>'response_model', s.body->'genai'->>'request_model', t.models[1], ''),
                   e.body->>'name', e.body->>'score', e.body->>'label'
            FROM events e
            LEFT JOIN events s ON s.project_id = e.project_id AND s.kind = 'span'
                 AND s.dedup_key = decode(e.body->>'trace_id' || coalesce(e.body->>'span_id', ''), 'hex')
                 AND e.body->>'span_id' IS NOT NULL
            LEFT JOIN trace_summary t ON t.project_id = e.project_id AND t.trace_id = e.body->>'trace_id'
            WHERE e.kind = 'evaluation' AND e.seq > \(batch.after) AND e.seq <= \(batch.through)
            UNION ALL
            SELECT project_id, (extract(epoch FROM occurred_at) * 1000000)::bigint, coalesce(body->>'service', ''), '',
                   body->'attributes'->>'gen_ai.evaluation.name',
                   body->'attributes'->>'gen_ai.evaluation.score.value', body->'attributes'->>'gen_ai.evaluation.score.label'
            FROM events
            WHERE kind = 'log_record' AND seq > \(batch.after) AND seq <= \(batch.through) AND body->>'event_name' = 'gen_ai.evaluation.result'
            """, logger: logger)
        for try await (project, micros, service, model, name, scoreText, label) in evaluations.decode((Int64, Int64, String, String, String?, String?, String?).self) {
            guard let name, !name.isEmpty else { continue }
            let key = QualityKey(
                projectID: project, bucketMicros: RollupTier.minute.bucket(of: micros), service: service,
                model: model.isEmpty ? "" : ModelName.normalise(model), name: name
            )
            quality[key, default: QualityTotals()].add(score: Self.score(scoreText, label: label))
        }
    }

    /// Adds the batch's minute quality rows to every tier, in one statement: Postgres sums them
    /// into hours and days itself, since quality adds up without sketches.
    func record(_ quality: [QualityKey: QualityTotals], on transaction: PostgresConnection, logger: Logger) async throws {
        guard !quality.isEmpty else { return }
        let rows = Array(quality)
        var sql = PostgresQuery.StringInterpolation(literalCapacity: 2048, interpolationCount: 8)
        sql.appendLiteral("WITH q AS (SELECT 'epoch'::timestamptz + minute_us::float8 * interval '1 microsecond' AS minute, * FROM unnest(")
        sql.appendInterpolation(rows.map(\.key.projectID))
        sql.appendLiteral(", ")
        sql.appendInterpolation(rows.map(\.key.bucketMicros))
        sql.appendLiteral(", ")
        sql.appendInterpolation(rows.map(\.key.service))
        sql.appendLiteral(", ")
        sql.appendInterpolation(rows.map(\.key.model))
        sql.appendLiteral(", ")
        sql.appendInterpolation(rows.map(\.key.name))
        sql.appendLiteral(", ")
        sql.appendInterpolation(rows.map(\.value.count))
        sql.appendLiteral(", ")
        sql.appendInterpolation(rows.map(\.value.scored))
        sql.appendLiteral(", ")
        sql.appendInterpolation(rows.map { "\($0.value.sum)" })
        sql.appendLiteral(") AS u(project_id, minute_us, service, model, name, count, scored, score_sum))")
        for (index, tier) in RollupTier.all.enumerated() {
            let table = tier.qualityTable
            let bucket = tier == .minute ? "minute" : "'epoch'::timestamptz + ((minute_us / \(tier.bucketMicros)) * \(tier.bucketMicros))::float8 * interval '1 microsecond'"
            sql.appendLiteral(index == RollupTier.all.count - 1 ? " " : ", w\(index) AS (")
            sql.appendLiteral("""
                INSERT INTO \(table) (project_id, \(tier.column), service, model, name, count, scored, score_sum)
                SELECT project_id, \(bucket), service, model, name, sum(count), sum(scored), sum(score_sum::numeric)
                FROM q GROUP BY 1, 2, 3, 4, 5
                ON CONFLICT (project_id, \(tier.column), service, model, name) DO UPDATE SET
                    count = \(table).count + excluded.count,
                    scored = \(table).scored + excluded.scored,
                    score_sum = \(table).score_sum + excluded.score_sum
                """)
            if index < RollupTier.all.count - 1 { sql.appendLiteral(")") }
        }
        try await transaction.query(PostgresQuery(stringInterpolation: sql), logger: logger)
    }

    /// A numeric score as exact decimal; a true/false (or pass/fail) label as 1/0; nil otherwise.
    static func score(_ text: String?, label: String?) -> Decimal? {
        if let text, let value = Double(text), value.isFinite {
            return Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) ?? Decimal(value)
        }
        switch label?.lowercased() {
        case "true", "pass", "passed", "yes", "correct": return 1
        case "false", "fail", "failed", "no", "incorrect": return 0
        default: return nil
        }
    }
}

/// The key of one quality row: project × bucket × service × model × evaluation or check name.
struct QualityKey: Hashable {
    var projectID: Int64
    var bucketMicros: Int64
    var service: String
    var model: String
    var name: String

    /// The same key for another name.
    func named(_ name: String) -> QualityKey {
        var key = self
        key.name = name
        return key
    }
}

/// One quality row's totals: how many, how many had a score, their exact sum.
struct QualityTotals {
    var count: Int64 = 0
    var scored: Int64 = 0
    var sum = Decimal(0)

    mutating func add(score: Decimal?) {
        count += 1
        if let score {
            scored += 1
            sum += score
        }
    }

    mutating func merge(_ other: QualityTotals) {
        count += other.count
        scored += other.scored
        sum += other.sum
    }
}
