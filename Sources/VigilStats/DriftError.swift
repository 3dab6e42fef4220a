/// Why a drift computation could not produce a number: bad input or too little of it.
/// It knows nothing of HTTP; the HTTP layer maps every code to a 400.
public struct DriftError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, as a stable machine-readable name.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        /// The code's name.
        public let rawValue: String
        /// Makes a code.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The code's name.
        public var description: String { rawValue }

        /// A window has fewer than 10 samples per bin (100 in all).
        public static let tooFewSamples = Code(rawValue: "too_few_samples")
        /// A value is NaN or infinite.
        public static let nonFiniteValue = Code(rawValue: "non_finite_value")
        /// A vector has no components.
        public static let emptyVector = Code(rawValue: "empty_vector")
        /// A vector's length differs from the reference's dimension.
        public static let dimensionMismatch = Code(rawValue: "dimension_mismatch")
        /// The reference vectors are all the same point, so they have no principal components.
        public static let noVariance = Code(rawValue: "no_variance")
        /// An option is out of its range.
        public static let invalidOptions = Code(rawValue: "invalid_options")
    }

    /// What went wrong.
    public let code: Code
    /// A sentence for a person, naming the window, the position and the value at fault.
    public let message: String

    /// Makes an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The code and the message.
    public var description: String { "\(code): \(message)" }
}
