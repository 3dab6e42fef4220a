public import Hummingbird
public import VigilCore
public import VigilEventLog
public import VigilHTTPBase
public import VigilCollector

/// Where a controller adds a route: `guards[.operateProject].post(...)` puts the route behind the
/// auth middleware requiring that permission, so each route names the one permission it needs
/// where it is added. Routes needing a permission that changes something (operate, administer,
/// the operator's reload) are audited (`AuditMiddleware`) when an appender is given.
public struct RouteGuards {
    /// The permissions whose routes are actions, each recorded in the audit trail.
    public static let audited: Set<Permission> = [.operateProject, .administerProject, .reloadRules]

    private let router: Router<VigilRequestContext>
    private let keys: KeyStore
    private let audit: AuditMiddleware?
    private let limiter: RequestLimiter?

    /// Guards for routes added to `router`, with keys verified by `keys`; audited routes are
    /// recorded through `appender`; every request counts against its key's rate limit in `limiter`.
    public init(router: Router<VigilRequestContext>, keys: KeyStore, appender: EventAppender? = nil, limiter: RequestLimiter? = nil) {
        self.router = router
        self.keys = keys
        self.audit = appender.map(AuditMiddleware.init(appender:))
        self.limiter = limiter
    }

    /// A group whose routes require `permission`, are recorded in the audit trail when the
    /// permission is an action's, and whose parameters' text is checked once the key is (a
    /// refused parameter of an action is recorded as a rejected action).
    public subscript(_ permission: Permission) -> RouterGroup<VigilRequestContext> {
        let group = router.group().add(middleware: AuthMiddleware(keys: keys, requiring: permission, limiter: limiter))
        if let audit, Self.audited.contains(permission) {
            group.add(middleware: audit)
        }
        return group.add(middleware: InputGuardMiddleware())
    }
}
