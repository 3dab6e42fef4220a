internal import Foundation
internal import Logging
internal import PostgresNIO
internal import VigilCore
internal import VigilStats
internal import VigilProjections

/// Reading a batch's spans: one query returns every field the rollups, the trace summaries, the
/// unpriced list and the quality checks need, and the batch's evaluations and evaluation log
/// records, so the batch is scanned once.
extension RollupProcessor {
    func foldSpans(after: Int64, through: Int64, into fold: inout BatchFold, on connection: PostgresConnection, logger: Logger) async throws {
        // The inner query takes the body's `genai` and `attributes` objects apart once per span
        // (OFFSET 0 keeps Postgres from folding it into the outer one), which halves the cost of
        // the many lookups below. Each key looked up costs Postgres about 0.15 µs a span, so
        // what most spans lack (an evaluation, JSON output on a span that is no LLM call) is
        // looked up once or not at all. An evaluation travels as a JSON array [name, score, label].
        let rows = try await connection.query("""
            SELECT project_id, vigil_us(occurred_at),
                   coalesce(b->>'service', ''),
                   coalesce(g->>'response_model', g->>'request_model', ''),
                   coalesce(g->>'provider', ''),
                   coalesce(g->>'operation', ''),
                   coalesce(b->'status'->>'code', 'unset'),
                   coalesce((b->>'duration_ns')::bigint, 0),
                   (g->>'input_tokens')::bigint,
                   (g->>'output_tokens')::bigint,
                   (g->>'cached_input_tokens')::bigint,
                   coalesce(a->>'gen_ai.server.time_to_first_token', a->>'gen_ai.response.time_to_first_chunk', a->>'llm.time_to_first_token'),
                   coalesce(b->>'trace_id', ''), b->>'parent_span_id', coalesce(b->>'name', ''),
                   CASE WHEN kind = 'evaluation' THEN jsonb_build_array(b->>'name', b->>'score', b->>'label')::text
                        WHEN a ? 'gen_ai.evaluation.name' THEN
                            jsonb_build_array(a->>'gen_ai.evaluation.name', a->>'gen_ai.evaluation.score.value', a->>'gen_ai.evaluation.score.label')::text
                   END,
                   CASE WHEN jsonb_typeof(b->'events') = 'array' THEN
                       (SELECT jsonb_agg(jsonb_build_array(ev->'attributes'->>'gen_ai.evaluation.name',
                                                           ev->'attributes'->>'gen_ai.evaluation.score.value',
                                                           ev->'attributes'->>'gen_ai.evaluation.score.label'))::text
                        FROM jsonb_array_elements(b->'events') AS ev WHERE ev->>'name' = 'gen_ai.evaluation.result')
                   END,
                   CASE WHEN g IS NOT NULL THEN
                       coalesce(a->>'gen_ai.output.messages', a->>'gen_ai.completion', a->>'llm.output_messages.0.message.content', a->>'output.value')
                   END,
                   CASE WHEN g IS NOT NULL THEN
                       CASE WHEN jsonb_typeof(g->'finish_reasons') = 'array'
                            THEN ARRAY(SELECT jsonb_array_elements_text(g->'finish_reasons')) ELSE '{}'::text[] END
                   END,
                   CASE WHEN g IS NOT NULL THEN
                       coalesce(a->>'gen_ai.output.type', '') = 'json'
                         OR coalesce(a->>'gen_ai.openai.request.response_format', '') IN ('json_object', 'json_schema')
                   ELSE false END,
                   kind, CASE WHEN kind = 'evaluation' THEN b->>'span_id' END,
                   (g->>'cache_creation_input_tokens')::bigint, (g->>'reasoning_output_tokens')::bigint,
                   g->>'reported_cost_usd'
            FROM (SELECT project_id, occurred_at, kind, body AS b, body->'genai' AS g, body->'attributes' AS a
                  FROM events
                  WHERE seq > \(after) AND seq <= \(through)
                    AND (kind IN ('span', 'evaluation') OR (kind = 'log_record' AND body->>'event_name' = 'gen_ai.evaluation.result'))
                  OFFSET 0) AS e
            """, logger: logger)
        // Per raw model name: the name it is counted under and its prices, looked up once per batch.
        var models: [String: (name: String, prices: [PriceTable.Price])] = [:]
        fold.rollups.reserveCapacity(Int(through - after))
        fold.traces.reserveCapacity(Int(through - after) / 2)
        var attributed: [(index: Int, traceID: String, spanID: String)] = []
        for try await row in rows {
            let cells = row.makeRandomAccess()
            let project = try cells[0].decode(Int64.self)
            let micros = try cells[1].decode(Int64.self)
            let service = try cells[2].decode(String.self)
            let kind = try cells[20].decode(String.self)
            if kind != "span" {
                // An evaluation sent to the API (its span's service and model are looked up
                // below), or a `gen_ai.evaluation.result` log record (the service it names, no model).
                guard let (name, score) = Self.evaluation(try cells[15].decode(String?.self)) else { continue }
                let traceID = try cells[12].decode(String.self)
                let isAPI = kind == "evaluation"
                if isAPI, let spanID = try cells[21].decode(String?.self) {
                    attributed.append((fold.evaluations.count, traceID, spanID))
                }
                fold.evaluations.append(Evaluation(
                    projectID: project, micros: micros, service: isAPI ? nil : service, model: isAPI ? nil : "", traceID: traceID,
                    name: name, score: score
                ))
                continue
            }
            let rawModel = try cells[3].decode(String.self)
            let status = try cells[6].decode(String.self)
            let durationNanos = try cells[7].decode(Int64.self)
            let input = try cells[8].decode(Int64?.self)
            let output = try cells[9].decode(Int64?.self)
            let traceID = try cells[12].decode(String.self)

            let model: String
            let history: [PriceTable.Price]
            if let known = models[rawModel] {
                (model, history) = known
            } else {
                // An alias or a variant a price's pattern takes is counted under the priced name.
                model = rawModel.isEmpty ? "" : pricedName(rawModel)
                history = model.isEmpty ? [] : prices.history(ofNormalised: model)
                models[rawModel] = (model, history)
            }
            let isError = status == "error"
            let operation = try cells[5].decode(String.self)
            let key = RollupKey(
                projectID: project, bucketMicros: RollupTier.minute.bucket(of: micros), service: service, model: model,
                operation: operation, status: isError ? "error" : "ok",
                kind: SpanKind.of(operation: operation, hasModel: !rawModel.isEmpty).rawValue
            )
            var ttftMillis: Double?
            if let ttftText = try cells[11].decode(String?.self), let seconds = Double(ttftText), seconds >= 0 { ttftMillis = seconds * 1000 }
            // nil: not an LLM call with tokens; .some(nil): one whose model has no price. The
            // cost the app sent (LiteLLM's `gen_ai.usage.cost`, OpenInference's `llm.cost.total`)
            // stands in for a missing price; Vigil's own price wins where there is one.
            var cost: Decimal??
            // The app's cost beside Vigil's, when the call carries both.
            var comparison: (app: Decimal, vigil: Decimal)?
            if !model.isEmpty, input != nil || output != nil {
                let usage = TokenUsage(
                    input: input ?? 0, output: output ?? 0, cacheRead: try cells[10].decode(Int64?.self) ?? 0,
                    cacheWrite: try cells[22].decode(Int64?.self) ?? 0, reasoning: try cells[23].decode(Int64?.self) ?? 0
                )
                let reported = try cells[24].decode(String?.self).flatMap(Self.reportedCost)
                let priced = PriceTable.price(in: history, atMicros: micros).map { PriceTable.cost(at: $0, usage: usage) }
                cost = .some(priced ?? reported)
                if let priced, let reported {
                    comparison = (reported, priced)
                } else if priced == nil, reported == nil {
                    let unpricedKey = UnpricedKey(projectID: project, model: model, provider: try cells[4].decode(String.self))
                    fold.unpriced[unpricedKey, default: UnpricedSeen(micros: micros)].add(micros: micros)
                }
            }
            var findings: OutputChecks.Findings?
            if let reasons = try cells[18].decode([String]?.self) {
                findings = OutputChecks.check(output: try cells[17].decode(String?.self), finishReasons: reasons, jsonRequested: try cells[19].decode(Bool.self))
            }
            // Mutated in place: a copy of the totals would copy their sketches' buckets.
            fold.rollups[key, default: RollupTotals()].add(
                isError: isError, durationNanos: durationNanos, ttftMillis: ttftMillis, input: input, output: output, cost: cost, findings: findings,
                reported: comparison
            )
            if !traceID.isEmpty {
                fold.traces[TraceKey(projectID: project, traceID: traceID), default: TraceTotals()].add(
                    span: try cells[14].decode(String.self), isRoot: try cells[13].decode(String?.self) == nil, service: service, model: model,
                    micros: micros, durationNanos: durationNanos, isError: isError, input: input, output: output, cost: cost
                )
            }

            let qualityKey = QualityKey(projectID: project, bucketMicros: key.bucketMicros, service: service, model: model, name: "")
            if let (name, score) = Self.evaluation(try cells[15].decode(String?.self)) {
                fold.quality[qualityKey.named(name), default: QualityTotals()].add(score: score)
            }
            if let eventsJSON = try cells[16].decode(String?.self),
               let events = try? JSONSerialization.jsonObject(with: Data(eventsJSON.utf8)) as? [[Any]] {
                for case let (name, score)? in events.map(Self.evaluation(fields:)) {
                    fold.quality[qualityKey.named(name), default: QualityTotals()].add(score: score)
                }
            }
        }
        try await attribute(attributed, of: &fold.evaluations, on: connection, logger: logger)
    }

    /// The name a model's calls are counted under: its normal form, or the model the price
    /// table prices it as.
    func pricedName(_ model: String) -> String {
        let normal = ModelName.normalise(model)
        return prices.pricedName(ofNormalised: normal) ?? normal
    }

    /// The cost an app reported, as written in the event (a plain decimal number), or nil when it
    /// is not one or is negative.
    static func reportedCost(_ text: String) -> Decimal? {
        guard let value = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")), value >= 0, !value.isNaN else { return nil }
        return value
    }

    /// An evaluation sent as the JSON array [name, score, label] (texts or nulls): its name and
    /// score, or nil when there is none or it has no name.
    static func evaluation(_ json: String?) -> (name: String, score: Decimal?)? {
        guard let json, let fields = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [Any] else { return nil }
        return evaluation(fields: fields)
    }

    /// An evaluation's [name, score, label], parsed: its name and score, or nil without a name.
    static func evaluation(fields: [Any]) -> (name: String, score: Decimal?)? {
        guard fields.count == 3, let name = fields[0] as? String, !name.isEmpty else { return nil }
        return (name, score(fields[1] as? String, label: fields[2] as? String))
    }
}
