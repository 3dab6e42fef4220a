public import Foundation

extension Receiver {
    /// What a delivery needs from the environment: the URL (the file's, or `url_env`'s), the
    /// signing secret and PagerDuty's routing key. Looked up when a notification is sent, so that
    /// secrets are never written to the rule files, the outbox or a log line.
    public struct Credentials: Sendable, Hashable {
        /// Where the request goes.
        public var endpoint: URL
        /// The HMAC secret, or nil for unsigned.
        public var secret: String?
        /// PagerDuty's integration key (`pagerduty` receivers only).
        public var routingKey: String?

        /// Makes credentials.
        public init(endpoint: URL, secret: String? = nil, routingKey: String? = nil) {
            self.endpoint = endpoint
            self.secret = secret
            self.routingKey = routingKey
        }
    }

    /// The receiver's credentials from `environment` (the process's, passed in); an error naming
    /// each variable that is unset or empty, or that holds a URL that is not http(s).
    public func credentials(in environment: [String: String]) throws(RuleCheckFailure) -> Credentials {
        let at = source ?? SourceLocation(file: "", line: 0, column: 0)
        var problems: [RuleProblem] = []
        for (field, variable) in requiredVariables where (environment[variable] ?? "").isEmpty {
            problems.append(RuleProblem(.missingSecret, at: at, "receiver \(name): environment variable \(variable) (its \(field)) is not set"))
        }
        var base = url
        if let urlEnv, let text = environment[urlEnv], !text.isEmpty {
            if let parsed = Self.httpURL(text) {
                base = parsed
            } else {
                // The value may be a secret (Slack's URLs are): it is not repeated.
                problems.append(RuleProblem(.invalidValue, at: at, "receiver \(name): environment variable \(urlEnv) (its url_env) does not hold an absolute http:// or https:// URL"))
            }
        }
        if kind == .pagerduty, base == nil { base = Self.pagerDutyEventsURL }
        guard problems.isEmpty, let base else { throw RuleCheckFailure(problems: problems) }
        return Credentials(
            endpoint: endpoint(for: base),
            secret: kind == .alertmanager ? nil : secret(in: environment),
            routingKey: kind == .pagerduty ? routingKeyEnv.flatMap { environment[$0] } : nil
        )
    }

    /// `text` as an absolute http:// or https:// URL with a host, or nil.
    static func httpURL(_ text: String) -> URL? {
        guard let parsed = URL(string: text), let scheme = parsed.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = parsed.host, !host.isEmpty
        else { return nil }
        return parsed
    }
}
