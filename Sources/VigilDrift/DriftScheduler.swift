internal import Foundation
public import Logging
public import PostgresNIO
public import ServiceLifecycle
internal import VigilCore
public import VigilEventLog
public import VigilQueries
internal import VigilProjections
internal import VigilStats

/// Every interval, a drift report per project × feature with samples in the current window:
/// against the pinned baseline (a fixed window, or a trailing window of the feature's own length),
/// or else the configured trailing reference window before it. Each report is a `drift_report`
/// event, projected into `drift_reports` in the same transaction (the `drift_reports` processor
/// owns the table, and rebuilds it on replay); a window with too
/// few samples is skipped. One scheduler runs across processes (a lease, like the alert evaluator).
public struct DriftScheduler: Service {
    /// The windows and the interval.
    public struct Configuration: Sendable {
        /// `VIGIL_DRIFT_INTERVAL` (seconds): time between reports, default 300.
        public var interval: Duration = .seconds(300)
        /// `VIGIL_DRIFT_WINDOW` (seconds): the current window, default 3600.
        public var currentWindow: Duration = .seconds(3600)
        /// `VIGIL_DRIFT_REFERENCE` (seconds): the trailing reference window before the current one
        /// when no baseline is pinned, default 7 days.
        public var referenceWindow: Duration = .seconds(7 * 86_400)
        /// `VIGIL_DRIFT_MAX_VALUES`: the most values (vectors × dimension) a reference window
        /// holds; past it a seeded sample of its vectors is fitted. Default 20,000,000.
        public var maxValues: Int = 20_000_000

        /// The defaults.
        public init() {}
    }

    private let database: Database
    private let configuration: Configuration

    /// The reference windows' memory budget in values (`Configuration.maxValues`).
    public var maxValues: Int { configuration.maxValues }
    private let clock: any Clock<Duration>
    private let logger: Logger

    /// Makes the scheduler.
    public init(database: Database, configuration: Configuration, clock: any Clock<Duration> = ContinuousClock(), logger: Logger) {
        self.database = database
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
    }

    /// Takes the lease, then reports every interval until shutdown.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await Lease(key: AdvisoryLock.driftScheduler, holder: "drift scheduler")
                .run(database: database, backoff: .seconds(5), clock: clock, logger: logger) { connection in
                    while !Task.isCancelled {
                        try await reportAll(nowMicros: EventTime.nowMicros(), on: connection)
                        try? await clock.sleep(for: configuration.interval)
                    }
                }
        }
    }

    /// One report per project × feature for the window ending at `nowMicros`; returns how many were written.
    @discardableResult
    public func reportAll(nowMicros: Int64, on connection: PostgresConnection) async throws -> Int {
        let store = DriftStore(executor: connection, logger: logger)
        let since = nowMicros - configuration.currentWindow.micros
        var projects: [Int64] = []
        for try await project in try await connection.query("SELECT project_id FROM projects WHERE project_id <> \(InstanceProject.id)", logger: logger).decode(Int64.self) {
            projects.append(project)
        }
        var written = 0
        for project in projects {
            for feature in try await store.features(projectID: project, sinceMicros: since) {
                let baseline = try await store.baseline(projectID: project, feature: feature)
                do {
                    try await report(projectID: project, feature: feature, baseline: baseline, nowMicros: nowMicros, on: connection)
                } catch let error as VigilError where error.code == .invalidInput {
                    logger.debug("no drift report", metadata: ["vigil.feature": "\(feature)", "vigil.reason": "\(error.message)"])
                    continue
                }
                written += 1
            }
        }
        return written
    }

    /// A report of `feature` now against its pinned baseline, stored like a scheduled one (on a
    /// connection of its own); returns the stored report's id. What `POST /api/v1/drift/reports` does.
    /// - Throws: `VigilError` `.invalidInput` when the feature has no pinned baseline or a window
    ///   has too few samples.
    public func reportNow(projectID: Int64, feature: String) async throws -> Int64 {
        try await database.withConnection { connection in
            let store = DriftStore(executor: connection, logger: logger)
            guard let baseline = try await store.baseline(projectID: projectID, feature: feature) else {
                throw VigilError(.invalidInput, "feature \(feature) has no pinned baseline in this project; pin one first with POST /api/v1/drift/baselines")
            }
            return try await report(projectID: projectID, feature: feature, baseline: baseline, nowMicros: EventTime.nowMicros(), on: connection)
        }
    }

    /// Computes `feature`'s report for the current window ending at `nowMicros` against
    /// `baseline` (or, with none pinned, the configured trailing reference window) and stores it;
    /// returns the stored report's id.
    /// - Throws: `VigilError` `.invalidInput` when a window has too few samples (nothing is stored).
    @discardableResult
    public func report(projectID: Int64, feature: String, baseline: DriftStore.Baseline?, nowMicros: Int64, on connection: PostgresConnection) async throws -> Int64 {
        let current = DriftStore.Window(fromMicros: nowMicros - configuration.currentWindow.micros, toMicros: nowMicros)
        let reference: DriftStore.Window
        switch baseline {
        case .window(let pinned)?:
            reference = pinned
        case .trailing(let seconds)?:
            reference = DriftStore.Window(fromMicros: current.fromMicros - seconds * 1_000_000, toMicros: current.fromMicros)
        case nil:
            reference = DriftStore.Window(fromMicros: current.fromMicros - configuration.referenceWindow.micros, toMicros: current.fromMicros)
        }
        let store = DriftStore(executor: connection, logger: logger)
        let report = try await store.compute(projectID: projectID, feature: feature, reference: reference, current: current, maxValues: configuration.maxValues)
        return try await save(report, projectID: projectID, feature: feature, reference: reference, current: current, nowMicros: nowMicros, on: connection)
    }

    private func save(_ report: DriftReport, projectID: Int64, feature: String, reference: DriftStore.Window, current: DriftStore.Window, nowMicros: Int64, on connection: PostgresConnection) async throws -> Int64 {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(report), as: UTF8.self)
        return try await connection.transaction(logger: logger) { transaction in
            var writer = JSONWriter()
            writer.beginObject()
            writer.string("feature", feature)
            writer.int("computed_us", nowMicros)
            writer.int("reference_from_us", reference.fromMicros)
            writer.int("reference_to_us", reference.toMicros)
            writer.int("current_from_us", current.fromMicros)
            writer.int("current_to_us", current.toMicros)
            writer.raw("report", Array(json.utf8))
            writer.endObject()
            guard let seq = try await EventLogWriter.appendOne(
                NewEvent(projectID: projectID, kind: .driftReport, occurredAtMicros: nowMicros, dedupKey: ContentKey.make(kind: .driftReport, body: writer.bytes), body: writer.bytes),
                on: transaction, logger: logger
            ) else { throw VigilError(.unavailable, "the drift report was not stored", retryAfterSeconds: 1) }
            // The `drift_reports` processor owns the table; the report is projected now so the
            // caller can show it, under the event's sequence number.
            try await DriftReportProjection.apply(after: seq - 1, through: seq, on: transaction, logger: logger)
            return seq
        }
    }
}
