import Foundation
import Testing
import VigilCore
import VigilIngest
import VigilOTLPProto
import VigilSafety

@Suite("Attribute limits at ingest")
struct IngestLimitsTests {
    static func decoder(_ adjust: (inout IngestLimits) -> Void) -> OTLPDecoder {
        var limits = IngestLimits()
        adjust(&limits)
        return OTLPDecoder(limits: limits)
    }

    @Test("the defaults are the OpenTelemetry SDKs' and Vigil's item limit")
    func defaults() {
        let limits = IngestLimits()
        #expect(limits.attributeCount == 128)
        #expect(limits.attributeValueLength == 65_536)
        #expect(limits.eventsPerSpan == 128)
        #expect(limits.linksPerSpan == 128)
        #expect(limits.itemsPerRequest == 100_000)
    }

    @Test("attributes past the count limit are dropped, the first kept, and counted with what the SDK dropped itself")
    func attributeCount() throws {
        let decoder = Self.decoder { $0.attributeCount = 3 }
        var span = Fixture.span(trace: 1, span: 1, name: "chat", attributes: (1...5).map { Fixture.attribute("app.a\($0)", $0) })
        span.droppedAttributesCount = 2
        let batch = try decoder.decode(signal: .traces, format: .protobuf, body: Fixture.bytes(Fixture.traces([span])), projectID: 1, receivedAtNanos: 0, redactor: .disabled)
        let body = try object(try #require(batch.events.first))
        let attributes = try #require(body["attributes"] as? [String: Any])
        #expect(Set(attributes.keys) == ["app.a1", "app.a2", "app.a3"])
        #expect(body["dropped_attributes_count"] as? Int == 4)
        #expect(batch.limitCounts.droppedAttributes == 2)
        #expect(batch.limitCounts.truncatedValues == 0)
    }

    @Test("string values past the length limit are cut to it in Unicode scalars, array elements too, and counted")
    func valueLength() throws {
        let decoder = Self.decoder { $0.attributeValueLength = 16 }
        let long = String(repeating: "é", count: 20)
        let span = Fixture.span(trace: 2, span: 1, name: "chat", attributes: [
            Fixture.attribute("gen_ai.prompt", long),
            Fixture.attribute("app.list", [long, "short", long]),
            Fixture.attribute("app.exact", String(repeating: "x", count: 16)),
        ])
        let batch = try decoder.decode(signal: .traces, format: .protobuf, body: Fixture.bytes(Fixture.traces([span])), projectID: 1, receivedAtNanos: 0, redactor: .disabled)
        let body = try object(try #require(batch.events.first))
        let attributes = try #require(body["attributes"] as? [String: Any])
        let cut = String(repeating: "é", count: 16)
        #expect(attributes["gen_ai.prompt"] as? String == cut)
        #expect(attributes["app.list"] as? [String] == [cut, "short", cut])
        #expect(attributes["app.exact"] as? String == String(repeating: "x", count: 16))
        #expect(body["truncated_attribute_values_count"] as? Int == 3)
        #expect(body["dropped_attributes_count"] == nil)
        #expect(batch.limitCounts.truncatedValues == 3)
    }

    @Test("events and links past their limits are dropped, the first kept, and counted")
    func eventsAndLinks() throws {
        let decoder = Self.decoder {
            $0.eventsPerSpan = 2
            $0.linksPerSpan = 1
        }
        var span = Fixture.span(trace: 3, span: 1, name: "agent", attributes: [])
        span.events = (1...4).map { index in
            var event = OTLPSpan.Event()
            event.name = "step \(index)"
            event.timeUnixNano = 1_764_400_000_000_000_000 + UInt64(index)
            return event
        }
        span.links = (1...3).map { index in
            var link = OTLPSpan.Link()
            link.traceID = Data(repeating: UInt8(index), count: 16)
            link.spanID = Data(repeating: UInt8(index), count: 8)
            return link
        }
        span.droppedEventsCount = 1
        let batch = try decoder.decode(signal: .traces, format: .protobuf, body: Fixture.bytes(Fixture.traces([span])), projectID: 1, receivedAtNanos: 0, redactor: .disabled)
        let body = try object(try #require(batch.events.first))
        let events = try #require(body["events"] as? [[String: Any]])
        #expect(events.map { $0["name"] as? String } == ["step 1", "step 2"])
        #expect((body["links"] as? [[String: Any]])?.count == 1)
        #expect(body["dropped_events_count"] as? Int == 3)
        #expect(body["dropped_links_count"] as? Int == 2)
        #expect(batch.limitCounts.droppedEvents == 2)
        #expect(batch.limitCounts.droppedLinks == 2)
    }

    @Test("an export with more items than the limit is refused whole as too large")
    func itemsPerRequest() throws {
        let decoder = Self.decoder { $0.itemsPerRequest = 2 }
        let spans = (1...3).map { Fixture.span(trace: 4, span: UInt8($0), name: "x", attributes: []) }
        do {
            _ = try decoder.decode(signal: .traces, format: .protobuf, body: Fixture.bytes(Fixture.traces(spans)), projectID: 1, receivedAtNanos: 0, redactor: .disabled)
            Issue.record("three spans passed a limit of two")
        } catch let error as VigilError {
            #expect(error.code == .tooLarge)
            #expect(error.message.contains("3 spans, more than the limit of 2"))
        }
        let two = try decoder.decode(signal: .traces, format: .protobuf, body: Fixture.bytes(Fixture.traces(Array(spans.prefix(2)))), projectID: 1, receivedAtNanos: 0, redactor: .disabled)
        #expect(two.events.count == 2)
    }

    @Test("a log record's attributes are limited, its body is not; the resource's cuts count once per export")
    func logs() throws {
        let decoder = Self.decoder {
            $0.attributeCount = 2
            $0.attributeValueLength = 16
        }
        let long = String(repeating: "z", count: 100)
        var records: [OTLPLogRecord] = []
        for index in 0..<2 {
            var record = OTLPLogRecord()
            record.timeUnixNano = 1_764_400_000_000_000_000 + UInt64(index)
            record.body = Fixture.anyValue(long)
            record.attributes = [Fixture.attribute("a", long), Fixture.attribute("b", 1), Fixture.attribute("c", 2)]
            records.append(record)
        }
        var scope = OTLPScopeLogs()
        scope.logRecords = records
        var resourceLogs = OTLPResourceLogs()
        // Three resource attributes: one dropped, counted in each event's body but once in the export's counts.
        resourceLogs.resource = Fixture.resource(service: "gateway")
        resourceLogs.resource.attributes.append(Fixture.attribute("host.name", "h1"))
        resourceLogs.scopeLogs = [scope]
        var request = OTLPExportLogsServiceRequest()
        request.resourceLogs = [resourceLogs]
        let batch = try decoder.decode(signal: .logs, format: .protobuf, body: Fixture.bytes(request), projectID: 1, receivedAtNanos: 0, redactor: .disabled)
        #expect(batch.events.count == 2)
        let body = try object(batch.events[0])
        #expect(body["body"] as? String == long)
        let attributes = try #require(body["attributes"] as? [String: Any])
        #expect(attributes["a"] as? String == String(repeating: "z", count: 16))
        #expect(attributes["c"] == nil)
        #expect(body["dropped_attributes_count"] as? Int == 2)
        #expect(body["truncated_attribute_values_count"] as? Int == 1)
        #expect(batch.limitCounts.droppedAttributes == 1 + 2)
        #expect(batch.limitCounts.truncatedValues == 2)
    }

    @Test("a data point's attributes are limited and counted")
    func metrics() throws {
        let decoder = Self.decoder { $0.attributeCount = 1 }
        var point = OTLPNumberDataPoint()
        point.timeUnixNano = 1_764_400_000_000_000_000
        point.asInt = 3
        point.attributes = [Fixture.attribute("x", 1), Fixture.attribute("y", 2)]
        var gauge = OTLPGauge()
        gauge.dataPoints = [point]
        var metric = OTLPMetric()
        metric.name = "queue.depth"
        metric.gauge = gauge
        var scope = OTLPScopeMetrics()
        scope.metrics = [metric]
        var resourceMetrics = OTLPResourceMetrics()
        var resource = OTLPResource()
        resource.attributes = [Fixture.attribute("service.name", "svc")]
        resourceMetrics.resource = resource
        resourceMetrics.scopeMetrics = [scope]
        var request = OTLPExportMetricsServiceRequest()
        request.resourceMetrics = [resourceMetrics]
        let batch = try decoder.decode(signal: .metrics, format: .protobuf, body: Fixture.bytes(request), projectID: 1, receivedAtNanos: 0, redactor: .disabled)
        let body = try object(try #require(batch.events.first))
        #expect((body["attributes"] as? [String: Any])?.count == 1)
        #expect(body["dropped_attributes_count"] as? Int == 1)
        #expect(batch.limitCounts.droppedAttributes == 1)
    }
}
