internal import VigilCore

/// A silence: alerts whose labels match every matcher, between `startsAt` and `endsAt`, are not
/// notified (they still change state). Matchers work as Alertmanager's: `=`, `!=`, `=~`, `!~`,
/// regular expressions (RE2's syntax, as `LabelRegex` takes it) anchored at both ends; a label
/// that is absent has the value "".
public struct Silence: Sendable, Hashable, Codable {
    /// One matcher.
    public struct Matcher: Sendable, Hashable, Codable {
        /// The label's name.
        public var name: String
        /// The value, or the regular expression.
        public var value: String
        /// Whether `value` is a regular expression.
        public var isRegex: Bool
        /// Whether a match silences (`=`, `=~`) or a non-match does (`!=`, `!~`).
        public var isEqual: Bool

        /// Makes a matcher.
        public init(name: String, value: String, isRegex: Bool = false, isEqual: Bool = true) {
            self.name = name
            self.value = value
            self.isRegex = isRegex
            self.isEqual = isEqual
        }

        /// Whether `labels` satisfy this matcher; nil when `value` is not a regular expression
        /// `LabelRegex` takes. A regular expression is matched in time linear in the label's length.
        public func matches(_ labels: LabelSet) -> Bool? {
            let actual = labels[name] ?? ""
            let equal: Bool
            if isRegex {
                guard let expression = try? LabelRegex(value) else { return nil }
                equal = expression.matches(actual)
            } else {
                equal = actual == value
            }
            return equal == isEqual
        }

        /// Why `value` cannot be used as this matcher's regular expression; nil when it can, or
        /// when the matcher is not a regular expression.
        public var regexProblem: String? {
            guard isRegex else { return nil }
            do {
                _ = try LabelRegex(value)
                return nil
            } catch let error as LabelRegex.SyntaxError {
                return error.message
            } catch {
                return "\(error)"
            }
        }
    }

    /// The matchers, all of which must hold.
    public var matchers: [Matcher]
    /// When it starts, µs since the epoch.
    public var startsAtMicros: Int64
    /// When it ends, µs since the epoch.
    public var endsAtMicros: Int64

    /// Makes a silence.
    public init(matchers: [Matcher], startsAtMicros: Int64, endsAtMicros: Int64) {
        self.matchers = matchers
        self.startsAtMicros = startsAtMicros
        self.endsAtMicros = endsAtMicros
    }

    /// Whether this silence covers an alert with `labels` at `nowMicros`.
    public func silences(_ labels: LabelSet, atMicros nowMicros: Int64) -> Bool {
        guard startsAtMicros <= nowMicros, nowMicros < endsAtMicros, !matchers.isEmpty else { return false }
        return matchers.allSatisfy { $0.matches(labels) == true }
    }
}
