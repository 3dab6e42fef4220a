public import Logging
public import PostgresNIO

/// Projects the log's `audit` events into `audit_log`, the audit trail that outlives the log's
/// retention (`VIGIL_AUDIT_RETENTION_DAYS`, 400 days by default). `vigil replay audit` rebuilds
/// it from what the log still holds.
public struct AuditProcessor: Processor {
    /// Nothing is read ahead: the batch's rows are copied in one statement.
    public typealias Input = Void

    /// Makes the processor.
    public init() {}

    /// `audit`.
    public var name: String { "audit" }
    /// The audit trail.
    public var projectionTables: [String] { ["audit_log"] }


    /// Copies the batch's audit events into `audit_log` (a row already there is left alone).
    public func apply(_ batch: ProcessorBatch, input: Void, on transaction: PostgresConnection, logger: Logger) async throws {
        try await transaction.query("""
            INSERT INTO audit_log (project_id, seq, occurred_at, actor, key_id, role, action, target, outcome, request_id, body)
            SELECT project_id, seq, occurred_at, coalesce(body->>'actor', 'key'), (body->>'key_id')::bigint, body->>'role',
                   coalesce(body->>'action', ''), body->>'target', coalesce(body->>'outcome', 'succeeded'), body->>'request_id', body
            FROM events
            WHERE seq > \(batch.after) AND seq <= \(batch.through) AND kind = 'audit'
            ON CONFLICT (project_id, seq) DO NOTHING
            """, logger: logger)
    }
}
