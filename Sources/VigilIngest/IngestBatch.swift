public import VigilCore
internal import VigilOTLPProto
internal import VigilSafety

/// What one OTLP export turned into: the events to append and the items refused, with why.
public struct IngestBatch: Sendable {
    /// The events to append, in the order the export listed them.
    public var events: [NewEvent] = []
    /// How many items (spans, data points, log records) were refused.
    public var rejected: Int = 0
    /// The first reasons for refusal, for the `partial_success` message.
    public var rejectionReasons: [String] = []
    /// What the attribute limits cut over the whole export (a resource's cuts counted once).
    public var limitCounts = LimitCounts()

    /// Makes an empty batch.
    public init() {}

    /// One line for `partial_success.error_message`, or nil when nothing was refused.
    public var rejectionMessage: String? {
        guard rejected > 0 else { return nil }
        let shown = rejectionReasons.prefix(3).joined(separator: "; ")
        let more = rejectionReasons.count > 3 ? " (and \(rejectionReasons.count - 3) more)" : ""
        return "\(shown)\(more)"
    }

    mutating func reject(_ reason: String) {
        rejected += 1
        if rejectionReasons.count < 10 { rejectionReasons.append(reason) }
    }
}

/// The resource part of an OTLP request, written once (redacted) and shared by every event under
/// it; each event's redaction starts from the resource's, so its `pii` counts cover its whole body.
struct ResourceContext {
    let service: String
    let json: [UInt8]
    let redaction: EventRedaction

    init(_ resource: OTLPResource, redactor: Redactor, limits: IngestLimits) {
        var service = "unknown_service"
        for attribute in resource.attributes where attribute.key == "service.name" {
            if let name = attribute.value.textValue, !name.isEmpty { service = name }
        }
        self.service = service
        var writer = JSONWriter(capacity: 256)
        var redaction = EventRedaction(redactor, limits: limits)
        AttributeJSON.writeAttributes(nil, resource.attributes, redaction: &redaction, into: &writer)
        json = writer.bytes
        self.redaction = redaction
    }
}
