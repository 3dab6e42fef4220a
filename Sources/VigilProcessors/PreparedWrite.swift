internal import Logging
internal import NIOCore
internal import PostgresNIO

/// A write of a batch, prepared (its rows encoded) while earlier writes of the same transaction
/// run: the rollup processor queues them on the connection, which runs them in turn, so Vigil
/// encodes the next table's rows while Postgres inserts the last one's.
struct PreparedWrite: Sendable {
    private enum Payload: Sendable {
        case copy(table: String, columns: [String], rows: ByteBuffer)
        case query(PostgresQuery)
    }

    private let payload: Payload

    /// New rows for `COPY table (columns) FROM STDIN`, in its text format.
    static func copy(into table: String, columns: [String], rows: CopyText) -> PreparedWrite {
        PreparedWrite(payload: .copy(table: table, columns: columns, rows: rows.buffer))
    }

    /// A statement returning no rows.
    static func query(_ query: PostgresQuery) -> PreparedWrite {
        PreparedWrite(payload: .query(query))
    }

    func run(on connection: PostgresConnection, logger: Logger) async throws {
        switch payload {
        case .copy(let table, let columns, let rows):
            try await connection.copyFrom(table: table, columns: columns, logger: logger) { writer in
                try await writer.write(rows)
            }
        case .query(let query):
            try await connection.query(query, logger: logger)
        }
    }
}
