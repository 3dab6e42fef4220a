internal import Dispatch
internal import Foundation
public import Logging
internal import NIOCore
internal import PostgresNIO
internal import VigilCore
internal import VigilProjections
public import VigilEventLog
public import VigilStats

/// Drift over the stored samples: embedding features' dimensions, reports computed on demand
/// (the reference fitted from its window, the current window binned as its rows stream in, so
/// its memory does not grow with its size), pinned baselines and the stored reports.
public struct DriftStore: Sendable {
    /// A time range of samples, [`fromMicros`, `toMicros`).
    public struct Window: Sendable, Equatable {
        /// Start, inclusive.
        public var fromMicros: Int64
        /// End, exclusive.
        public var toMicros: Int64

        /// A window.
        public init(fromMicros: Int64, toMicros: Int64) {
            self.fromMicros = fromMicros
            self.toMicros = toMicros
        }
    }

    /// A stored report's headline.
    public struct StoredReport: Sendable {
        /// Its id.
        public var id: Int64
        /// The feature.
        public var feature: String
        /// RFC 3339 times.
        public var computedAt: String
        /// The reference window, RFC 3339.
        public var reference: (String, String)
        /// The current window, RFC 3339.
        public var current: (String, String)
        /// Mean and max PSI, and the verdict.
        public var psiMean: Double
        /// Max PSI over components.
        public var psiMax: Double
        /// Whether the feature drifted.
        public var drifted: Bool
        /// The whole report, JSON.
        public var reportJSON: String
    }

    /// At most this many reference samples are read (the most recent ones of the window).
    public static let referenceLimit = 200_000

    private let executor: any QueryExecutor
    private let logger: Logger

    /// Makes a store over `executor`.
    public init(executor: any QueryExecutor, logger: Logger) {
        self.executor = executor
        self.logger = logger
    }

    /// Records `feature`'s dimension on its first vectors; returns the dimension in force.
    public func register(projectID: Int64, feature: String, dimension: Int, model: String) async throws -> Int {
        for try await known in try await executor.execute("""
            WITH inserted AS (
                INSERT INTO embedding_features (project_id, feature, dimension, model) VALUES (\(projectID), \(feature), \(dimension), \(model))
                ON CONFLICT DO NOTHING RETURNING dimension)
            SELECT dimension FROM inserted UNION ALL SELECT dimension FROM embedding_features WHERE project_id = \(projectID) AND feature = \(feature)
            """, logger: logger).decode(Int.self) {
            return known
        }
        return dimension
    }

    /// The report of `feature` for `current` against `reference`.
    /// The reference's vectors are kept within `maxValues` values (vectors × dimension): past it, a
    /// seeded uniform sample of them is fitted and the report says so (`sampled`, how many were kept
    /// of how many). The fitting and the report's permutation test run on a Dispatch queue, off
    /// Swift's cooperative pool, so that they cannot hold up request handling.
    public func compute(projectID: Int64, feature: String, reference: Window, current: Window, options: DriftOptions = .default,
                        maxValues: Int = ReferenceSample.defaultMaxValues) async throws -> DriftReport {
        var sample: ReferenceSample?
        var scratch: [Float] = []
        var scalars: [Double] = []
        var dimension = 0
        let rows = try await executor.execute("""
            SELECT value, vector FROM (
                SELECT value, vector, occurred_at, seq, ordinal FROM drift_samples
                WHERE project_id = \(projectID) AND feature = \(feature)
                  AND occurred_at >= vigil_ts(\(reference.fromMicros))
                  AND occurred_at < vigil_ts(\(reference.toMicros))
                ORDER BY occurred_at DESC, seq DESC, ordinal DESC LIMIT \(Self.referenceLimit)) AS r
            ORDER BY occurred_at, seq, ordinal
            """, logger: logger)
        for try await (value, vector) in rows.decode((Double?, ByteBuffer?).self) {
            if let vector {
                scratch.removeAll(keepingCapacity: true)
                let ok = vector.withUnsafeReadableBytes { EmbeddingVector.append($0, to: &scratch) }
                let length = vector.readableBytes / 4
                guard ok, length > 0, dimension == 0 || dimension == length else {
                    throw VigilError(.invalidInput, "feature \(feature) holds vectors of different dimensions")
                }
                dimension = length
                if sample == nil { sample = ReferenceSample(maxValues: maxValues, dimension: length, seed: options.seed) }
                sample?.offer(scratch)
            } else if let value {
                scalars.append(value)
            }
        }
        guard sample != nil || !scalars.isEmpty else {
            throw VigilError(.invalidInput, "feature \(feature) has no samples in the reference window")
        }
        do {
            let vectors = sample?.rows ?? []
            let fittingScalars = scalars
            let fittingDimension = dimension
            let fitted = try await Self.offPool {
                vectors.isEmpty
                    ? try DriftReference(scalars: fittingScalars, options: options)
                    : try DriftReference(embeddings: vectors, dimension: fittingDimension, options: options)
            }
            scalars = []
            var window = DriftWindow(reference: fitted)
            let currentRows = try await executor.execute("""
                SELECT value, vector FROM drift_samples
                WHERE project_id = \(projectID) AND feature = \(feature)
                  AND occurred_at >= vigil_ts(\(current.fromMicros))
                  AND occurred_at < vigil_ts(\(current.toMicros))
                ORDER BY occurred_at, seq, ordinal
                """, logger: logger)
            var chunk: [Float] = []
            for try await (value, vector) in currentRows.decode((Double?, ByteBuffer?).self) {
                if let vector {
                    guard fitted.dimension == vector.readableBytes / 4, vector.withUnsafeReadableBytes({ EmbeddingVector.append($0, to: &chunk) }) else {
                        throw VigilError(.invalidInput, "feature \(feature): a current vector's dimension differs from the reference's \(fitted.dimension)")
                    }
                    if chunk.count >= 1024 * fitted.dimension {
                        try window.add(contentsOf: chunk)
                        chunk.removeAll(keepingCapacity: true)
                    }
                } else if let value, fitted.isScalar {
                    try window.add(value)
                }
            }
            if !chunk.isEmpty { try window.add(contentsOf: chunk) }
            let finished = window
            var report = try await Self.offPool { try finished.report() }
            if let sample, sample.isSampled {
                report.sampled = true
                report.referenceKept = sample.count
                report.referenceTotal = sample.seen
            }
            return report
        } catch let error as DriftError {
            throw VigilError(.invalidInput, "feature \(feature): \(error.message)")
        }
    }

