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

    /// New rows for `COPY table (columns) FROM STDIN`, each written by `write` in the text format,
    /// in the order of `order` (positions into `rows`) when given; nil when there are none.
    static func copy<Row>(_ rows: [Row], in order: [Int]? = nil, into table: String, columns: [String], write: (inout CopyText, Row) -> Void) -> PreparedWrite? {
        guard !rows.isEmpty else { return nil }
        var text = CopyText(reservingCapacity: rows.count * 160)
        for index in order ?? Array(rows.indices) {
            write(&text, rows[index])
            text.endRow()
        }
        return PreparedWrite(payload: .copy(table: table, columns: columns, rows: text.buffer))
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
