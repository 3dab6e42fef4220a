internal import HTTPTypes
internal import Hummingbird
internal import Logging
internal import VigilCore
internal import VigilEventLog

/// What a page shows when it cannot be shown: the status and a message for the reader, inside
/// the usual frame. Errors Vigil did not expect, and failures of a dependency (a 503), are logged
/// with the request id and shown with a message naming that id, never with their text.
enum ErrorPage {
    /// The response for `error`, with the navigation bar when there is a session.
    static func response(for error: any Error, session: SessionStore.Session?, logger: Logger) -> Response {
        let requestID = logger[metadataKey: "hb.request.id"]?.description ?? "unknown"
        let status: Int
        let message: String
        let failure: any Error = DatabaseFault.isStatementTimeout(error) ? DatabaseFault.statementTimedOut : error
        var retryAfter: Int?
        switch failure {
        case let page as PageError:
            (status, message) = (page.status, page.message)
        case let vigil as VigilError:
            retryAfter = vigil.retryAfterSeconds
            switch vigil.code {
            case .invalidInput: status = 400
            case .unauthenticated: status = 401
            case .forbidden: status = 403
            case .notFound: status = 404
            case .tooLarge: status = 413
            case .unsupportedMediaType: status = 415
            case .overloaded, .unavailable: status = 503
            case .rateLimited: status = 429
            default: status = 500
            }
            // A 5xx's message may carry what the database said (its host, user or name): logged, not shown.
            message = switch status {
            case 500: "Something went wrong; quote request id \(requestID)."
            case 503 where vigil.code != .overloaded: "Vigil cannot show this right now; try again shortly, and quote request id \(requestID) if it persists."
            default: vigil.message
            }
            if status >= 500 { logger.warning("page failed", metadata: ["vigil.status": "\(status)", "vigil.reason": "\(vigil.message)"]) }
        case let http as HTTPError where http.status.code < 500:
            status = http.status.code
            message = http.status == .notFound ? "There is no such page." : (http.body ?? http.status.reasonPhrase)
        default:
            logger.error("page failed", metadata: ["vigil.error": "\(String(reflecting: error))"])
            status = 500
            message = "Something went wrong; quote request id \(requestID)."
        }
        return page(status: status, message: message, session: session, retryAfter: retryAfter)
    }

    /// The error page for `status` saying `message`; a 429 or 503 says when to retry (`retryAfter`
    /// seconds, 1 when not given).
    static func page(status: Int, message: String, session: SessionStore.Session?, retryAfter: Int? = nil) -> Response {
        let title = switch status {
        case 400: "Bad request"
        case 401: "Sign in first"
        case 403: "Not allowed"
        case 404: "Not found"
        case 429: "Too many attempts"
        case 503: "Try again shortly"
        default: "Something went wrong"
        }
        let html = PageLayout.document(title: title, current: nil, session: session) { html in
            html.element("p", ["class": "error-box", "role": "alert"], message)
            html.element("p") { html in
                if session == nil {
                    html.element("a", ["href": "/ui/login"], "Go to the sign-in page")
                } else {
                    html.element("a", ["href": NavItem.overview.path], "Back to the overview")
                }
            }
        }
        var response = PageResponse.html(html, status: HTTPResponse.Status(code: status))
        if status == 503 || status == 429 { response.headers[.retryAfter] = String(retryAfter ?? 1) }
        return response
    }
}
