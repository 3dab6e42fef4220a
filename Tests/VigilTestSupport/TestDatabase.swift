import Foundation
public import Logging
public import PostgresNIO
import VigilCore
public import VigilEventLog

/// A fresh, migrated database on the Postgres server `make test` started
/// (`VIGIL_TEST_DATABASE_URL`). A missing server fails the test; it never skips.
public struct TestDatabase: Sendable {
    /// The new database.
    public let url: DatabaseURL
    /// A quiet logger for the code under test.
    public let logger: Logger

    /// The repository's `migrations/` folder.
    public static let migrationsDirectory: String = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("migrations").path
    }()

    /// Creates and migrates a database named after `label` plus a random suffix.
    public static func fresh(_ label: String) async throws -> TestDatabase {
        guard let text = ProcessInfo.processInfo.environment["VIGIL_TEST_DATABASE_URL"] else {
            throw VigilError(.configuration, "VIGIL_TEST_DATABASE_URL is not set: run the suite with make test, which starts Postgres")
        }
        var logger = Logger(label: "vigil-test")
        logger.logLevel = .warning
        let admin = try DatabaseURL(text, variable: "VIGIL_TEST_DATABASE_URL")
        let name = "t_\(label.lowercased().filter { $0.isLetter || $0.isNumber })_\(UInt32.random(in: 0...UInt32.max))"
        _ = try await Database(url: admin, logger: logger).withConnection { connection in
            try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \"\(name)\""), logger: logger)
            return true
        }
        let url = admin.with(database: name)
        let migrator = try Migrator(directory: migrationsDirectory, logger: logger)
        _ = try await Database(url: url, logger: logger).withConnection { try await migrator.migrate(on: $0) }
        return TestDatabase(url: url, logger: logger)
    }

    /// A connector for this database.
    public var database: Database { Database(url: url, logger: logger) }

    /// Runs `body` with a connection of its own.
    @discardableResult
    public func withConnection<Result: Sendable>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        try await database.withConnection(body)
    }

    /// A single number from `sql`.
    public func scalar(_ sql: String) async throws -> Int64 {
        try await withConnection { connection in
            var value: Int64 = 0
            for try await number in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger).decode(Int64.self) {
                value = number
            }
            return value
        }
    }
}
