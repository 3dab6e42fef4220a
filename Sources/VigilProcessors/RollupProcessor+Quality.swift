internal import Foundation
internal import Logging
internal import PostgresNIO
internal import VigilCore

/// Output quality, folded by the rollup processor in the same transaction as the rollups:
/// evaluations from every source, and the built-in checks on LLM spans that carry output.
extension RollupProcessor {
    struct QualityKey: Hashable {
        var projectID: Int64
        var minuteMicros: Int64
        var service: String
        var model: String
        var name: String
    }

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
    }

    func foldQuality(after: Int64, through: Int64, on transaction: PostgresConnection, logger: Logger) async throws {
        var totals: [QualityKey: QualityTotals] = [:]
        func add(_ project: Int64, _ micros: Int64, _ service: String, _ model: String, _ name: String, _ score: Decimal?) {
            let key = QualityKey(projectID: project, minuteMicros: micros.floorDivided(by: 60_000_000) * 60_000_000, service: service, model: model.isEmpty ? "" : ModelName.normalise(model), name: name)
            totals[key, default: QualityTotals()].add(score: score)
        }

        // Evaluations: the API's (attributed to their span, or their trace's root), gen_ai.evaluation.*
        // attributes on spans, gen_ai.evaluation.result span events and log records.
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
            WHERE e.kind = 'evaluation' AND e.seq > \(after) AND e.seq <= \(through)
            UNION ALL
            SELECT project_id, (extract(epoch FROM occurred_at) * 1000000)::bigint, coalesce(body->>'service', ''),
                   coalesce(body->'genai'->>'response_model', body->'genai'->>'request_model', ''),
                   body->'attributes'->>'gen_ai.evaluation.name',
                   body->'attributes'->>'gen_ai.evaluation.score.value', body->'attributes'->>'gen_ai.evaluation.score.label'
            FROM events
            WHERE kind = 'span' AND seq > \(after) AND seq <= \(through) AND body->'attributes' ? 'gen_ai.evaluation.name'
            UNION ALL
            SELECT project_id, (extract(epoch FROM occurred_at) * 1000000)::bigint, coalesce(body->>'service', ''),
                   coalesce(body->'genai'->>'response_model', body->'genai'->>'request_model', ''),
                   ev->'attributes'->>'gen_ai.evaluation.name',
                   ev->'attributes'->>'gen_ai.evaluation.score.value', ev->'attributes'->>'gen_ai.evaluation.score.label'
            FROM events, jsonb_array_elements(coalesce(body->'events', '[]'::jsonb)) AS ev
            WHERE kind = 'span' AND seq > \(after) AND seq <= \(through) AND ev->>'name' = 'gen_ai.evaluation.result'
            UNION ALL
            SELECT project_id, (extract(epoch FROM occurred_at) * 1000000)::bigint, coalesce(body->>'service', ''), '',
                   body->'attributes'->>'gen_ai.evaluation.name',
                   body->'attributes'->>'gen_ai.evaluation.score.value', body->'attributes'->>'gen_ai.evaluation.score.label'
            FROM events
            WHERE kind = 'log_record' AND seq > \(after) AND seq <= \(through) AND body->>'event_name' = 'gen_ai.evaluation.result'
            """, logger: logger)
        for try await (project, micros, service, model, name, scoreText, label) in evaluations.decode((Int64, Int64, String, String, String?, String?, String?).self) {
            guard let name, !name.isEmpty else { continue }
            add(project, micros, service, model, name, Self.score(scoreText, label: label))
        }

        // Built-in checks on LLM spans that carry output.
        let outputs = try await transaction.query("""
            SELECT project_id, (extract(epoch FROM occurred_at) * 1000000)::bigint, coalesce(body->>'service', ''),
                   coalesce(body->'genai'->>'response_model', body->'genai'->>'request_model', ''),
                   coalesce(body->'attributes'->>'gen_ai.output.messages', body->'attributes'->>'gen_ai.completion',
                            body->'attributes'->>'llm.output_messages.0.message.content', body->'attributes'->>'output.value'),
                   coalesce(body->'genai'->'finish_reasons', '[]'::jsonb)::text,
                   coalesce(body->'attributes'->>'gen_ai.output.type', '') = 'json'
                     OR coalesce(body->'attributes'->>'gen_ai.openai.request.response_format', '') IN ('json_object', 'json_schema')
            FROM events
            WHERE kind = 'span' AND seq > \(after) AND seq <= \(through) AND body ? 'genai'
            """, logger: logger)
        for try await (project, micros, service, model, output, reasonsJSON, jsonRequested) in outputs.decode((Int64, Int64, String, String, String?, String, Bool).self) {
            let reasons = (try? JSONSerialization.jsonObject(with: Data(reasonsJSON.utf8)) as? [String]) ?? []
            for (name, score) in OutputChecks.scores(output: output, finishReasons: reasons, jsonRequested: jsonRequested) {
                add(project, micros, service, model, name, Decimal(score))
            }
        }
        guard !totals.isEmpty else { return }
        let rows = Array(totals)
        try await transaction.query("""
            INSERT INTO quality_minute (project_id, minute, service, model, name, count, scored, score_sum)
            SELECT project_id, 'epoch'::timestamptz + minute_us::float8 * interval '1 microsecond', service, model, name, count, scored, score_sum::numeric
            FROM unnest(\(rows.map(\.key.projectID)), \(rows.map(\.key.minuteMicros)), \(rows.map(\.key.service)), \(rows.map(\.key.model)),
                        \(rows.map(\.key.name)), \(rows.map(\.value.count)), \(rows.map(\.value.scored)), \(rows.map { "\($0.value.sum)" }))
                 AS q(project_id, minute_us, service, model, name, count, scored, score_sum)
            ON CONFLICT (project_id, minute, service, model, name) DO UPDATE SET
                count = quality_minute.count + excluded.count,
                scored = quality_minute.scored + excluded.scored,
                score_sum = quality_minute.score_sum + excluded.score_sum
            """, logger: logger)
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
