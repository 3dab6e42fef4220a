public import Logging
public import PostgresNIO

/// Something that runs a query: a pooled client or one connection. Lets the stores and the
/// reader work for the server (pool) and the CLI (one connection) alike.
public protocol QueryExecutor: Sendable {
    /// Runs `query` and returns its rows.
    @discardableResult
    func execute(_ query: PostgresQuery, logger: Logger) async throws -> PostgresRowSequence
}

extension PostgresClient: QueryExecutor {
    /// Runs `query` on a pooled connection.
    @discardableResult
    public func execute(_ query: PostgresQuery, logger: Logger) async throws -> PostgresRowSequence {
        try await self.query(query, logger: logger)
    }
}

extension PostgresConnection: QueryExecutor {
    /// Runs `query` on this connection.
    @discardableResult
    public func execute(_ query: PostgresQuery, logger: Logger) async throws -> PostgresRowSequence {
        try await self.query(query, logger: logger)
    }
}

extension QueryExecutor {
    /// Asks the database for `SELECT 1`; throws when it does not answer.
    public func ping(logger: Logger) async throws {
        try await execute("SELECT 1", logger: logger)
    }
}

extension QueryExecutor {
    /// Asks the database for `SELECT 1`; throws when it does not answer within `deadline`.
    public func ping(within deadline: Duration, logger: Logger) async throws {
        try await ConnectionDeadline.run(watching: [], limits: .init(timeout: deadline), what: "the database ping") {
            try await self.ping(logger: logger)
        }
    }
}
