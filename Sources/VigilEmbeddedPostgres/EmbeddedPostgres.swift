internal import Foundation
public import Logging
internal import VigilCore
#if canImport(Glibc)
internal import Glibc
#endif

/// Vigil's private Postgres cluster: made with initdb on first start under the data folder,
/// started with pg_ctl, reused on later starts (also when a previous Vigil died and left it
/// running), stopped on shutdown. Started as root it runs the server as the `postgres` system user,
/// since initdb and postgres refuse root.
public struct EmbeddedPostgres: Sendable {
    /// Where and with what the cluster lives.
    public struct Configuration: Sendable {
        /// The data folder; the cluster is its `postgres/` folder. `VIGIL_DATA_DIR`, default `./.vigil`.
        public var dataDirectory: String
        /// The folder holding initdb and pg_ctl; found under /usr/lib/postgresql or on PATH when nil.
        /// `VIGIL_PG_BIN`, default: the newest /usr/lib/postgresql/N/bin.
        public var binDirectory: String?

        /// Makes a configuration.
        public init(dataDirectory: String, binDirectory: String? = nil) {
            self.dataDirectory = dataDirectory
            self.binDirectory = binDirectory
        }
    }

    /// How to reach the running cluster.
    public struct Connection: Sendable, Codable, Equatable {
        /// Always 127.0.0.1: the cluster listens on loopback only.
        public var host: String
        /// The port chosen when the cluster was made.
        public var port: Int
        /// The superuser initdb made.
        public var username: String
        /// Its password, generated when the cluster was made.
        public var password: String
        /// The database Vigil uses.
        public var database: String
    }

    private let configuration: Configuration
    private let logger: Logger
    private let dataDirectory: String

    /// Makes a handle on the cluster; nothing starts until `start()`.
    public init(configuration: Configuration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        let base = configuration.dataDirectory.hasPrefix("/")
            ? configuration.dataDirectory
            : FileManager.default.currentDirectoryPath + "/" + configuration.dataDirectory
        self.dataDirectory = URL(fileURLWithPath: base).standardizedFileURL.path
    }

    private var infoPath: String { dataDirectory + "/embedded-postgres.json" }
    private var runningAsRoot: Bool { geteuid() == 0 }

    /// Where the cluster's files are. As root, when the `postgres` user cannot reach the data
    /// folder (under /root, say), the cluster lives under /var/lib/vigil instead and this says where.
    public var clusterDirectory: String {
        if let info = try? readInfo(), let directory = info.clusterDirectory { return directory }
        return dataDirectory + "/postgres"
    }

    /// The connection of a cluster made earlier, without starting anything; nil when there is none.
    public func existingConnection() throws -> Connection? {
        try readInfo()?.connection
    }

    /// Makes the cluster if needed, starts it unless it already runs, and says how to reach it
    /// and whether this call started it.
    public func start() async throws -> (connection: Connection, startedNow: Bool) {
        let bin = try binDirectory()
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        if runningAsRoot {
            // The postgres user must pass through the data folder to its cluster; it cannot list it.
            _ = chmod(dataDirectory, 0o711)
        }
        var info = try readInfo() ?? Info(
            connection: Connection(host: "127.0.0.1", port: try Self.freePort(), username: "vigil", password: Self.randomPassword(), database: "vigil"),
            clusterDirectory: nil
        )
        if info.clusterDirectory == nil {
            info.clusterDirectory = try chooseClusterDirectory()
            try writeInfo(info)
        }
        let cluster = info.clusterDirectory!
        if !FileManager.default.fileExists(atPath: cluster + "/PG_VERSION") {
            try initialise(cluster: cluster, bin: bin, connection: info.connection)
        }
        if try run(bin + "/pg_ctl", ["-D", cluster, "status"], allowFailure: true).status == 0 {
            logger.info("embedded Postgres already running", metadata: ["vigil.cluster": "\(cluster)"])
            return (info.connection, false)
        } else {
            logger.info("starting embedded Postgres", metadata: ["vigil.cluster": "\(cluster)", "vigil.port": "\(info.connection.port)"])
            let result = try run(bin + "/pg_ctl", ["-D", cluster, "-l", cluster + "/server.log", "-w", "-t", "60", "start"], allowFailure: true)
            if result.status != 0 {
                let log = (try? String(contentsOfFile: cluster + "/server.log", encoding: .utf8))?.split(separator: "\n").suffix(5).joined(separator: "\n") ?? ""
                throw VigilError(.unavailable, "embedded Postgres did not start (pg_ctl: \(result.output.trimmingCharacters(in: .whitespacesAndNewlines))). Last lines of \(cluster)/server.log:\n\(log)")
            }
        }
        return (info.connection, true)
    }

    /// Stops the cluster (fast shutdown: open transactions roll back, committed data is safe).
    public func stop() throws {
        let bin = try binDirectory()
        guard let cluster = try readInfo()?.clusterDirectory else { return }
        let result = try run(bin + "/pg_ctl", ["-D", cluster, "-m", "fast", "-w", "-t", "60", "stop"], allowFailure: true)
        if result.status != 0 {
            logger.warning("embedded Postgres did not stop cleanly", metadata: ["vigil.output": "\(result.output)"])
        }
    }

    // MARK: - Cluster creation

    private struct Info: Codable {
        var connection: Connection
        var clusterDirectory: String?
    }

