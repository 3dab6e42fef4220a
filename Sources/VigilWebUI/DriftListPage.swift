internal import Hummingbird
internal import VigilCore
internal import VigilQueries

/// `GET /ui/drift`: the scheduled drift reports of the last seven days (or the range asked
/// for), newest first: feature, when, both windows, mean and max PSI, drifted ones in red.
/// Read through `DriftStore`.
struct DriftListPage: Sendable {
    /// Reports listed at most.
    static let limit = 200

    let drift: DriftStore

    /// The page.
    func response(_ request: Request, context: PageContext) async throws -> Response {
        let session = try context.requireSession()
        let query = try request.pageQuery()
        let range = try TimeRange(query: query, defaultPreset: "7d", nowMicros: EventTime.nowMicros() + 60_000_000)
        let feature = query["feature"]?.trimmingWhitespace() ?? ""
        let reports = try await drift.reports(projectID: session.projectID, feature: feature.isEmpty ? nil : feature,
                                              fromMicros: range.fromMicros, toMicros: range.toMicros, limit: Self.limit)
        let html = PageLayout.document(title: "Drift reports", current: .drift, session: session) { html in
            html.element("form", ["method": "get", "action": NavItem.drift.path, "class": "panel filters", "role": "search", "aria-label": "Drift reports"]) { html in
                for (name, value) in range.queryItems {
                    html.empty("input", ["type": "hidden", "name": name, "value": value])
                }
                html.element("div") { html in
                    html.element("label", ["for": "feature"], "Feature")
                    html.empty("input", ["id": "feature", "name": "feature", "type": "text", "value": feature, "spellcheck": "false"])
                }
                html.element("div") { html in
                    html.element("button", ["type": "submit", "class": "primary"], "Filter")
                }
            }
            RangePicker.render(into: &html, range: range, path: NavItem.drift.path, keep: [("feature", feature)])
            guard !reports.isEmpty else {
                html.element("p", ["class": "empty", "role": "status"], "No drift reports in this range yet. The drift scheduler writes one per feature every VIGIL_DRIFT_INTERVAL once a feature has samples in both windows (100 or more each).")
                return
            }
            let drifted = reports.filter(\.drifted).count
            html.element("p", ["class": "lede"], "\(reports.count) reports\(reports.count == Self.limit ? " (the newest \(Self.limit))" : ""), \(drifted) of them drifted.")
            html.element("div", ["class": "table-wrap"]) { html in
                html.element("table") { html in
                    html.element("caption", "Drift reports, newest first")
                    html.tableHead([("Feature", false), ("Computed", false), ("Reference window", false), ("Current window", false),
                                    ("Mean PSI", true), ("Max PSI", true), ("Verdict", false)])
                    html.element("tbody") { html in
                        for report in reports {
                            html.element("tr", ["class": report.drifted ? "bad" : nil]) { html in
                                html.element("th", ["scope": "row"]) { html in
                                    html.element("a", ["href": "/ui/drift/\(report.id)"], report.feature)
                                }
                                html.element("td", Format.time(rfc3339: report.computedAt))
                                html.element("td", "\(Format.time(rfc3339: report.reference.0)) to \(Format.time(rfc3339: report.reference.1))")
                                html.element("td", "\(Format.time(rfc3339: report.current.0)) to \(Format.time(rfc3339: report.current.1))")
                                html.element("td", ["class": "num"], Format.statistic(report.psiMean))
                                html.element("td", ["class": "num"], Format.statistic(report.psiMax))
                                html.element("td") { html in
                                    html.element("span", ["class": report.drifted ? "badge bad" : "badge good"], report.drifted ? "drifted" : "stable")
                                }
                            }
                        }
                    }
                }
            }
        }
        return PageResponse.html(html)
    }
}
