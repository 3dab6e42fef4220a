internal import Foundation
internal import Hummingbird
internal import VigilCore
internal import VigilQueries

/// `GET /ui/traces`: trace search over the trace summaries (service, model, status, minimum
/// latency and cost, time range), newest first, 50 a page with the reader's cursor.
struct TracesPage: Sendable {
    /// Traces a page lists.
    static let pageSize = 50

    let traces: TraceReader

    /// The filters of a search, as the form sends them.
    struct Filters: Sendable {
        var service = ""
        var model = ""
        var status = ""
        var minLatency = ""
        var minCost = ""
        var cursor = ""

        /// The form's fields, to keep them in links.
        var queryItems: [(String, String?)] {
            [("service", service), ("model", model), ("status", status), ("min_latency_ms", minLatency), ("min_cost_usd", minCost)]
        }
    }

    /// The page.
    func response(_ request: Request, context: PageContext) async throws -> Response {
        let session = try context.requireSession()
        let query = try request.pageQuery()
        var filters = Filters()
        filters.service = query["service"]?.trimmingWhitespace() ?? ""
        filters.model = query["model"]?.trimmingWhitespace() ?? ""
        filters.status = query["status"] ?? ""
        filters.minLatency = query["min_latency_ms"]?.trimmingWhitespace() ?? ""
        filters.minCost = query["min_cost_usd"]?.trimmingWhitespace() ?? ""
        filters.cursor = query["cursor"] ?? ""
        let now = EventTime.nowMicros() + 60_000_000
        var range = TimeRange(fromMicros: now - 86_400_000_000, toMicros: now, preset: TimeRange.presets[2])
        var problem: String?
        var found: [TraceReader.Summary] = []
        var next: TraceReader.Cursor?
        do {
            range = try TimeRange(query: query, defaultPreset: "24h", nowMicros: now)
            let filter = try Self.filter(filters, range: range)
            (found, next) = try await traces.search(projectID: session.projectID, filter: filter)
        } catch let error as PageError {
            problem = error.message
        }
        let html = PageLayout.document(title: "Traces", current: .traces, session: session) { html in
            renderForm(filters, range: range, into: &html)
            if let problem {
                html.element("p", ["class": "error-box", "role": "alert"], problem)
                return
            }
            RangePicker.render(into: &html, range: range, path: NavItem.traces.path, keep: filters.queryItems)
            guard !found.isEmpty else {
                html.element("p", ["class": "empty", "role": "status"], filters.cursor.isEmpty
                    ? "No traces match in this range yet. Widen the range or clear a filter."
                    : "No more traces.")
                return
            }
            renderTable(found, into: &html)
            html.element("nav", ["class": "pager", "aria-label": "Pages"]) { html in
                if !filters.cursor.isEmpty {
                    html.element("a", ["href": PageURL(NavItem.traces.path, filters.queryItems + range.queryItems).description], "First page")
                }
                if let next {
                    html.element("a", ["href": PageURL(NavItem.traces.path, filters.queryItems + range.queryItems + [("cursor", next.text)]).description, "rel": "next"], "Next page")
                }
            }
        }
        return PageResponse.html(html, status: problem == nil ? .ok : .badRequest)
    }

    /// The reader's filter for the form's values; a bad value is a 400 naming the field.
    static func filter(_ filters: Filters, range: TimeRange) throws(PageError) -> TraceReader.Filter {
        var filter = TraceReader.Filter(fromMicros: range.fromMicros, toMicros: range.toMicros, limit: pageSize)
        filter.service = filters.service.isEmpty ? nil : filters.service
        filter.model = filters.model.isEmpty ? nil : filters.model
        switch filters.status {
        case "": break
        case "ok", "error": filter.status = filters.status
        default: throw PageError(status: 400, message: "Status \(filters.status) must be any, ok or error.")
        }
        if !filters.minLatency.isEmpty {
            let range = TraceReader.Filter.minLatencyRange
            guard let value = Double(filters.minLatency), value.isFinite, range.contains(value) else {
                throw PageError(status: 400, message: "Minimum latency \(filters.minLatency) must be a number of milliseconds from 0 to \(Int64(range.upperBound)).")
            }
            filter.minLatencyMilliseconds = value
        }
        if !filters.minCost.isEmpty {
            let range = TraceReader.Filter.minCostRange
            guard let value = DecimalText.parse(filters.minCost), range.contains(value) else {
                throw PageError(status: 400, message: "Minimum cost \(filters.minCost) must be an amount of dollars such as 0.05, from \(range.lowerBound) to \(range.upperBound).")
            }
            filter.minCostUSD = value
        }
        if !filters.cursor.isEmpty {
            guard let cursor = TraceReader.Cursor(filters.cursor) else {
                throw PageError(status: 400, message: "The page cursor \(filters.cursor) is not one this page handed out; start from the first page.")
            }
            filter.cursor = cursor
        }
        return filter
    }

