public import Hummingbird
internal import HTTPTypes
public import VigilCore
public import VigilEventLog
public import VigilHTTPBase
public import VigilCollector

/// Guards a route with `KeyGate`: `Authorization: Bearer <key>` verified, the route's permission
/// required (401 without a valid key, 403 without the role), the key's requests a second counted
/// (429 with `Retry-After`). The verified principal goes into the context.
public struct AuthMiddleware: RouterMiddleware {
    /// The context this middleware fills in.
    public typealias Context = VigilRequestContext

    private let gate: KeyGate
    private let permission: Permission

    /// Guards routes with keys from `keys`, requiring a role that holds `permission`
    /// (`Role.permissions`), and counting each request against the key's rate limit in `limiter`.
    public init(keys: KeyStore, requiring permission: Permission, limiter: RequestLimiter? = nil) {
        gate = KeyGate(keys: keys, limiter: limiter)
        self.permission = permission
    }

    /// Checks the key, then runs the route.
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let principal = try await gate.admit(authorization: request.headers[.authorization], requiring: permission, logger: context.logger)
        var context = context
        context.principal = principal
        return try await next(request, context)
    }
}
