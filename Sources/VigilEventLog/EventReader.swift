public import Logging
internal import PostgresNIO
internal import NIOCore
public import VigilCore

/// Reads the log in sequence order, for processors, `vigil events tail` and the events API.
public struct EventReader: Sendable {
    private let executor: any QueryExecutor
    private let logger: Logger

    /// Makes a reader over a pool or a single connection.
    public init(executor: any QueryExecutor, logger: Logger) {
        self.executor = executor
        self.logger = logger
    }

    /// Up to `limit` events with a sequence number above `seq`, in order; of one project when given.
    public func read(after seq: Int64, limit: Int, projectID: Int64? = nil) async throws -> [StoredEvent] {
        let query: PostgresQuery = if let projectID {
            """
            SELECT seq, project_id, kind, \(unescaped: Self.microsColumns), body::text FROM events
            WHERE seq > \(seq) AND project_id = \(projectID) ORDER BY seq LIMIT \(limit)
            """
        } else {
            """
            SELECT seq, project_id, kind, \(unescaped: Self.microsColumns), body::text FROM events
            WHERE seq > \(seq) ORDER BY seq LIMIT \(limit)
            """
        }
        return try await decode(executor.execute(query, logger: logger))
    }

    /// The last `limit` events, oldest first; of one project when given.
    public func latest(limit: Int, projectID: Int64? = nil) async throws -> [StoredEvent] {
        let query: PostgresQuery = if let projectID {
            """
            SELECT * FROM (SELECT seq, project_id, kind, \(unescaped: Self.microsColumns), body::text FROM events
            WHERE project_id = \(projectID) ORDER BY seq DESC LIMIT \(limit)) AS recent ORDER BY seq
            """
        } else {
            """
            SELECT * FROM (SELECT seq, project_id, kind, \(unescaped: Self.microsColumns), body::text FROM events
            ORDER BY seq DESC LIMIT \(limit)) AS recent ORDER BY seq
            """
        }
        return try await decode(executor.execute(query, logger: logger))
    }

    /// The highest sequence number committed, 0 for an empty log.
    public func head() async throws -> Int64 {
        var head: Int64 = 0
        for try await value in try await executor.execute("SELECT coalesce(max(seq), 0)::bigint FROM events", logger: logger).decode(Int64.self) {
            head = value
        }
        return head
    }

    /// The first `limit` span events of one trace of one project, oldest first, and how many the
    /// trace has in all; both found through the dedup index (a span's dedup key starts with its
    /// trace id). The count is only asked for when the limit was reached.
    public func spans(ofTrace traceID: [UInt8], projectID: Int64, limit: Int) async throws -> (spans: [StoredEvent], total: Int) {
        let low = ByteBuffer(bytes: traceID + [UInt8](repeating: 0x00, count: 8))
        let high = ByteBuffer(bytes: traceID + [UInt8](repeating: 0xFF, count: 8))
        let rows = try await executor.execute("""
            SELECT seq, project_id, kind, \(unescaped: Self.microsColumns), body::text FROM events
            WHERE project_id = \(projectID) AND dedup_key BETWEEN \(low) AND \(high) AND kind = 'span'
            ORDER BY occurred_at, seq
            LIMIT \(max(limit, 0))
            """, logger: logger)
        let spans = try await decode(rows)
        guard spans.count >= limit else { return (spans, spans.count) }
        var total = spans.count
        let counted = try await executor.execute("""
            SELECT count(*)::bigint FROM events
            WHERE project_id = \(projectID) AND dedup_key BETWEEN \(low) AND \(high) AND kind = 'span'
            """, logger: logger)
        for try await count in counted.decode(Int64.self) {
            total = max(total, Int(count))
        }
        return (spans, total)
    }

    private static let microsColumns = """
        vigil_us(occurred_at), vigil_us(received_at)
        """

    private func decode(_ rows: PostgresRowSequence) async throws -> [StoredEvent] {
        var events: [StoredEvent] = []
        for try await (seq, project, kind, occurred, received, body) in rows.decode((Int64, Int64, String, Int64, Int64, String).self) {
            events.append(StoredEvent(seq: seq, projectID: project, kind: EventKind(rawValue: kind), occurredAtMicros: occurred, receivedAtMicros: received, body: body))
        }
        return events
    }
}