    private func readInfo() throws -> Info? {
        guard let data = FileManager.default.contents(atPath: infoPath) else { return nil }
        do {
            return try JSONDecoder().decode(Info.self, from: data)
        } catch {
            throw VigilError(.configuration, "\(infoPath) is unreadable (\(error)); move the data folder aside to start afresh")
        }
    }

    private func writeInfo(_ info: Info) throws {
        let data = try JSONEncoder().encode(info)
        guard FileManager.default.createFile(atPath: infoPath, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw VigilError(.configuration, "cannot write \(infoPath): check VIGIL_DATA_DIR")
        }
    }

    private func chooseClusterDirectory() throws -> String {
        let preferred = dataDirectory + "/postgres"
        guard runningAsRoot else { return preferred }
        guard getpwnam("postgres") != nil else {
            throw VigilError(.configuration, "running as root needs the postgres system user to run the embedded cluster (apt-get install postgresql), or set VIGIL_DATABASE_URL")
        }
        try FileManager.default.createDirectory(atPath: preferred, withIntermediateDirectories: true)
        try chownToPostgres(preferred)
        if try run("/usr/bin/test", ["-w", preferred, "-a", "-x", preferred], allowFailure: true).status == 0 {
            return preferred
        }
        // The postgres user cannot reach the data folder (a parent is private to root).
        let digest = String(dataDirectory.hashValueStable, radix: 16)
        let fallback = "/var/lib/vigil/clusters/\(digest)"
        try FileManager.default.createDirectory(atPath: fallback, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        try chownToPostgres(fallback)
        try? FileManager.default.removeItem(atPath: preferred)
        logger.notice("the postgres user cannot reach the data folder; the embedded cluster lives in \(fallback)")
        return fallback
    }

    private func initialise(cluster: String, bin: String, connection: Connection) throws {
        try FileManager.default.createDirectory(atPath: cluster, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        if runningAsRoot { try chownToPostgres(cluster) }
        let passwordFile = cluster + ".pwfile"
        _ = FileManager.default.createFile(atPath: passwordFile, contents: Data(connection.password.utf8), attributes: [.posixPermissions: 0o600])
        if runningAsRoot { try chownToPostgres(passwordFile) }
        defer { try? FileManager.default.removeItem(atPath: passwordFile) }
        logger.info("creating embedded Postgres cluster", metadata: ["vigil.cluster": "\(cluster)"])
        let result = try run(bin + "/initdb", [
            "-D", cluster, "-U", connection.username, "--pwfile=\(passwordFile)",
            "--auth=scram-sha-256", "-E", "UTF8", "--no-locale",
        ], allowFailure: true)
        guard result.status == 0 else {
            throw VigilError(.unavailable, "initdb failed: \(result.output)")
        }
        let settings = """

            # Added by Vigil: loopback only, its own port, no Unix socket.
            listen_addresses = '127.0.0.1'
            port = \(connection.port)
            unix_socket_directories = ''
            max_connections = 200
            shared_buffers = '256MB'
            wal_compression = on
            """
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: cluster + "/postgresql.conf"))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(settings.utf8))
        try handle.close()
    }

    // MARK: - Processes

    private func binDirectory() throws -> String {
        if let configured = configuration.binDirectory {
            guard FileManager.default.isExecutableFile(atPath: configured + "/pg_ctl") else {
                throw VigilError(.configuration, "VIGIL_PG_BIN=\(configured) holds no pg_ctl")
            }
            return configured
        }
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [])
            .compactMap(Int.init).sorted(by: >)
        for version in versions where FileManager.default.isExecutableFile(atPath: "\(root)/\(version)/bin/pg_ctl") {
            return "\(root)/\(version)/bin"
        }
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            if FileManager.default.isExecutableFile(atPath: "\(directory)/pg_ctl"), FileManager.default.isExecutableFile(atPath: "\(directory)/initdb") {
                return String(directory)
            }
        }
        throw VigilError(.configuration, "no Postgres server found (pg_ctl, initdb): install it (apt-get install postgresql), set VIGIL_PG_BIN, or set VIGIL_DATABASE_URL")
    }

    private func chownToPostgres(_ path: String) throws {
        guard let user = getpwnam("postgres") else { return }
        if chown(path, user.pointee.pw_uid, user.pointee.pw_gid) != 0 {
            throw VigilError(.configuration, "cannot hand \(path) to the postgres user (errno \(errno))")
        }
    }

    private func run(_ executable: String, _ arguments: [String], allowFailure: Bool) throws -> (status: Int32, output: String) {
        var argv = [executable] + arguments
        if runningAsRoot {
            guard let runuser = ["/usr/sbin/runuser", "/sbin/runuser"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
                throw VigilError(.configuration, "running as root needs runuser to start Postgres as the postgres user")
            }
            argv = [runuser, "-u", "postgres", "--"] + argv
        }
        let result = try ChildProcess.run(argv)
        if result.status != 0, !allowFailure {
            throw VigilError(.unavailable, "\(executable) failed: \(result.output)")
        }
        return result
    }

    static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw VigilError(.unavailable, "cannot open a socket to choose a port") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard bound == 0 else { throw VigilError(.unavailable, "cannot bind a socket to choose a port") }
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard named == 0 else { throw VigilError(.unavailable, "cannot read the chosen port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func randomPassword() -> String {
        let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<32).map { _ in alphabet.randomElement(using: &generator)! })
    }
}

extension String {
    /// FNV-1a over the UTF-8 bytes: stable across runs, unlike `hashValue`.
    var hashValueStable: UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }
}
