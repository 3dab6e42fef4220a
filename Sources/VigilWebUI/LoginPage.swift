internal import HTTPTypes
internal import Hummingbird
internal import NIOCore

/// `GET /ui/login` (the form: project name and key), `POST /ui/login` (a session and a 303 to
/// the overview, or the form again with the reason and 400/401/403, no cookie) and
/// `POST /ui/logout` (the session row deleted, the cookie cleared, a 303 to the form). Failed
/// sign-ins are throttled per client address and per project (`SignInThrottle`): 429 with
/// `Retry-After` past the limit.
struct LoginPage: Sendable {
    let sessions: SessionStore
    /// Counts failed sign-ins; past its limits the form answers 429 with `Retry-After`.
    let throttle: SignInThrottle

    /// The form, with `error` above it and `project` filled in when given.
    static func form(project: String = "", error: String? = nil) -> HTML {
        PageLayout.document(title: "Sign in", current: nil, session: nil) { html in
            html.element("div", ["class": "panel login"]) { html in
                html.element("p", ["class": "lede"], "Sign in with a read, operate or admin key of your project (made with vigil keys create). The key is not stored in the browser; a session cookie is, for 12 hours.")
                if let error {
                    html.element("p", ["class": "error-box", "role": "alert", "id": "login-error"], error)
                }
                html.element("form", ["method": "post", "action": "/ui/login"]) { html in
                    html.element("label", ["for": "project"], "Project")
                    html.empty("input", ["id": "project", "name": "project", "type": "text", "value": project, "required": "", "autocomplete": "username",
                                         "autocapitalize": "none", "spellcheck": "false", "autofocus": project.isEmpty ? "" : nil,
                                         "aria-describedby": error == nil ? nil : "login-error"])
                    html.element("label", ["for": "key"], "Key")
                    html.empty("input", ["id": "key", "name": "key", "type": "password", "required": "", "autocomplete": "current-password",
                                         "placeholder": "vgl_…", "autofocus": project.isEmpty ? nil : ""])
                    html.element("button", ["type": "submit", "class": "primary"], "Sign in")
                }
            }
        }
    }

    /// The form.
    func show() -> Response {
        PageResponse.html(Self.form())
    }

    /// Signs in with the form's project and key.
    func submit(_ request: Request, context: PageContext) async throws -> Response {
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: 16 * 1024)
        } catch is NIOTooManyBytesError {
            return PageResponse.html(Self.form(error: "The form is larger than 16 KiB; a project name and a key are far smaller."), status: .contentTooLarge)
        }
        guard let form = FormBody(String(buffer: body)) else {
            return PageResponse.html(Self.form(error: "The form could not be read; send it again."), status: .badRequest)
        }
        let project = form["project"] ?? ""
        let address = context.remoteAddress ?? "unknown"
        if let seconds = await throttle.retryAfter(address: address, project: project) {
            var response = PageResponse.html(
                Self.form(project: project, error: "Too many failed sign-ins; try again in \(seconds) seconds."), status: .tooManyRequests
            )
            response.headers[.retryAfter] = String(seconds)
            return response
        }
        do {
            let (token, _) = try await sessions.signIn(project: project, key: form["key"] ?? "")
            return PageResponse.redirect(to: NavItem.overview.path, setCookie: PageResponse.sessionCookie(token: token, secure: PageResponse.isSecure(request)))
        } catch let refusal as SessionStore.Refusal {
            // A wrong or unusable key counts; an incomplete form does not.
            if refusal.status == 401 || refusal.status == 403 {
                await throttle.recordFailure(address: address, project: project)
            }
            return PageResponse.html(Self.form(project: project, error: refusal.message), status: HTTPResponse.Status(code: refusal.status))
        }
    }

    /// Ends the request's session, if any, and clears the cookie.
    func signOut(_ request: Request) async throws -> Response {
        if let token = PageResponse.sessionToken(request) {
            try await sessions.signOut(token: token)
        }
        return PageResponse.redirect(to: "/ui/login", setCookie: PageResponse.clearedCookie(secure: PageResponse.isSecure(request)))
    }
}
