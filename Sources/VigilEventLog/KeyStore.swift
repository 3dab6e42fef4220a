public import Logging
internal import NIOCore
public import PostgresNIO
internal import Synchronization
public import VigilCore

/// Projects and API keys: creation, listing and revocation (CLI, admin), and verification of the
/// keys requests carry (server), with a short cache so a busy collector does not ask the database
/// on every request. A revoked key stops working within the cache's time to live. A malformed key
/// is refused without a query; an unknown well-formed one is remembered (`UnknownKeyCache`, at
/// most 10,000, for the same time to live), so repeating it does not reach the database either,
/// and a key created meanwhile starts working within that time. Instance-wide keys (role
/// `operator`) belong to `InstanceProject`; every other key to a project of its own. Making and
/// revoking a key (the CLI's work) is audited in the same transaction, with `cli` as the actor.
public final class KeyStore: Sendable {
    /// A key as listed: everything but the secret.
    public struct KeyInfo: Sendable, Equatable {
        /// The key's id.
        public var keyID: Int64
        /// The project's name; nil for an instance-wide key.
        public var project: String?
        /// The public part of the key.
        public var lookup: String
        /// What the key may do.
        public var role: Role
        /// The name given at creation.
        public var name: String
        /// Creation time, RFC 3339.
        public var createdAt: String
        /// Revocation time, RFC 3339, when revoked.
        public var revokedAt: String?
        /// The limits in force: the key's own, else its project's defaults.
        public var limits: KeyLimits = .none
    }

    /// A key just made; `token` is shown once and never stored.
    public struct CreatedKey: Sendable {
        /// The whole key.
        public var token: String
        /// Its id.
        public var keyID: Int64
        /// Its project's id (`InstanceProject.id` for an instance-wide key).
        public var projectID: Int64
    }

    private struct CacheEntry {
        var principal: Principal
        var expires: ContinuousClock.Instant
    }

    private let executor: any QueryExecutor
    private let logger: Logger
    private let cacheTTL: Duration
    /// Valid keys only (as many as the database holds, so the bound below is a safety net).
    private let cache = Mutex<[String: CacheEntry]>([:])
    /// Unknown keys only.
    private let unknown: Mutex<UnknownKeyCache>

    /// Makes a verifier over `executor` (the server's pool). `cacheTTL`: `VIGIL_KEY_CACHE_SECONDS`,
    /// default 10 s, for valid and unknown keys alike; `unknownKeyCapacity`: unknown keys remembered at most.
    public init(executor: any QueryExecutor, cacheTTL: Duration = .seconds(10), unknownKeyCapacity: Int = 10_000, logger: Logger) {
        self.executor = executor
        self.cacheTTL = cacheTTL
        self.unknown = Mutex(UnknownKeyCache(capacity: unknownKeyCapacity, timeToLive: cacheTTL))
        self.logger = logger
    }

    /// The principal a key acts as, or nil when the key is unknown, malformed or revoked.
    public func verify(token: String) async throws -> Principal? {
        guard let key = APIKey(token: token) else { return nil }
        return try await verify(key)
    }

    /// The principal a well-formed key acts as, or nil when the key is unknown or revoked.
    public func verify(_ key: APIKey) async throws -> Principal? {
        let now = ContinuousClock.now
        let cacheKey = Hex.encode(key.hash)
        if let hit = cache.withLock({ $0[cacheKey] }), hit.expires > now {
            return hit.principal
        }
        if unknown.withLock({ $0.contains(cacheKey, now: now) }) {
            return nil
        }
        var principal: Principal?
        let rows = try await executor.execute(
            """
            SELECT k.project_id, p.name, k.key_id, k.role, k.secret_hash, \(unescaped: Self.effectiveLimitColumns)
            FROM api_keys k JOIN projects p USING (project_id) LEFT JOIN project_limits d USING (project_id)
            WHERE k.lookup = \(key.lookup) AND k.revoked_at IS NULL
            """,
            logger: logger
        )
        for try await (project, projectName, keyID, role, hash, requests, bytes, items, spend) in rows.decode((Int64, String, Int64, String, ByteBuffer, Double?, Double?, Double?, String?).self) {
            // The table ties operator keys to the instance project and others to real projects;
            // checked again here so that a row breaking it can never act as the wrong kind of key.
            if key.matches(storedHash: Array(buffer: hash)), let role = Role(rawValue: role), role.isInstanceWide == (project == InstanceProject.id) {
                let limits = KeyLimits(requestsPerSecond: requests, bytesPerSecond: bytes, itemsPerSecond: items, spendUSDPerDay: spend.flatMap(Self.decimal))
                principal = Principal(projectID: project, projectName: projectName, keyID: keyID, role: role, limits: limits)
            }
        }
        if let principal {
            unknown.withLock { $0.remove(cacheKey) }
            cache.withLock { cache in
                if cache.count >= 10_000 { cache.removeAll() }
                cache[cacheKey] = CacheEntry(principal: principal, expires: now + cacheTTL)
            }
        } else {
            cache.withLock { $0[cacheKey] = nil }
            unknown.withLock { $0.insert(cacheKey, now: now) }
        }
        return principal
    }

