public import Hummingbird
internal import NIOCore
public import VigilCore

/// The per-request context: Hummingbird's core storage plus who the request acts as,
/// once the auth middleware has verified its key.
public struct VigilRequestContext: RequestContext {
    /// Hummingbird's storage (logger, parameters, endpoint).
    public var coreContext: CoreRequestContextStorage
    /// The verified caller; nil before authentication and on public routes.
    public var principal: Principal?
    /// The peer's IP address (not a proxy's `X-Forwarded-For`, which a client can forge); nil
    /// when the channel has none (a test's).
    public var remoteAddress: String?
    /// Set by the audit middleware on audited routes, for the handler to fill in.
    public var audit: AuditNote?

    /// Makes a context for a new request.
    public init(source: Source) {
        self.coreContext = .init(source: source)
        self.principal = nil
        self.remoteAddress = source.channel.remoteAddress?.ipAddress
        self.audit = nil
    }

    /// The caller, or an `.unauthenticated` error for a route the auth middleware did not guard.
    public func requirePrincipal() throws -> Principal {
        guard let principal else {
            throw VigilError(.unauthenticated, "this route needs an API key: send Authorization: Bearer <key>")
        }
        return principal
    }
}
