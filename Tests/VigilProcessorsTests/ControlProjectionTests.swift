import Logging
import PostgresNIO
import Testing
import VigilCore
import VigilEventLog
import VigilProcessors
import VigilProjections
import VigilTestSupport

@Suite("Silences and drift reports are projections of the log")
struct ControlProjectionTests {
    let now: Int64 = 1_796_000_000_000_000

    func event(_ kind: EventKind, _ json: String, at micros: Int64) -> NewEvent {
        let body = Array(json.utf8)
        return NewEvent(projectID: 1, kind: kind, occurredAtMicros: micros, dedupKey: ContentKey.make(kind: kind, body: body), body: body)
    }

    /// Appends `event` and projects it at once, as the commands do; returns its sequence number.
    func appendAndProject(_ event: NewEvent, test: TestDatabase,
                          _ project: @escaping @Sendable (Int64, Int64, PostgresConnection, Logger) async throws -> Void) async throws -> Int64 {
        try await test.withConnection { connection in
            try await connection.transaction(logger: test.logger) { transaction in
                let (outcome, _) = try await EventLogWriter.appendInTransaction([event], on: transaction, knownPartitions: [], logger: test.logger)
                try await project(outcome.lastSeq - 1, outcome.lastSeq, transaction, test.logger)
                return outcome.lastSeq
            }
        }
    }

    func append(_ events: [NewEvent], test: TestDatabase) async throws -> Int64 {
        try await test.withConnection { connection in
            try await EventLogWriter.append(events, on: connection, logger: test.logger).outcome.lastSeq
        }
    }

    func rows(_ sql: String, test: TestDatabase) async throws -> [String] {
        try await test.withConnection { connection in
            var all: [String] = []
            for try await text in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: test.logger).decode(String.self) { all.append(text) }
            return all
        }
    }

    func silence(comment: String, endsUs: Int64) -> String {
        #"{"matchers": [{"name": "alertname", "value": "High.*", "isRegex": true, "isEqual": true}], "starts_us": \#(now), "ends_us": \#(endsUs), "comment": "\#(comment)", "created_by": "ops"}"#
    }

    @Test("a command's own projection, the processor one event a batch, and a replay in one batch give the same silences, ids being the events' sequence numbers")
    func silences() async throws {
        let test = try await TestDatabase.fresh("silenceprojection")
        let kept = try await appendAndProject(event(.silenceCreated, silence(comment: "deploy", endsUs: now + 3_600_000_000), at: now), test: test) {
            try await SilenceProjection.apply(after: $0, through: $1, on: $2, logger: $3)
        }
        let ended = try await append([event(.silenceCreated, silence(comment: "noisy", endsUs: now + 7_200_000_000), at: now + 1)], test: test)
        _ = try await append([event(.silenceExpired, #"{"id": \#(ended), "ended_us": \#(now + 60_000_000)}"#, at: now + 60_000_000)], test: test)

        let live = ProcessorRunner(processor: SilenceProcessor(), database: test.database, batchSize: 1, logger: test.logger)
        try await test.withConnection { try await live.runToHead(on: $0) }
        let snapshot = "SELECT s::text FROM silences s ORDER BY id"
        let liveRows = try await rows(snapshot, test: test)
        #expect(try await rows("SELECT id || ' ' || vigil_us(ends_at) || ' ' || comment FROM silences ORDER BY id", test: test) == [
            "\(kept) \(now + 3_600_000_000) deploy", "\(ended) \(now + 60_000_000) noisy",
        ])

        let replay = ProcessorRunner(processor: SilenceProcessor(), database: test.database, batchSize: 1000, logger: test.logger)
        try await test.withConnection { connection in
            try await replay.reset(on: connection)
            try await replay.runToHead(on: connection)
        }
        #expect(try await rows(snapshot, test: test) == liveRows)
    }

    @Test("a drift report projected by the scheduler's transaction and one projected by the processor are rebuilt alike by a replay")
    func driftReports() async throws {
        let test = try await TestDatabase.fresh("reportprojection")
        func report(_ feature: String, psi: Double, drifted: Bool) -> String {
            #"{"feature": "\#(feature)", "computed_us": \#(now), "reference_from_us": \#(now - 7_200_000_000), "reference_to_us": \#(now - 3_600_000_000), "current_from_us": \#(now - 3_600_000_000), "current_to_us": \#(now), "report": {"psi_mean": \#(psi), "psi_max": \#(psi * 2), "drifted": \#(drifted), "components": []}}"#
        }
        let first = try await appendAndProject(event(.driftReport, report("prompt", psi: 0.31, drifted: true), at: now), test: test) {
            try await DriftReportProjection.apply(after: $0, through: $1, on: $2, logger: $3)
        }
        let second = try await append([event(.driftReport, report("answer", psi: 0.0123456789012345, drifted: false), at: now)], test: test)
        let live = ProcessorRunner(processor: DriftReportProcessor(), database: test.database, batchSize: 1, logger: test.logger)
        try await test.withConnection { try await live.runToHead(on: $0) }
        let snapshot = "SELECT r::text FROM drift_reports r ORDER BY id"
        let liveRows = try await rows(snapshot, test: test)
        #expect(try await rows("SELECT id || ' ' || feature || ' ' || psi_mean || ' ' || psi_max || ' ' || drifted FROM drift_reports ORDER BY id", test: test) == [
            "\(first) prompt 0.31 0.62 true", "\(second) answer 0.0123456789012345 0.024691357802469 false",
        ])
        let replay = ProcessorRunner(processor: DriftReportProcessor(), database: test.database, batchSize: 1000, logger: test.logger)
        try await test.withConnection { connection in
            try await replay.reset(on: connection)
            try await replay.runToHead(on: connection)
        }
        #expect(try await rows(snapshot, test: test) == liveRows)
    }
}
