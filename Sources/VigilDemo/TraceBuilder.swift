/// Builds one trace's spans on a clock relative to the trace's start, then places the whole trace
/// so that it ends at a given time: the time its spans are exported, as an SDK exports them.
struct TraceBuilder {
    let traceID: String
    private var ids: DemoRandom
    private(set) var spans: [DemoSpan] = []

    init(ids: DemoRandom) {
        self.ids = ids
        traceID = self.ids.hex(bytes: 16)
    }

    /// Adds a span from `start` (nanoseconds after the trace's start) lasting `duration`
    /// nanoseconds; returns its id.
    @discardableResult
    mutating func add(_ name: String, kind: DemoSpan.Kind, parent: String?, start: UInt64, duration: UInt64,
                      attributes: [DemoAttribute], error: String? = nil) -> String {
        let spanID = ids.hex(bytes: 8)
        spans.append(DemoSpan(traceID: traceID, spanID: spanID, parentSpanID: parent, name: name, kind: kind,
                              startNanos: start, endNanos: start + max(duration, 1), attributes: attributes, errorMessage: error))
        return spanID
    }

    /// A fresh id for something that is not a span (a response id, a tool call id).
    mutating func token(bytes: Int = 12) -> String {
        ids.hex(bytes: bytes)
    }

    /// Changes the span `spanID`: its end, attributes and error (a parent closed after its children).
    mutating func close(_ spanID: String, end: UInt64, attributes: [DemoAttribute] = [], error: String? = nil) {
        guard let index = spans.firstIndex(where: { $0.spanID == spanID }) else { return }
        spans[index].endNanos = max(end, spans[index].startNanos + 1)
        spans[index].attributes += attributes
        if let error { spans[index].errorMessage = error }
    }

    /// The spans, shifted so the trace ends at `end` (Unix nanoseconds); returns them and the shift.
    func placed(endingAt end: UInt64) -> (spans: [DemoSpan], offset: UInt64) {
        let length = spans.map(\.endNanos).max() ?? 0
        let offset = end >= length ? end - length : 0
        let placed = spans.map { span in
            var moved = span
            moved.startNanos += offset
            moved.endNanos += offset
            return moved
        }
        return (placed, offset)
    }
}