    /// Runs `work` on a Dispatch queue and waits for it without blocking a thread of the
    /// cooperative pool.
    static func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(with: Result { try work() })
            }
        }
    }

    /// The window of the last `count` samples of `feature` before `beforeMicros`; nil when there are none.
    public func lastSamples(projectID: Int64, feature: String, count: Int, beforeMicros: Int64) async throws -> Window? {
        for try await (first, last) in try await executor.execute("""
            SELECT vigil_us(min(occurred_at)), vigil_us(max(occurred_at))
            FROM (SELECT occurred_at FROM drift_samples WHERE project_id = \(projectID) AND feature = \(feature)
                    AND occurred_at < vigil_ts(\(beforeMicros))
                  ORDER BY occurred_at DESC LIMIT \(count)) AS s
            """, logger: logger).decode((Int64?, Int64?).self) {
            guard let first, let last else { return nil }
            return Window(fromMicros: first, toMicros: last + 1)
        }
        return nil
    }

    /// A feature's pinned reference.
    public enum Baseline: Sendable, Equatable {
        /// A fixed window of samples.
        case window(Window)
        /// The window of this many seconds before each report's current window.
        case trailing(seconds: Int64)
    }

    /// The pinned baseline of `feature`, if any.
    public func baseline(projectID: Int64, feature: String) async throws -> Baseline? {
        for try await (from, to, trailing) in try await executor.execute("""
            SELECT vigil_us(from_time), vigil_us(to_time), trailing_seconds
            FROM drift_baselines WHERE project_id = \(projectID) AND feature = \(feature)
            """, logger: logger).decode((Int64?, Int64?, Int64?).self) {
            if let trailing { return .trailing(seconds: trailing) }
            guard let from, let to else { return nil }
            return .window(Window(fromMicros: from, toMicros: to))
        }
        return nil
    }

    /// The features of `projectID` that have samples since `sinceMicros`.
    public func features(projectID: Int64, sinceMicros: Int64) async throws -> [String] {
        var features: [String] = []
        for try await feature in try await executor.execute("""
            SELECT DISTINCT feature FROM drift_samples
            WHERE project_id = \(projectID) AND occurred_at >= vigil_ts(\(sinceMicros))
            ORDER BY feature
            """, logger: logger).decode(String.self) {
            features.append(feature)
        }
        return features
    }

    /// Stored reports of `projectID` (of one feature when given) computed in [`fromMicros`, `toMicros`), newest first.
    public func reports(projectID: Int64, feature: String?, fromMicros: Int64, toMicros: Int64, limit: Int) async throws -> [StoredReport] {
        try await stored(executor.execute("""
            SELECT \(unescaped: Self.columns) FROM drift_reports
            WHERE project_id = \(projectID) AND (\(feature)::text IS NULL OR feature = \(feature)::text)
              AND computed_at >= vigil_ts(\(fromMicros))
              AND computed_at < vigil_ts(\(toMicros))
            ORDER BY computed_at DESC, id DESC LIMIT \(limit)
            """, logger: logger))
    }

    /// One stored report, nil when `projectID` has none with `id`.
    public func report(projectID: Int64, id: Int64) async throws -> StoredReport? {
        try await stored(executor.execute("""
            SELECT \(unescaped: Self.columns) FROM drift_reports WHERE project_id = \(projectID) AND id = \(id)
            """, logger: logger)).first
    }

    /// The latest report of each feature of `projectID` computed since `sinceMicros`.
    public func latestReports(projectID: Int64, sinceMicros: Int64) async throws -> [StoredReport] {
        try await stored(executor.execute("""
            SELECT DISTINCT ON (feature) \(unescaped: Self.columns) FROM drift_reports
            WHERE project_id = \(projectID) AND computed_at >= vigil_ts(\(sinceMicros))
            ORDER BY feature, computed_at DESC, id DESC
            """, logger: logger))
    }

    private static let columns = """
        id, feature, \(rfc3339("computed_at")), \(rfc3339("reference_from")), \(rfc3339("reference_to")),
        \(rfc3339("current_from")), \(rfc3339("current_to")), psi_mean, psi_max, drifted, report::text
        """

    private static func rfc3339(_ column: String) -> String {
        "to_char(\(column) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
    }

    private func stored(_ rows: PostgresRowSequence) async throws -> [StoredReport] {
        var reports: [StoredReport] = []
        for try await row in rows.decode((Int64, String, String, String, String, String, String, Double, Double, Bool, String).self) {
            reports.append(StoredReport(id: row.0, feature: row.1, computedAt: row.2, reference: (row.3, row.4), current: (row.5, row.6),
                                        psiMean: row.7, psiMax: row.8, drifted: row.9, reportJSON: row.10))
        }
        return reports
    }
}
