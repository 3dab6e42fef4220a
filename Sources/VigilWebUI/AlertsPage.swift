internal import Foundation
internal import Hummingbird
internal import VigilAlerting
internal import VigilCore
internal import VigilQueries

/// `GET /ui/alerts`: the firing and pending alerts (labels, value, since when, the rule's
/// annotations rendered for them), the recent transitions, and the silences. Read through
/// `AlertReader`; annotations from the rules in force.
struct AlertsPage: Sendable {
    /// Transitions listed at most.
    static let historyLimit = 100

    let alerts: AlertReader
    let rules: RuleStore

    /// One transition as the history lists it.
    struct Transition: Sendable {
        var rule: String
        var labels: [(String, String)]
        var from: String
        var to: String
        var at: String
        var value: Double?

        init?(body: String) {
            guard let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any], let rule = object["rule"] as? String else { return nil }
            self.rule = rule
            labels = ((object["labels"] as? [String: Any]) ?? [:]).map { ($0.key, ($0.value as? String) ?? "\($0.value)") }.sorted { $0.0 < $1.0 }
            from = object["from"] as? String ?? ""
            to = object["to"] as? String ?? ""
            at = object["at"] as? String ?? ""
            value = (object["value"] as? NSNumber)?.doubleValue
        }
    }

    /// The page.
    func response(_ request: Request, context: PageContext) async throws -> Response {
        let session = try context.requireSession()
        let now = EventTime.nowMicros()
        let active = try await alerts.active(projectID: session.projectID)
        let history = try await alerts.history(projectID: session.projectID, fromMicros: now - 7 * 86_400_000_000, toMicros: now + 60_000_000, limit: Self.historyLimit)
            .compactMap(Transition.init(body:))
        let silences = try await alerts.silences(projectID: session.projectID)
        // Only the rules that apply to the session's project: another project's rules are not
        // this key's to see, nor how many there are.
        var ruleSet = rules.current
        ruleSet.rules = ruleSet.rules.filter { $0.scope.includes(project: session.projectName) }
        let firing = active.filter { $0.state == "firing" }
        let pending = active.filter { $0.state != "firing" }
        let html = PageLayout.document(title: "Alerts", current: .alerts, session: session) { html in
            html.element("p", ["class": "lede"], "\(firing.count) firing, \(pending.count) pending, \(ruleSet.rules.count) rules in force.")
            renderActive("Firing", id: "firing", firing, rules: ruleSet, empty: "Nothing is firing.", into: &html)
            renderActive("Pending", id: "pending", pending, rules: ruleSet, empty: "Nothing is pending.", into: &html)
            renderHistory(history, into: &html)
            renderSilences(silences, into: &html)
        }
        return PageResponse.html(html)
    }

    private func renderActive(_ title: String, id: String, _ list: [AlertReader.ActiveAlert], rules: RuleSet, empty: String, into html: inout HTML) {
        html.element("h2", ["id": id], title)
        guard !list.isEmpty else {
            html.element("p", ["class": "empty", "role": "status"], empty)
            return
        }
        html.element("div", ["class": "table-wrap"]) { html in
            html.element("table", ["aria-labelledby": id]) { html in
                html.tableHead([("Rule", false), ("Labels", false), ("Value", true), ("Since", false), ("Annotations", false)])
                html.element("tbody") { html in
                    for alert in list {
                        let rule = rules.rules.first { $0.name == alert.rule }
                        html.element("tr", ["class": alert.state == "firing" ? "bad" : nil]) { html in
                            html.element("th", ["scope": "row"]) { html in
                                html.text(alert.rule + " ")
                                html.element("span", ["class": alert.state == "firing" ? "badge bad" : "badge warn"], alert.state)
                            }
                            html.element("td", ["class": "mono"], Self.labelText(alert.labels))
                            html.element("td", ["class": "num"], alert.value.map { Format.significant($0, digits: 4) } ?? "–")
                            html.element("td", (alert.state == "firing" ? alert.firedAt : alert.activeAt).map { Format.time(rfc3339: $0) } ?? "–")
                            html.element("td") { html in
                                let annotations = (rule?.annotations ?? [:]).sorted { $0.key < $1.key }
                                if annotations.isEmpty {
                                    html.text("–")
                                } else {
                                    html.element("dl", ["class": "facts"]) { html in
                                        let labels = LabelSet(Dictionary(alert.labels, uniquingKeysWith: { _, last in last }))
                                        for (name, template) in annotations {
                                            html.element("dt", name)
                                            html.element("dd", template.render(value: alert.value, labels: labels))
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private func renderHistory(_ history: [Transition], into html: inout HTML) {
        html.element("h2", ["id": "history"], "Recent transitions")
        guard !history.isEmpty else {
            html.element("p", ["class": "empty", "role": "status"], "No alert changed state in the last 7 days.")
            return
        }
        html.element("div", ["class": "table-wrap"]) { html in
            html.element("table", ["aria-labelledby": "history"]) { html in
                html.tableHead([("When", false), ("Rule", false), ("Change", false), ("Labels", false), ("Value", true)])
                html.element("tbody") { html in
                    for transition in history {
                        html.element("tr", ["class": transition.to == "firing" ? "bad" : nil]) { html in
                            html.element("td", Format.time(rfc3339: transition.at))
                            html.element("th", ["scope": "row"], transition.rule)
                            html.element("td", "\(transition.from) → \(transition.to)")
                            html.element("td", ["class": "mono"], Self.labelText(transition.labels))
                            html.element("td", ["class": "num"], transition.value.map { Format.significant($0, digits: 4) } ?? "–")
                        }
                    }
                }
            }
        }
        if history.count == Self.historyLimit {
            html.element("p", ["class": "lede"], "The newest \(Self.historyLimit) transitions.")
        }
    }

    private func renderSilences(_ silences: [AlertReader.StoredSilence], into html: inout HTML) {
        html.element("h2", ["id": "silences"], "Silences")
        guard !silences.isEmpty else {
            html.element("p", ["class": "empty", "role": "status"], "No silences in force, to come, or ended in the last day. Make one with POST /api/v1/silences.")
            return
        }
        html.element("div", ["class": "table-wrap"]) { html in
            html.element("table", ["aria-labelledby": "silences"]) { html in
                html.tableHead(["Id", "State", "Matchers", "Starts", "Ends", "Comment", "Created by"].map { ($0, false) })
                html.element("tbody") { html in
                    for silence in silences {
                        let matchers = (try? JSONDecoder().decode([Silence.Matcher].self, from: Data(silence.matchersJSON.utf8))) ?? []
                        html.element("tr") { html in
                            html.element("th", ["scope": "row"], String(silence.id))
                            html.element("td") { html in
                                html.element("span", ["class": silence.active ? "badge warn" : "badge plain"], silence.active ? "active" : "not in force")
                            }
                            html.element("td", ["class": "mono"], matchers.map { "\($0.name)\($0.isRegex ? ($0.isEqual ? "=~" : "!~") : ($0.isEqual ? "=" : "!="))\"\($0.value)\"" }.joined(separator: ", "))
                            html.element("td", Format.time(rfc3339: silence.startsAt))
                            html.element("td", Format.time(rfc3339: silence.endsAt))
                            html.element("td", silence.comment)
                            html.element("td", silence.createdBy.isEmpty ? "–" : silence.createdBy)
                        }
                    }
                }
            }
        }
    }

    private static func labelText(_ labels: [(String, String)]) -> String {
        labels.isEmpty ? "–" : labels.map { "\($0.0)=\"\($0.1)\"" }.joined(separator: ", ")
    }
}
