internal import VigilCore

/// Demo traces as an OTLP/HTTP JSON export body (`ExportTraceServiceRequest`): one resource per
/// service, ids in hex, times and 64-bit integers as strings, as the OTLP JSON encoding has them.
public enum OTLPTraceJSON {
    /// The instrumentation scope the demo's spans carry.
    public static let scopeName = "vigil-demo"

    /// The export body of `traces`.
    public static func body(_ traces: [DemoTrace]) -> [UInt8] {
        var byService: [(String, [DemoSpan])] = []
        for trace in traces {
            if let index = byService.firstIndex(where: { $0.0 == trace.service }) {
                byService[index].1 += trace.spans
            } else {
                byService.append((trace.service, trace.spans))
            }
        }
        var writer = JSONWriter(capacity: 4096)
        writer.beginObject()
        writer.beginArray("resourceSpans")
        for (service, spans) in byService {
            writer.beginObject()
            writer.beginObject("resource")
            write([
                DemoAttribute("service.name", .string(service)),
                DemoAttribute("service.namespace", .string("acme-support")),
                DemoAttribute("service.version", .string("2025.11.3")),
                DemoAttribute("deployment.environment.name", .string("demo")),
                DemoAttribute("telemetry.sdk.name", .string("vigil-demo")),
            ], into: &writer)
            writer.endObject()
            writer.beginArray("scopeSpans")
            writer.beginObject()
            writer.beginObject("scope")
            writer.string("name", scopeName)
            writer.string("version", "1.0")
            writer.endObject()
            writer.beginArray("spans")
            for span in spans { write(span, into: &writer) }
            writer.endArray()
            writer.endObject()
            writer.endArray()
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
        return writer.bytes
    }

    static func write(_ span: DemoSpan, into writer: inout JSONWriter) {
        writer.beginObject()
        writer.string("traceId", span.traceID)
        writer.string("spanId", span.spanID)
        if let parent = span.parentSpanID { writer.string("parentSpanId", parent) }
        writer.string("name", span.name)
        writer.int("kind", Int64(span.kind.rawValue))
        writer.string("startTimeUnixNano", String(span.startNanos))
        writer.string("endTimeUnixNano", String(span.endNanos))
        write(span.attributes, into: &writer)
        if let message = span.errorMessage {
            writer.beginArray("events")
            writer.beginObject()
            writer.string("name", "exception")
            writer.string("timeUnixNano", String(span.endNanos))
            write([DemoAttribute("exception.message", .string(message))], into: &writer)
            writer.endObject()
            writer.endArray()
            writer.beginObject("status")
            writer.int("code", 2)
            writer.string("message", message)
            writer.endObject()
        }
        writer.endObject()
    }

    static func write(_ attributes: [DemoAttribute], into writer: inout JSONWriter) {
        writer.beginArray("attributes")
        for attribute in attributes {
            writer.beginObject()
            writer.string("key", attribute.key)
            writer.beginObject("value")
            switch attribute.value {
            case .string(let text): writer.string("stringValue", text)
            case .int(let number): writer.string("intValue", String(number))
            case .double(let number): writer.double("doubleValue", number)
            case .bool(let flag): writer.bool("boolValue", flag)
            case .strings(let texts):
                writer.beginObject("arrayValue")
                writer.beginArray("values")
                for text in texts {
                    writer.beginObject()
                    writer.string("stringValue", text)
                    writer.endObject()
                }
                writer.endArray()
                writer.endObject()
            }
            writer.endObject()
            writer.endObject()
        }
        writer.endArray()
    }
}
