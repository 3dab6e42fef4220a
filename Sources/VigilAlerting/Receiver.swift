public import Foundation

/// Where notifications go: a webhook that takes Alertmanager's JSON (version 4) or a body of its
/// own from `body_template`, a Slack incoming webhook, PagerDuty's Events API v2, or a Prometheus
/// Alertmanager, to whose `/api/v2/alerts` Vigil posts its alerts and which then does its own
/// grouping, silencing and routing. Every kind goes through the same outbox, retries and
/// delivery ids; all but Alertmanager are signed when they have a secret.
public struct Receiver: Sendable, Hashable {
    /// The kind of receiver.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// An HTTP endpoint taking Alertmanager's webhook JSON, or the body `bodyTemplate` renders.
        case webhook
        /// A Prometheus Alertmanager; `url` is its base address.
        case alertmanager
        /// A Slack incoming webhook, sent a Block Kit message.
        case slack
        /// PagerDuty's Events API v2, sent trigger and resolve events.
        case pagerduty
    }

    /// PagerDuty's Events API v2 endpoint, the default `url` of a `pagerduty` receiver.
    public static let pagerDutyEventsURL = URL(string: "https://events.pagerduty.com/v2/enqueue") ?? URL(fileURLWithPath: "/")

    /// The name rules use to send to it; unique across all rule files.
    public var name: String
    /// What it is.
    public var kind: Kind
    /// The webhook's URL, or the Alertmanager's base URL (`http://host:9093`); nil when `urlEnv`
    /// names the variable that holds it.
    public var url: URL?
    /// The environment variable holding the URL, for URLs that are themselves secrets (Slack's).
    public var urlEnv: String?
    /// The environment variable holding the HMAC secret, or nil for unsigned (not Alertmanager).
    public var secretEnv: String?
    /// The environment variable holding PagerDuty's integration (routing) key (`pagerduty` only).
    public var routingKeyEnv: String?
    /// The body of a `webhook` receiver that does not take Alertmanager's JSON: a Go template
    /// over the data Alertmanager gives its templates.
    public var bodyTemplate: NotificationTemplate?
    /// The `Content-Type` of `bodyTemplate`'s body. Default `application/json`.
    public var contentType: String
    /// Extra HTTP headers sent with every request (an `Authorization` header, say).
    public var headers: [String: String]
    /// How long one delivery attempt may take. Default 10s.
    public var timeout: Duration
    /// Whether to notify when alerts resolve (not Alertmanager). Default true.
    public var sendResolved: Bool
    /// At most this many alerts in one notification, the rest counted in `truncatedAlerts` (or
    /// noted in the message); 0 for no limit (not Alertmanager). Default 0.
    public var maxAlerts: Int
    /// Where it is defined.
    public var source: SourceLocation?

    /// Makes a receiver.
    public init(
        name: String, kind: Kind, url: URL?, urlEnv: String? = nil, secretEnv: String? = nil, routingKeyEnv: String? = nil,
        bodyTemplate: NotificationTemplate? = nil, contentType: String = "application/json", headers: [String: String] = [:],
        timeout: Duration = .seconds(10), sendResolved: Bool = true, maxAlerts: Int = 0, source: SourceLocation? = nil
    ) {
        self.name = name
        self.kind = kind
        self.url = url
        self.urlEnv = urlEnv
        self.secretEnv = secretEnv
        self.routingKeyEnv = routingKeyEnv
        self.bodyTemplate = bodyTemplate
        self.contentType = contentType
        self.headers = headers
        self.timeout = timeout
        self.sendResolved = sendResolved
        self.maxAlerts = maxAlerts
        self.source = source
    }

    /// The URL requests go to when the file gives it (nil with `url_env`): the webhook's URL,
    /// or the Alertmanager's `/api/v2/alerts`.
    public var endpoint: URL? {
        url.map(endpoint(for:))
    }

    /// The URL requests go to for a base `url` (the file's, or the one `url_env` names).
    public func endpoint(for url: URL) -> URL {
        switch kind {
        case .webhook, .slack, .pagerduty:
            return url
        case .alertmanager:
            if url.path.hasSuffix("/api/v2/alerts") { return url }
            var text = url.absoluteString
            while text.hasSuffix("/") { text.removeLast() }
            return URL(string: text + "/api/v2/alerts") ?? url
        }
    }

    /// The signing secret from `environment` (the process's, passed in), or nil when the receiver
    /// has no `secret_env` or the variable is unset or empty.
    public func secret(in environment: [String: String]) -> String? {
        guard let secretEnv, let value = environment[secretEnv], !value.isEmpty else { return nil }
        return value
    }

    /// The environment variables the receiver needs set, each with the field that names it.
    public var requiredVariables: [(field: String, variable: String)] {
        var variables: [(field: String, variable: String)] = []
        if let urlEnv { variables.append(("url_env", urlEnv)) }
        if let secretEnv { variables.append(("secret_env", secretEnv)) }
        if let routingKeyEnv { variables.append(("routing_key_env", routingKeyEnv)) }
        return variables
    }

    /// Headers Vigil sets itself, which `headers` may not override.
    public static let reservedHeaders: Set<String> = ["content-type", "content-length", "host", "x-vigil-delivery", "x-vigil-signature"]
}
