public import Logging
internal import NIOPosix
public import PostgresNIO
internal import VigilCore

/// Opens single connections to the database, for the parts that need one of their own
/// (the appender's COPY, LISTEN, migrations, the CLI).
public struct Database: Sendable {
    /// Where the database is.
    public let url: DatabaseURL
    private let logger: Logger

    /// Makes a connector for `url`.
    public init(url: DatabaseURL, logger: Logger) {
        self.url = url
        self.logger = logger
    }

    /// Opens a connection.
    /// - Throws: `VigilError` `.unavailable` when the server cannot be reached or refuses the login.
    public func connect() async throws -> PostgresConnection {
        do {
            return try await PostgresConnection.connect(
                on: MultiThreadedEventLoopGroup.singleton.any(),
                configuration: url.connectionConfiguration,
                id: Int.random(in: 1...Int(Int32.max)),
                logger: logger
            ).get()
        } catch {
            throw VigilError(.unavailable, "cannot connect to the database at \(url): \(Self.describe(error))", retryAfterSeconds: 1)
        }
    }

    /// Runs `body` with a fresh connection, closed afterwards.
    @discardableResult
    public func withConnection<Result: Sendable>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        let connection = try await connect()
        do {
            let result = try await body(connection)
            try? await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// A short, safe description of a database error: the server's message when there is one.
    public static func describe(_ error: any Error) -> String {
        if let psql = error as? PSQLError {
            if let message = psql.serverInfo?[.message] {
                let detail = psql.serverInfo?[.detail].map { " (\($0))" } ?? ""
                return message + detail
            }
            return "\(psql.code)"
        }
        if let vigil = error as? VigilError { return vigil.message }
        return String(describing: error)
    }
}

extension PostgresConnection {
    /// Runs `body` in a transaction; rolls back when it throws and rethrows what it threw
    /// (not PostgresNIO's wrapper), so callers see Vigil's own errors.
    @discardableResult
    public func transaction<Result: Sendable>(logger: Logger, _ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        do {
            return try await withTransaction(logger: logger) { connection in try await body(connection) }
        } catch let wrapped as PostgresTransactionError {
            throw wrapped.closureError ?? wrapped.commitError ?? wrapped.beginError ?? wrapped
        }
    }
}
