internal import Foundation
internal import Yams

extension RuleFileParser {
    static let receiverKeys = [
        "name", "type", "kind", "url", "url_env", "timeout", "headers", "secret_env", "routing_key_env",
        "body_template", "content_type", "send_resolved", "max_alerts",
    ]

    /// The keys each kind takes beyond `name`, `type`, `timeout` and `headers`.
    static func kindKeys(_ kind: Receiver.Kind) -> [String] {
        switch kind {
        case .webhook: return ["url", "url_env", "secret_env", "send_resolved", "max_alerts", "body_template", "content_type"]
        case .alertmanager: return ["url", "url_env"]
        case .slack: return ["url", "url_env", "secret_env", "send_resolved", "max_alerts"]
        case .pagerduty: return ["url", "routing_key_env", "secret_env", "send_resolved", "max_alerts"]
        }
    }

    /// Why a key does not apply to a kind, for the message.
    static func notApplicable(_ key: String, to kind: Receiver.Kind) -> String {
        switch (key, kind) {
        case ("routing_key_env", _): return "\"routing_key_env\" applies only to pagerduty receivers"
        case ("body_template", _), ("content_type", _): return "\"\(key)\" applies only to webhook receivers"
        case ("url_env", .pagerduty): return "\"url_env\" does not apply to pagerduty receivers: the integration key goes in routing_key_env, and url (optional) is the Events API address"
        case (_, .alertmanager): return "\"\(key)\" does not apply to alertmanager receivers (Alertmanager does its own)"
        default: return "\"\(key)\" does not apply to \(kind.rawValue) receivers"
        }
    }

    /// One item of `receivers:`.
    mutating func receiver(_ node: Node) -> ParsedReceiver? {
        guard let entries = entries(node, what: "a receiver", allowed: Self.receiverKeys) else { return nil }
        let fields = fields(entries, required: ["name"])
        let name = fields["name"].flatMap { string($0) }
        if let name { declaredReceivers.insert(name) }
        let what = name.map { "receiver \"\($0)\"" } ?? "a receiver"
        var complete = require(["name"], in: fields, node: node, what: what)

        var kind: Receiver.Kind? = .webhook
        if let type = fields["type"], let other = fields["kind"] {
            report(.invalidValue, other.keyNode, "\"kind\" and \"type\" say the same thing; keep one (type: \(type.value.string ?? ""))")
            complete = false
        }
        if let entry = fields["type"] ?? fields["kind"], let text = string(entry) {
            kind = Receiver.Kind(rawValue: text)
            if kind == nil {
                var message = "unknown receiver type \"\(text)\" (types: \(Receiver.Kind.allCases.map(\.rawValue).joined(separator: ", ")))"
                if let suggestion = Self.closest(text, in: Receiver.Kind.allCases.map(\.rawValue)) { message += "; did you mean \"\(suggestion)\"?" }
                report(.invalidValue, entry.value, message)
            }
        } else if fields["type"] != nil || fields["kind"] != nil {
            kind = nil
        }
        if let kind {
            let allowed = Set(Self.kindKeys(kind) + ["name", "type", "kind", "timeout", "headers"])
            for entry in entries where !allowed.contains(entry.key) {
                report(.unknownKey, entry.keyNode, Self.notApplicable(entry.key, to: kind))
                complete = false
            }
            // Exactly one place for the URL; PagerDuty's has a default.
            if fields["url"] != nil, let second = fields["url_env"] {
                report(.invalidValue, second.keyNode, "set either \"url\" or \"url_env\", not both")
                complete = false
            } else if kind != .pagerduty, fields["url"] == nil, fields["url_env"] == nil {
                let hint = kind == .slack ? " (url_env keeps the Slack webhook URL, which is a secret, out of the file)" : ""
                report(.missingField, node, "missing required field \"url\" or \"url_env\" in \(what)\(hint)")
                complete = false
            }
            if kind == .pagerduty, fields["routing_key_env"] == nil {
                report(.missingField, node, "missing required field \"routing_key_env\" in \(what): the environment variable holding the PagerDuty integration key (the key itself never goes in the file)")
                complete = false
            }
            if let entry = fields["content_type"], fields["body_template"] == nil {
                report(.invalidValue, entry.keyNode, "\"content_type\" applies only with \"body_template\" (Alertmanager's JSON is always application/json)")
                complete = false
            }
        }

        var url: URL?
        if let entry = fields["url"], let text = string(entry) {
            if let parsed = Receiver.httpURL(text) {
                url = parsed
            } else {
                report(.invalidValue, entry.value, "\"url\" must be an absolute http:// or https:// URL, not \"\(text)\"")
                complete = false
            }
        } else if fields["url"] != nil {
            complete = false
        }
        var variableLocations: [String: SourceLocation] = [:]
        var variables: [String: String] = [:]
        for (field, purpose) in [("url_env", "the URL"), ("secret_env", "the secret"), ("routing_key_env", "the integration key")] {
            guard let entry = fields[field] else { continue }
            if let text = environmentName(entry, purpose: purpose) {
                variables[field] = text
                variableLocations[field] = location(entry.value)
            } else {
                complete = false
            }
        }
        let urlEnv = variables["url_env"]
        let secretEnv = variables["secret_env"]
        let routingKeyEnv = variables["routing_key_env"]

        var bodyTemplate: NotificationTemplate?
        if let entry = fields["body_template"], let text = string(entry) {
            do {
                bodyTemplate = try NotificationTemplate(text)
            } catch {
                report(.badTemplate, entry.value, "bad body_template: \(error.message) (at character \(error.offset + 1) of the template)")
                complete = false
            }
        } else if fields["body_template"] != nil {
            complete = false
        }
        var contentType = "application/json"
        if let entry = fields["content_type"], let text = string(entry) {
            if Self.isMediaType(text) {
                contentType = text
            } else {
                report(.invalidValue, entry.value, "\"content_type\" must be a media type such as application/json or text/plain; charset=utf-8, not \"\(text)\"")
                complete = false
            }
        }
        if let bodyTemplate, let entry = fields["body_template"] {
            // Rendered once over a sample notification, so that a body that cannot be built, or
            // that is not the JSON its content type promises, is found here and not at 3 a.m.
            if let problem = Self.sampleProblem(bodyTemplate, contentType: contentType) {
                report(.badTemplate, entry.value, "body_template: \(problem)")
                complete = false
            }
        }

        var headers: [String: String] = [:]
        if let entry = fields["headers"] {
            if let pairs = stringMap(entry) {
                for pair in pairs {
                    if !Self.isHeaderName(pair.key) {
                        report(.invalidValue, pair.keyNode, "\"\(pair.key)\" is not a valid HTTP header name")
                        complete = false
                    } else if Receiver.reservedHeaders.contains(pair.key.lowercased()) {
                        let hint = pair.key.lowercased() == "content-type" && kind == .webhook ? " (with body_template, set content_type)" : ""
                        report(.invalidValue, pair.keyNode, "header \"\(pair.key)\" is set by Vigil and cannot be overridden\(hint)")
                        complete = false
                    } else if pair.value.contains(where: { $0 == "\r" || $0 == "\n" }) {
                        report(.invalidValue, pair.valueNode, "header \"\(pair.key)\" must be one line")
                        complete = false
                    } else {
                        headers[pair.key] = pair.value
                    }
                }
            } else {
                complete = false
            }
        }
        let timeout: Duration? = fields["timeout"].map { duration($0, positive: true) } ?? Duration.seconds(10)
        let sendResolved: Bool? = fields["send_resolved"].map { bool($0) } ?? true
        let maxAlerts: Int? = fields["max_alerts"].map { count($0) } ?? 0

        guard complete, let name, let kind, let timeout, let sendResolved, let maxAlerts,
              let nameEntry = fields["name"]
        else { return nil }
        let receiver = Receiver(
            name: name, kind: kind, url: url, urlEnv: urlEnv, secretEnv: secretEnv, routingKeyEnv: routingKeyEnv,
            bodyTemplate: bodyTemplate, contentType: contentType, headers: headers, timeout: timeout,
            sendResolved: sendResolved, maxAlerts: maxAlerts, source: location(node)
        )
        return ParsedReceiver(receiver: receiver, nameLocation: location(nameEntry.value), variableLocations: variableLocations)
    }

