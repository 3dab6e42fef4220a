internal import Foundation
internal import Logging
internal import NIOCore
internal import PostgresNIO
internal import VigilCore
internal import VigilStats
internal import VigilProjections

/// Writing rollup rows of one tier: a batch's totals merge into the stored rows (sketches are
/// merged here, not in SQL), which come from the cache when it has them, so a batch reads back
/// only rows it cannot otherwise know.
extension RollupProcessor {
    /// Merges `totals` into `tier`'s stored rows; returns the rows to write and the floors
    /// learned (for the cache), and the writes that store them.
    func merge(_ totals: [RollupKey: RollupTotals], into tier: RollupTier, batch: ProcessorBatch, on transaction: PostgresConnection, logger: Logger) async throws -> (RollupCache.Written, [PreparedWrite]) {
        let cached = cache.snapshot(of: tier, after: batch.after, resets: batch.resets)
        var floors = cached.floors
        let unknown = Set(totals.keys.map(\.projectID)).filter { floors[$0] == nil }
        if !unknown.isEmpty {
            // Nothing is stored at or after the bucket that follows a project's last one.
            let projects = Array(unknown)
            let rows = try await transaction.query("""
                SELECT p, (SELECT vigil_us(max(\(unescaped: tier.column))) FROM \(unescaped: tier.table) WHERE project_id = p)
                FROM unnest(\(projects)) AS p
                """, logger: logger)
            for try await (project, last) in rows.decode((Int64, Int64?).self) {
                floors[project] = last.map { $0 + tier.bucketMicros } ?? .min
            }
        }
        // Keys stored before (in the cache, or found by the lookup) are upserted with their
        // merged totals; the rest are new rows, copied in. Should the floors ever be wrong, the
        // copy fails on the primary key instead of overwriting a stored row with the batch's totals alone.
        var fresh: [(key: RollupKey, value: RollupTotals)] = []
        var known: [(key: RollupKey, value: RollupTotals)] = []
        // The rows' buckets, for the cache, read here off the keys in hand.
        var freshBuckets: [Int64] = []
        var knownBuckets: [Int64] = []
        var lookup: [RollupKey] = []
        fresh.reserveCapacity(totals.count)
        freshBuckets.reserveCapacity(totals.count)
        func add(_ key: RollupKey, _ row: RollupTotals, stored: RollupTotals?) {
            if let stored {
                var merged = row
                merged.merge(stored)
                known.append((key, merged))
                knownBuckets.append(key.bucketMicros)
            } else if BatchRows.canWrite(micros: key.bucketMicros) {
                fresh.append((key, row))
                freshBuckets.append(key.bucketMicros)
            } else {
                known.append((key, row))
                knownBuckets.append(key.bucketMicros)
            }
        }
        for (key, row) in totals {
            if let stored = cached.rows[key] {
                add(key, row, stored: stored)
            } else if key.bucketMicros < floors[key.projectID] ?? .max {
                lookup.append(key)
            } else {
                add(key, row, stored: nil)
            }
        }
        if !lookup.isEmpty {
            let found = Dictionary(try await storedRows(lookup, of: tier, on: transaction, logger: logger)) { first, _ in first }
            for key in lookup {
                if let row = totals[key] { add(key, row, stored: found[key]) }
            }
        }
        let writes = [copy(fresh, into: tier), upsert(known, into: tier)].compactMap { $0 }
        // Once encoded, the new rows are this function's alone: the stored ones join them in place, for the cache.
        fresh.append(contentsOf: known)
        return (RollupCache.Written(rows: fresh, buckets: freshBuckets + knownBuckets, floors: floors), writes)
    }

