/// One thing wrong with the rule files, where it is and what to do about it. Its description is
/// `file:line:column: message`, the form compilers use, so editors can jump to it.
public struct RuleProblem: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem this is. Extensible.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        /// The code's name.
        public let rawValue: String
        /// Makes a code.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The code's name.
        public var description: String { rawValue }

        /// The file could not be read.
        public static let unreadable = Code(rawValue: "unreadable")
        /// The file is not valid YAML (libyaml's own message, at its mark).
        public static let yamlSyntax = Code(rawValue: "yaml_syntax")
        /// A key that is not part of the format (often a misspelling).
        public static let unknownKey = Code(rawValue: "unknown_key")
        /// A required field is missing.
        public static let missingField = Code(rawValue: "missing_field")
        /// A value of the wrong type or out of range.
        public static let invalidValue = Code(rawValue: "invalid_value")
        /// A metric outside the closed set in `AlertMetric`.
        public static let unknownMetric = Code(rawValue: "unknown_metric")
        /// A duration that is not in the `1h30m` notation.
        public static let badDuration = Code(rawValue: "bad_duration")
        /// A rule or SLO names a receiver that no file defines.
        public static let unknownReceiver = Code(rawValue: "unknown_receiver")
        /// A `burn_rate` rule names an SLO that no file defines.
        public static let unknownSLO = Code(rawValue: "unknown_slo")
        /// Two rules, receivers or SLOs share a name (across all files).
        public static let duplicateName = Code(rawValue: "duplicate_name")
        /// An annotation template that does not parse.
        public static let badTemplate = Code(rawValue: "bad_template")
        /// A receiver's `secret_env` names an environment variable that is not set.
        public static let missingSecret = Code(rawValue: "missing_secret")
    }

    /// What kind of problem.
    public var code: Code
    /// Where it is.
    public var location: SourceLocation
    /// What is wrong, fit to show the person who wrote the file.
    public var message: String

    /// Makes a problem.
    public init(_ code: Code, at location: SourceLocation, _ message: String) {
        self.code = code
        self.location = location
        self.message = message
    }

    /// `file:line:column: message`.
    public var description: String { "\(location): \(message)" }
}
