internal import Foundation
internal import Hummingbird
internal import VigilCore
internal import VigilQueries
internal import VigilStats

/// `GET /ui/drift/{id}`: one stored drift report: the verdict and its numbers (PSI, KL, JS, the
/// noise floor, the p-value, centroid distances), then per component the reference-versus-current
/// histogram as SVG bars with its PSI, KL and JS, and the bins as a table.
struct DriftReportPage: Sendable {
    let drift: DriftStore

    /// The page.
    func response(_ request: Request, context: PageContext) async throws -> Response {
        let session = try context.requireSession()
        let text = context.parameters.get("id") ?? ""
        guard let id = Int64(text), id > 0 else {
            throw PageError(status: 400, message: "A drift report id is a positive number; \(text.prefix(40)) is not one.")
        }
        guard let stored = try await drift.report(projectID: session.projectID, id: id) else {
            throw PageError(status: 404, message: "There is no drift report \(id) in project \(session.projectName).")
        }
        guard let report = try? JSONDecoder().decode(DriftReport.self, from: Data(stored.reportJSON.utf8)) else {
            throw VigilError(.unavailable, "drift report \(id) is stored in a form this version cannot read")
        }
        let html = PageLayout.document(title: "Drift of \(stored.feature)", current: .drift, session: session) { html in
            html.element("p", ["class": "lede"]) { html in
                html.element("a", ["href": PageURL(NavItem.drift.path, [("feature", stored.feature)]).description], "All reports of this feature")
                html.text(" · report \(id), computed \(Format.time(rfc3339: stored.computedAt))")
            }
            renderVerdict(stored, report, into: &html)
            html.element("h2", "Components")
            html.element("p", ["class": "lede"], report.dimension == 1
                ? "A scalar feature: one distribution, binned at the reference's deciles."
                : "The current window projected on the reference's top \(report.components.count) principal components, each binned at the reference's deciles.")
            guard !report.components.isEmpty else {
                html.element("p", ["class": "empty", "role": "status"], "This report has no components.")
                return
            }
            html.element("div", ["class": "components"]) { html in
                for component in report.components {
                    renderComponent(component, report: report, into: &html)
                }
            }
        }
        return PageResponse.html(html)
    }

    private func renderVerdict(_ stored: DriftStore.StoredReport, _ report: DriftReport, into html: inout HTML) {
        html.element("div", ["class": "panel"]) { html in
            html.element("p") { html in
                if report.drifted {
                    html.element("span", ["class": "badge bad"], "drifted")
                    html.text(" Mean PSI \(Format.statistic(report.psiMean)) is over the threshold \(Format.statistic(report.threshold)) and p = \(Format.significant(report.pValue, digits: 3)).")
                } else {
                    html.element("span", ["class": "badge good"], "stable")
                    html.text(" Mean PSI \(Format.statistic(report.psiMean)) (threshold \(Format.statistic(report.threshold)), p = \(Format.significant(report.pValue, digits: 3))).")
                }
            }
            html.element("dl", ["class": "facts"]) { html in
                let facts: [(String, String)] = [
                    ("Reference window", "\(Format.time(rfc3339: stored.reference.0)) to \(Format.time(rfc3339: stored.reference.1)), \(Format.count(Int64(report.referenceCount))) samples"),
                    ("Current window", "\(Format.time(rfc3339: stored.current.0)) to \(Format.time(rfc3339: stored.current.1)), \(Format.count(Int64(report.currentCount))) samples"),
                    ("Dimension", String(report.dimension)),
                    ("Mean PSI", Format.statistic(report.psiMean)),
                    ("Max PSI", Format.statistic(report.psiMax)),
                    ("Components over the threshold", Format.percent(report.shareOverThreshold)),
                    ("Mean KL (current ‖ reference)", Format.statistic(report.klMean)),
                    ("Mean Jensen-Shannon distance", Format.statistic(report.jsMean)),
                    ("Noise floor (mean PSI of one distribution)", Format.statistic(report.noiseFloor)),
                    ("p-value", Format.significant(report.pValue, digits: 3)),
                    ("Centroid distance (euclidean)", Format.significant(report.centroidEuclidean, digits: 4)),
                    ("Centroid distance (cosine)", report.centroidCosine.map { Format.significant($0, digits: 4) } ?? "undefined"),
                ]
                for (name, value) in facts {
                    html.element("dt", name)
                    html.element("dd", value)
                }
            }
        }
    }

    private func renderComponent(_ component: DriftReport.Component, report: DriftReport, into html: inout HTML) {
        let number = component.index + 1
        let overThreshold = component.psi > report.threshold
        html.element("section", ["class": "panel component", "aria-labelledby": "component-\(number)"]) { html in
            html.element("h3", ["id": "component-\(number)"]) { html in
                html.text(report.dimension == 1 ? "Values" : "Component \(number)")
                if report.dimension > 1 {
                    html.text(" (\(Format.percent(component.explainedVarianceRatio)) of the variance)")
                }
            }
            html.element("p") { html in
                html.element("span", ["class": overThreshold ? "bad-text" : nil], "PSI \(Format.statistic(component.psi))")
                html.text(" · KL \(Format.statistic(component.kl)) · JS \(Format.statistic(component.jsDistance))")
            }
            let chart = HistogramChart(id: "component-\(number)-chart", title: "Reference vs current proportions per bin, \(report.dimension == 1 ? "values" : "component \(number)")",
                                       edges: component.edges, reference: component.referenceProportions, current: component.currentProportions)
            chart.render(into: &html, emptyMessage: "No bins in this component.")
            html.element("details") { html in
                html.element("summary", "Bins as a table")
                html.element("div", ["class": "table-wrap"]) { html in
                    html.element("table") { html in
                        html.tableHead([("Bin", false), ("Range", false), ("Reference", true), ("Current", true)])
                        html.element("tbody") { html in
                            for bin in 0..<chart.binCount {
                                html.element("tr") { html in
                                    html.element("th", ["scope": "row"], String(bin + 1))
                                    html.element("td", ["class": "mono"], chart.range(ofBin: bin))
                                    html.element("td", ["class": "num"], bin < component.referenceProportions.count ? Format.percent(component.referenceProportions[bin]) : "–")
                                    html.element("td", ["class": "num"], bin < component.currentProportions.count ? Format.percent(component.currentProportions[bin]) : "–")
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
