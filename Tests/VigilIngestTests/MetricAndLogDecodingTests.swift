import Foundation
import SwiftProtobuf
import Testing
import VigilCore
import VigilIngest
import VigilOTLPProto
import VigilSafety

@Suite("Metric and log decoding")
struct MetricAndLogDecodingTests {
    let decoder = OTLPDecoder()
    let time: UInt64 = 1_764_400_000_000_000_000

    func metricsRequest() -> OTLPExportMetricsServiceRequest {
        var sum = OTLPMetric()
        sum.name = "gen_ai.client.token.usage.total"
        sum.unit = "{token}"
        var sumPoint = OTLPNumberDataPoint()
        sumPoint.timeUnixNano = time
        sumPoint.startTimeUnixNano = time - 60_000_000_000
        sumPoint.asInt = 1234
        sumPoint.attributes = [Fixture.attribute("gen_ai.request.model", "gpt-4o")]
        sum.sum.dataPoints = [sumPoint]
        sum.sum.aggregationTemporality = .cumulative
        sum.sum.isMonotonic = true

        var gauge = OTLPMetric()
        gauge.name = "queue.depth"
        var gaugePoint = OTLPNumberDataPoint()
        gaugePoint.timeUnixNano = time
        gaugePoint.asDouble = 3.5
        gauge.gauge.dataPoints = [gaugePoint]

        var histogram = OTLPMetric()
        histogram.name = "gen_ai.client.operation.duration"
        histogram.unit = "s"
        var histogramPoint = OTLPHistogramDataPoint()
        histogramPoint.timeUnixNano = time
        histogramPoint.count = 6
        histogramPoint.sum = 4.5
        histogramPoint.min = 0.1
        histogramPoint.max = 2
        histogramPoint.bucketCounts = [1, 2, 3]
        histogramPoint.explicitBounds = [0.5, 1]
        histogram.histogram.dataPoints = [histogramPoint]
        histogram.histogram.aggregationTemporality = .delta

        var exponential = OTLPMetric()
        exponential.name = "latency.exp"
        var exponentialPoint = OTLPExponentialHistogramDataPoint()
        exponentialPoint.timeUnixNano = time
        exponentialPoint.count = 5
        exponentialPoint.sum = 12
        exponentialPoint.scale = 3
        exponentialPoint.zeroCount = 1
        exponentialPoint.positive.offset = -2
        exponentialPoint.positive.bucketCounts = [1, 3]
        exponential.exponentialHistogram.dataPoints = [exponentialPoint]

        var summary = OTLPMetric()
        summary.name = "legacy.summary"
        var summaryPoint = OTLPSummaryDataPoint()
        summaryPoint.timeUnixNano = time
        summaryPoint.count = 10
        summaryPoint.sum = 20
        var quantile = OTLPSummaryDataPoint.ValueAtQuantile()
        quantile.quantile = 0.99
        quantile.value = 7
        summaryPoint.quantileValues = [quantile]
        summary.summary.dataPoints = [summaryPoint]

        var noTime = OTLPMetric()
        noTime.name = "broken"
        noTime.gauge.dataPoints = [OTLPNumberDataPoint()]

        var scope = OTLPScopeMetrics()
        scope.metrics = [sum, gauge, histogram, exponential, summary, noTime]
        var resourceMetrics = OTLPResourceMetrics()
        resourceMetrics.resource = Fixture.resource(service: "billing")
        resourceMetrics.scopeMetrics = [scope]
        var request = OTLPExportMetricsServiceRequest()
        request.resourceMetrics = [resourceMetrics]
        return request
    }

    @Test("every OTLP metric type becomes one event per point with its values")
    func metricTypes() throws {
        let batch = try decoder.decode(signal: .metrics, format: .protobuf, body: Fixture.bytes(metricsRequest()), projectID: 3, receivedAtNanos: 0, redactor: .disabled)
        #expect(batch.events.count == 5)
        #expect(batch.rejected == 1)
        #expect(batch.rejectionMessage?.contains("no time_unix_nano") == true)
        let bodies = try batch.events.map(object)
        #expect(batch.events.allSatisfy { $0.kind == .metricPoint && $0.occurredAtMicros == 1_764_400_000_000_000 })
        let metrics = bodies.compactMap { $0["metric"] as? [String: Any] }
        #expect(metrics.map { $0["type"] as? String } == ["sum", "gauge", "histogram", "exponential_histogram", "summary"])
        #expect(metrics[0]["temporality"] as? String == "cumulative")
        #expect(metrics[0]["monotonic"] as? Bool == true)
        #expect(bodies[0]["value"] as? Int == 1234)
        #expect(bodies[0]["service"] as? String == "billing")
        #expect((bodies[0]["genai"] as? [String: Any])?["request_model"] as? String == "gpt-4o")
        #expect(bodies[1]["value"] as? Double == 3.5)
        #expect(bodies[2]["bucket_counts"] as? [Int] == [1, 2, 3])
        #expect(bodies[2]["explicit_bounds"] as? [Double] == [0.5, 1])
        #expect(bodies[2]["sum"] as? Double == 4.5)
        #expect(bodies[3]["scale"] as? Int == 3)
        #expect((bodies[3]["positive"] as? [String: Any])?["offset"] as? Int == -2)
        #expect(((bodies[4]["quantiles"] as? [[String: Any]])?.first)?["value"] as? Int == 7)
    }

