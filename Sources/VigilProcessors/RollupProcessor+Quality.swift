internal import Foundation
internal import Logging
internal import PostgresNIO
internal import VigilCore
internal import VigilProjections

/// Output quality, folded by the rollup processor in the same transaction as the rollups:
/// evaluations from every source (API evaluations and evaluation log records are read with the
/// batch's spans, in `foldSpans`). Quality rows add up in SQL, tier by tier. (The built-in checks
/// on LLM output are counted in the rollup rows themselves: `CheckTotals`.)
extension RollupProcessor {
    /// Gives the API evaluations that name a span (by their position in `evaluations`) that
    /// span's service and model; either stays nil when the span or the field is missing.
    func attribute(_ attributed: [(index: Int, traceID: String, spanID: String)], of evaluations: inout [Evaluation], on connection: PostgresConnection, logger: Logger) async throws {
        guard !attributed.isEmpty else { return }
        let rows = try await connection.query("""
            SELECT k.i, s.body->>'service', coalesce(s.body->'genai'->>'response_model', s.body->'genai'->>'request_model')
            FROM unnest(\(attributed.map { evaluations[$0.index].projectID }), \(attributed.map { $0.traceID + $0.spanID }), \(attributed.map { Int64($0.index) }))
                 AS k(project_id, ids, i)
            JOIN events s ON s.project_id = k.project_id AND s.kind = 'span' AND s.dedup_key = decode(k.ids, 'hex')
            """, logger: logger)
        for try await (index, service, model) in rows.decode((Int64, String?, String?).self) {
            evaluations[Int(index)].service = service
            evaluations[Int(index)].model = model
        }
    }

    /// Adds the evaluations to every tier. One whose span is unknown, or lacks a service or a
    /// model (`needsTrace`), takes them from its trace's root service and first model, as stored now.
    func fold(_ evaluations: [Evaluation], into quality: inout QualityTiers, on transaction: PostgresConnection, logger: Logger) async throws {
        guard !evaluations.isEmpty else { return }
        let orphans = evaluations.filter(\.needsTrace)
        var traces: [TraceKey: (service: String?, model: String?)] = [:]
        if !orphans.isEmpty {
            let rows = try await transaction.query("""
                SELECT t.project_id, t.trace_id, t.root_service, t.models[1]
                FROM trace_summary t
                JOIN unnest(\(orphans.map(\.projectID)), \(orphans.map(\.traceID))) AS k(project_id, trace_id)
                  ON t.project_id = k.project_id AND t.trace_id = k.trace_id
                """, logger: logger)
            for try await (project, traceID, service, model) in rows.decode((Int64, String, String?, String?).self) {
                traces[TraceKey(projectID: project, traceID: traceID)] = (service, model)
            }
        }
        for evaluation in evaluations {
            let trace = traces[TraceKey(projectID: evaluation.projectID, traceID: evaluation.traceID)]
            let model = evaluation.model ?? trace?.model ?? ""
            let key = QualityKey(
                projectID: evaluation.projectID, bucketMicros: RollupTier.minute.bucket(of: evaluation.micros),
                service: evaluation.service ?? trace?.service ?? "", model: model.isEmpty ? "" : pricedName(model), name: evaluation.name
            )
            quality.add(key, score: evaluation.score)
        }
    }

    /// Per project, the last bucket of each tier that has quality rows (in `RollupTier.all`'s order).
    func qualityFloors(of projects: Set<Int64>, on transaction: PostgresConnection, logger: Logger) async throws -> [Int64: [Int64?]] {
        guard !projects.isEmpty else { return [:] }
        let lasts = RollupTier.all.map { tier in
            "(SELECT vigil_us(max(\(tier.column))) FROM \(tier.qualityTable) WHERE project_id = p)"
        }
        var floors: [Int64: [Int64?]] = [:]
        let rows = try await transaction.query(
            "SELECT p, \(unescaped: lasts.joined(separator: ", ")) FROM unnest(\(Array(projects))) AS p", logger: logger
        )
        for try await (project, minute, tenMinutes, hour, day) in rows.decode((Int64, Int64?, Int64?, Int64?, Int64?).self) {
            floors[project] = [minute, tenMinutes, hour, day]
        }
        return floors
    }

    /// The writes adding the batch's quality rows to every tier. Rows in buckets after each
    /// project's last stored one (`floors`) are new and copied in; the rest add to the stored rows in SQL.
    func writes(of quality: QualityTiers, floors: [Int64: [Int64?]]) -> [PreparedWrite] {
        var writes: [PreparedWrite] = []
        for (index, tier) in RollupTier.all.enumerated() {
            var fresh: [(key: QualityKey, value: QualityTotals)] = []
            var older: [(key: QualityKey, value: QualityTotals)] = []
            for row in quality.rows[tier] ?? [:] {
                let last = floors[row.key.projectID]?[index] ?? nil
                if let last, row.key.bucketMicros <= last { older.append(row) }
                else if !BatchRows.canWrite(micros: row.key.bucketMicros) { older.append(row) }
                else { fresh.append(row) }
            }
            writes += [copy(fresh, into: tier), add(older, into: tier)].compactMap { $0 }
        }
        return writes
    }

