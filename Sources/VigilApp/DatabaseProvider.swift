internal import Foundation
public import Logging
internal import PostgresNIO
internal import VigilCore
public import VigilEmbeddedPostgres
public import VigilEventLog

/// Finds the database Vigil uses: `VIGIL_DATABASE_URL` when set, else the embedded cluster in the
/// data folder (started when needed). Makes sure the database exists and is migrated.
public struct DatabaseProvider: Sendable {
    private let configuration: VigilConfiguration
    private let logger: Logger

    /// Makes a provider for `configuration`.
    public init(configuration: VigilConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// The embedded cluster, or nil when a database URL is configured.
    public var embedded: EmbeddedPostgres? {
        guard configuration.storage.databaseURL == nil else { return nil }
        return EmbeddedPostgres(
            configuration: .init(dataDirectory: configuration.storage.dataDirectory, binDirectory: configuration.storage.postgresBinDirectory),
            logger: logger
        )
    }

    /// Stops the embedded cluster, when it is the one in use.
    public func stopEmbedded() throws {
        try embedded?.stop()
    }

    /// The URL of the database in use, without starting anything.
    /// - Throws: `.configuration` when there is no URL and no embedded cluster has been made yet.
    public func currentURL() throws -> DatabaseURL {
        if let text = configuration.storage.databaseURL { return try DatabaseURL(text) }
        guard let connection = try embedded?.existingConnection() else {
            throw VigilError(.configuration, "no database yet: set VIGIL_DATABASE_URL, or run `vigil serve` (or `vigil migrate`) once to create the embedded one in \(configuration.storage.dataDirectory)")
        }
        return Self.url(connection)
    }

    /// A database ready for use.
    public struct Prepared: Sendable {
        /// Where it is.
        public var url: DatabaseURL
        /// Whether this call started the embedded cluster (so a CLI command stops it again).
        public var startedEmbedded: Bool
        /// The migrations applied by this call.
        public var appliedMigrations: [String]
    }

    /// Starts the embedded cluster when it is the one in use, creates the database when missing,
    /// and applies migrations.
    public func prepare() async throws -> Prepared {
        let url: DatabaseURL
        var started = false
        if let text = configuration.storage.databaseURL {
            url = try DatabaseURL(text)
        } else if let embedded {
            let (connection, startedNow) = try await embedded.start()
            started = startedNow
            url = Self.url(connection)
            try await createDatabaseIfMissing(url)
        } else {
            throw VigilError(.configuration, "no database configured")
        }
        let migrator = try Migrator(directory: try configuration.resolvedMigrationsDirectory(), logger: logger)
        let applied = try await Database(url: url, logger: logger).withConnection { connection in
            try await migrator.migrate(on: connection)
        }
        if !applied.isEmpty {
            logger.info("database migrated", metadata: ["vigil.applied": "\(applied.joined(separator: ","))"])
        }
        return Prepared(url: url, startedEmbedded: started, appliedMigrations: applied)
    }

    static func url(_ connection: EmbeddedPostgres.Connection) -> DatabaseURL {
        DatabaseURL(host: connection.host, port: connection.port, username: connection.username, password: connection.password, database: connection.database)
    }

    private func createDatabaseIfMissing(_ url: DatabaseURL) async throws {
        try await Database(url: url.with(database: "postgres"), logger: logger).withConnection { connection in
            var exists = false
            for try await _ in try await connection.query("SELECT 1 FROM pg_database WHERE datname = \(url.database)", logger: logger).decode(Int32.self) {
                exists = true
            }
            if !exists {
                try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \"\(url.database)\""), logger: logger)
            }
        }
    }
}
