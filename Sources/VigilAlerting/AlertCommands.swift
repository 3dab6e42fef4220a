internal import Foundation
public import Logging
internal import PostgresNIO
internal import VigilCore
public import VigilEventLog

/// The on-call actions on alerts: silences made and ended, notifications sent again. The read side
/// (`AlertReader` in VigilQueries) shows their results.
public struct AlertCommands: Sendable {
    private let executor: any QueryExecutor
    private let logger: Logger

    /// Makes the commands over `executor` (the server's pool, or one connection).
    public init(executor: any QueryExecutor, logger: Logger) {
        self.executor = executor
        self.logger = logger
    }

    /// Stores a silence for `projectID`; returns its id. Matchers are checked by the caller.
    public func createSilence(projectID: Int64, matchers: [Silence.Matcher], startsAtMicros: Int64, endsAtMicros: Int64, comment: String, createdBy: String) async throws -> Int64 {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(matchers), as: UTF8.self)
        for try await id in try await executor.execute("""
            INSERT INTO silences (project_id, matchers, starts_at, ends_at, comment, created_by)
            VALUES (\(projectID), \(json)::jsonb, vigil_ts(\(startsAtMicros)),
                    vigil_ts(\(endsAtMicros)), \(comment), \(createdBy))
            RETURNING id
            """, logger: logger).decode(Int64.self) {
            return id
        }
        throw VigilError(.unavailable, "the silence was not stored")
    }

    /// Ends a silence now; false when the project has no silence `id` still in force or to come.
    public func expireSilence(projectID: Int64, id: Int64) async throws -> Bool {
        for try await _ in try await executor.execute("""
            UPDATE silences SET ends_at = now() WHERE project_id = \(projectID) AND id = \(id) AND ends_at > now() RETURNING id
            """, logger: logger) {
            return true
        }
        return false
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
