internal import Foundation
internal import VigilCore

/// How a project's telemetry text is redacted before it is stored: the mode, the project's own
/// patterns, and which attributes are dropped or left alone.
public struct RedactionPolicy: Sendable {
    /// What happens to the PII found.
    public enum Mode: String, Sendable, CaseIterable {
        /// Nothing is scanned; only denied attributes are dropped.
        case off
        /// Each finding becomes a typed placeholder such as `<EMAIL>`.
        case mask
        /// Each finding becomes a keyed hash token such as `<EMAIL:3f9a1c0b7d2e>`: the same value
        /// gives the same token within a project, so distinct values can still be counted.
        case hash
    }

    /// What a policy does with one attribute.
    public enum AttributeRule: Sendable, Equatable {
        /// Scanned and redacted.
        case scan
        /// Stored as sent, never scanned.
        case allow
        /// Its value is replaced by `<REDACTED>` whatever it holds.
        case deny
    }

    /// What happens to the PII found. `VIGIL_REDACTION`, default `mask`.
    public var mode: Mode
    /// The project's own patterns, applied before the built-in detectors.
    public var customPatterns: [CustomPattern]
    /// Attribute keys never scanned: exact names, or prefixes ending in `*`.
    public var allowedAttributes: [String]
    /// Attribute keys whose values are dropped (deny wins over allow): exact names, or prefixes ending in `*`.
    public var deniedAttributes: [String]
    /// How many hex digits of the HMAC a hash token shows.
    public var hashLength: Int
    /// The prompt-injection score from which a text is flagged, in [0, 1]; 0.5 by default.
    public var injectionThreshold: Double
    /// Domains the project's outputs may link to or embed images from (subdomains included);
    /// links elsewhere that carry data are output signals.
    public var allowedLinkDomains: [String]

    /// The attributes allowed unless a policy says otherwise: the service's identity, which
    /// events are grouped by.
    public static let defaultAllowedAttributes = ["service.name", "service.namespace", "service.version"]

    /// Makes a policy.
    public init(
        mode: Mode = .mask,
        customPatterns: [CustomPattern] = [],
        allowedAttributes: [String] = RedactionPolicy.defaultAllowedAttributes,
        deniedAttributes: [String] = [],
        hashLength: Int = 12,
        injectionThreshold: Double = 0.5,
        allowedLinkDomains: [String] = []
    ) {
        self.mode = mode
        self.customPatterns = customPatterns
        self.allowedAttributes = allowedAttributes
        self.deniedAttributes = deniedAttributes
        self.hashLength = min(max(hashLength, 8), 64)
        self.injectionThreshold = injectionThreshold.isFinite ? min(max(injectionThreshold, 0), 1) : 0.5
        self.allowedLinkDomains = allowedLinkDomains
    }

    /// A policy that stores everything as sent.
    public static let off = RedactionPolicy(mode: .off)

    /// What the policy does with the attribute `key`.
    public func rule(forAttribute key: String) -> AttributeRule {
        if deniedAttributes.contains(where: { Self.matches($0, key) }) { return .deny }
        if allowedAttributes.contains(where: { Self.matches($0, key) }) { return .allow }
        return .scan
    }

    static func matches(_ pattern: String, _ key: String) -> Bool {
        pattern.hasSuffix("*") ? key.hasPrefix(String(pattern.dropLast())) : key == pattern
    }
}

/// A project's own pattern: a regular expression (ICU syntax) and the name its matches are
/// replaced with, `<NAME>`.
public struct CustomPattern: Sendable {
    /// The name in the placeholder, upper case.
    public let name: String
    /// The expression as given.
    public let pattern: String
    let expression: CompiledExpression

    /// Makes a pattern.
    /// - Throws: `VigilError` `.invalidInput` when the name is not 1–40 letters, digits or
    ///   underscores, or the expression does not compile or matches the empty string.
    public init(name: String, pattern: String) throws {
        let upper = name.uppercased()
        guard (1...40).contains(upper.unicodeScalars.count),
              upper.unicodeScalars.allSatisfy({ $0.isASCIIUpper || $0.isASCIIDigit || $0 == "_" }) else {
            throw VigilError(.invalidInput, "a custom pattern's name must be 1 to 40 letters, digits or underscores (got \(name.prefix(60)))")
        }
        let regex: NSRegularExpression
        do {
            regex = try NSRegularExpression(pattern: pattern)
        } catch {
            throw VigilError(.invalidInput, "custom pattern \(upper) is not a valid regular expression")
        }
        if regex.firstMatch(in: "", range: NSRange(location: 0, length: 0)) != nil {
            throw VigilError(.invalidInput, "custom pattern \(upper) matches the empty string")
        }
        self.name = upper
        self.pattern = pattern
        expression = CompiledExpression(regex)
    }

    /// The scalar offsets of every match in `text`.
    func matches(in text: String) -> [Range<Int>] {
        let scalars = text.unicodeScalars
        return expression.regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { match in
            guard match.range.length > 0, let range = Range(match.range, in: text) else { return nil }
            let start = scalars.distance(from: scalars.startIndex, to: range.lowerBound)
            let end = scalars.distance(from: scalars.startIndex, to: range.upperBound)
            return start..<end
        }
    }
}

/// A compiled expression shared between threads.
// @unchecked: NSRegularExpression is immutable once made and documented as safe to use from
// several threads at once; nothing here mutates it.
final class CompiledExpression: @unchecked Sendable {
    let regex: NSRegularExpression

    init(_ regex: NSRegularExpression) {
        self.regex = regex
    }
}
