internal import Crypto
internal import Foundation
internal import VigilCore

/// Applies one project's `RedactionPolicy` to text: finds PII (the project's patterns first, then
/// the built-in detectors) and replaces each finding with a placeholder or a keyed hash token.
public struct Redactor: Sendable {
    /// The text `<REDACTED>` that replaces a denied attribute's value.
    public static let deniedPlaceholder = "<REDACTED>"

    /// The policy applied.
    public let policy: RedactionPolicy
    private let projectKey: [UInt8]

    /// Makes a redactor for one project; `projectKey` keys the hash tokens and fingerprints
    /// (`RedactionPolicies` derives it from the server secret).
    public init(policy: RedactionPolicy, projectKey: [UInt8]) {
        self.policy = policy
        self.projectKey = projectKey
    }

    /// Stores everything as sent.
    public static let disabled = Redactor(policy: .off, projectKey: [])

    /// Whether the redactor changes nothing at all (no scanning, no denied attributes).
    public var isDisabled: Bool { policy.mode == .off && policy.deniedAttributes.isEmpty }

    /// What the policy does with the attribute `key`.
    public func rule(forAttribute key: String) -> RedactionPolicy.AttributeRule {
        policy.rule(forAttribute: key)
    }

    /// `text` redacted, with what was replaced.
    public func redact(_ text: String) -> (text: String, counts: RedactionCounts) {
        var counts = RedactionCounts()
        let redacted = redact(text, counts: &counts)
        return (redacted, counts)
    }

    /// `text` redacted; what was replaced is added to `counts`.
    public func redact(_ text: String, counts: inout RedactionCounts) -> String {
        guard policy.mode != .off, !text.isEmpty else { return text }
        var spans: [(range: Range<Int>, name: String, kind: PIIKind?)] = []
        for pattern in policy.customPatterns {
            for range in pattern.matches(in: text) where !spans.contains(where: { $0.range.overlaps(range) }) {
                spans.append((range: range, name: pattern.name, kind: nil))
            }
        }
        for finding in PIIDetector.findings(in: text) {
            let range = finding.start..<finding.end
            if !spans.contains(where: { $0.range.overlaps(range) }) {
                spans.append((range: range, name: finding.kind.placeholderName, kind: finding.kind))
            }
        }
        guard !spans.isEmpty else { return text }
        spans.sort { $0.range.lowerBound < $1.range.lowerBound }
        let scalars = Array(text.unicodeScalars)
        var output = String.UnicodeScalarView()
        var position = 0
        for span in spans {
            output.append(contentsOf: scalars[position..<span.range.lowerBound])
            var original = String.UnicodeScalarView()
            original.append(contentsOf: scalars[span.range])
            output.append(contentsOf: token(name: span.name, kind: span.kind, value: String(original)).unicodeScalars)
            position = span.range.upperBound
            counts.add(span.kind?.rawValue ?? span.name.lowercased())
        }
        output.append(contentsOf: scalars[position...])
        return String(output)
    }

    /// The replacement of `value` found as `name`: `<NAME>`, or `<NAME:hex>` in hash mode.
    func token(name: String, kind: PIIKind?, value: String) -> String {
        guard policy.mode == .hash else { return "<\(name)>" }
        let digest = hmac(Array("\(name)\u{0}\(Self.normalised(value, kind: kind))".utf8))
        return "<\(name):\(Hex.encode(digest).prefix(policy.hashLength))>"
    }

    /// A keyed fingerprint of `bytes`: lets a dedup key tell apart events that differ only in
    /// what was redacted, without the original text being recoverable from it.
    public func fingerprint(_ bytes: [UInt8]) -> [UInt8] {
        hmac(bytes)
    }

    private func hmac(_ bytes: [UInt8]) -> [UInt8] {
        let key = SymmetricKey(data: Data(projectKey.isEmpty ? [0] : projectKey))
        return Array(HMAC<SHA256>.authenticationCode(for: Data(bytes), using: key))
    }

    /// The form a value is hashed in, so the same person gives the same token however it was
    /// written: emails in lower case; numbers as their digits; IBANs without spaces in upper case.
    static func normalised(_ value: String, kind: PIIKind?) -> String {
        switch kind {
        case .email?: return value.lowercased()
        case .phone?, .card?, .ssn?: return keeping(value) { $0.isASCIIDigit }
        case .iban?: return keeping(value) { $0 != " " }.uppercased()
        default: return value
        }
    }

    private static func keeping(_ value: String, _ predicate: (Unicode.Scalar) -> Bool) -> String {
        var kept = String.UnicodeScalarView()
        for scalar in value.unicodeScalars where predicate(scalar) { kept.append(scalar) }
        return String(kept)
    }
}
