internal import Hummingbird
internal import Logging
internal import VigilCore
internal import VigilEventLog

/// Guards the pages: a request without a current session (no cookie, an unknown or expired
/// token, a revoked key) is sent to the sign-in page with a 303; with one, the session goes into
/// the context, and whatever the page throws becomes an error page with the navigation bar.
struct SignInMiddleware: RouterMiddleware {
    /// The context this middleware fills in.
    typealias Context = PageContext

    let sessions: SessionStore

    /// Checks the session, then runs the page.
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let token = PageResponse.sessionToken(request) else {
            return PageResponse.redirect(to: "/ui/login")
        }
        let session: SessionStore.Session?
        do {
            session = try await sessions.session(token: token)
        } catch {
            // What the database said stays in the log (with the request id): it may name the host, user or database.
            context.logger.error("cannot check the session", metadata: ["vigil.error": "\(Database.describe(error))"])
            throw VigilError(.unavailable, "cannot check the session right now; retry shortly", retryAfterSeconds: 1)
        }
        guard let session else {
            return PageResponse.redirect(to: "/ui/login", setCookie: PageResponse.clearedCookie(secure: PageResponse.isSecure(request)))
        }
        var context = context
        context.session = session
        do {
            return try await next(request, context)
        } catch {
            return ErrorPage.response(for: error, session: session, logger: context.logger)
        }
    }
}
