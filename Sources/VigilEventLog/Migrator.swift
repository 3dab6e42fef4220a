internal import Crypto
internal import Foundation
public import Logging
public import PostgresNIO
internal import VigilCore

/// Applies the SQL files of `migrations/` in name order, each once, each in its own transaction,
/// and records them in `schema_migrations` with a checksum. Concurrent starts wait for each other
/// on an advisory lock. A file changed after it was applied is an error, not a silent skip.
public struct Migrator: Sendable {
    /// One migration file.
    public struct Migration: Sendable, Equatable {
        /// The file name without `.sql`; the order key.
        public var version: String
        /// The SQL text.
        public var sql: String
        /// SHA-256 of the text, hex.
        public var checksum: String
    }

    /// The migrations found, in order.
    public let migrations: [Migration]
    private let logger: Logger

    /// Reads the migrations in `directory`.
    /// - Throws: `VigilError` `.configuration` when the folder is missing or holds no SQL files.
    public init(directory: String, logger: Logger) throws {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".sql") }.sorted()
        } catch {
            throw VigilError(.configuration, "VIGIL_MIGRATIONS_DIR: cannot read \(directory): \(error.localizedDescription)")
        }
        guard !names.isEmpty else {
            throw VigilError(.configuration, "VIGIL_MIGRATIONS_DIR: \(directory) holds no .sql files")
        }
        migrations = try names.map { name in
            let path = "\(directory)/\(name)"
            guard let data = FileManager.default.contents(atPath: path), let sql = String(data: data, encoding: .utf8) else {
                throw VigilError(.configuration, "cannot read migration \(path)")
            }
            return Migration(
                version: String(name.dropLast(4)),
                sql: sql,
                checksum: Hex.encode(Array(SHA256.hash(data: data)))
            )
        }
        self.logger = logger
    }

    /// Applies what is not applied yet. Returns the versions applied now.
    public func migrate(on connection: PostgresConnection) async throws -> [String] {
        try await connection.query("SELECT pg_advisory_lock(\(AdvisoryLock.migrations))", logger: logger)
        do {
            let applied = try await migrate(locked: connection)
            try await connection.query("SELECT pg_advisory_unlock(\(AdvisoryLock.migrations))", logger: logger)
            return applied
        } catch {
            _ = try? await connection.query("SELECT pg_advisory_unlock(\(AdvisoryLock.migrations))", logger: logger)
            throw error
        }
    }

    private func migrate(locked connection: PostgresConnection) async throws -> [String] {
        try await connection.query("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version text PRIMARY KEY,
                checksum text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """, logger: logger)
        var done: [String: String] = [:]
        for try await (version, checksum) in try await connection.query(
            "SELECT version, checksum FROM schema_migrations", logger: logger
        ).decode((String, String).self) {
            done[version] = checksum
        }
        var appliedNow: [String] = []
        for migration in migrations {
            if let checksum = done[migration.version] {
                if checksum != migration.checksum {
                    throw VigilError(.configuration, "migration \(migration.version) was changed after it was applied; add a new migration instead")
                }
                continue
            }
            let statements = SQLScript.statements(migration.sql)
            do {
                try await connection.transaction(logger: logger) { transaction in
                    for statement in statements {
                        try await transaction.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                    try await transaction.query(
                        "INSERT INTO schema_migrations (version, checksum) VALUES (\(migration.version), \(migration.checksum))",
                        logger: logger
                    )
                }
            } catch {
                throw VigilError(.configuration, "migration \(migration.version) failed: \(Database.describe(error))")
            }
            logger.info("applied migration", metadata: ["vigil.migration": "\(migration.version)"])
            appliedNow.append(migration.version)
        }
        return appliedNow
    }

    /// The versions recorded as applied, in order.
    public static func appliedVersions(on connection: PostgresConnection, logger: Logger) async throws -> [String] {
        var versions: [String] = []
        for try await version in try await connection.query(
            "SELECT version FROM schema_migrations ORDER BY version", logger: logger
        ).decode(String.self) {
            versions.append(version)
        }
        return versions
    }

}

/// The advisory lock keys Vigil takes, in one place so no two parts pick the same number.
public enum AdvisoryLock {
    /// Held while migrations run.
    public static let migrations: Int64 = 0x5649_4749_4C00_0001
    /// Held by the appender for each append transaction: one appender commits at a time per database.
    public static let append: Int64 = 0x5649_4749_4C00_0002
    /// Held for the life of its connection by the one alert evaluator running (the lease).
    public static let alertEvaluator: Int64 = 0x5649_4749_4C00_0003
    /// Held for the life of its connection by the one drift scheduler running (the lease).
    public static let driftScheduler: Int64 = 0x5649_4749_4C00_0004
    /// Held for the life of its connection by the one retention service running (the lease).
    public static let retention: Int64 = 0x5649_4749_4C00_0005
}
