public import Logging
public import PostgresNIO

/// How the log's `silence_created` and `silence_expired` events become `silences` rows. The
/// `silences` processor applies it to each batch; the silence commands apply it to the one event
/// they just appended, in the same transaction, so a silence is there when the API answers. Either
/// way the row is the event's: its id is the `silence_created` event's sequence number.
public enum SilenceProjection {
    /// The table.
    public static let table = "silences"

    /// Projects the events with `after < seq <= through`: the new silences first (a row already
    /// there is left alone), then the ends (a silence is always created before it is expired).
    public static func apply(after: Int64, through: Int64, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("""
            INSERT INTO silences (project_id, id, matchers, starts_at, ends_at, comment, created_by, created_at)
            SELECT project_id, seq, body->'matchers', vigil_ts((body->>'starts_us')::bigint), vigil_ts((body->>'ends_us')::bigint),
                   body->>'comment', body->>'created_by', occurred_at
            FROM events
            WHERE seq > \(after) AND seq <= \(through) AND kind = 'silence_created'
            ON CONFLICT (project_id, id) DO NOTHING
            """, logger: logger)
        try await connection.query("""
            UPDATE silences s SET ends_at = least(s.ends_at, e.ended)
            FROM (SELECT project_id, (body->>'id')::bigint AS id, vigil_ts((body->>'ended_us')::bigint) AS ended
                  FROM events
                  WHERE seq > \(after) AND seq <= \(through) AND kind = 'silence_expired') e
            WHERE s.project_id = e.project_id AND s.id = e.id
            """, logger: logger)
    }
}
