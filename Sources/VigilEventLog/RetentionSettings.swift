public import Logging
internal import NIOCore
internal import PostgresNIO
public import VigilCore

/// Each project's retention of raw events: its own, set by an admin, or the instance's default
/// (`VIGIL_RETENTION_DAYS`). `RetentionService` applies it.
public enum RetentionSettings {
    /// The days a project's raw events may be kept: from 1 to 3650.
    public static let allowedDays: ClosedRange<Int64> = 1...3650

    /// The project's retention in days, and whether it is the project's own (false: the default).
    public static func days(projectID: Int64, defaultDays: Int, on executor: any QueryExecutor, logger: Logger) async throws -> (days: Int, own: Bool) {
        for try await days in try await executor.execute(
            "SELECT days::bigint FROM project_retention WHERE project_id = \(projectID)", logger: logger
        ).decode(Int64.self) {
            return (Int(days), true)
        }
        return (defaultDays, false)
    }

    /// Sets the project's retention to `days`, appending `audit` to the log in the same statement,
    /// so the change and its record commit together or not at all.
    /// - Throws: `VigilError` `.invalidInput` when `days` is outside `allowedDays`.
    public static func set(projectID: Int64, days: Int64, audit: AuditRecord, on executor: any QueryExecutor, logger: Logger) async throws {
        guard allowedDays.contains(days) else {
            throw VigilError(.invalidInput, "days must be a whole number from \(allowedDays.lowerBound) to \(allowedDays.upperBound)")
        }
        let event = audit.event()
        let body = String(decoding: event.body, as: UTF8.self)
        let rows = try await executor.execute("""
            WITH changed AS (
                INSERT INTO project_retention (project_id, days) VALUES (\(projectID), \(days)::integer)
                ON CONFLICT (project_id) DO UPDATE SET days = EXCLUDED.days, updated_at = now()
                RETURNING project_id
            )
            SELECT vigil_append_fact(project_id, \(EventKind.audit.rawValue), \(ByteBuffer(bytes: event.dedupKey)), \(body)::jsonb, \(AdvisoryLock.append))
            FROM changed
            """, logger: logger)
        for try await _ in rows {}
    }
}
