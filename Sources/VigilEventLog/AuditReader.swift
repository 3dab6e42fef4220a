public import Logging
internal import PostgresNIO

/// Reads the audit trail's projection (`audit_log`, kept by the `audit` processor for
/// `VIGIL_AUDIT_RETENTION_DAYS`), for the API and the web view.
public struct AuditReader: Sendable {
    /// One audited action.
    public struct Entry: Sendable, Equatable {
        /// Its sequence number in the log.
        public var seq: Int64
        /// The project it was in.
        public var projectID: Int64
        /// That project's name.
        public var project: String
        /// When, RFC 3339 with milliseconds.
        public var occurredAt: String
        /// `key`, `cli` or `vigil`.
        public var actor: String
        /// The acting key, for `key`.
        public var keyID: Int64?
        /// Its role, for `key`.
        public var role: String?
        /// What was done.
        public var action: String
        /// To what.
        public var target: String?
        /// How it ended.
        public var outcome: String
        /// The request's id, for a request.
        public var requestID: String?
        /// Further facts, a JSON object.
        public var detailsJSON: String
    }

    private let executor: any QueryExecutor
    private let logger: Logger

    /// Reads through `executor`.
    public init(executor: any QueryExecutor, logger: Logger) {
        self.executor = executor
        self.logger = logger
    }

    /// The actions in [`fromMicros`, `toMicros`), newest first, at most `limit`: of project
    /// `projectID`, or of every project when it is nil (the operator's view).
    public func entries(projectID: Int64?, fromMicros: Int64, toMicros: Int64, limit: Int) async throws -> [Entry] {
        let rows = try await executor.execute("""
            SELECT a.seq, a.project_id, coalesce(p.name, ''),
                   to_char(a.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                   a.actor, a.key_id, a.role, a.action, a.target, a.outcome, a.request_id, coalesce(a.body->'details', '{}')::text
            FROM audit_log a LEFT JOIN projects p USING (project_id)
            WHERE (\(projectID)::bigint IS NULL OR a.project_id = \(projectID)::bigint)
              AND a.occurred_at >= vigil_ts(\(fromMicros)) AND a.occurred_at < vigil_ts(\(toMicros))
            ORDER BY a.occurred_at DESC, a.seq DESC
            LIMIT \(Int64(limit))
            """, logger: logger)
        var entries: [Entry] = []
        for try await row in rows.decode((Int64, Int64, String, String, String, Int64?, String?, String, String?, String, String?, String).self) {
            entries.append(Entry(seq: row.0, projectID: row.1, project: row.2, occurredAt: row.3, actor: row.4, keyID: row.5, role: row.6,
                                 action: row.7, target: row.8, outcome: row.9, requestID: row.10, detailsJSON: row.11))
        }
        return entries
    }
}

extension AuditReader {
    /// The id of project `name`, nil when there is none (the instance project is not one).
    public func projectID(named name: String) async throws -> Int64? {
        for try await id in try await executor.execute(
            "SELECT project_id FROM projects WHERE name = \(name) AND project_id <> 0", logger: logger
        ).decode(Int64.self) {
            return id
        }
        return nil
    }
}
