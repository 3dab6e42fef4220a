internal import Foundation
public import PostgresNIO
internal import VigilCore

/// A `postgres://user:password@host:port/database` URL, parsed once into what PostgresNIO needs.
/// `?host=/path/to/socket-dir` selects a Unix socket. Never logged with its password.
public struct DatabaseURL: Sendable, CustomStringConvertible {
    /// The server's host name or address (ignored when `socketPath` is set).
    public var host: String
    /// The server's port.
    public var port: Int
    /// The user to connect as.
    public var username: String
    /// The password, if any.
    public var password: String?
    /// The database.
    public var database: String
    /// The Unix socket file, when the URL names a socket directory.
    public var socketPath: String?

    /// Parses `text`.
    /// - Throws: `VigilError` `.configuration` naming `variable` and what is wrong.
    public init(_ text: String, variable: String = "VIGIL_DATABASE_URL") throws {
        guard let components = URLComponents(string: text),
              let scheme = components.scheme, scheme == "postgres" || scheme == "postgresql"
        else {
            throw VigilError(.configuration, "\(variable) must look like postgres://user:password@host:5432/database")
        }
        let query = Dictionary(
            (components.queryItems ?? []).map { ($0.name, $0.value ?? "") },
            uniquingKeysWith: { _, last in last }
        )
        if let mode = query["sslmode"], !["disable", "allow", "prefer"].contains(mode) {
            throw VigilError(.configuration, "\(variable): sslmode=\(mode) is not supported; Vigil connects without TLS (use sslmode=disable on a trusted network)")
        }
        host = components.host.flatMap { $0.isEmpty ? nil : $0 } ?? "127.0.0.1"
        port = components.port ?? 5432
        username = components.user.flatMap { $0.removingPercentEncoding } ?? "postgres"
        password = components.password.flatMap { $0.removingPercentEncoding }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.isEmpty ? username : (path.removingPercentEncoding ?? path)
        if let socketDirectory = query["host"], socketDirectory.hasPrefix("/") {
            socketPath = "\(socketDirectory)/.s.PGSQL.\(port)"
        }
    }

    /// Makes a URL from its parts.
    public init(host: String, port: Int, username: String, password: String?, database: String) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
    }

    /// The same server, another database.
    public func with(database: String) -> DatabaseURL {
        var copy = self
        copy.database = database
        return copy
    }

    /// The URL text, password included, for `vigil db url` and psql.
    public var connectionString: String {
        var text = "postgres://\(escape(username))"
        if let password { text += ":\(escape(password))" }
        text += "@\(host):\(port)/\(escape(database))"
        if let socketPath {
            let directory = (socketPath as NSString).deletingLastPathComponent
            text += "?host=\(escape(directory))"
        }
        return text
    }

    /// The URL with the password replaced by `***`, for logs and messages.
    public var description: String {
        "postgres://\(username)\(password == nil ? "" : ":***")@\(host):\(port)/\(database)"
    }

    /// The configuration for a single connection.
    public var connectionConfiguration: PostgresConnection.Configuration {
        if let socketPath {
            return .init(unixSocketPath: socketPath, username: username, password: password, database: database)
        }
        return .init(host: host, port: port, username: username, password: password, database: database, tls: .disable)
    }

    /// The configuration for a connection pool: the server's reads (the query API, keys,
    /// dashboards). Its sessions sort and hash in up to 32 MB, so a summary over days merges its
    /// groups in memory instead of sorting its sketches on disk, and use no parallel workers, whose
    /// start-up cost more than they saved where Vigil and Postgres share a few cores (the 7-day
    /// summary of the processor bench: 13 ms of Postgres time with both, 25 ms with neither).
    public var clientConfiguration: PostgresClient.Configuration {
        clientConfiguration(statementTimeoutMilliseconds: nil)
    }

    /// `clientConfiguration` whose sessions also cancel any statement running longer than
    /// `statementTimeoutMilliseconds` (none when nil): the pool that serves requests, so that no
    /// request holds a connection and the server's work without bound. Processors and the
    /// appender connect with `Database.connect` and are not limited.
    public func clientConfiguration(statementTimeoutMilliseconds: Int?) -> PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        if let socketPath {
            configuration = .init(unixSocketPath: socketPath, username: username, password: password, database: database)
        } else {
            configuration = .init(host: host, port: port, username: username, password: password, database: database, tls: .disable)
        }
        configuration.options.additionalStartupParameters = [("work_mem", "32MB"), ("max_parallel_workers_per_gather", "0")]
        if let statementTimeoutMilliseconds {
            configuration.options.additionalStartupParameters.append(("statement_timeout", String(max(1, statementTimeoutMilliseconds))))
        }
        return configuration
    }

    private func escape(_ part: String) -> String {
        part.addingPercentEncoding(withAllowedCharacters: .urlUserAllowed.subtracting(CharacterSet(charactersIn: ":@/?#"))) ?? part
    }
}
