internal import VigilCore
internal import VigilSafety

/// The redactor of one export and what it replaced in the event being written: the counts go
/// into the event as `pii`, and a keyed fingerprint of the replaced text into content dedup keys,
/// so two records that differ only in their PII are not taken for retries of each other.
struct EventRedaction {
    let redactor: Redactor
    private(set) var counts = RedactionCounts()
    private var replaced: [UInt8] = []

    init(_ redactor: Redactor) {
        self.redactor = redactor
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
