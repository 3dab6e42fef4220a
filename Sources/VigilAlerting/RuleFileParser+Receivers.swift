internal import Foundation
internal import Yams

extension RuleFileParser {
    static let receiverKeys = ["name", "type", "url", "timeout", "headers", "secret_env", "send_resolved", "max_alerts"]
    static let webhookOnlyKeys = ["secret_env", "send_resolved", "max_alerts"]

    /// One item of `receivers:`.
    mutating func receiver(_ node: Node) -> ParsedReceiver? {
        guard let entries = entries(node, what: "a receiver", allowed: Self.receiverKeys) else { return nil }
        let required = ["name", "url"]
        let fields = fields(entries, required: required)
        let name = fields["name"].flatMap { string($0) }
        if let name { declaredReceivers.insert(name) }
        let what = name.map { "receiver \"\($0)\"" } ?? "a receiver"
        var complete = require(required, in: fields, node: node, what: what)

        var kind: Receiver.Kind? = .webhook
        if let entry = fields["type"], let text = string(entry) {
            kind = Receiver.Kind(rawValue: text)
            if kind == nil {
                report(.invalidValue, entry.value, "unknown receiver type \"\(text)\" (types: \(Receiver.Kind.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
        }
        if kind == .alertmanager {
            for key in Self.webhookOnlyKeys {
                if let entry = fields[key] {
                    report(.unknownKey, entry.keyNode, "\"\(key)\" applies only to webhook receivers (Alertmanager does its own)")
                    complete = false
                }
            }
        }

        var url: URL?
        if let entry = fields["url"], let text = string(entry) {
            if let parsed = URL(string: text), let scheme = parsed.scheme?.lowercased(), scheme == "http" || scheme == "https",
               let host = parsed.host, !host.isEmpty {
                url = parsed
            } else {
                report(.invalidValue, entry.value, "\"url\" must be an absolute http:// or https:// URL, not \"\(text)\"")
            }
        }
        var secretEnv: String?
        var secretEnvLocation: SourceLocation?
        if let entry = fields["secret_env"], kind == .webhook {
            if let text = string(entry) {
                if Self.isEnvironmentName(text) {
                    secretEnv = text
                    secretEnvLocation = location(entry.value)
                } else {
                    report(.invalidValue, entry.value, "\"secret_env\" names an environment variable (letters, digits and _), not \"\(text)\"; the secret itself never goes in the file")
                    complete = false
                }
            } else {
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
                        report(.invalidValue, pair.keyNode, "header \"\(pair.key)\" is set by Vigil and cannot be overridden")
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

        guard complete, let name, let kind, let url, let timeout, let sendResolved, let maxAlerts,
              let nameEntry = fields["name"]
        else { return nil }
        let receiver = Receiver(
            name: name, kind: kind, url: url, secretEnv: secretEnv, headers: headers, timeout: timeout,
            sendResolved: sendResolved, maxAlerts: maxAlerts, source: location(node)
        )
        return ParsedReceiver(receiver: receiver, nameLocation: location(nameEntry.value), secretEnvLocation: secretEnvLocation)
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
