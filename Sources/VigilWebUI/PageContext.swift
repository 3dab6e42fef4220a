internal import Hummingbird

internal import VigilHTTPBase

/// The context of a `/ui` request: Hummingbird's core storage plus the session the sign-in
/// middleware found (nil on the sign-in page, the stylesheet and before the check).
struct PageContext: ChildRequestContext {
    /// The parent context: Vigil's.
    typealias ParentContext = VigilRequestContext

    /// Hummingbird's storage (logger, parameters, endpoint).
    var coreContext: CoreRequestContextStorage
    /// The signed-in session.
    var session: SessionStore.Session?
    /// The peer's IP address (`VigilRequestContext.remoteAddress`).
    var remoteAddress: String?

    /// Takes over the parent's storage.
    init(context: VigilRequestContext) {
        self.coreContext = context.coreContext
        self.session = nil
        self.remoteAddress = context.remoteAddress
    }

    /// The session, which every page behind the sign-in middleware has.
    func requireSession() throws -> SessionStore.Session {
        guard let session else { throw PageError(status: 401, message: "Sign in first.") }
        return session
    }
}
