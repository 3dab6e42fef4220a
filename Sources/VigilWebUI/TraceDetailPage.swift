internal import Hummingbird
internal import VigilCore
internal import VigilEventLog
internal import VigilQueries

/// `GET /ui/traces/{trace_id}`: one trace: its summary, a waterfall (one bar per span, indented
/// by depth, offsets from the trace's start, failures marked) and each span's attributes. The
/// spans come from the log through `EventReader`, the summary from `TraceReader`.
struct TraceDetailPage: Sendable {
    let traces: TraceReader
    let events: EventReader
    /// Most spans the page shows (`VIGIL_TRACE_MAX_SPANS`): the earliest, with a note saying so.
    let maxSpans: Int

    /// The page.
    func response(_ request: Request, context: PageContext) async throws -> Response {
        let session = try context.requireSession()
        let id = (context.parameters.get("trace_id") ?? "").lowercased()
        guard id.utf8.count == 32, let bytes = Hex.decode(id) else {
            throw PageError(status: 400, message: "A trace id is 32 hex digits; \(id.prefix(64)) is not one.")
        }
        let (stored, total) = try await events.spans(ofTrace: bytes, projectID: session.projectID, limit: max(1, maxSpans))
        let spans = stored.compactMap { TraceSpan(body: $0.body) }
        guard !spans.isEmpty else {
            throw PageError(status: 404, message: "There is no trace \(id) in project \(session.projectName).")
        }
        let summary = try await traces.summary(projectID: session.projectID, traceID: id)
        let ordered = TraceSpan.treeOrder(spans)
        let start = spans.map(\.effectiveStartNanos).filter { $0 > 0 }.min() ?? 0
        let rows = ordered.map { span, depth in
            WaterfallChart.Row(spanID: span.spanID, name: span.name, depth: depth,
                               offsetMilliseconds: span.effectiveStartNanos >= start ? Double(span.effectiveStartNanos - start) / 1e6 : 0,
                               durationMilliseconds: span.durationMilliseconds, isError: span.isError)
        }
        let root = ordered.first?.span
        let title = "Trace " + (summary?.rootName ?? root?.name ?? id)
        let html = PageLayout.document(title: title, current: .traces, session: session) { html in
            html.element("p", ["class": "lede"]) { html in
                html.element("a", ["href": NavItem.traces.path], "All traces")
                html.text(" · trace id ")
                html.element("code", id)
            }
            if total > stored.count {
                html.element("p", ["class": "notice", "role": "note"],
                             "This trace has \(Format.count(Int64(total))) spans; only its first \(Format.count(Int64(stored.count))) (by start) are shown, and the counts below are of those.")
            }
            renderSummary(summary, spans: spans, start: start, into: &html)
            WaterfallChart(id: "waterfall", title: "Waterfall: \(spans.count) spans, offsets from the trace's start", rows: rows)
                .render(into: &html, emptyMessage: "This trace has no spans yet.")
            html.element("h2", "Spans")
            for (span, depth) in ordered {
                renderSpan(span, depth: depth, start: start, into: &html)
            }
        }
        return PageResponse.html(html)
    }

    private func renderSummary(_ summary: TraceReader.Summary?, spans: [TraceSpan], start: UInt64, into html: inout HTML) {
        html.element("div", ["class": "panel"]) { html in
            html.element("dl", ["class": "facts"]) { html in
                var facts: [(String, String)] = [("Started", start > 0 ? Format.time(micros: Int64(start / 1000)) : "–"), ("Spans", Format.count(Int64(spans.count)))]
                let failed = spans.filter(\.isError).count
                facts.append(("Failed spans", Format.count(Int64(failed))))
                if let summary {
                    facts += [
                        ("Duration", Format.milliseconds(summary.durationMilliseconds)),
                        ("Services", summary.services.joined(separator: ", ")),
                        ("Models", summary.models.isEmpty ? "–" : summary.models.joined(separator: ", ")),
                        ("LLM calls", Format.count(summary.llmCalls)),
                        ("Tokens in / out", "\(Format.count(summary.inputTokens)) / \(Format.count(summary.outputTokens))"),
                        ("Cost", Format.dollars(summary.costUSD) + (summary.unpricedCalls > 0 ? " (\(summary.unpricedCalls) calls without a price)" : "")),
                    ]
                } else {
                    facts.append(("Summary", "not computed yet (the rollup processor has not reached this trace)"))
                }
                for (name, value) in facts {
                    html.element("dt", name)
                    html.element("dd", ["class": name == "Failed spans" && failed > 0 ? "bad-text" : nil], value)
                }
            }
        }
    }

    private func renderSpan(_ span: TraceSpan, depth: Int, start: UInt64, into html: inout HTML) {
        html.element("section", ["class": "panel span-detail", "id": "span-\(span.spanID)", "aria-labelledby": "span-\(span.spanID)-name"]) { html in
            html.element("h3", ["id": "span-\(span.spanID)-name"]) { html in
                html.text(span.name.isEmpty ? "(unnamed span)" : span.name)
                html.text(" ")
                if span.isError {
                    html.element("span", ["class": "badge bad"], "error")
                } else {
                    html.element("span", ["class": "badge plain"], span.status)
                }
            }
            html.element("dl", ["class": "facts"]) { html in
                var facts: [(String, String)] = [
                    ("Span id", span.spanID), ("Parent", span.parentID ?? "none (root)"), ("Depth", String(depth)),
                    ("Service", span.service), ("Kind", span.kind),
                    ("Starts at", "+" + Format.milliseconds(span.effectiveStartNanos >= start ? Double(span.effectiveStartNanos - start) / 1e6 : 0)),
                    ("Duration", Format.milliseconds(span.durationMilliseconds)),
                ]
                if let message = span.statusMessage { facts.append(("Status message", message)) }
                if !span.eventNames.isEmpty { facts.append(("Events", span.eventNames.joined(separator: ", "))) }
                for (name, value) in facts {
                    html.element("dt", name)
                    html.element("dd", value)
                }
            }
            if !span.genai.isEmpty {
                Self.attributeTable("GenAI (normalised)", span.genai, into: &html)
            }
            if span.attributes.isEmpty {
                html.element("p", ["class": "lede"], "No attributes.")
            } else {
                Self.attributeTable("Attributes", span.attributes, into: &html)
            }
        }
    }

    private static func attributeTable(_ caption: String, _ pairs: [(String, String)], into html: inout HTML) {
        html.element("div", ["class": "table-wrap"]) { html in
            html.element("table") { html in
                html.element("caption", caption)
                html.tableHead([("Name", false), ("Value", false)])
                html.element("tbody") { html in
                    for (name, value) in pairs {
                        html.element("tr") { html in
                            html.element("th", ["scope": "row", "class": "mono"], name)
                            html.element("td", ["class": "mono"], value.count > 4000 ? String(value.prefix(4000)) + "… (\(value.count) characters)" : value)
                        }
                    }
                }
            }
        }
    }
}
