internal import VigilCore
internal import VigilOTLPProto
internal import VigilSafety

/// Turns OTLP spans into `span` events. A span's dedup key is its trace id and span id, so a
/// retried export stores each span once. Every text the app wrote (name, status message, event
/// names, attribute values) passes through the project's redactor before it is written; what was
/// replaced is counted in the event's `pii` object. Before that, the raw texts are checked for
/// prompt injection and output manipulation (`SpanSafety`), and only the findings are written.
enum SpanTranslator {
    static func translate(_ request: OTLPExportTraceServiceRequest, projectID: Int64, redactor: Redactor, limits: IngestLimits = IngestLimits(), into batch: inout IngestBatch) {
        for (resourceIndex, resourceSpans) in request.resourceSpans.enumerated() {
            let resource = ResourceContext(resourceSpans.resource, redactor: redactor, limits: limits)
            batch.limitCounts += resource.redaction.limitCounts
            for scopeSpans in resourceSpans.scopeSpans {
                for (spanIndex, span) in scopeSpans.spans.enumerated() {
                    if let problem = problem(with: span) {
                        // The name is redacted here too: the message goes back to the client and may be logged.
                        let name = redactor.redact(String(span.name.prefix(80))).text
                        batch.reject("span \(spanIndex) of resource \(resourceIndex) (\(name)): \(problem)")
                        continue
                    }
                    let spanEvent = event(span, resource: resource, scope: scopeSpans.scope, projectID: projectID, counts: &batch.limitCounts)
                    batch.events.append(spanEvent)
                }
            }
        }
    }

    static func problem(with span: OTLPSpan) -> String? {
        if span.traceID.count != 16 { return "trace_id has \(span.traceID.count) bytes, want 16" }
        if span.spanID.count != 8 { return "span_id has \(span.spanID.count) bytes, want 8" }
        if span.traceID.allSatisfy({ $0 == 0 }) { return "trace_id is all zeroes" }
        if span.spanID.allSatisfy({ $0 == 0 }) { return "span_id is all zeroes" }
        if !span.parentSpanID.isEmpty, span.parentSpanID.count != 8 {
            return "parent_span_id has \(span.parentSpanID.count) bytes, want 8 or none"
        }
        if span.startTimeUnixNano == 0, span.endTimeUnixNano == 0 { return "span has neither start nor end time" }
        return nil
    }

    static func event(_ span: OTLPSpan, resource: ResourceContext, scope: OTLPInstrumentationScope, projectID: Int64, counts: inout LimitCounts) -> NewEvent {
        var writer = JSONWriter(capacity: 1024)
        var redaction = resource.redaction
        writer.beginObject()
        writer.string("service", resource.service)
        writer.string("trace_id", Hex.encode(span.traceID))
        writer.string("span_id", Hex.encode(span.spanID))
        if !span.parentSpanID.isEmpty { writer.string("parent_span_id", Hex.encode(span.parentSpanID)) }
        writer.string("name", redaction.text(span.name))
        writer.string("kind", kindName(span.kind))
        writer.uint("start_ns", span.startTimeUnixNano)
        writer.uint("end_ns", span.endTimeUnixNano)
        let duration = Int64(bitPattern: span.endTimeUnixNano &- span.startTimeUnixNano)
        writer.int("duration_ns", span.startTimeUnixNano == 0 || span.endTimeUnixNano == 0 ? 0 : duration)
        writer.beginObject("status")
        writer.string("code", statusName(span.status.code))
        if !span.status.message.isEmpty { writer.string("message", redaction.text(span.status.message)) }
        writer.endObject()
        if !span.traceState.isEmpty { writer.string("trace_state", span.traceState) }
        if span.flags != 0 { writer.uint("flags", UInt64(span.flags)) }
        AttributeJSON.writeAttributes("attributes", span.attributes, redaction: &redaction, into: &writer)
        let limits = redaction.limits
        if span.events.count > limits.eventsPerSpan { redaction.limitCounts.droppedEvents += span.events.count - limits.eventsPerSpan }
        if span.links.count > limits.linksPerSpan { redaction.limitCounts.droppedLinks += span.links.count - limits.linksPerSpan }
        if !span.events.isEmpty {
            writer.beginArray("events")
            for spanEvent in span.events.prefix(limits.eventsPerSpan) {
                writer.beginObject()
                writer.string("name", redaction.text(spanEvent.name))
                writer.uint("time_ns", spanEvent.timeUnixNano)
                AttributeJSON.writeAttributes("attributes", spanEvent.attributes, redaction: &redaction, into: &writer)
                writer.endObject()
            }
            writer.endArray()
        }
        if !span.links.isEmpty {
            writer.beginArray("links")
            for link in span.links.prefix(limits.linksPerSpan) {
                writer.beginObject()
                writer.string("trace_id", Hex.encode(link.traceID))
                writer.string("span_id", Hex.encode(link.spanID))
                if !link.traceState.isEmpty { writer.string("trace_state", link.traceState) }
                AttributeJSON.writeAttributes("attributes", link.attributes, redaction: &redaction, into: &writer)
                writer.endObject()
            }
            writer.endArray()
        }
        if span.droppedAttributesCount + span.droppedEventsCount + span.droppedLinksCount > 0 {
            writer.beginObject("dropped")
            writer.uint("attributes", UInt64(span.droppedAttributesCount))
            writer.uint("events", UInt64(span.droppedEventsCount))
            writer.uint("links", UInt64(span.droppedLinksCount))
            writer.endObject()
        }
        GenAIAttributes(span.attributes).write(into: &writer)
        // From the attributes as sent; only scores, kinds and positions are written.
        SpanSafety(span.attributes, redactor: redaction.redactor).write(scanner: SafetyScanner(policy: redaction.redactor.policy), into: &writer)
        writer.raw("resource", resource.json)
        AttributeJSON.writeScope(scope, redaction: &redaction, into: &writer)
        var reported = LimitCounts()
        reported.droppedAttributes = Int(span.droppedAttributesCount)
        reported.droppedEvents = Int(span.droppedEventsCount)
        reported.droppedLinks = Int(span.droppedLinksCount)
        redaction.writeLimitCounts(reported: reported, into: &writer)
        counts += redaction.limitCounts - resource.redaction.limitCounts
        redaction.writeCounts(into: &writer)
        writer.endObject()

        let start = span.startTimeUnixNano != 0 ? span.startTimeUnixNano : span.endTimeUnixNano
        return NewEvent(
            projectID: projectID,
            kind: .span,
            occurredAtMicros: EventTime.micros(fromUnixNanos: start),
            dedupKey: Array(span.traceID) + Array(span.spanID),
            body: writer.bytes
        )
    }

    static func kindName(_ kind: OTLPSpan.SpanKind) -> String {
        switch kind {
        case .internal: "internal"
        case .server: "server"
        case .client: "client"
        case .producer: "producer"
        case .consumer: "consumer"
        default: "unspecified"
        }
    }

    static func statusName(_ code: OTLPStatus.StatusCode) -> String {
        switch code {
        case .ok: "ok"
        case .error: "error"
        default: "unset"
        }
    }
}
