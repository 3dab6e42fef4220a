public import Logging
public import PostgresNIO

/// Something that runs a query: a pooled client or one connection. Lets the stores and the
/// reader work for the server (pool) and the CLI (one connection) alike.
public protocol QueryExecutor: Sendable {
    /// Runs `query` and returns its rows.
    @discardableResult
    func execute(_ query: PostgresQuery, logger: Logger) async throws -> PostgresRowSequence
    /// Runs `body` in a transaction on one connection (rolled back when it throws).
    func inTransaction<Result: Sendable>(logger: Logger, _ body: @escaping @Sendable (PostgresConnection) async throws -> Result) async throws -> Result
}

extension PostgresClient: QueryExecutor {
    /// Runs `query` on a pooled connection.
    @discardableResult
    public func execute(_ query: PostgresQuery, logger: Logger) async throws -> PostgresRowSequence {
        try await self.query(query, logger: logger)
    }

    /// Runs `body` in a transaction on a pooled connection.
    public func inTransaction<Result: Sendable>(logger: Logger, _ body: @escaping @Sendable (PostgresConnection) async throws -> Result) async throws -> Result {
        try await withConnection { connection in try await connection.transaction(logger: logger, body) }
    }
}

extension PostgresConnection: QueryExecutor {
    /// Runs `query` on this connection.
    @discardableResult
    public func execute(_ query: PostgresQuery, logger: Logger) async throws -> PostgresRowSequence {
        try await self.query(query, logger: logger)
    }

    /// Runs `body` in a transaction on this connection.
    public func inTransaction<Result: Sendable>(logger: Logger, _ body: @escaping @Sendable (PostgresConnection) async throws -> Result) async throws -> Result {
        try await transaction(logger: logger, body)
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
