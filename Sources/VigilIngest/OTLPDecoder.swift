internal import VigilCore
internal import SwiftProtobuf
internal import VigilOTLPProto
public import VigilSafety

/// Decodes an OTLP/HTTP export body (protobuf or OTLP JSON, already inflated) into events.
/// The only place protobuf types are seen; what leaves is `NewEvent`s and counts.
public struct OTLPDecoder: Sendable {
    /// The attribute and item limits applied to every export.
    public let limits: IngestLimits

    /// Makes a decoder applying `limits`.
    public init(limits: IngestLimits = IngestLimits()) {
        self.limits = limits
    }

    /// Decodes `body` as the export request of `signal` in `format`, for `projectID`, redacting every
    /// text the app wrote with `redactor` (the project's policy) before it is put in an event.
    /// - Parameter receivedAtNanos: the receipt time, used for log records that carry no time at all.
    /// - Throws: `VigilError` `.invalidInput` naming what is wrong with the body; `.tooLarge` when
    ///   it holds more items than `limits.itemsPerRequest`.
    public func decode(signal: OTLPSignal, format: OTLPFormat, body: [UInt8], projectID: Int64, receivedAtNanos: UInt64, redactor: Redactor) throws -> IngestBatch {
        var batch = IngestBatch()
        switch signal {
        case .traces:
            let request: OTLPExportTraceServiceRequest = try parse(body, format: format, messageName: "ExportTraceServiceRequest")
            try check(items: Self.itemCount(request), signal: signal)
            SpanTranslator.translate(request, projectID: projectID, redactor: redactor, limits: limits, into: &batch)
        case .metrics:
            let request: OTLPExportMetricsServiceRequest = try parse(body, format: format, messageName: "ExportMetricsServiceRequest")
            try check(items: Self.itemCount(request), signal: signal)
            MetricTranslator.translate(request, projectID: projectID, redactor: redactor, limits: limits, into: &batch)
        case .logs:
            let request: OTLPExportLogsServiceRequest = try parse(body, format: format, messageName: "ExportLogsServiceRequest")
            try check(items: Self.itemCount(request), signal: signal)
            LogTranslator.translate(request, projectID: projectID, receivedAtNanos: receivedAtNanos, redactor: redactor, limits: limits, into: &batch)
        }
        return batch
    }

    private func check(items: Int, signal: OTLPSignal) throws {
        guard items <= limits.itemsPerRequest else {
            throw VigilError(.tooLarge, "the export holds \(items) \(signal.itemName)s, more than the limit of \(limits.itemsPerRequest) a request; send smaller batches")
        }
    }

    private static func itemCount(_ request: OTLPExportTraceServiceRequest) -> Int {
        var count = 0
        for resource in request.resourceSpans {
            for scope in resource.scopeSpans { count += scope.spans.count }
        }
        return count
    }

    /// Data points, a metric without data counting as one (it is refused as one).
    private static func itemCount(_ request: OTLPExportMetricsServiceRequest) -> Int {
        var count = 0
        for resource in request.resourceMetrics {
            for scope in resource.scopeMetrics {
                for metric in scope.metrics { count += max(1, metric.dataPointCount) }
            }
        }
        return count
    }

    private static func itemCount(_ request: OTLPExportLogsServiceRequest) -> Int {
        var count = 0
        for resource in request.resourceLogs {
            for scope in resource.scopeLogs { count += scope.logRecords.count }
        }
        return count
    }

    private func parse<M: SwiftProtobuf.Message>(_ body: [UInt8], format: OTLPFormat, messageName: String) throws -> M {
        switch format {
        case .protobuf:
            do {
                return try M(serializedBytes: body)
            } catch {
                throw VigilError(.invalidInput, "the body is not a valid protobuf \(messageName): \(Self.describe(error))")
            }
        case .json:
            if body.isEmpty {
                throw VigilError(.invalidInput, "the body is empty; an OTLP JSON export is an \(messageName) object")
            }
            let rewritten = try OTLPJSONIDs.hexIDsToBase64(body)
            var options = JSONDecodingOptions()
            options.ignoreUnknownFields = true
            do {
                return try M(jsonUTF8Bytes: rewritten, options: options)
            } catch {
                throw VigilError(.invalidInput, "the body is not a valid OTLP JSON \(messageName): \(Self.describe(error))")
            }
        }
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case BinaryDecodingError.truncated: "it is truncated"
        case BinaryDecodingError.malformedProtobuf: "it is malformed"
        case BinaryDecodingError.invalidUTF8: "a string field is not valid UTF-8"
        case BinaryDecodingError.messageDepthLimit: "it nests messages too deeply"
        case JSONDecodingError.truncated: "it is truncated"
        case JSONDecodingError.malformedNumber: "a number is malformed"
        case JSONDecodingError.numberRange: "a number is out of range"
        case JSONDecodingError.unrecognizedEnumValue: "an enum value is not recognised"
        case JSONDecodingError.invalidUTF8: "it is not valid UTF-8"
        case JSONDecodingError.failure: "it is not valid JSON"
        default: String(describing: error)
        }
    }
}
