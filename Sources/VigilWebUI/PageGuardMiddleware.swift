internal import HTTPTypes
internal import Hummingbird

/// Wraps every `/ui` route: refuses a POST whose `Origin` is present and not this server's (the
/// forms need no other CSRF token: the cookie is `SameSite=Strict`), turns errors into HTML pages,
/// and sends the security headers on every answer: a Content-Security-Policy that allows this
/// origin only (no inline script or style is used), `nosniff`, no framing, referrers only to
/// this origin (with `no-referrer` browsers would send `Origin: null` on the forms themselves).
struct PageGuardMiddleware: RouterMiddleware {
    /// The context this middleware runs in.
    typealias Context = PageContext

    /// The policy: everything from this origin only; forms post here only; no framing.
    static let contentSecurityPolicy = "default-src 'self'; base-uri 'none'; object-src 'none'; form-action 'self'; frame-ancestors 'none'"

    /// Runs the route with the checks and headers.
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        if request.method == .post, let origin = request.headers[.origin], !Self.isSameOrigin(origin, request: request) {
            response = ErrorPage.page(status: 403, message: "This form was sent from another site (Origin \(origin)); Vigil only takes its own forms.", session: nil)
        } else {
            do {
                response = try await next(request, context)
            } catch {
                response = ErrorPage.response(for: error, session: context.session, logger: context.logger)
            }
        }
        response.headers[.contentSecurityPolicy] = Self.contentSecurityPolicy
        response.headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        return response
    }

    /// Whether `origin` is the origin the request was sent to: its scheme and its `Host` (or the
    /// `X-Forwarded-Host` a proxy set).
    static func isSameOrigin(_ origin: String, request: Request) -> Bool {
        let scheme = PageResponse.isSecure(request) ? "https" : "http"
        var hosts: [String] = []
        if let authority = request.head.authority ?? request.headers[HTTPField.Name("Host")!] { hosts.append(authority) }
        if let forwarded = request.headers[HTTPField.Name("X-Forwarded-Host")!] {
            hosts += forwarded.split(separator: ",").map { String($0).filter { $0 != " " } }
        }
        let given = origin.lowercased()
        return hosts.contains { "\(scheme)://\($0.lowercased())" == given }
    }
}
