/// One span of demo traffic, ready to be written as OTLP JSON.
public struct DemoSpan: Sendable, Equatable {
    /// OTLP span kinds the demo uses.
    public enum Kind: Int, Sendable {
        /// `SPAN_KIND_INTERNAL`.
        case `internal` = 1
        /// `SPAN_KIND_SERVER`.
        case server = 2
        /// `SPAN_KIND_CLIENT`.
        case client = 3
    }

    /// 32 hex digits.
    public var traceID: String
    /// 16 hex digits.
    public var spanID: String
    /// The parent's span id; nil for a root.
    public var parentSpanID: String?
    /// The span's name, e.g. `chat gpt-4o-mini`.
    public var name: String
    /// Its kind.
    public var kind: Kind
    /// Start, Unix nanoseconds.
    public var startNanos: UInt64
    /// End, Unix nanoseconds.
    public var endNanos: UInt64
    /// Its attributes, in order.
    public var attributes: [DemoAttribute]
    /// The error message when the span failed (status `ERROR`); nil when it did not.
    public var errorMessage: String?

    /// Whether the span failed.
    public var isError: Bool { errorMessage != nil }

    /// Its duration in milliseconds.
    public var durationMilliseconds: Double { Double(endNanos - startNanos) / 1_000_000 }

    /// `gen_ai.response.model`, or the request's, for LLM spans.
    public var model: String? {
        if case .string(let model)? = attributes["gen_ai.response.model"] ?? attributes["gen_ai.request.model"] { return model }
        return nil
    }

    /// A token count attribute (`gen_ai.usage.input_tokens`, …), if present.
    public func tokens(_ key: String) -> Int64? {
        if case .int(let count)? = attributes[key] { return count }
        return nil
    }
}
