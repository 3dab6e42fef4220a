internal import Foundation
internal import Hummingbird
internal import VigilCore
internal import VigilEventLog

/// `GET /ui/audit`: the project's audit trail for an admin session (other roles get 403, and
/// the navigation bar does not offer the page to them): who did what to which target, when, how
/// it ended, with the request id and the action's details, newest first, over the last seven
/// days or the range asked for. Read through `AuditReader`, like `GET /api/v1/audit`.
struct AuditPage: Sendable {
    /// Entries listed at most.
    static let limit = 500

    let audit: AuditReader

    /// The page.
    func response(_ request: Request, context: PageContext) async throws -> Response {
        let session = try context.requireSession()
        guard session.role.permits(.readAudit) else {
            throw PageError(status: 403, message: "The audit trail is shown to admin keys only; sign in with an admin key of \(session.projectName).")
        }
        let query = try request.pageQuery()
        let range = try TimeRange(query: query, defaultPreset: "7d", nowMicros: EventTime.nowMicros() + 60_000_000)
        let entries = try await audit.entries(projectID: session.projectID, fromMicros: range.fromMicros, toMicros: range.toMicros, limit: Self.limit)
        let html = PageLayout.document(title: "Audit trail", current: .audit, session: session) { html in
            RangePicker.render(into: &html, range: range, path: NavItem.audit.path)
            guard !entries.isEmpty else {
                html.element("p", ["class": "empty", "role": "status"], "No audited actions in this range. Silences, baselines, reports now, retries, dashboard imports and deletions, retention changes and key changes are recorded here.")
                return
            }
            let refused = entries.filter { $0.outcome != "succeeded" }.count
            html.element("p", ["class": "lede"], "\(entries.count) actions\(entries.count == Self.limit ? " (the newest \(Self.limit))" : ""), \(refused) of them not done.")
            html.element("div", ["class": "table-wrap"]) { html in
                html.element("table") { html in
                    html.element("caption", "Audited actions, newest first")
                    html.tableHead([("When", false), ("Action", false), ("Target", false), ("Who", false), ("Outcome", false), ("Request", false), ("Details", false)])
                    html.element("tbody") { html in
                        for entry in entries {
                            html.element("tr", ["class": entry.outcome == "succeeded" ? nil : "bad"]) { html in
                                html.element("th", ["scope": "row"], Format.time(rfc3339: entry.occurredAt))
                                html.element("td", ["class": "mono"], entry.action)
                                html.element("td", ["class": "mono"], entry.target ?? "–")
                                html.element("td", Self.actor(entry))
                                html.element("td") { html in
                                    html.element("span", ["class": entry.outcome == "succeeded" ? "badge good" : "badge bad"], entry.outcome)
                                }
                                html.element("td", ["class": "mono"], entry.requestID ?? "–")
                                html.element("td", ["class": "mono"], Self.details(entry.detailsJSON))
                            }
                        }
                    }
                }
            }
        }
        return PageResponse.html(html)
    }

    /// `key 12 (admin)`, `cli` or `vigil`.
    static func actor(_ entry: AuditReader.Entry) -> String {
        guard entry.actor == "key" else { return entry.actor }
        return "key \(entry.keyID.map { String($0) } ?? "?")\(entry.role.map { " (\($0))" } ?? "")"
    }

    /// `name=value, …` from the details object, sorted by name; `–` for none.
    static func details(_ json: String) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any], !object.isEmpty else { return "–" }
        return object.keys.sorted().map { key in "\(key)=\(object[key].map { "\($0)" } ?? "")" }.joined(separator: ", ")
    }
}