    @Test("content dedup keys are stable for the same point and differ for different points")
    func contentKeys() throws {
        let body = try Fixture.bytes(metricsRequest())
        let first = try decoder.decode(signal: .metrics, format: .protobuf, body: body, projectID: 3, receivedAtNanos: 0, redactor: .disabled)
        let second = try decoder.decode(signal: .metrics, format: .protobuf, body: body, projectID: 3, receivedAtNanos: 99, redactor: .disabled)
        #expect(first.events.map(\.dedupKey) == second.events.map(\.dedupKey))
        #expect(Set(first.events.map(\.dedupKey)).count == first.events.count)
    }

    @Test("log records keep body, severity and attributes; a record without time takes its observed time")
    func logs() throws {
        var record = OTLPLogRecord()
        record.observedTimeUnixNano = time
        record.severityNumber = 17
        record.severityText = "ERROR"
        record.body = Fixture.anyValue("provider timed out")
        record.attributes = [Fixture.attribute("gen_ai.provider.name", "openai"), Fixture.attribute("retry", 2)]
        record.traceID = Data(repeating: 0xAB, count: 16)
        var scope = OTLPScopeLogs()
        scope.logRecords = [record]
        var resourceLogs = OTLPResourceLogs()
        resourceLogs.resource = Fixture.resource(service: "gateway")
        resourceLogs.scopeLogs = [scope]
        var request = OTLPExportLogsServiceRequest()
        request.resourceLogs = [resourceLogs]
        let batch = try decoder.decode(signal: .logs, format: .protobuf, body: Fixture.bytes(request), projectID: 1, receivedAtNanos: 5, redactor: .disabled)
        let event = try #require(batch.events.first)
        #expect(event.kind == .logRecord)
        #expect(event.occurredAtMicros == 1_764_400_000_000_000)
        let body = try object(event)
        #expect(body["body"] as? String == "provider timed out")
        #expect(body["severity_number"] as? Int == 17)
        #expect(body["severity_text"] as? String == "ERROR")
        #expect((body["attributes"] as? [String: Any])?["retry"] as? Int == 2)
        #expect(body["trace_id"] as? String == String(repeating: "ab", count: 16))
        #expect(body["service"] as? String == "gateway")
    }
}

@Suite("Gzip")
struct GzipTests {
    @Test("inflates what it deflated")
    func roundTrip() throws {
        let text = Array(String(repeating: "span attributes ", count: 10_000).utf8)
        let compressed = Gzip.deflate(text)
        #expect(compressed.count < text.count / 10)
        #expect(try Gzip.inflate(compressed, limit: text.count) == text)
    }

    @Test("refuses a bomb as soon as it inflates past the limit")
    func bomb() throws {
        let compressed = Gzip.deflate([UInt8](repeating: 0, count: 50_000_000))
        #expect(compressed.count < 100_000)
        let error = #expect(throws: VigilError.self) { try Gzip.inflate(compressed, limit: 1_000_000) }
        #expect(error?.code == .tooLarge)
    }

    @Test("calls corrupt and truncated data invalid")
    func corrupt() throws {
        let compressed = Gzip.deflate(Array("hello world, hello world".utf8))
        for broken in [Array(compressed.prefix(compressed.count / 2)), Array("not gzip at all".utf8), []] {
            let error = #expect(throws: VigilError.self) { try Gzip.inflate(broken, limit: 1_000_000) }
            #expect(error?.code == .invalidInput)
        }
    }
}

@Suite("OTLP responses")
struct OTLPResponseTests {
    @Test("partial success is reported in the request's format")
    func partialSuccess() throws {
        let json = OTLPResponse.success(signal: .traces, format: .json, rejected: 2, message: "two bad spans")
        let decoded = try #require(JSONSerialization.jsonObject(with: Data(json)) as? [String: Any])
        let partial = try #require(decoded["partialSuccess"] as? [String: Any])
        #expect("\(partial["rejectedSpans"] ?? "")" == "2")
        #expect(partial["errorMessage"] as? String == "two bad spans")
        let protobuf = OTLPResponse.success(signal: .metrics, format: .protobuf, rejected: 1, message: "x")
        let response = try OTLPExportMetricsServiceResponse(serializedBytes: protobuf)
        #expect(response.partialSuccess.rejectedDataPoints == 1)
        #expect(OTLPResponse.success(signal: .logs, format: .protobuf, rejected: 0, message: nil).isEmpty)
    }

    @Test("content types are read the way OTLP/HTTP clients send them")
    func contentTypes() {
        #expect(OTLPFormat(contentType: "application/x-protobuf") == .protobuf)
        #expect(OTLPFormat(contentType: "Application/JSON; charset=utf-8") == .json)
        #expect(OTLPFormat(contentType: "text/plain") == nil)
        #expect(OTLPFormat(contentType: nil) == nil)
    }
}
