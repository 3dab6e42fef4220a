internal import Foundation
internal import SwiftProtobuf
public import VigilOTLPProto

/// OTLP trace exports as an SDK sends them, for the collectors' tests (HTTP and gRPC).
public enum OTLPTraces {
    /// A chat span of `gpt-4o` with the given id bytes, started now, half a second long.
    public static func span(trace: UInt8, span: UInt8, name: String = "chat gpt-4o") -> OTLPSpan {
        var result = OTLPSpan()
        result.traceID = Data(repeating: trace, count: 16)
        result.spanID = Data(repeating: span, count: 8)
        result.name = name
        result.startTimeUnixNano = UInt64(Date().timeIntervalSince1970 * 1e9)
        result.endTimeUnixNano = result.startTimeUnixNano + 500_000_000
        var model = OTLPKeyValue()
        model.key = "gen_ai.request.model"
        model.value.stringValue = "gpt-4o"
        result.attributes = [model]
        return result
    }

    /// An ExportTraceServiceRequest of `spans` from service `chat`, serialized.
    public static func request(_ spans: [OTLPSpan]) throws -> [UInt8] {
        var scope = OTLPScopeSpans()
        scope.spans = spans
        var resourceSpans = OTLPResourceSpans()
        var service = OTLPKeyValue()
        service.key = "service.name"
        service.value.stringValue = "chat"
        resourceSpans.resource.attributes = [service]
        resourceSpans.scopeSpans = [scope]
        var request = OTLPExportTraceServiceRequest()
        request.resourceSpans = [resourceSpans]
        return try request.serializedBytes()
    }
}
