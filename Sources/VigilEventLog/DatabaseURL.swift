internal import Foundation
internal import NIOSSL
public import PostgresNIO
internal import VigilCore

/// A `postgres://user:password@host:port/database` URL, parsed once into what PostgresNIO needs.
/// `?host=/path/to/socket-dir` selects a Unix socket. `?sslmode=` and `?sslrootcert=FILE` choose
/// TLS as libpq's do. Never logged with its password.
public struct DatabaseURL: Sendable, CustomStringConvertible {
    /// How a TCP connection uses TLS: libpq's `sslmode` values (a Unix socket never does).
    public enum SSLMode: String, Sendable, CaseIterable {
        /// No TLS (the default).
        case disable
        /// No TLS either (libpq would try TLS only when plain text is refused).
        case allow
        /// TLS when the server offers it, else plain text; the certificate is not checked.
        case prefer
        /// TLS or no connection; the certificate is not checked, unless `sslrootcert` is given
        /// (then as `verify-ca`, as libpq does).
        case require
        /// TLS, with a certificate signed by `sslrootcert` (or the system's roots).
        case verifyCA = "verify-ca"
        /// TLS, with a certificate signed by `sslrootcert` (or the system's roots) for the URL's host name.
        case verifyFull = "verify-full"
    }

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
    /// TLS to the server (`?sslmode=`), default `disable`.
    public private(set) var sslMode: SSLMode = .disable
    /// The CA certificates (PEM) the server's certificate must be signed by (`?sslrootcert=`).
    public private(set) var sslRootCert: String?
    /// Made once from the file, so that a missing or unreadable one is found at parse time.
    private var sslContext: NIOSSLContext?

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
        if let mode = query["sslmode"] {
            guard let parsed = SSLMode(rawValue: mode) else {
                let known = SSLMode.allCases.map(\.rawValue).joined(separator: ", ")
                throw VigilError(.configuration, "\(variable): sslmode=\(mode) is not one of \(known)")
            }
            sslMode = parsed
        }
        if let rootCert = query["sslrootcert"], !rootCert.isEmpty {
            guard FileManager.default.isReadableFile(atPath: rootCert) else {
                throw VigilError(.configuration, "\(variable): sslrootcert=\(rootCert) is not a readable file")
            }
            sslRootCert = rootCert
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
        if let tls = tlsConfiguration {
            do {
                sslContext = try NIOSSLContext(configuration: tls)
            } catch {
                throw VigilError(.configuration, "\(variable): cannot set up TLS with sslrootcert=\(sslRootCert ?? "(none)"): \(error)")
            }
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
        var parameters: [String] = []
        if let socketPath {
            let directory = (socketPath as NSString).deletingLastPathComponent
            parameters.append("host=\(escape(directory))")
        }
        if sslMode != .disable { parameters.append("sslmode=\(sslMode.rawValue)") }
        if let sslRootCert { parameters.append("sslrootcert=\(escape(sslRootCert))") }
        if !parameters.isEmpty { text += "?" + parameters.joined(separator: "&") }
        return text
    }

    /// The URL with the password replaced by `***`, for logs and messages.
    public var description: String {
        "postgres://\(username)\(password == nil ? "" : ":***")@\(host):\(port)/\(database)\(sslMode == .disable ? "" : "?sslmode=\(sslMode.rawValue)")"
    }

    /// The TLS settings `sslmode` and `sslrootcert` ask for; nil for no TLS.
    var tlsConfiguration: TLSConfiguration? {
        var tls = TLSConfiguration.makeClientConfiguration()
        switch sslMode {
        case .disable, .allow: return nil
        case .prefer: tls.certificateVerification = .none
        case .require: tls.certificateVerification = sslRootCert == nil ? .none : .noHostnameVerification
        case .verifyCA: tls.certificateVerification = .noHostnameVerification
        case .verifyFull: tls.certificateVerification = .fullVerification
        }
        if let sslRootCert { tls.trustRoots = .file(sslRootCert) }
        return tls
    }

    /// The configuration for a single connection.
    public var connectionConfiguration: PostgresConnection.Configuration {
        if let socketPath {
            return .init(unixSocketPath: socketPath, username: username, password: password, database: database)
        }
        let tls: PostgresConnection.Configuration.TLS
        switch (sslMode, sslContext) {
        case (.prefer, let context?): tls = .prefer(context)
        case (_, let context?): tls = .require(context)
        case (_, nil): tls = .disable
        }
        return .init(host: host, port: port, username: username, password: password, database: database, tls: tls)
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
            let tls: PostgresClient.Configuration.TLS
            switch (sslMode, tlsConfiguration) {
            case (.prefer, let settings?): tls = .prefer(settings)
            case (_, let settings?): tls = .require(settings)
            case (_, nil): tls = .disable
            }
            configuration = .init(host: host, port: port, username: username, password: password, database: database, tls: tls)
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