    /// Creates a key for `project` (creating the project when new), recording both as events. An
    /// instance-wide role takes no project (its key belongs to `InstanceProject`); every other role needs one.
    /// `limits` are the key's own (a limit left nil follows the project's default).
    /// - Throws: `VigilError` `.invalidInput` when the project is missing, given for an
    ///   instance-wide role, or not a valid project name.
    public static func create(project: String?, role: Role, name: String, limits: KeyLimits = .none, on connection: PostgresConnection, logger: Logger) async throws -> CreatedKey {
        switch (role.isInstanceWide, project) {
        case (true, nil):
            break
        case (true, let project?):
            throw VigilError(.invalidInput, "a key of role \(role.rawValue) belongs to the instance, not to a project: leave out the project (not \"\(project)\")")
        case (false, nil):
            throw VigilError(.invalidInput, "a key of role \(role.rawValue) belongs to a project: name it")
        case (false, let project?):
            try validate(projectName: project)
        }
        let key = APIKey.generate()
        return try await connection.transaction(logger: logger) { transaction in
            var projectID = InstanceProject.id
            var isNew = false
            if let project {
                let ensured = try await ensureProject(project, on: transaction, logger: logger)
                projectID = ensured.id
                isNew = ensured.created
            }
            var keyID: Int64 = 0
            for try await id in try await transaction.query("""
                INSERT INTO api_keys (project_id, lookup, secret_hash, role, name, requests_per_second, bytes_per_second, items_per_second, spend_usd_per_day)
                VALUES (\(projectID), \(key.lookup), \(ByteBuffer(bytes: key.hash)), \(role.rawValue), \(name),
                        \(limits.requestsPerSecond), \(limits.bytesPerSecond), \(limits.itemsPerSecond), \(limits.spendUSDPerDay.map(Self.text))::numeric)
                RETURNING key_id
                """, logger: logger).decode(Int64.self) {
                keyID = id
            }
            var facts: [NewEvent] = []
            if isNew, let project { facts.append(fact(.projectCreated, projectID: projectID, fields: [("project", project)])) }
            facts.append(fact(.keyCreated, projectID: projectID, fields: [
                ("key_id", String(keyID)), ("lookup", key.lookup), ("role", role.rawValue), ("name", name),
            ]))
            facts.append(AuditRecord(projectID: projectID, projectName: project ?? InstanceProject.name, actor: .cli, action: "key.create",
                                     target: String(keyID), outcome: .succeeded,
                                     details: ["lookup": key.lookup, "role": role.rawValue, "name": name].merging(auditDetails(limits)) { first, _ in first }).event())
            _ = try await EventLogWriter.appendInTransaction(facts, on: transaction, knownPartitions: [], logger: logger)
            return CreatedKey(token: key.token, keyID: keyID, projectID: projectID)
        }
    }

    /// Lists keys, of one project when given (instance-wide keys only when none is), oldest first.
    public static func list(project: String?, on executor: any QueryExecutor, logger: Logger) async throws -> [KeyInfo] {
        let filter = project ?? ""
        let rows = try await executor.execute("""
            SELECT k.key_id, CASE WHEN k.project_id = \(InstanceProject.id) THEN NULL ELSE p.name END, k.lookup, k.role, k.name,
                   to_char(k.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                   to_char(k.revoked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                   \(unescaped: effectiveLimitColumns)
            FROM api_keys k JOIN projects p USING (project_id) LEFT JOIN project_limits d USING (project_id)
            WHERE \(filter) = '' OR p.name = \(filter)
            ORDER BY k.key_id
            """, logger: logger)
        var keys: [KeyInfo] = []
        for try await (id, projectName, lookup, role, name, created, revoked, requests, bytes, items, spend) in rows.decode(
            (Int64, String?, String, String, String, String, String?, Double?, Double?, Double?, String?).self
        ) {
            let limits = KeyLimits(requestsPerSecond: requests, bytesPerSecond: bytes, itemsPerSecond: items, spendUSDPerDay: spend.flatMap(decimal))
            keys.append(KeyInfo(keyID: id, project: projectName, lookup: lookup, role: Role(rawValue: role) ?? .read, name: name, createdAt: created, revokedAt: revoked, limits: limits))
        }
        return keys
    }