    private func storedRows(_ keys: [RollupKey], of tier: RollupTier, on transaction: PostgresConnection, logger: Logger) async throws -> [(RollupKey, RollupTotals)] {
        let rows = try await transaction.query("""
            SELECT r.project_id, k.bucket_us, r.service, r.model, r.operation, r.status, r.kind,
                   r.count, r.errors, r.skewed, r.latency_sketch, r.ttft_sketch, r.input_tokens, r.output_tokens, r.cost_usd::text, r.unpriced,
                   \(unescaped: Self.checkColumns.map { "r." + $0 }.joined(separator: ", ")),
                   r.reported_calls, r.reported_cost_usd::text, r.reported_vigil_cost_usd::text
            FROM \(unescaped: tier.table) r
            JOIN unnest(\(keys.map(\.projectID)), \(keys.map(\.bucketMicros)), \(keys.map(\.service)), \(keys.map(\.model)), \(keys.map(\.operation)), \(keys.map(\.status)),
                        \(keys.map(\.kind)))
                 AS k(project_id, bucket_us, service, model, operation, status, kind)
              ON r.project_id = k.project_id AND r.\(unescaped: tier.column) = vigil_ts(k.bucket_us)
             AND r.service = k.service AND r.model = k.model AND r.operation = k.operation AND r.status = k.status AND r.kind = k.kind
            """, logger: logger)
        var stored: [(RollupKey, RollupTotals)] = []
        for try await row in rows {
            let cells = row.makeRandomAccess()
            let key = RollupKey(
                projectID: try cells[0].decode(Int64.self), bucketMicros: try cells[1].decode(Int64.self), service: try cells[2].decode(String.self),
                model: try cells[3].decode(String.self), operation: try cells[4].decode(String.self), status: try cells[5].decode(String.self),
                kind: try cells[6].decode(String.self)
            )
            let reportedAt = 16 + Self.checkColumns.count
            guard let latency = QuantileSketch(encoded: Array(buffer: try cells[10].decode(ByteBuffer.self))),
                  let ttft = QuantileSketch(encoded: Array(buffer: try cells[11].decode(ByteBuffer.self))),
                  let cost = Decimal(string: try cells[14].decode(String.self), locale: Locale(identifier: "en_US_POSIX")),
                  let app = Decimal(string: try cells[reportedAt + 1].decode(String.self), locale: Locale(identifier: "en_US_POSIX")),
                  let vigil = Decimal(string: try cells[reportedAt + 2].decode(String.self), locale: Locale(identifier: "en_US_POSIX"))
            else {
                throw VigilError(.unavailable, "a stored \(tier.table) row of \(key.service)/\(key.model) is unreadable; run vigil replay rollup")
            }
            let checks = try CheckTotals(decoding: cells, from: 16)
            stored.append((key, RollupTotals(
                count: try cells[7].decode(Int64.self), errors: try cells[8].decode(Int64.self), skewed: try cells[9].decode(Int64.self),
                latency: latency, ttft: ttft, inputTokens: try cells[12].decode(Int64.self), outputTokens: try cells[13].decode(Int64.self),
                cost: cost, unpriced: try cells[15].decode(Int64.self), checks: checks,
                reported: ReportedCost(calls: try cells[reportedAt].decode(Int64.self), app: app, vigil: vigil)
            )))
        }
        return stored
    }

    /// Copies new rows into `tier`'s table, in key order.
    private func copy(_ rows: [(key: RollupKey, value: RollupTotals)], into tier: RollupTier) -> PreparedWrite? {
        let columns = ["project_id", tier.column, "service", "model", "operation", "status", "kind", "count", "errors", "skewed",
                       "latency_sketch", "ttft_sketch", "input_tokens", "output_tokens", "cost_usd", "unpriced"] + Self.checkColumns + ReportedCost.columns
        let order = rows.positions(orderedBy: { (rows[$0].key.projectID, rows[$0].key.bucketMicros) })
        return .copy(rows, in: order, into: tier.table, columns: columns) { text, row in
            text.int(row.key.projectID)
            text.timestamp(micros: row.key.bucketMicros)
            text.text(row.key.service)
            text.text(row.key.model)
            text.text(row.key.operation)
            text.text(row.key.status)
            text.text(row.key.kind)
            text.int(row.value.count)
            text.int(row.value.errors)
            text.int(row.value.skewed)
            text.bytea { row.value.latency.encode(appendingTo: &$0) }
            text.bytea { row.value.ttft.encode(appendingTo: &$0) }
            text.int(row.value.inputTokens)
            text.int(row.value.outputTokens)
            text.numeric(row.value.cost)
            text.int(row.value.unpriced)
            text.int(row.value.checks.outputs)
            text.int(row.value.checks.empty)
            text.int(row.value.checks.refusal)
            text.int(row.value.checks.truncated)
            text.int(row.value.checks.jsonChecked)
            text.int(row.value.checks.invalidJSON)
            text.int(row.value.reported.calls)
            text.numeric(row.value.reported.app)
            text.numeric(row.value.reported.vigil)
        }
    }

