internal import Foundation
internal import VigilCore

/// One span of a trace as the detail page shows it, read from its event body, and the tree
/// order the waterfall draws spans in.
struct TraceSpan: Sendable {
    /// Span id, hex.
    var spanID: String
    /// Parent span id, hex; nil for a root.
    var parentID: String?
    /// The span's name.
    var name: String
    /// The resource's service.name.
    var service: String
    /// The span kind (client, server, internal…).
    var kind: String
    /// Start, nanoseconds since the epoch (0 when the span had none).
    var startNanos: UInt64
    /// End, nanoseconds since the epoch.
    var endNanos: UInt64
    /// `ok`, `error` or `unset`.
    var status: String
    /// The status message, if any.
    var statusMessage: String?
    /// The attributes as name and JSON text of the value (strings unquoted), sorted by name.
    var attributes: [(String, String)]
    /// The normalised GenAI facts (model, tokens…) as name and text.
    var genai: [(String, String)]
    /// The span's events' names.
    var eventNames: [String]

    /// Whether the span failed.
    var isError: Bool { status == "error" }

    /// The span in `body` (a span event's JSON); nil when it is not one.
    init?(body: String) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any],
              let spanID = object["span_id"] as? String else { return nil }
        self.spanID = spanID
        parentID = object["parent_span_id"] as? String
        name = object["name"] as? String ?? ""
        service = object["service"] as? String ?? ""
        kind = object["kind"] as? String ?? ""
        startNanos = Self.nanos(object["start_ns"])
        endNanos = Self.nanos(object["end_ns"])
        let status = object["status"] as? [String: Any]
        self.status = status?["code"] as? String ?? "unset"
        statusMessage = status?["message"] as? String
        attributes = ((object["attributes"] as? [String: Any]) ?? [:]).map { ($0.key, Self.text($0.value)) }.sorted { $0.0 < $1.0 }
        genai = ((object["genai"] as? [String: Any]) ?? [:]).map { ($0.key, Self.text($0.value)) }.sorted { $0.0 < $1.0 }
        eventNames = ((object["events"] as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String }
    }

    /// When the span started, or ended when it has no start.
    var effectiveStartNanos: UInt64 { startNanos != 0 ? startNanos : endNanos }

    /// Its duration in milliseconds; 0 when its end is missing or before its start.
    var durationMilliseconds: Double {
        guard startNanos != 0, endNanos >= startNanos else { return 0 }
        return Double(endNanos - startNanos) / 1e6
    }

    /// `spans` in tree order (each span followed by its children, children by start), with depths,
    /// as `SpanTree` orders them.
    static func treeOrder(_ spans: [TraceSpan]) -> [(span: TraceSpan, depth: Int)] {
        let order = SpanTree.order(ids: spans.map(\.spanID), parents: spans.map(\.parentID)) { a, b in
            let first = spans[a], second = spans[b]
            return first.effectiveStartNanos != second.effectiveStartNanos
                ? first.effectiveStartNanos < second.effectiveStartNanos : first.spanID < second.spanID
        }
        return order.map { (spans[$0.index], $0.depth) }
    }

    private static func nanos(_ value: Any?) -> UInt64 {
        switch value {
        case let number as NSNumber: number.uint64Value
        case let text as String: UInt64(text) ?? 0
        default: 0
        }
    }

    private static func text(_ value: Any) -> String {
        switch value {
        case let text as String: return text
        case is NSNull: return "null"
        default:
            if let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed, .withoutEscapingSlashes]) {
                return String(decoding: data, as: UTF8.self)
            }
            return "\(value)"
        }
    }
}
