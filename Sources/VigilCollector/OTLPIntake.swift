public import VigilCore
public import VigilEventLog
public import VigilIngest
public import VigilSafety
internal import Metrics

/// What an OTLP export does once a transport (HTTP or gRPC) has its body and its key: the key's
/// byte limit on the body as sent, gzip undone within `maxInflatedBytes`, the body decoded with
/// the project's redaction and the attribute limits (`IngestLimits`), the key's item limit, then
/// the events appended and committed before the answer is made. The same dedup and the same
/// acknowledgement after commit whichever transport the export came by. Counts on `/metrics`
/// what was accepted, refused and cut.
public struct OTLPIntake: Sendable {
    private let appender: EventAppender
    private let redaction: RedactionPolicies
    private let limiter: RequestLimiter?
    private let decoder: OTLPDecoder
    private let maxInflatedBytes: Int
    private let accepted: [OTLPSignal: Counter]
    private let rejected: [OTLPSignal: Counter]
    private let droppedAttributes = Counter(label: "vigil_otlp_attributes_dropped_total")
    private let truncatedValues = Counter(label: "vigil_otlp_attribute_values_truncated_total")
    private let droppedEvents = Counter(label: "vigil_otlp_span_events_dropped_total")
    private let droppedLinks = Counter(label: "vigil_otlp_span_links_dropped_total")

    /// Takes exports into `appender`, redacting with each project's policy from `redaction`,
    /// cutting attributes at `limits`, inflating gzip up to `maxInflatedBytes`, holding keys to
    /// their limits with `limiter`.
    public init(appender: EventAppender, limits: IngestLimits, maxInflatedBytes: Int, redaction: RedactionPolicies, limiter: RequestLimiter?) {
        self.appender = appender
        self.redaction = redaction
        self.limiter = limiter
        self.maxInflatedBytes = maxInflatedBytes
        decoder = OTLPDecoder(limits: limits)
        // Made once, not on every export.
        accepted = Dictionary(uniqueKeysWithValues: OTLPSignal.allCases.map {
            ($0, Counter(label: "vigil_otlp_items_accepted_total", dimensions: [("signal", $0.rawValue)]))
        })
        rejected = Dictionary(uniqueKeysWithValues: OTLPSignal.allCases.map {
            ($0, Counter(label: "vigil_otlp_items_rejected_total", dimensions: [("signal", $0.rawValue)]))
        })
    }

    /// Refuses an export from a key over its day's spend quota: called before the body is read.
    public func admitSpend(_ principal: Principal) async throws {
        try await limiter?.admitSpend(principal)
    }

    /// Takes one export of `signal` in `format`, `body` as sent (gzip-compressed when `gzipped`),
    /// from `principal`; returns, once its events are committed, the Export*ServiceResponse in
    /// `format` (with `partial_success` when items were refused).
    public func export(signal: OTLPSignal, format: OTLPFormat, body: [UInt8], gzipped: Bool, principal: Principal) async throws -> [UInt8] {
        try limiter?.admitBytes(body.count, for: principal)
        var body = body
        if gzipped {
            body = try Gzip.inflate(body, limit: maxInflatedBytes)
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
        return OTLPResponse.success(signal: signal, format: format, rejected: batch.rejected, message: batch.rejectionMessage)
    }

    private func count(_ cut: LimitCounts) {
        guard !cut.isEmpty else { return }
        if cut.droppedAttributes > 0 { droppedAttributes.increment(by: cut.droppedAttributes) }
        if cut.truncatedValues > 0 { truncatedValues.increment(by: cut.truncatedValues) }
        if cut.droppedEvents > 0 { droppedEvents.increment(by: cut.droppedEvents) }
        if cut.droppedLinks > 0 { droppedLinks.increment(by: cut.droppedLinks) }
    }
}