    /// The value of a `*_env` field: an environment variable's name, or nil after reporting.
    private mutating func environmentName(_ entry: Entry, purpose: String) -> String? {
        guard let text = string(entry) else { return nil }
        guard Self.isEnvironmentName(text) else {
            report(.invalidValue, entry.value, "\"\(entry.key)\" names an environment variable (letters, digits and _), not \"\(text)\"; \(purpose) itself never goes in the file")
            return nil
        }
        return text
    }

    /// What is wrong with `template`'s body for a sample firing notification, or nil.
    static func sampleProblem(_ template: NotificationTemplate, contentType: String) -> String? {
        let body: Data
        do {
            body = try template.render(TemplateData.sample)
        } catch {
            return "cannot render a sample notification: \(error.message)"
        }
        let mediaType = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        guard mediaType == "application/json" || mediaType.hasSuffix("+json") else { return nil }
        guard (try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed])) != nil else {
            let shown = String(decoding: body.prefix(300), as: UTF8.self)
            return "content_type is \(mediaType) but a sample notification renders a body that is not JSON (pipe values through json: {{ .CommonAnnotations.summary | json }}); it began: \(shown)"
        }
        return nil
    }

    /// `type/subtype` with optional `; name=value` parameters, on one line.
    static func isMediaType(_ text: String) -> Bool {
        guard !text.contains(where: { $0 == "\r" || $0 == "\n" }) else { return false }
        let parts = text.split(separator: ";", omittingEmptySubsequences: false)
        let essence = parts[0].trimmingCharacters(in: .whitespaces).split(separator: "/", omittingEmptySubsequences: false)
        return essence.count == 2 && essence.allSatisfy { isHeaderName(String($0)) }
    }

    static func isEnvironmentName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, !("0"..."9").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || $0 == "_" || ("0"..."9").contains($0)) }
    }

    /// An RFC 9110 token.
    static func isHeaderName(_ name: String) -> Bool {
        let allowed = Set("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".unicodeScalars)
        return !name.isEmpty && name.unicodeScalars.allSatisfy { allowed.contains($0) }
    }
}
