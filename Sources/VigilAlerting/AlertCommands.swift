internal import Foundation
public import Logging
internal import PostgresNIO
internal import VigilCore
public import VigilEventLog
internal import VigilProjections

/// The on-call actions on alerts: silences made and ended (events in the log, which the `silences`
/// processor projects), notifications sent again. The read side (`AlertReader` in VigilQueries)
/// shows their results.
public struct AlertCommands: Sendable {
    private let executor: any QueryExecutor
    private let logger: Logger

    /// Makes the commands over `executor` (the server's pool, or one connection).
    public init(executor: any QueryExecutor, logger: Logger) {
        self.executor = executor
        self.logger = logger
    }

    /// Makes a silence for `projectID`: a `silence_created` event, projected into `silences` in the
    /// same transaction. Returns its id (the event's sequence number). Matchers are checked by the caller.
    public func createSilence(projectID: Int64, matchers: [Silence.Matcher], startsAtMicros: Int64, endsAtMicros: Int64, comment: String, createdBy: String) async throws -> Int64 {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var writer = JSONWriter()
        writer.beginObject()
        writer.raw("matchers", Array(try encoder.encode(matchers)))
        writer.int("starts_us", startsAtMicros)
        writer.int("ends_us", endsAtMicros)
        writer.string("comment", comment)
        writer.string("created_by", createdBy)
        writer.endObject()
        let body = writer.bytes
        return try await executor.inTransaction(logger: logger) { transaction in
            try await append(.silenceCreated, projectID: projectID, body: body, on: transaction)
        }
    }

    /// Ends a silence now (a `silence_expired` event, projected in the same transaction); false
    /// when the project has no silence `id` still in force or to come.
    public func expireSilence(projectID: Int64, id: Int64) async throws -> Bool {
        let nowMicros = EventTime.nowMicros()
        var writer = JSONWriter()
        writer.beginObject()
        writer.int("id", id)
        writer.int("ended_us", nowMicros)
        writer.endObject()
        let body = writer.bytes
        return try await executor.inTransaction(logger: logger) { transaction in
            var inForce = false
            for try await _ in try await transaction.query("""
                SELECT 1 FROM silences WHERE project_id = \(projectID) AND id = \(id) AND ends_at > vigil_ts(\(nowMicros)) FOR UPDATE
                """, logger: logger) {
                inForce = true
            }
            guard inForce else { return false }
            _ = try await append(.silenceExpired, projectID: projectID, body: body, on: transaction)
            return true
        }
    }

    /// Appends one event of `kind` on `transaction` and projects it into `silences`; returns its
    /// sequence number.
    private func append(_ kind: EventKind, projectID: Int64, body: [UInt8], on transaction: PostgresConnection) async throws -> Int64 {
        let nowMicros = EventTime.nowMicros()
        // Two identical commands in one microsecond are two events, not a retried one.
        let key = ContentKey.make(kind: kind, body: body + Array(UUID().uuidString.utf8))
        guard let seq = try await EventLogWriter.appendOne(
            NewEvent(projectID: projectID, kind: kind, occurredAtMicros: nowMicros, dedupKey: key, body: body), on: transaction, logger: logger
        ) else { throw VigilError(.unavailable, "the silence was not stored", retryAfterSeconds: 1) }
        try await SilenceProjection.apply(after: seq - 1, through: seq, on: transaction, logger: logger)
        return seq
    }

    /// Puts a pending or dead notification back in line to be sent now; false when there is none with `id`.
    public func retry(projectID: Int64, id: Int64) async throws -> Bool {
        for try await _ in try await executor.execute("""
            UPDATE alert_outbox SET status = 'pending', next_attempt_at = now(), created_at = now()
            WHERE project_id = \(projectID) AND id = \(id) AND status IN ('pending', 'dead') RETURNING id
            """, logger: logger) {
            return true
        }
        return false
    }
}
