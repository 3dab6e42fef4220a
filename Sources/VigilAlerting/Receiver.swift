public import Foundation

/// Where notifications go: a webhook that takes Alertmanager's JSON (version 4), signed when it has
/// a secret, or a Prometheus Alertmanager, to whose `/api/v2/alerts` Vigil posts its alerts and
/// which then does its own grouping, silencing and routing.
public struct Receiver: Sendable, Hashable {
    /// The kind of receiver.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// An HTTP endpoint taking Alertmanager's webhook JSON.
        case webhook
        /// A Prometheus Alertmanager; `url` is its base address.
        case alertmanager
    }

    /// The name rules use to send to it; unique across all rule files.
    public var name: String
    /// What it is.
    public var kind: Kind
    /// The webhook's URL, or the Alertmanager's base URL (`http://host:9093`).
    public var url: URL
    /// The environment variable holding the HMAC secret (webhooks only), or nil for unsigned.
    public var secretEnv: String?
    /// Extra HTTP headers sent with every request (an `Authorization` header, say).
    public var headers: [String: String]
    /// How long one delivery attempt may take. Default 10s.
    public var timeout: Duration
    /// Whether to notify when alerts resolve (webhooks only). Default true.
    public var sendResolved: Bool
    /// At most this many alerts in one webhook notification, the rest counted in
    /// `truncatedAlerts`; 0 for no limit (webhooks only). Default 0.
    public var maxAlerts: Int
    /// Where it is defined.
    public var source: SourceLocation?

    /// Makes a receiver.
    public init(
        name: String, kind: Kind, url: URL, secretEnv: String? = nil, headers: [String: String] = [:],
        timeout: Duration = .seconds(10), sendResolved: Bool = true, maxAlerts: Int = 0, source: SourceLocation? = nil
    ) {
        self.name = name
        self.kind = kind
        self.url = url
        self.secretEnv = secretEnv
        self.headers = headers
        self.timeout = timeout
        self.sendResolved = sendResolved
        self.maxAlerts = maxAlerts
        self.source = source
    }

    /// The URL requests go to: the webhook's URL, or the Alertmanager's `/api/v2/alerts`.
    public var endpoint: URL {
        switch kind {
        case .webhook:
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

    /// Headers Vigil sets itself, which `headers` may not override.
    public static let reservedHeaders: Set<String> = ["content-type", "content-length", "host", "x-vigil-delivery", "x-vigil-signature"]
}
