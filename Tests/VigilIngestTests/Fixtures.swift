import Foundation
import SwiftProtobuf
import VigilCore
import VigilOTLPProto

/// Builders for OTLP messages, so tests read like the telemetry they stand for.
enum Fixture {
    static func attribute(_ key: String, _ value: Any) -> OTLPKeyValue {
        var pair = OTLPKeyValue()
        pair.key = key
        pair.value = anyValue(value)
        return pair
    }

    static func anyValue(_ value: Any) -> OTLPAnyValue {
        var any = OTLPAnyValue()
        switch value {
        case let text as String: any.stringValue = text
        case let number as Int: any.intValue = Int64(number)
        case let number as Double: any.doubleValue = number
        case let flag as Bool: any.boolValue = flag
        case let list as [String]:
            var array = OTLPArrayValue()
            array.values = list.map { anyValue($0) }
            any.arrayValue = array
        default: fatalError("unsupported fixture value \(value)")
        }
        return any
    }

    static func resource(service: String) -> OTLPResource {
        var resource = OTLPResource()
        resource.attributes = [attribute("service.name", service), attribute("deployment.environment", "test")]
        return resource
    }

    static func span(trace: UInt8, span: UInt8, name: String, attributes: [OTLPKeyValue], start: UInt64 = 1_764_400_000_000_000_000, error: Bool = false) -> OTLPSpan {
        var result = OTLPSpan()
        result.traceID = Data(repeating: trace, count: 16)
        result.spanID = Data(repeating: span, count: 8)
        result.name = name
        result.kind = .client
        result.startTimeUnixNano = start
        result.endTimeUnixNano = start + 1_250_000_000
        result.attributes = attributes
        if error {
            result.status.code = .error
            result.status.message = "rate limited"
        }
        return result
    }

    static func traces(service: String = "chat", _ spans: [OTLPSpan]) -> OTLPExportTraceServiceRequest {
        var scope = OTLPScopeSpans()
        scope.scope.name = "test.instrumentation"
        scope.scope.version = "1.0"
        scope.spans = spans
        var resourceSpans = OTLPResourceSpans()
        resourceSpans.resource = resource(service: service)
        resourceSpans.scopeSpans = [scope]
        var request = OTLPExportTraceServiceRequest()
        request.resourceSpans = [resourceSpans]
        return request
    }

    static func bytes<M: SwiftProtobuf.Message>(_ message: M) throws -> [UInt8] {
        try message.serializedBytes()
    }
}

/// Reads an event body as a dictionary.
func object(_ event: NewEvent) throws -> [String: Any] {
    try #require(JSONSerialization.jsonObject(with: Data(event.body)) as? [String: Any])
}

import Testing
