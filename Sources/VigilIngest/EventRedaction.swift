internal import VigilCore
internal import VigilSafety

/// The redactor of one export and what it replaced in the event being written: the counts go
/// into the event as `pii`, and a keyed fingerprint of the replaced text into content dedup keys,
/// so two records that differ only in their PII are not taken for retries of each other. It also
/// carries the export's attribute limits and what they cut from the event (`limitCounts`), since
/// every attribute list and value of the event passes through it.
struct EventRedaction {
    let redactor: Redactor
    let limits: IngestLimits
    private(set) var counts = RedactionCounts()
    /// What the limits cut so far in this event (its resource's included).
    var limitCounts = LimitCounts()
    private var replaced: [UInt8] = []

    init(_ redactor: Redactor, limits: IngestLimits = IngestLimits()) {
        self.redactor = redactor
        self.limits = limits
    }

    /// `value` cut to the value length limit (in Unicode scalars), counted when cut.
    mutating func limited(_ value: String) -> String {
        let limit = limits.attributeValueLength
        // A string of no more UTF-8 bytes than the limit has no more scalars either.
        guard value.utf8.count > limit, value.unicodeScalars.count > limit else { return value }
        limitCounts.truncatedValues += 1
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: value.unicodeScalars.prefix(limit))
        return String(scalars)
    }

    /// Writes what the limits cut, with what the sender reported it had dropped itself
    /// (`reported`), as `dropped_attributes_count` and friends, each only when not zero.
    func writeLimitCounts(reported: LimitCounts = LimitCounts(), into writer: inout JSONWriter) {
        let total: LimitCounts = {
            var sum = limitCounts
            sum += reported
            return sum
        }()
        if total.droppedAttributes > 0 { writer.int("dropped_attributes_count", Int64(total.droppedAttributes)) }
        if total.droppedEvents > 0 { writer.int("dropped_events_count", Int64(total.droppedEvents)) }
        if total.droppedLinks > 0 { writer.int("dropped_links_count", Int64(total.droppedLinks)) }
        if total.truncatedValues > 0 { writer.int("truncated_attribute_values_count", Int64(total.truncatedValues)) }
    }

    /// `value` redacted by the policy.
    mutating func text(_ value: String) -> String {
        let result = redactor.redact(value, counts: &counts)
        if result != value {
            replaced.append(contentsOf: value.utf8)
            replaced.append(0)
        }
        return result
    }

    /// Notes a denied attribute's value (dropped, written as `<REDACTED>`).
    mutating func denied(_ original: String?) {
        counts.add("redacted")
        replaced.append(contentsOf: (original ?? "").utf8)
        replaced.append(0)
    }

    /// Writes `"pii": {...}` when anything was redacted.
    func writeCounts(into writer: inout JSONWriter) {
        if !counts.isEmpty { counts.write("pii", into: &writer) }
    }

    /// The content dedup key of an event of `kind` with `body`.
    func dedupKey(kind: EventKind, body: [UInt8]) -> [UInt8] {
        replaced.isEmpty ? ContentKey.make(kind: kind, body: body) : ContentKey.make(kind: kind, body: body + redactor.fingerprint(replaced))
    }
}
