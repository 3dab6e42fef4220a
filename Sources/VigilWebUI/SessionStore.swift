internal import Crypto
internal import Logging
internal import NIOCore
internal import PostgresNIO
internal import VigilCore
internal import VigilEventLog

/// The web view's sessions in `ui_sessions`: signing in with a read, operate or admin key of the project
/// named makes one (a random 32-byte token for the cookie, only its SHA-256 hash stored, good
/// for twelve hours); every page asks again whether the session is current and its key unrevoked;
/// signing out deletes it.
struct SessionStore: Sendable {
    /// A signed-in session.
    struct Session: Sendable, Equatable {
        /// The key's project.
        var projectID: Int64
        /// The project's name.
        var projectName: String
        /// The key signed in with.
        var keyID: Int64
        /// The key's role (read, operate or admin).
        var role: Role

        /// Who the pages act as.
        var principal: Principal { Principal(projectID: projectID, projectName: projectName, keyID: keyID, role: role) }
    }

    /// Why a sign-in was refused: the message shown on the form and its status.
    struct Refusal: Error, Sendable, Equatable {
        /// 400 (the form was incomplete), 401 (no valid key) or 403 (a valid key that may not sign in here).
        var status: Int
        /// What the form says.
        var message: String
    }

    /// How long a session lasts.
    static let lifetimeSeconds: Int64 = 12 * 3600

    private let executor: any QueryExecutor
    private let logger: Logger

    /// Makes a store over `executor` (the server's pool).
    init(executor: any QueryExecutor, logger: Logger) {
        self.executor = executor
        self.logger = logger
    }

    /// Signs in with `token`, a key of project `project`: the new session and the cookie's token.
    /// - Throws: `Refusal` for a missing, unknown, malformed or revoked key, an ingest key or a key
    ///   of another project; database errors as they come.
    func signIn(project: String, key token: String) async throws -> (token: String, session: Session) {
        let project = project.trimmingWhitespace()
        let token = token.trimmingWhitespace()
        guard !project.isEmpty else { throw Refusal(status: 400, message: "Enter the project's name.") }
        guard !token.isEmpty else { throw Refusal(status: 400, message: "Enter a read, operate or admin key of the project.") }
        let invalid = Refusal(status: 401, message: "That key is not valid: it is unknown or malformed. Keys look like vgl_… and are made with vigil keys create.")
        guard let key = APIKey(token: token) else { throw invalid }
        var found: (projectID: Int64, keyID: Int64, role: String, revoked: Bool, projectName: String)?
        for try await (projectID, keyID, role, hash, revoked, name) in try await executor.execute("""
            SELECT k.project_id, k.key_id, k.role, k.secret_hash, k.revoked_at IS NOT NULL, p.name
            FROM api_keys k JOIN projects p USING (project_id) WHERE k.lookup = \(key.lookup)
            """, logger: logger).decode((Int64, Int64, String, ByteBuffer, Bool, String).self) {
            if key.matches(storedHash: Array(buffer: hash)) {
                found = (projectID, keyID, role, revoked, name)
            }
        }
        guard let found else { throw invalid }
        guard !found.revoked else { throw Refusal(status: 401, message: "That key has been revoked; ask for a new one.") }
        guard found.projectName == project else {
            throw Refusal(status: 403, message: "That key is not a key of project \(project).")
        }
        guard let role = Role(rawValue: found.role), role.permits(.readProject) else {
            let message = found.role == Role.ingest.rawValue
                ? "An ingest key can only send telemetry; sign in with a read, operate or admin key."
                : "An \(found.role) key cannot read a project's pages; sign in with a read, operate or admin key."
            throw Refusal(status: 403, message: message)
        }
        var generator = SystemRandomNumberGenerator()
        let secret = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        try await executor.execute("DELETE FROM ui_sessions WHERE expires_at < now()", logger: logger)
        try await executor.execute("""
            INSERT INTO ui_sessions (session_hash, project_id, key_id, expires_at)
            VALUES (\(ByteBuffer(bytes: Self.hash(secret))), \(found.projectID), \(found.keyID), now() + \(Self.lifetimeSeconds) * interval '1 second')
            """, logger: logger)
        return (Hex.encode(secret), Session(projectID: found.projectID, projectName: found.projectName, keyID: found.keyID, role: role))
    }

    /// The session of a cookie's token, nil when there is none, it expired or its key was revoked.
    func session(token: String) async throws -> Session? {
        guard let secret = Self.secret(token) else { return nil }
        for try await (projectID, keyID, role, name) in try await executor.execute("""
            SELECT s.project_id, s.key_id, k.role, p.name FROM ui_sessions s
            JOIN api_keys k ON k.project_id = s.project_id AND k.key_id = s.key_id
            JOIN projects p ON p.project_id = s.project_id
            WHERE s.session_hash = \(ByteBuffer(bytes: Self.hash(secret))) AND s.expires_at > now() AND k.revoked_at IS NULL
            """, logger: logger).decode((Int64, Int64, String, String).self) {
            guard let role = Role(rawValue: role), role.permits(.readProject) else { return nil }
            return Session(projectID: projectID, projectName: name, keyID: keyID, role: role)
        }
        return nil
    }

    /// Ends the session of a cookie's token (nothing happens when there is none).
    func signOut(token: String) async throws {
        guard let secret = Self.secret(token) else { return }
        try await executor.execute("DELETE FROM ui_sessions WHERE session_hash = \(ByteBuffer(bytes: Self.hash(secret)))", logger: logger)
    }

    /// The 32 bytes of a cookie's token (64 hex digits); nil for anything else.
    static func secret(_ token: String) -> [UInt8]? {
        guard token.utf8.count == 64, let bytes = Hex.decode(token.lowercased()), bytes.count == 32 else { return nil }
        return bytes
    }

    /// What the table stores of a token.
    static func hash(_ secret: [UInt8]) -> [UInt8] {
        Array(SHA256.hash(data: secret))
    }
}