    /// Copies new quality rows into `tier`'s table, in key order.
    private func copy(_ rows: [(key: QualityKey, value: QualityTotals)], into tier: RollupTier) -> PreparedWrite? {
        let columns = ["project_id", tier.column, "service", "model", "name", "count", "scored", "score_sum"]
        let order = rows.positions(orderedBy: { (rows[$0].key.projectID, rows[$0].key.bucketMicros) })
        return .copy(rows, in: order, into: tier.qualityTable, columns: columns) { text, row in
            text.int(row.key.projectID)
            text.timestamp(micros: row.key.bucketMicros)
            text.text(row.key.service)
            text.text(row.key.model)
            text.text(row.key.name)
            text.int(row.value.count)
            text.int(row.value.scored)
            text.numeric(row.value.sum)
        }
    }

    /// Adds quality rows to `tier`'s stored rows, inserting those that are missing.
    private func add(_ rows: [(key: QualityKey, value: QualityTotals)], into tier: RollupTier) -> PreparedWrite? {
        guard !rows.isEmpty else { return nil }
        let rows = rows.positions(orderedBy: { (rows[$0].key.projectID, rows[$0].key.bucketMicros) }).map { rows[$0] }
        let table = tier.qualityTable
        return .query("""
            INSERT INTO \(unescaped: table) (project_id, \(unescaped: tier.column), service, model, name, count, scored, score_sum)
            SELECT project_id, vigil_ts(bucket_us), service, model, name, count, scored, score_sum::numeric
            FROM unnest(\(rows.map(\.key.projectID)), \(rows.map(\.key.bucketMicros)), \(rows.map(\.key.service)), \(rows.map(\.key.model)),
                        \(rows.map(\.key.name)), \(rows.map(\.value.count)), \(rows.map(\.value.scored)), \(rows.map(\.value.sum.numericText)))
                 AS u(project_id, bucket_us, service, model, name, count, scored, score_sum)
            ON CONFLICT (project_id, \(unescaped: tier.column), service, model, name) DO UPDATE SET
                count = \(unescaped: table).count + excluded.count,
                scored = \(unescaped: table).scored + excluded.scored,
                score_sum = \(unescaped: table).score_sum + excluded.score_sum
            """)
    }

    /// A numeric score as exact decimal; a true/false (or pass/fail) label as 1/0; nil otherwise.
    /// `Decimal` holds magnitudes from about 1e-128 to 1e165 and makes NaN of anything past them,
    /// which Postgres would store in `score_sum` and no reader could read back (the summary would
    /// answer 503 until a replay, which would store it again): so a score under 1e-30 counts as 0
    /// and one over 1e30 as no score, decided on the `Double` before any `Decimal` is made.
    static func score(_ text: String?, label: String?) -> Decimal? {
        if let text, let value = Double(text), value.isFinite {
            if value.magnitude < 1e-30 { return 0 }
            if value.magnitude > 1e30 { return nil }
            let exact = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) ?? Decimal(value)
            return exact.isNaN ? nil : exact
        }
        switch label?.lowercased() {
        case "true", "pass", "passed", "yes", "correct": return 1
        case "false", "fail", "failed", "no", "incorrect": return 0
        default: return nil
        }
    }
}

/// An evaluation from the log: its service and model are nil when its span did not say.
struct Evaluation: Sendable {
    var projectID: Int64
    var micros: Int64
    var service: String?
    var model: String?
    var traceID: String
    var name: String
    var score: Decimal?

    /// Whether its service or model must come from its trace's summary.
    var needsTrace: Bool { service == nil || model == nil }
}

/// Quality rows of every tier, summed from minute rows (the buckets nest).
struct QualityTiers: Sendable {
    var rows: [RollupTier: [QualityKey: QualityTotals]] = [:]

    init(minute: [QualityKey: QualityTotals]) {
        rows[.minute] = minute
        var finer = minute
        for tier in RollupTier.all.dropFirst() {
            var coarser: [QualityKey: QualityTotals] = [:]
            coarser.reserveCapacity(finer.count)
            for (key, totals) in finer {
                let bucketed = key.rebucketed(to: tier)
                if let index = coarser.index(forKey: bucketed) { coarser.values[index].merge(totals) } else { coarser[bucketed] = totals }
            }
            rows[tier] = coarser
            finer = coarser
        }
    }

    /// Adds one score, given its minute key, to every tier.
    mutating func add(_ key: QualityKey, score: Decimal?) {
        for tier in RollupTier.all {
            rows[tier, default: [:]][key.rebucketed(to: tier), default: QualityTotals()].add(score: score)
        }
    }
}

/// The key of one quality row: project × bucket × service × model × evaluation name.
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

    /// The same row in the bucket of `tier` that holds this one's.
    func rebucketed(to tier: RollupTier) -> QualityKey {
        var key = self
        key.bucketMicros = tier.bucket(of: bucketMicros)
        return key
    }
}

extension QualityTotals {
    /// Adds one evaluation, scored or not.
    mutating func add(score: Decimal?) {
        count += 1
        if let score {
            scored += 1
            sum += score
        }
    }
}
