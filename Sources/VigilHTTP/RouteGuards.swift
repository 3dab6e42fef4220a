public import Hummingbird
public import VigilCore
public import VigilEventLog
public import VigilHTTPBase

/// Where a controller adds a route: `guards[.operateProject].post(...)` puts the route behind the
/// auth middleware requiring that permission, so each route names the one permission it needs
/// where it is added.
public struct RouteGuards {
    private let router: Router<VigilRequestContext>
    private let keys: KeyStore

    /// Guards for routes added to `router`, with keys verified by `keys`.
    public init(router: Router<VigilRequestContext>, keys: KeyStore) {
        self.router = router
        self.keys = keys
    }

    /// A group whose routes require `permission`, and whose parameters' text is checked once the
    /// key is.
    public subscript(_ permission: Permission) -> RouterGroup<VigilRequestContext> {
        router.group()
            .add(middleware: AuthMiddleware(keys: keys, requiring: permission))
            .add(middleware: InputGuardMiddleware())
    }
}
