internal import Foundation
internal import HTTPTypes
public import Hummingbird
internal import Metrics
internal import NIOCore
internal import VigilCore
public import VigilEventLog
internal import VigilIngest
public import VigilHTTPBase
public import VigilSafety

/// The OTLP/HTTP collectors: `POST /v1/traces`, `/v1/metrics`, `/v1/logs`. A request is answered
/// 200 only after its events are committed; refused items are reported in `partial_success`.
/// The key's limits apply in order: its spend quota before the body is read, its bytes a second
/// once the body is (as sent), its items a second once it is decoded; the attribute limits
/// (`IngestLimits`) while it is decoded, what they cut counted on `/metrics`.
public struct OTLPController: Sendable {
    private let appender: EventAppender
    private let configuration: HTTPConfiguration
    private let redaction: RedactionPolicies
    private let limiter: RequestLimiter?
    private let decoder: OTLPDecoder
    private let accepted: [OTLPSignal: Counter]
    private let rejected: [OTLPSignal: Counter]
    private let droppedAttributes = Counter(label: "vigil_otlp_attributes_dropped_total")
    private let truncatedValues = Counter(label: "vigil_otlp_attribute_values_truncated_total")
    private let droppedEvents = Counter(label: "vigil_otlp_span_events_dropped_total")
    private let droppedLinks = Counter(label: "vigil_otlp_span_links_dropped_total")

    /// Makes the collectors, appending through `appender`, redacting with each project's policy
    /// from `redaction`, holding keys to their limits with `limiter`.
    public init(appender: EventAppender, configuration: HTTPConfiguration, redaction: RedactionPolicies, limiter: RequestLimiter? = nil) {
        self.appender = appender
        self.configuration = configuration
        self.redaction = redaction
        self.limiter = limiter
        decoder = OTLPDecoder(limits: configuration.ingestLimits)
        // Made once, not on every export.
        accepted = Dictionary(uniqueKeysWithValues: OTLPSignal.allCases.map {
            ($0, Counter(label: "vigil_otlp_items_accepted_total", dimensions: [("signal", $0.rawValue)]))
        })
        rejected = Dictionary(uniqueKeysWithValues: OTLPSignal.allCases.map {
            ($0, Counter(label: "vigil_otlp_items_rejected_total", dimensions: [("signal", $0.rawValue)]))
        })
    }

    /// Adds the three routes to `group` (which the caller guards with the ingest role).
    public func addRoutes(to group: RouterGroup<VigilRequestContext>) {
        for signal in OTLPSignal.allCases {
            group.post(RouterPath(signal.path)) { request, context in
                try await export(signal: signal, request: request, context: context)
            }
        }
    }

    func export(signal: OTLPSignal, request: Request, context: VigilRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        guard let format = OTLPFormat(contentType: request.headers[.contentType]) else {
            let given = request.headers[.contentType] ?? "none"
            throw VigilError(.unsupportedMediaType, "Content-Type \(given) is not accepted: send application/x-protobuf or application/json")
        }
        let encoding = request.headers[.contentEncoding]?.lowercased().trimmingCharacters(in: .whitespaces) ?? "identity"
        guard encoding == "gzip" || encoding == "identity" || encoding.isEmpty else {
            throw VigilError(.unsupportedMediaType, "Content-Encoding \(encoding) is not accepted: send gzip or no encoding")
        }
        try await limiter?.admitSpend(principal)
        if let length = request.headers[.contentLength].flatMap(Int.init), length > configuration.maxBodyBytes {
            throw VigilError(.tooLarge, "the body has \(length) bytes, more than the limit of \(configuration.maxBodyBytes)")
        }
        var body: [UInt8]
        do {
            body = Array(buffer: try await request.body.collect(upTo: configuration.maxBodyBytes))
        } catch is NIOTooManyBytesError {
            throw VigilError(.tooLarge, "the body is larger than the limit of \(configuration.maxBodyBytes) bytes")
        }
        try limiter?.admitBytes(body.count, for: principal)
        if encoding == "gzip" {
            body = try Gzip.inflate(body, limit: configuration.maxInflatedBytes)
        }
        let batch = try decoder.decode(signal: signal, format: format, body: body, projectID: principal.projectID, receivedAtNanos: EventTime.nowNanos(),
                                       redactor: redaction.redactor(projectID: principal.projectID))
        try limiter?.admitItems(batch.events.count + batch.rejected, for: principal)
        count(batch.limitCounts)
        try await appender.append(batch.events)
        accepted[signal]?.increment(by: batch.events.count)
        if batch.rejected > 0 {
            rejected[signal]?.increment(by: batch.rejected)
        }
        let responseBody = OTLPResponse.success(signal: signal, format: format, rejected: batch.rejected, message: batch.rejectionMessage)
        return Response(
            status: .ok,
            headers: [.contentType: format.contentType],
            body: .init(byteBuffer: ByteBuffer(bytes: responseBody))
        )
    }

    private func count(_ cut: LimitCounts) {
        guard !cut.isEmpty else { return }
        if cut.droppedAttributes > 0 { droppedAttributes.increment(by: cut.droppedAttributes) }
        if cut.truncatedValues > 0 { truncatedValues.increment(by: cut.truncatedValues) }
        if cut.droppedEvents > 0 { droppedEvents.increment(by: cut.droppedEvents) }
        if cut.droppedLinks > 0 { droppedLinks.increment(by: cut.droppedLinks) }
    }
}
