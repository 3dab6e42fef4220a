internal import Foundation
public import Hummingbird
internal import NIOCore
internal import VigilCore
public import VigilEventLog
public import VigilQueries
public import VigilHTTPBase

/// `GET /api/v1/traces` (search over trace summaries, newest first, with a cursor) and
/// `GET /api/v1/traces/{trace_id}` (the span tree with attributes).
public struct TracesController: Sendable {
    private let traces: TraceReader
    private let events: EventReader
    private let maxSpans: Int

    /// Makes the controller; a trace's detail returns at most `maxSpans` spans.
    public init(traces: TraceReader, events: EventReader, maxSpans: Int = HTTPConfiguration().maxTraceSpans) {
        self.traces = traces
        self.events = events
        self.maxSpans = max(1, maxSpans)
    }

    /// Adds the routes to `group` (guarded with the read role by the caller).
    public func addRoutes(to group: RouterGroup<VigilRequestContext>) {
        group.get("/api/v1/traces") { request, context in
            try await search(request: request, context: context)
        }
        group.get("/api/v1/traces/{trace_id}") { request, context in
            try await trace(context: context)
        }
    }

    func search(request: Request, context: VigilRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let query = request.uri.queryParameters
        let (from, to) = try TimeParameter.range(query, defaultTo: EventTime.nowMicros() + 60_000_000, lengthMicros: 86_400_000_000)
        var filter = TraceReader.Filter(fromMicros: from, toMicros: to)
        filter.service = try QueryParameter.filter(query, "service")
        filter.model = try QueryParameter.filter(query, "model")
        if let status = try QueryParameter.filter(query, "status") {
            guard status == "ok" || status == "error" else {
                throw VigilError(.invalidInput, "query parameter status=\(InputText.shown(status)) must be ok or error")
            }
            filter.status = status
        }
        filter.minLatencyMilliseconds = try QueryParameter.number(query, "min_latency_ms", range: TraceReader.Filter.minLatencyRange, unit: "milliseconds")
        filter.minCostUSD = try QueryParameter.decimal(query, "min_cost_usd", range: TraceReader.Filter.minCostRange, unit: "dollars")
        if let text = try QueryParameter.filter(query, "cursor") {
            guard let cursor = TraceReader.Cursor(text) else {
                throw VigilError(.invalidInput, "query parameter cursor=\(InputText.shown(text)) is not a cursor this API handed out")
            }
            filter.cursor = cursor
        }
        filter.limit = Int(try QueryParameter.integer(query, "limit", default: 50, range: 1...500))
        let (found, next) = try await traces.search(projectID: principal.projectID, filter: filter)
        var writer = JSONWriter(capacity: 400 * found.count + 64)
        writer.beginObject()
        writer.beginArray("traces")
        for trace in found { Self.write(trace, into: &writer) }
        writer.endArray()
        if let next { writer.string("next_cursor", next.text) } else { writer.null("next_cursor") }
        writer.endObject()
        return Response.json(writer.bytes)
    }

    func trace(context: VigilRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let id = (context.parameters.get("trace_id") ?? "").lowercased()
        guard id.utf8.count == 32, let bytes = Hex.decode(id) else {
            throw VigilError(.invalidInput, "trace id \(InputText.shown(id)) must be 32 hex digits")
        }
        let (spans, total) = try await events.spans(ofTrace: bytes, projectID: principal.projectID, limit: maxSpans)
        guard !spans.isEmpty else {
            throw VigilError(.notFound, "no trace \(id) in this project")
        }
        let summary = try await traces.summary(projectID: principal.projectID, traceID: id)
        var nodes: [SpanNode] = []
        nodes.reserveCapacity(spans.count)
        for span in spans {
            guard let node = try SpanNode(span) else { continue }
            nodes.append(node)
        }
        let order = SpanTree.order(ids: nodes.map(\.spanID), parents: nodes.map(\.parentID)) { a, b in
            nodes[a].startNanos != nodes[b].startNanos ? nodes[a].startNanos < nodes[b].startNanos : nodes[a].seq < nodes[b].seq
        }
        var writer = JSONWriter(capacity: nodes.reduce(256) { $0 + $1.members.count + 64 })
        writer.beginObject()
        writer.string("trace_id", id)
        writer.int("span_count", Int64(nodes.count))
        writer.int("total", Int64(total))
        writer.bool("truncated", total > spans.count)
        if let summary {
            writer.beginObject("summary")
            writer.members(Self.members(of: summary))
            writer.endObject()
        } else {
            writer.null("summary")
        }
        // Nested without recursion: a node stays open (its children array too) until an entry no
        // deeper than it comes.
        writer.beginArray("spans")
        var open = 0
        for entry in order {
            while open > entry.depth {
                writer.endArray()
                writer.endObject()
                open -= 1
            }
            let node = nodes[entry.index]
            writer.beginObject()
            writer.members(node.members)
            writer.int("seq", node.seq)
            writer.beginArray("children")
            open += 1
        }
        while open > 0 {
            writer.endArray()
            writer.endObject()
            open -= 1
        }
        writer.endArray()
        writer.endObject()
        return Response.json(writer.bytes)
    }

    /// A summary's members, without its braces.
    static func members(of summary: TraceReader.Summary) -> ArraySlice<UInt8> {
        var writer = JSONWriter()
        write(summary, into: &writer)
        return writer.bytes.dropFirst().dropLast()
    }

    static func write(_ trace: TraceReader.Summary, into writer: inout JSONWriter) {
        writer.beginObject()
        writer.string("trace_id", trace.traceID)
        writer.string("start", CivilTime.rfc3339(micros: trace.startMicros))
        writer.double("duration_ms", trace.durationMilliseconds)
        if let name = trace.rootName { writer.string("root_name", name) } else { writer.null("root_name") }
        if let service = trace.rootService { writer.string("root_service", service) } else { writer.null("root_service") }
        writer.int("span_count", trace.spanCount)
        writer.int("llm_calls", trace.llmCalls)
        writer.int("errors", trace.errorCount)
        writer.bool("error", trace.errorCount > 0)
        writer.int("input_tokens", trace.inputTokens)
        writer.int("output_tokens", trace.outputTokens)
        writer.raw("cost_usd", Array("\(trace.costUSD)".utf8))
        writer.int("unpriced_calls", trace.unpricedCalls)
        writer.beginArray("models")
        for model in trace.models { writer.string(nil, model) }
        writer.endArray()
        writer.beginArray("services")
        for service in trace.services { writer.string(nil, service) }
        writer.endArray()
        writer.endObject()
    }

}

/// One stored span as the trace detail writes it: its body's members (sorted by name, without
/// the `seq` and `children` the detail adds), and what the tree is built from.
struct SpanNode {
    var seq: Int64
    var spanID: String
    var parentID: String?
    var startNanos: UInt64
    var members: ArraySlice<UInt8>

    /// Nil when the body is not a JSON object.
    init?(_ event: StoredEvent) throws {
        guard var body = try JSONSerialization.jsonObject(with: Data(event.body.utf8)) as? [String: Any] else { return nil }
        body["seq"] = nil
        body["children"] = nil
        seq = event.seq
        spanID = body["span_id"] as? String ?? ""
        parentID = body["parent_span_id"] as? String
        startNanos = switch body["start_ns"] {
        case let number as NSNumber: number.uint64Value
        case let text as String: UInt64(text) ?? 0
        default: 0
        }
        let data = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
        members = Array(data).dropFirst().dropLast()
    }
}
