internal import VigilCore
internal import VigilOTLPProto
internal import VigilSafety

/// Turns OTLP metrics into one `metric_point` event per data point, for every OTLP metric type:
/// gauge, sum, histogram, exponential histogram and summary. Attribute values (of points,
/// exemplars, scope and resource) pass through the project's redactor.
enum MetricTranslator {
    /// What every point of one metric shares.
    private struct MetricContext {
        let resource: ResourceContext
        let scope: OTLPInstrumentationScope
        let metric: OTLPMetric
        let type: String
        let temporality: OTLPAggregationTemporality?
        let monotonic: Bool?
        let projectID: Int64
    }

    static func translate(_ request: OTLPExportMetricsServiceRequest, projectID: Int64, redactor: Redactor, limits: IngestLimits = IngestLimits(), into batch: inout IngestBatch) {
        for resourceMetrics in request.resourceMetrics {
            let resource = ResourceContext(resourceMetrics.resource, redactor: redactor, limits: limits)
            batch.limitCounts += resource.redaction.limitCounts
            for scopeMetrics in resourceMetrics.scopeMetrics {
                for metric in scopeMetrics.metrics {
                    translate(metric, resource: resource, scope: scopeMetrics.scope, projectID: projectID, into: &batch)
                }
            }
        }
    }

    private static func translate(_ metric: OTLPMetric, resource: ResourceContext, scope: OTLPInstrumentationScope, projectID: Int64, into batch: inout IngestBatch) {
        func context(_ type: String, _ temporality: OTLPAggregationTemporality? = nil, _ monotonic: Bool? = nil) -> MetricContext {
            MetricContext(resource: resource, scope: scope, metric: metric, type: type, temporality: temporality, monotonic: monotonic, projectID: projectID)
        }
        switch metric.data {
        case .gauge(let gauge)?:
            let shared = context("gauge")
            for point in gauge.dataPoints {
                add(shared, point.attributes, point.startTimeUnixNano, point.timeUnixNano, point.flags, into: &batch) { writeNumber(point, &$0, &$1) }
            }
        case .sum(let sum)?:
            let shared = context("sum", sum.aggregationTemporality, sum.isMonotonic)
            for point in sum.dataPoints {
                add(shared, point.attributes, point.startTimeUnixNano, point.timeUnixNano, point.flags, into: &batch) { writeNumber(point, &$0, &$1) }
            }
        case .histogram(let histogram)?:
            let shared = context("histogram", histogram.aggregationTemporality)
            for point in histogram.dataPoints {
                add(shared, point.attributes, point.startTimeUnixNano, point.timeUnixNano, point.flags, into: &batch) { writer, redaction in
                    writer.uint("count", point.count)
                    if point.hasSum { writer.double("sum", point.sum) }
                    if point.hasMin { writer.double("min", point.min) }
                    if point.hasMax { writer.double("max", point.max) }
                    writer.beginArray("bucket_counts")
                    for count in point.bucketCounts { writer.uint(nil, count) }
                    writer.endArray()
                    writer.beginArray("explicit_bounds")
                    for bound in point.explicitBounds { writer.double(nil, bound) }
                    writer.endArray()
                    writeExemplars(point.exemplars, &writer, &redaction)
                }
            }
        case .exponentialHistogram(let histogram)?:
            let shared = context("exponential_histogram", histogram.aggregationTemporality)
            for point in histogram.dataPoints {
                add(shared, point.attributes, point.startTimeUnixNano, point.timeUnixNano, point.flags, into: &batch) { writer, redaction in
                    writer.uint("count", point.count)
                    if point.hasSum { writer.double("sum", point.sum) }
                    if point.hasMin { writer.double("min", point.min) }
                    if point.hasMax { writer.double("max", point.max) }
                    writer.int("scale", Int64(point.scale))
                    writer.uint("zero_count", point.zeroCount)
                    writer.double("zero_threshold", point.zeroThreshold)
                    writeBuckets("positive", point.positive, &writer)
                    writeBuckets("negative", point.negative, &writer)
                    writeExemplars(point.exemplars, &writer, &redaction)
                }
            }
        case .summary(let summary)?:
            let shared = context("summary")
            for point in summary.dataPoints {
                add(shared, point.attributes, point.startTimeUnixNano, point.timeUnixNano, point.flags, into: &batch) { writer, redaction in
                    writer.uint("count", point.count)
                    writer.double("sum", point.sum)
                    writer.beginArray("quantiles")
                    for quantile in point.quantileValues {
                        writer.beginObject()
                        writer.double("quantile", quantile.quantile)
                        writer.double("value", quantile.value)
                        writer.endObject()
                    }
                    writer.endArray()
                }
            }
        case nil:
            batch.reject("metric \(metric.name.prefix(80)) carries no data (none of gauge, sum, histogram, exponential_histogram, summary)")
        }
    }

