public import Foundation

/// An HTTP request ready for the delivery worker: where, which headers, which bytes, how long to
/// wait. The body is stored in the outbox so that every retry sends the same bytes, the same
/// signature and the same `X-Vigil-Delivery` id.
public struct WebhookRequest: Sendable, Hashable {
    /// The header carrying the delivery's id, stable across retries, for receivers to deduplicate.
    public static let deliveryHeader = "X-Vigil-Delivery"

    /// The URL to post to.
    public var url: URL
    /// Header names and values, in order.
    public var headers: [(name: String, value: String)]
    /// The JSON body.
    public var body: Data
    /// The time limit of one attempt.
    public var timeout: Duration

    /// Makes a request.
    public init(url: URL, headers: [(name: String, value: String)], body: Data, timeout: Duration) {
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }

    /// The value of header `name` (case-insensitive), or nil.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// The request for a webhook receiver: the payload's JSON, `Content-Type`, `User-Agent`, the
    /// receiver's extra headers, `X-Vigil-Delivery`, and `X-Vigil-Signature` when `secret` is given
    /// (`receiver.secret(in: environment)`).
    public static func webhook(receiver: Receiver, payload: WebhookPayload, deliveryID: String, secret: String?) -> WebhookRequest {
        make(receiver: receiver, body: payload.encoded(), deliveryID: deliveryID, secret: secret)
    }

    /// The request for an Alertmanager receiver: the alerts as `POST /api/v2/alerts` takes them
    /// (firing ones valid until `validUntil`), unsigned.
    public static func alertmanager(receiver: Receiver, alerts: [AlertSnapshot], validUntil: Date, deliveryID: String) -> WebhookRequest {
        make(receiver: receiver, body: PostableAlert.body(alerts, validUntil: validUntil), deliveryID: deliveryID, secret: nil)
    }

    /// The request for a `body` prepared earlier (kept in the outbox), signed when `secret` is
    /// given, to the URL in the rule file (for receivers whose URL is not in the environment).
    public static func make(receiver: Receiver, body: Data, deliveryID: String, secret: String?) -> WebhookRequest {
        let endpoint = receiver.endpoint ?? receiver.endpoint(for: Receiver.pagerDutyEventsURL)
        return make(receiver: receiver, credentials: Receiver.Credentials(endpoint: endpoint, secret: secret), body: body, deliveryID: deliveryID)
    }

    /// The request for a `body` prepared earlier, with what the environment gave the receiver
    /// (`receiver.credentials(in:)`): its URL, and its secret to sign with. The content type is
    /// the receiver's `content_type` for a `body_template`, else JSON.
    public static func make(receiver: Receiver, credentials: Receiver.Credentials, body: Data, deliveryID: String) -> WebhookRequest {
        let contentType = receiver.kind == .webhook && receiver.bodyTemplate != nil ? receiver.contentType : "application/json"
        var headers: [(name: String, value: String)] = [
            ("Content-Type", contentType),
            ("User-Agent", "Vigil"),
        ]
        for (name, value) in receiver.headers.sorted(by: { $0.key < $1.key })
        where !Receiver.reservedHeaders.contains(name.lowercased()) && name.lowercased() != "user-agent" {
            headers.append((name, value))
        }
        if let userAgent = receiver.headers.first(where: { $0.key.lowercased() == "user-agent" }) {
            headers[1] = ("User-Agent", userAgent.value)
        }
        headers.append((deliveryHeader, deliveryID))
        if let secret = credentials.secret {
            headers.append((WebhookSigner.headerName, WebhookSigner.signature(body: body, secret: secret)))
        }
        return WebhookRequest(url: credentials.endpoint, headers: headers, body: body, timeout: receiver.timeout)
    }

    /// Whether two requests are the same, header for header.
    public static func == (lhs: WebhookRequest, rhs: WebhookRequest) -> Bool {
        lhs.url == rhs.url && lhs.body == rhs.body && lhs.timeout == rhs.timeout
            && lhs.headers.map(\.name) == rhs.headers.map(\.name) && lhs.headers.map(\.value) == rhs.headers.map(\.value)
    }

    /// Hashes the request.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(url)
        hasher.combine(body)
        for header in headers {
            hasher.combine(header.name)
            hasher.combine(header.value)
        }
    }
}
