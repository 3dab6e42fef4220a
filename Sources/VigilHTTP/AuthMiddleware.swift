internal import Foundation
public import Hummingbird
internal import HTTPTypes
internal import Logging
public import VigilCore
public import VigilEventLog
public import VigilHTTPBase

/// Verifies `Authorization: Bearer <key>` and requires a permission: no, a malformed or an unknown
/// key is 401, a key whose role does not hold the route's permission is 403 (said the same way
/// whatever the route's parameters name, so it never tells whether another project's object
/// exists). A malformed key is refused from its text alone, and `KeyStore` remembers unknown ones,
/// so a flood of bad keys does not reach the database. A key over its requests a second is 429
/// with `Retry-After` (`RequestLimiter`). The verified principal goes into the context.
public struct AuthMiddleware: RouterMiddleware {
    /// The context this middleware fills in.
    public typealias Context = VigilRequestContext

    private let keys: KeyStore
    private let permission: Permission
    private let limiter: RequestLimiter?

    /// Guards routes with keys from `keys`, requiring a role that holds `permission`
    /// (`Role.permissions`), and counting each request against the key's rate limit in `limiter`.
    public init(keys: KeyStore, requiring permission: Permission, limiter: RequestLimiter? = nil) {
        self.keys = keys
        self.permission = permission
        self.limiter = limiter
    }

    /// Checks the key, then runs the route.
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else {
            throw VigilError(.unauthenticated, "missing API key: send Authorization: Bearer <key> (make one with vigil keys create)")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw VigilError(.unauthenticated, "the Authorization header must be Bearer <key>")
        }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        guard let key = APIKey(token: token) else {
            throw VigilError(.unauthenticated, "the API key is not valid: it is malformed (a key is \(APIKey.shape); make one with vigil keys create)")
        }
        let principal: Principal?
        do {
            principal = try await keys.verify(key)
        } catch {
            // What the database said stays in the log (with the request id): it may name the host, user or database.
            context.logger.error("cannot check the API key", metadata: ["vigil.error": "\(Database.describe(error))"])
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
        var context = context
        context.principal = principal
        return try await next(request, context)
    }
}