    /// Revokes the key with id `keyID` or lookup `lookup`, recording it as an event.
    /// - Throws: `VigilError` `.notFound` when no such active key exists.
    public static func revoke(keyID: Int64?, lookup: String?, on connection: PostgresConnection, logger: Logger) async throws -> KeyInfo {
        let id = keyID ?? -1
        let publicPart = lookup ?? ""
        return try await connection.transaction(logger: logger) { transaction in
            var revoked: (Int64, Int64, String)?
            for try await row in try await transaction.query("""
                UPDATE api_keys SET revoked_at = now()
                WHERE (key_id = \(id) OR lookup = \(publicPart)) AND revoked_at IS NULL
                RETURNING project_id, key_id, lookup
                """, logger: logger).decode((Int64, Int64, String).self) {
                revoked = row
            }
            guard let (projectID, revokedID, revokedLookup) = revoked else {
                throw VigilError(.notFound, "no active key with \(keyID.map { "id \($0)" } ?? "lookup \(publicPart)")")
            }
            let all = try await list(project: nil, on: transaction, logger: logger)
            guard let info = all.first(where: { $0.keyID == revokedID }) else {
                throw VigilError(.notFound, "key \(revokedID) vanished while being revoked")
            }
            let audit = AuditRecord(projectID: projectID, projectName: info.project ?? InstanceProject.name, actor: .cli, action: "key.revoke",
                                    target: String(revokedID), outcome: .succeeded, details: ["lookup": revokedLookup, "role": info.role.rawValue])
            _ = try await EventLogWriter.appendInTransaction(
                [fact(.keyRevoked, projectID: projectID, fields: [("key_id", String(revokedID)), ("lookup", revokedLookup)]), audit.event()],
                on: transaction, knownPartitions: [], logger: logger
            )
            return info
        }
    }

    /// The id of project `name`.
    /// - Throws: `VigilError` `.notFound` when there is no such project.
    public static func projectID(named name: String, on executor: any QueryExecutor, logger: Logger) async throws -> Int64 {
        for try await id in try await executor.execute("SELECT project_id FROM projects WHERE name = \(name)", logger: logger).decode(Int64.self) {
            return id
        }
        throw VigilError(.notFound, "no project named \(name)")
    }

    /// The id of project `name`, creating it when missing.
    static func ensureProject(_ name: String, on executor: any QueryExecutor, logger: Logger) async throws -> (id: Int64, created: Bool) {
        try validate(projectName: name)
        for try await id in try await executor.execute(
            "INSERT INTO projects (name) VALUES (\(name)) ON CONFLICT (name) DO NOTHING RETURNING project_id", logger: logger
        ).decode(Int64.self) {
            return (id, true)
        }
        for try await id in try await executor.execute("SELECT project_id FROM projects WHERE name = \(name)", logger: logger).decode(Int64.self) {
            return (id, false)
        }
        throw VigilError(.notFound, "project \(name) could not be created")
    }

    private static func validate(projectName name: String) throws {
        guard ProjectName.isValid(name) else {
            throw VigilError(.invalidInput, "project name \"\(name)\" must be \(ProjectName.rule)")
        }
    }

    private static func fact(_ kind: EventKind, projectID: Int64, fields: [(String, String)]) -> NewEvent {
        var writer = JSONWriter()
        writer.beginObject()
        for (key, value) in fields { writer.string(key, value) }
        writer.endObject()
        let nowMicros = EventTime.nowMicros()
        var generator = SystemRandomNumberGenerator()
        // A fact happens once; a random key keeps two identical facts apart.
        let dedup = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return NewEvent(projectID: projectID, kind: kind, occurredAtMicros: nowMicros, dedupKey: dedup, body: writer.bytes)
    }
}
