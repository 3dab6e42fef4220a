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

    /// Makes the controller.
    public init(traces: TraceReader, events: EventReader) {
        self.traces = traces
        self.events = events
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
        let spans = try await events.spans(ofTrace: bytes, projectID: principal.projectID)
        guard !spans.isEmpty else {
            throw VigilError(.notFound, "no trace \(id) in this project")
        }
        let summary = try await traces.summary(projectID: principal.projectID, traceID: id)
        var nodes: [[String: Any]] = []
        for span in spans {
            guard var body = try JSONSerialization.jsonObject(with: Data(span.body.utf8)) as? [String: Any] else { continue }
            body["seq"] = span.seq
            nodes.append(body)
        }
        let tree = SpanTree.nest(nodes)
        var document: [String: Any] = ["trace_id": id, "span_count": spans.count, "spans": tree]
        if let summary {
            var writer = JSONWriter()
            Self.write(summary, into: &writer)
            document["summary"] = try JSONSerialization.jsonObject(with: Data(writer.bytes))
        } else {
            document["summary"] = NSNull()
        }
        return Response.json(Array(try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys])))
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

/// Nests span bodies under their parents (by `parent_span_id`), children in start order; spans
/// whose parent is missing stay at the top, so a trace still arriving shows what it has.
enum SpanTree {
    static func nest(_ spans: [[String: Any]]) -> [[String: Any]] {
        let ids = Set(spans.compactMap { $0["span_id"] as? String })
        var children: [String: [[String: Any]]] = [:]
        var roots: [[String: Any]] = []
        for span in spans {
            if let parent = span["parent_span_id"] as? String, ids.contains(parent), parent != span["span_id"] as? String {
                children[parent, default: []].append(span)
            } else {
                roots.append(span)
            }
        }
        var visited = Set<String>()
        func attach(_ span: [String: Any]) -> [String: Any] {
            var node = span
            let id = span["span_id"] as? String ?? ""
            guard visited.insert(id).inserted else { return node }
            node["children"] = (children[id] ?? []).map(attach)
            return node
        }
        return roots.map(attach)
    }
}
