internal import HTTPTypes
internal import Hummingbird
internal import NIOCore
internal import VigilCore

/// The responses pages give: HTML documents, redirects after a form, the session cookie.
enum PageResponse {
    /// The cookie that carries the session token.
    static let cookieName = "vigil_session"

    /// An HTML document.
    static func html(_ html: HTML, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                 body: .init(byteBuffer: ByteBuffer(string: html.rendered)))
    }

    /// A 303 to `location` (one of the web view's paths), optionally setting a cookie.
    static func redirect(to location: String, setCookie: String? = nil) -> Response {
        var headers: HTTPFields = [.location: location, .cacheControl: "no-store"]
        if let setCookie { headers[.setCookie] = setCookie }
        return Response(status: .seeOther, headers: headers)
    }

    /// `Set-Cookie` for a new session: readable by no script, sent only to `/ui` of this site,
    /// never on a cross-site request, over https only when the request came over https.
    static func sessionCookie(token: String, secure: Bool) -> String {
        "\(cookieName)=\(token); Path=/ui; Max-Age=\(SessionStore.lifetimeSeconds); HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
    }

    /// `Set-Cookie` that deletes the session cookie.
    static func clearedCookie(secure: Bool) -> String {
        "\(cookieName)=; Path=/ui; Max-Age=0; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
    }

    /// Whether `request` came over https (directly, or through a proxy that says so).
    static func isSecure(_ request: Request) -> Bool {
        if request.head.scheme?.lowercased() == "https" { return true }
        let forwarded = request.headers[HTTPField.Name("X-Forwarded-Proto")!] ?? ""
        return forwarded.split(separator: ",").first.map { String($0).trimmingWhitespace().lowercased() } == "https"
    }

    /// The session token the request's cookie carries, if any.
    static func sessionToken(_ request: Request) -> String? {
        let value = request.cookies[cookieName]?.value
        return value?.isEmpty == false ? value : nil
    }
}
