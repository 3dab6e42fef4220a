internal import Foundation
internal import Hummingbird
internal import VigilCore
internal import VigilQueries
internal import VigilStats

/// `GET /ui`: the project's LLM calls (the rollup reader's default kind: request, tool and agent
/// spans are not calls) over a time range: totals (calls, error rate, p95 latency,
/// exact cost, tokens), charts of calls, error rate, p95 latency and cost by model over time,
/// and a table per service × model. Read from the rollups through `RollupReader`.
struct OverviewPage: Sendable {
    /// The models the charts draw at most (the busiest).
    static let chartedModels = 6

    let rollups: RollupReader

    /// The page.
    func response(_ request: Request, context: PageContext) async throws -> Response {
        let session = try context.requireSession()
        let range = try TimeRange(query: try request.pageQuery(), defaultPreset: "1h", nowMicros: EventTime.nowMicros())
        let project = session.projectID
        // The totals are the groups' merge (an ungrouped summary of a range without rows is one of NULLs).
        var groups = try await rollups.summary(projectID: project, fromMicros: range.fromMicros, toMicros: range.toMicros, service: nil, model: nil, groupBy: [.service, .model])
        let totals = groups.reduce(into: RollupReader.Group(dimensions: [])) { $0.merge($1) }
        var models: [(name: String, series: [Int64: RollupReader.Group])] = []
        if totals.count > 0 {
            var callsByModel: [String: Int64] = [:]
            for group in groups { callsByModel[Self.value(group, .model), default: 0] += group.count }
            let busiest = callsByModel.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(Self.chartedModels)
            for (model, _) in busiest {
                let series = try await rollups.series(projectID: project, fromMicros: range.firstBucketMicros, toMicros: range.toMicros,
                                                      stepMicros: range.stepMicros, service: nil, model: model)
                models.append((model, series))
            }
            groups.sort { $0.count != $1.count ? $0.count > $1.count : (Self.value($0, .service), Self.value($0, .model)) < (Self.value($1, .service), Self.value($1, .model)) }
        }
        let html = PageLayout.document(title: "Overview", current: .overview, session: session) { html in
            RangePicker.render(into: &html, range: range, path: NavItem.overview.path)
            guard totals.count > 0 else {
                html.element("p", ["class": "empty", "role": "status"], "No calls in this range yet. Point an OpenTelemetry SDK at Vigil with an ingest key of this project, or choose a longer range.")
                return
            }
            renderTotals(totals, into: &html)
            renderCharts(models, range: range, into: &html)
            renderTable(groups, range: range, into: &html)
        }
        return PageResponse.html(html)
    }

    private func renderTotals(_ totals: RollupReader.Group, into html: inout HTML) {
        html.element("h2", ["id": "totals"], "Totals")
        html.element("dl", ["class": "totals", "aria-labelledby": "totals"]) { html in
            let p95 = totals.latency.quantile(0.95)
            let items: [(String, String)] = [
                ("Calls", Format.count(totals.count)),
                ("Error rate", Format.percent(Double(totals.errors) / Double(max(1, totals.count)))),
                ("p95 latency", p95.map(Format.milliseconds) ?? "–"),
                ("Cost", Format.dollars(totals.costUSD)),
                ("Tokens in / out", "\(Format.count(totals.inputTokens)) / \(Format.count(totals.outputTokens))"),
            ]
            for (name, value) in items {
                html.element("div") { html in
                    html.element("dt", name)
                    html.element("dd", value)
                }
            }
        }
        if totals.unpricedCalls > 0 {
            html.element("p", ["class": "lede"], "\(Format.count(totals.unpricedCalls)) calls of models without a price are not in the cost.")
        }
    }

