public import Logging
public import PostgresNIO

/// How the log's `drift_report` events become `drift_reports` rows. The `drift_reports` processor
/// applies it to each batch; the drift scheduler applies it to the report it just appended, in the
/// same transaction, so "report now" can answer with it. Either way the row is the event's: its id
/// is the event's sequence number.
public enum DriftReportProjection {
    /// The table.
    public static let table = "drift_reports"

    /// Projects the events with `after < seq <= through` (a row already there is left alone).
    public static func apply(after: Int64, through: Int64, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("""
            INSERT INTO drift_reports (project_id, id, feature, computed_at, reference_from, reference_to, current_from, current_to,
                                       psi_mean, psi_max, drifted, report)
            SELECT project_id, seq, body->>'feature', vigil_ts((body->>'computed_us')::bigint),
                   vigil_ts((body->>'reference_from_us')::bigint), vigil_ts((body->>'reference_to_us')::bigint),
                   vigil_ts((body->>'current_from_us')::bigint), vigil_ts((body->>'current_to_us')::bigint),
                   (body->'report'->>'psi_mean')::float8, (body->'report'->>'psi_max')::float8,
                   (body->'report'->>'drifted')::boolean, body->'report'
            FROM events
            WHERE seq > \(after) AND seq <= \(through) AND kind = 'drift_report'
            ON CONFLICT (project_id, id) DO NOTHING
            """, logger: logger)
    }
}
