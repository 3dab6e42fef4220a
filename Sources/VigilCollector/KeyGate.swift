public import Logging
public import VigilCore
public import VigilEventLog

/// Who sent a request, from the `Bearer <key>` it carries (an HTTP `Authorization` header or the
/// `authorization` metadata of a gRPC call): no, a malformed or an unknown key is
/// `.unauthenticated`, a key whose role lacks the permission `.forbidden` (said the same way
/// whatever the request names, so it never tells whether another project's object exists), a key
/// over its requests a second `.rateLimited` (`RequestLimiter`). A malformed key is refused from
/// its text alone, and `KeyStore` remembers unknown ones, so a flood of bad keys does not reach
/// the database.
public struct KeyGate: Sendable {
    private let keys: KeyStore
    private let limiter: RequestLimiter?

    /// Checks keys against `keys`, counting each request against its key's rate in `limiter`.
    public init(keys: KeyStore, limiter: RequestLimiter?) {
        self.keys = keys
        self.limiter = limiter
    }

    /// The principal of `authorization` (the header's or metadata's value), once it holds
    /// `permission` and is within its request rate. What the database said when the key cannot
    /// be checked goes to `logger`, never to the caller.
    public func admit(authorization: String?, requiring permission: Permission, logger: Logger) async throws -> Principal {
        guard let authorization else {
            throw VigilError(.unauthenticated, "missing API key: send Authorization: Bearer <key> (make one with vigil keys create)")
        }
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw VigilError(.unauthenticated, "the Authorization header must be Bearer <key>")
        }
        let token = String(parts[1]).trimmingWhitespace()
        guard let key = APIKey(token: token) else {
            throw VigilError(.unauthenticated, "the API key is not valid: it is malformed (a key is \(APIKey.shape); make one with vigil keys create)")
        }
        let principal: Principal?
        do {
            principal = try await keys.verify(key)
        } catch {
            logger.error("cannot check the API key", metadata: ["vigil.error": "\(Database.describe(error))"])
            throw VigilError(.unavailable, "cannot check the API key right now; retry shortly", retryAfterSeconds: 1)
        }
        guard let principal else {
            throw VigilError(.unauthenticated, "the API key is not valid (unknown or revoked)")
        }
        guard principal.role.permits(permission) else {
            let roles = permission.roles.map(\.rawValue).joined(separator: ", ")
            throw VigilError(.forbidden, "a key with role \(principal.role.rawValue) cannot do this; it needs role \(roles)")
        }
        try limiter?.admitRequest(principal)
        return principal
    }
}