    private static func add(
        _ shared: MetricContext,
        _ attributes: [OTLPKeyValue],
        _ start: UInt64,
        _ time: UInt64,
        _ flags: UInt32,
        into batch: inout IngestBatch,
        values: (inout JSONWriter, inout EventRedaction) -> Void
    ) {
        if shared.metric.name.isEmpty {
            batch.reject("a data point's metric has no name")
            return
        }
        if time == 0 {
            batch.reject("a data point of \(shared.metric.name.prefix(80)) has no time_unix_nano")
            return
        }
        var writer = JSONWriter(capacity: 768)
        var redaction = shared.resource.redaction
        writer.beginObject()
        writer.string("service", shared.resource.service)
        writer.beginObject("metric")
        writer.string("name", shared.metric.name)
        if !shared.metric.description_p.isEmpty { writer.string("description", shared.metric.description_p) }
        if !shared.metric.unit.isEmpty { writer.string("unit", shared.metric.unit) }
        writer.string("type", shared.type)
        if let temporality = shared.temporality { writer.string("temporality", temporalityName(temporality)) }
        if let monotonic = shared.monotonic { writer.bool("monotonic", monotonic) }
        writer.endObject()
        AttributeJSON.writeAttributes("attributes", attributes, redaction: &redaction, into: &writer)
        if start != 0 { writer.uint("start_ns", start) }
        writer.uint("time_ns", time)
        if flags != 0 { writer.uint("flags", UInt64(flags)) }
        values(&writer, &redaction)
        GenAIAttributes(attributes).write(into: &writer)
        writer.raw("resource", shared.resource.json)
        AttributeJSON.writeScope(shared.scope, redaction: &redaction, into: &writer)
        redaction.writeLimitCounts(into: &writer)
        batch.limitCounts += redaction.limitCounts - shared.resource.redaction.limitCounts
        redaction.writeCounts(into: &writer)
        writer.endObject()
        let body = writer.bytes
        batch.events.append(NewEvent(
            projectID: shared.projectID,
            kind: .metricPoint,
            occurredAtMicros: EventTime.micros(fromUnixNanos: time),
            dedupKey: redaction.dedupKey(kind: .metricPoint, body: body),
            body: body
        ))
    }

    private static func writeNumber(_ point: OTLPNumberDataPoint, _ writer: inout JSONWriter, _ redaction: inout EventRedaction) {
        switch point.value {
        case .asInt(let number)?:
            writer.int("value", number)
            writer.string("value_type", "int")
        case .asDouble(let number)?:
            writer.double("value", number)
            writer.string("value_type", "double")
        case nil:
            writer.null("value")
        }
        writeExemplars(point.exemplars, &writer, &redaction)
    }

    private static func writeBuckets(_ key: String, _ buckets: OTLPExponentialHistogramDataPoint.Buckets, _ writer: inout JSONWriter) {
        writer.beginObject(key)
        writer.int("offset", Int64(buckets.offset))
        writer.beginArray("bucket_counts")
        for count in buckets.bucketCounts { writer.uint(nil, count) }
        writer.endArray()
        writer.endObject()
    }

    private static func writeExemplars(_ exemplars: [OTLPExemplar], _ writer: inout JSONWriter, _ redaction: inout EventRedaction) {
        guard !exemplars.isEmpty else { return }
        writer.beginArray("exemplars")
        for exemplar in exemplars {
            writer.beginObject()
            writer.uint("time_ns", exemplar.timeUnixNano)
            switch exemplar.value {
            case .asInt(let number)?: writer.int("value", number)
            case .asDouble(let number)?: writer.double("value", number)
            case nil: writer.null("value")
            }
            if !exemplar.traceID.isEmpty { writer.string("trace_id", Hex.encode(exemplar.traceID)) }
            if !exemplar.spanID.isEmpty { writer.string("span_id", Hex.encode(exemplar.spanID)) }
            AttributeJSON.writeAttributes("filtered_attributes", exemplar.filteredAttributes, redaction: &redaction, into: &writer)
            writer.endObject()
        }
        writer.endArray()
    }

    private static func temporalityName(_ temporality: OTLPAggregationTemporality) -> String {
        switch temporality {
        case .delta: "delta"
        case .cumulative: "cumulative"
        default: "unspecified"
        }
    }
}

extension OTLPMetric {
    /// How many data points the metric carries (0 for one without data).
    var dataPointCount: Int {
        switch data {
        case .gauge(let gauge)?: gauge.dataPoints.count
        case .sum(let sum)?: sum.dataPoints.count
        case .histogram(let histogram)?: histogram.dataPoints.count
        case .exponentialHistogram(let histogram)?: histogram.dataPoints.count
        case .summary(let summary)?: summary.dataPoints.count
        case nil: 0
        }
    }
}