    private func renderForm(_ filters: Filters, range: TimeRange, into html: inout HTML) {
        html.element("form", ["method": "get", "action": NavItem.traces.path, "class": "panel filters", "role": "search", "aria-label": "Trace search"]) { html in
            for (name, value) in range.queryItems {
                html.empty("input", ["type": "hidden", "name": name, "value": value])
            }
            Self.field("service", "Service", filters.service, into: &html)
            Self.field("model", "Model", filters.model, into: &html)
            html.element("div") { html in
                html.element("label", ["for": "status"], "Status")
                html.element("select", ["id": "status", "name": "status"]) { html in
                    for (value, label) in [("", "any"), ("ok", "ok"), ("error", "error")] {
                        html.element("option", ["value": value, "selected": filters.status == value ? "" : nil], label)
                    }
                }
            }
            Self.field("min_latency_ms", "Min latency (ms)", filters.minLatency, into: &html, inputMode: "decimal")
            Self.field("min_cost_usd", "Min cost ($)", filters.minCost, into: &html, inputMode: "decimal")
            html.element("div") { html in
                html.element("button", ["type": "submit", "class": "primary"], "Search")
            }
        }
    }

    private static func field(_ name: String, _ label: String, _ value: String, into html: inout HTML, inputMode: String? = nil) {
        html.element("div") { html in
            html.element("label", ["for": name], label)
            html.empty("input", ["id": name, "name": name, "type": "text", "value": value, "inputmode": inputMode, "spellcheck": "false"])
        }
    }

    private func renderTable(_ found: [TraceReader.Summary], into html: inout HTML) {
        html.element("div", ["class": "table-wrap"]) { html in
            html.element("table") { html in
                html.element("caption", "Traces, newest first")
                html.tableHead([("Started (UTC)", false), ("Root span", false), ("Service", false), ("Duration", true), ("Spans", true), ("LLM calls", true),
                                ("Errors", true), ("Tokens in / out", true), ("Cost", true), ("Models", false)])
                html.element("tbody") { html in
                    for trace in found {
                        html.element("tr", ["class": trace.errorCount > 0 ? "bad" : nil]) { html in
                            html.element("td", ["class": "nowrap"], Format.shortTime(micros: trace.startMicros))
                            html.element("th", ["scope": "row"]) { html in
                                html.element("a", ["href": "/ui/traces/\(trace.traceID)"], trace.rootName ?? "(root not seen yet) \(trace.traceID.prefix(8))…")
                            }
                            html.element("td", trace.rootService ?? trace.services.joined(separator: ", "))
                            html.element("td", ["class": "num"], Format.milliseconds(trace.durationMilliseconds))
                            html.element("td", ["class": "num"], Format.count(trace.spanCount))
                            html.element("td", ["class": "num"], Format.count(trace.llmCalls))
                            html.element("td", ["class": "num"]) { html in
                                if trace.errorCount > 0 {
                                    html.element("span", ["class": "badge bad"], "\(trace.errorCount) failed")
                                } else {
                                    html.text("0")
                                }
                            }
                            html.element("td", ["class": "num"], "\(Format.count(trace.inputTokens)) / \(Format.count(trace.outputTokens))")
                            html.element("td", ["class": "num"], Format.dollars(trace.costUSD))
                            html.element("td", trace.models.joined(separator: ", "))
                        }
                    }
                }
            }
        }
    }
}
