/// The error every domain module throws: a code a caller can switch on, a message a user can act on,
/// and context for the logs. Knows nothing of HTTP; `VigilHTTP` maps codes to statuses.
public struct VigilError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is. Extensible: modules add their own codes.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        /// The code's name.
        public let rawValue: String
        /// Makes a code.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The code's name.
        public var description: String { rawValue }

        /// The input was malformed; the message says how.
        public static let invalidInput = Code(rawValue: "invalid_input")
        /// The input is larger than the limit allows.
        public static let tooLarge = Code(rawValue: "too_large")
        /// The input's media type or encoding is not one Vigil takes.
        public static let unsupportedMediaType = Code(rawValue: "unsupported_media_type")
        /// No credentials, or credentials that are not valid.
        public static let unauthenticated = Code(rawValue: "unauthenticated")
        /// Valid credentials without the role the operation needs.
        public static let forbidden = Code(rawValue: "forbidden")
        /// The thing asked for does not exist.
        public static let notFound = Code(rawValue: "not_found")
        /// A bounded queue is full; try again shortly.
        public static let overloaded = Code(rawValue: "overloaded")
        /// A dependency (the database) is not reachable right now; try again shortly.
        public static let unavailable = Code(rawValue: "unavailable")
        /// Configuration is wrong; the message names the variable and the value.
        public static let configuration = Code(rawValue: "configuration")
        /// Too many requests (or failed attempts) from one client; retry after `retryAfterSeconds`.
        public static let rateLimited = Code(rawValue: "rate_limited")
        /// The request clashes with what exists (a name taken).
        public static let conflict = Code(rawValue: "conflict")
    }

    /// What kind of failure.
    public var code: Code
    /// A message fit to show the user who caused it.
    public var message: String
    /// Seconds after which a retry makes sense, for `overloaded` and `unavailable`.
    public var retryAfterSeconds: Int?

    /// Makes an error.
    public init(_ code: Code, _ message: String, retryAfterSeconds: Int? = nil) {
        self.code = code
        self.message = message
        self.retryAfterSeconds = retryAfterSeconds
    }

    /// `code: message`.
    public var description: String { "\(code): \(message)" }
}