    /// Upserts rows into `tier`: stored ones are replaced by their merged totals.
    private func upsert(_ merged: [(key: RollupKey, value: RollupTotals)], into tier: RollupTier) -> PreparedWrite? {
        guard !merged.isEmpty else { return nil }
        let rows = merged.inKeyOrder()
        let checks = (Self.checkColumns + ReportedCost.columns).joined(separator: ", ")
        return .query("""
            INSERT INTO \(unescaped: tier.table) (project_id, \(unescaped: tier.column), service, model, operation, status, kind, count, errors, skewed,
                                       latency_sketch, ttft_sketch, input_tokens, output_tokens, cost_usd, unpriced, \(unescaped: checks))
            SELECT project_id, vigil_ts(bucket_us), service, model, operation, status, kind,
                   count, errors, skewed, latency, ttft, input_tokens, output_tokens, cost::numeric, unpriced,
                   \(unescaped: Self.checkColumns.joined(separator: ", ")), reported_calls, reported_cost_usd::numeric, reported_vigil_cost_usd::numeric
            FROM unnest(\(rows.map(\.key.projectID)), \(rows.map(\.key.bucketMicros)), \(rows.map(\.key.service)), \(rows.map(\.key.model)),
                        \(rows.map(\.key.operation)), \(rows.map(\.key.status)), \(rows.map(\.key.kind)), \(rows.map(\.value.count)), \(rows.map(\.value.errors)),
                        \(rows.map(\.value.skewed)), \(rows.map { ByteBuffer(bytes: $0.value.latency.encoded()) }), \(rows.map { ByteBuffer(bytes: $0.value.ttft.encoded()) }),
                        \(rows.map(\.value.inputTokens)), \(rows.map(\.value.outputTokens)), \(rows.map(\.value.cost.numericText)), \(rows.map(\.value.unpriced)),
                        \(rows.map(\.value.checks.outputs)), \(rows.map(\.value.checks.empty)), \(rows.map(\.value.checks.refusal)),
                        \(rows.map(\.value.checks.truncated)), \(rows.map(\.value.checks.jsonChecked)), \(rows.map(\.value.checks.invalidJSON)),
                        \(rows.map(\.value.reported.calls)), \(rows.map(\.value.reported.app.numericText)), \(rows.map(\.value.reported.vigil.numericText)))
                 AS r(project_id, bucket_us, service, model, operation, status, kind, count, errors, skewed, latency, ttft, input_tokens, output_tokens, cost, unpriced,
                      \(unescaped: checks))
            ON CONFLICT (project_id, \(unescaped: tier.column), service, model, operation, status, kind) DO UPDATE SET
                count = excluded.count, errors = excluded.errors, skewed = excluded.skewed,
                latency_sketch = excluded.latency_sketch, ttft_sketch = excluded.ttft_sketch,
                input_tokens = excluded.input_tokens, output_tokens = excluded.output_tokens,
                cost_usd = excluded.cost_usd, unpriced = excluded.unpriced,
                \(unescaped: (Self.checkColumns + ReportedCost.columns).map { "\($0) = excluded.\($0)" }.joined(separator: ", "))
            """)
    }

    /// The rollup tables' check columns, in the order of `CheckTotals`' fields.
    static let checkColumns = CheckTotals.columns
}
