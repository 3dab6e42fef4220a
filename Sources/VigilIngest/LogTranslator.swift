internal import VigilCore
internal import VigilOTLPProto
internal import VigilSafety

/// Turns OTLP log records into `log_record` events. A record without a timestamp takes its
/// observed time, and failing that the time Vigil received it. The body and every attribute value
/// pass through the project's redactor; what was replaced is counted in the event's `pii` object.
enum LogTranslator {
    static func translate(_ request: OTLPExportLogsServiceRequest, projectID: Int64, receivedAtNanos: UInt64, redactor: Redactor, limits: IngestLimits = IngestLimits(), into batch: inout IngestBatch) {
        for resourceLogs in request.resourceLogs {
            let resource = ResourceContext(resourceLogs.resource, redactor: redactor, limits: limits)
            batch.limitCounts += resource.redaction.limitCounts
            for scopeLogs in resourceLogs.scopeLogs {
                for record in scopeLogs.logRecords {
                    let recordEvent = event(record, resource: resource, scope: scopeLogs.scope, projectID: projectID, receivedAtNanos: receivedAtNanos, counts: &batch.limitCounts)
                    batch.events.append(recordEvent)
                }
            }
        }
    }

    static func event(_ record: OTLPLogRecord, resource: ResourceContext, scope: OTLPInstrumentationScope, projectID: Int64, receivedAtNanos: UInt64, counts: inout LimitCounts) -> NewEvent {
        var writer = JSONWriter(capacity: 768)
        var redaction = resource.redaction
        writer.beginObject()
        writer.string("service", resource.service)
        if record.timeUnixNano != 0 { writer.uint("time_ns", record.timeUnixNano) }
        if record.observedTimeUnixNano != 0 { writer.uint("observed_ns", record.observedTimeUnixNano) }
        if record.severityNumber != 0 { writer.int("severity_number", Int64(record.severityNumber)) }
        if !record.severityText.isEmpty { writer.string("severity_text", record.severityText) }
        if !record.eventName.isEmpty { writer.string("event_name", record.eventName) }
        AttributeJSON.writeValue("body", record.hasBody ? record.body : nil, scan: true, limited: false, redaction: &redaction, into: &writer)
        AttributeJSON.writeAttributes("attributes", record.attributes, redaction: &redaction, into: &writer)
        if !record.traceID.isEmpty { writer.string("trace_id", Hex.encode(record.traceID)) }
        if !record.spanID.isEmpty { writer.string("span_id", Hex.encode(record.spanID)) }
        if record.flags != 0 { writer.uint("flags", UInt64(record.flags)) }
        if record.droppedAttributesCount != 0 { writer.uint("dropped_attributes", UInt64(record.droppedAttributesCount)) }
        GenAIAttributes(record.attributes).write(into: &writer)
        writer.raw("resource", resource.json)
        AttributeJSON.writeScope(scope, redaction: &redaction, into: &writer)
        var reported = LimitCounts()
        reported.droppedAttributes = Int(record.droppedAttributesCount)
        redaction.writeLimitCounts(reported: reported, into: &writer)
        counts += redaction.limitCounts - resource.redaction.limitCounts
        redaction.writeCounts(into: &writer)
        writer.endObject()
        let body = writer.bytes
        let time = record.timeUnixNano != 0 ? record.timeUnixNano
            : record.observedTimeUnixNano != 0 ? record.observedTimeUnixNano : receivedAtNanos
        return NewEvent(
            projectID: projectID,
            kind: .logRecord,
            occurredAtMicros: EventTime.micros(fromUnixNanos: time),
            dedupKey: redaction.dedupKey(kind: .logRecord, body: body),
            body: body
        )
    }
}
