internal import Logging
internal import NIOCore
internal import PostgresNIO

/// A write of a batch, prepared (its rows encoded) while earlier writes of the same transaction
/// run: the rollup processor queues them on the connection, which runs them in turn, so Vigil
/// encodes the next table's rows while Postgres inserts the last one's.
struct PreparedWrite: Sendable {
    private let query: PostgresQuery

    /// New rows for `table`'s `columns`, each written by `write`, in the order of `order`
    /// (positions into `rows`) when given, inserted by one statement; nil when there are none.
    static func copy<Row>(_ rows: [Row], in order: [Int]? = nil, into table: String, columns: [String], write: (inout BatchRows, Row) -> Void) -> PreparedWrite? {
        guard !rows.isEmpty else { return nil }
        var batch = BatchRows(columnCount: columns.count, reservingCapacity: rows.count * 160)
        for index in order ?? Array(rows.indices) {
            write(&batch, rows[index])
            batch.endRow()
        }
        return PreparedWrite(query: batch.insert(into: table, columns: columns))
    }

    /// A statement returning no rows.
    static func query(_ query: PostgresQuery) -> PreparedWrite {
        PreparedWrite(query: query)
    }

    func run(on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(query, logger: logger)
    }
}
