/// One OpenTelemetry attribute of a demo span or resource.
public struct DemoAttribute: Sendable, Equatable {
    /// An attribute value, as OTLP's `AnyValue` has them.
    public enum Value: Sendable, Equatable {
        /// `stringValue`.
        case string(String)
        /// `intValue`.
        case int(Int64)
        /// `doubleValue`.
        case double(Double)
        /// `boolValue`.
        case bool(Bool)
        /// `arrayValue` of strings.
        case strings([String])
    }

    /// The key, e.g. `gen_ai.request.model`.
    public var key: String
    /// The value.
    public var value: Value

    /// An attribute.
    public init(_ key: String, _ value: Value) {
        self.key = key
        self.value = value
    }
}

extension Array where Element == DemoAttribute {
    /// The value of `key`, if present.
    public subscript(key: String) -> DemoAttribute.Value? {
        first { $0.key == key }?.value
    }
}