    private func renderCharts(_ models: [(name: String, series: [Int64: RollupReader.Group])], range: TimeRange, into html: inout HTML) {
        html.element("h2", "Over time, by model")
        if models.count == Self.chartedModels {
            html.element("p", ["class": "lede"], "The charts show the \(Self.chartedModels) busiest models; the table below has every one.")
        }
        let buckets = (0..<range.bucketCount).map { range.firstBucketMicros + Int64($0) * range.stepMicros }
        func series(_ value: (RollupReader.Group?) -> Double?) -> [TimeSeriesChart.Series] {
            models.map { model in
                TimeSeriesChart.Series(name: Self.modelName(model.name), values: buckets.map { value(model.series[$0]) })
            }
        }
        let per = "per \(range.stepText)"
        let charts = [
            TimeSeriesChart(id: "chart-calls", title: "Calls \(per)", startMicros: range.firstBucketMicros, stepMicros: range.stepMicros,
                            series: series { Double($0?.count ?? 0) }, kind: .count),
            TimeSeriesChart(id: "chart-errors", title: "Error rate \(per)", startMicros: range.firstBucketMicros, stepMicros: range.stepMicros,
                            series: series { group in group.flatMap { $0.count > 0 ? Double($0.errors) / Double($0.count) : nil } }, kind: .percent),
            TimeSeriesChart(id: "chart-latency", title: "p95 latency \(per)", startMicros: range.firstBucketMicros, stepMicros: range.stepMicros,
                            series: series { $0?.latency.quantile(0.95) }, kind: .milliseconds),
            TimeSeriesChart(id: "chart-cost", title: "Cost \(per)", startMicros: range.firstBucketMicros, stepMicros: range.stepMicros,
                            series: series { NSDecimalNumber(decimal: $0?.costUSD ?? 0).doubleValue }, kind: .dollars, style: .area),
        ]
        html.element("div", ["class": "charts"]) { html in
            for chart in charts {
                chart.render(into: &html, emptyMessage: "No values in this range.")
            }
        }
    }

    private func renderTable(_ groups: [RollupReader.Group], range: TimeRange, into html: inout HTML) {
        html.element("h2", ["id": "by-service-model"], "By service and model")
        html.element("div", ["class": "table-wrap"]) { html in
            html.element("table", ["aria-labelledby": "by-service-model"]) { html in
                html.tableHead([("Service", false), ("Model", false), ("Calls", true), ("Errors", true), ("Error rate", true), ("p50", true), ("p95", true),
                                ("p99", true), ("Input tokens", true), ("Output tokens", true), ("Cost", true), ("Unpriced calls", true)])
                html.element("tbody") { html in
                    for group in groups {
                        let service = Self.value(group, .service)
                        let model = Self.value(group, .model)
                        let quantiles = group.latency.quantiles([0.5, 0.95, 0.99])
                        html.element("tr", ["class": group.errors > 0 && group.errors * 10 >= group.count ? "bad" : nil]) { html in
                            html.element("th", ["scope": "row"]) { html in
                                html.element("a", ["href": PageURL(NavItem.traces.path, [("service", service)] + range.queryItems).description], service.isEmpty ? "(no service)" : service)
                            }
                            html.element("td") { html in
                                if model.isEmpty {
                                    html.text(Self.modelName(model))
                                } else {
                                    html.element("a", ["href": PageURL(NavItem.traces.path, [("service", service), ("model", model)] + range.queryItems).description], model)
                                }
                            }
                            html.element("td", ["class": "num"], Format.count(group.count))
                            html.element("td", ["class": "num"], Format.count(group.errors))
                            html.element("td", ["class": "num"], Format.percent(Double(group.errors) / Double(max(1, group.count))))
                            for value in quantiles {
                                html.element("td", ["class": "num"], value.map(Format.milliseconds) ?? "–")
                            }
                            html.element("td", ["class": "num"], Format.count(group.inputTokens))
                            html.element("td", ["class": "num"], Format.count(group.outputTokens))
                            html.element("td", ["class": "num"], Format.dollars(group.costUSD))
                            html.element("td", ["class": "num"], Format.count(group.unpricedCalls))
                        }
                    }
                }
            }
        }
    }

    /// A group's value of `dimension`.
    static func value(_ group: RollupReader.Group, _ dimension: RollupReader.Dimension) -> String {
        group.dimensions.first { $0.0 == dimension }?.1 ?? ""
    }

    /// A model as the pages name it: spans without a model are "(no model)".
    static func modelName(_ model: String) -> String {
        model.isEmpty ? "(no model)" : model
    }
}
