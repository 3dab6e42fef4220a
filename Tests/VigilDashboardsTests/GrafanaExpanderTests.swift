import Testing
@testable import VigilDashboards

@Suite("Grafana's expansion of panel SQL")
struct GrafanaExpanderTests {
    // 2026-11-29T04:00:00Z .. 10:00:00Z
    let from: Int64 = 1_795_924_800_000
    let to: Int64 = 1_795_946_400_000

    func variable(_ name: String, allValue: String? = nil, multi: Bool = true, includeAll: Bool = true, options: [String] = []) -> TemplateVariable {
        TemplateVariable(name: name, type: "query", multi: multi, includeAll: includeAll, allValue: allValue, query: "", options: options, saved: .all)
    }

    @Test("the time macros are written as grafana-postgresql-datasource writes them")
    func timeMacros() throws {
        let expander = GrafanaExpander(fromMillis: from, toMillis: to, variables: [:])
        #expect(try expander.expand("WHERE $__timeFilter(minute)", panel: nil) == "WHERE minute BETWEEN '2026-11-29T04:00:00Z' AND '2026-11-29T10:00:00Z'")
        #expect(try expander.expand("$__timeFrom() $__timeTo()", panel: nil) == "'2026-11-29T04:00:00Z' '2026-11-29T10:00:00Z'")
        #expect(try expander.expand("$__unixEpochFilter(t)", panel: nil) == "t >= 1795924800 AND t <= 1795946400")
        #expect(try expander.expand("$__timeGroupAlias(minute, '5m')", panel: nil) == "floor(extract(epoch from minute)/300)*300 AS \"time\"")
        #expect(try expander.expand("$__timeGroup(minute, 1h), x", panel: nil) == "floor(extract(epoch from minute)/3600)*3600 AS \"time\", x")
        #expect(throws: (any Error).self) { try expander.expand("$__nope(x)", panel: nil) }
        #expect(throws: (any Error).self) { try expander.expand("$__timeGroup(minute, soon)", panel: nil) }
    }

    @Test("the interval follows the panel's width and never goes below a minute")
    func interval() throws {
        let expander = GrafanaExpander(fromMillis: from, toMillis: to, variables: [:])
        let narrow = Dashboard.Panel(path: "panels[0]", id: 1, title: "", width: 12, minInterval: nil, maxDataPoints: nil, targets: [])
        #expect(expander.intervalMillis(for: narrow) == 60_000)  // 6 h over 800 points is 27 s: the 1 m floor wins
        let week = GrafanaExpander(fromMillis: to - 7 * 86_400_000, toMillis: to, variables: [:])
        #expect(week.intervalMillis(for: narrow) == 900_000)  // 7 d over 800 points is 756 s: rounded to 15 m
        #expect(try week.expand("$__timeGroupAlias(m, $__interval)", panel: narrow) == "floor(extract(epoch from m)/900)*900 AS \"time\"")
        let fixed = Dashboard.Panel(path: "panels[0]", id: 1, title: "", width: 24, minInterval: "1h", maxDataPoints: nil, targets: [])
        #expect(expander.intervalMillis(for: fixed) == 3_600_000)
    }

    @Test("variables: csv, quoted lists, a custom All value raw, quotes doubled")
    func variables() throws {
        let project = variable("project", allValue: "SELECT project_id FROM projects")
        let service = variable("service", allValue: "'__all'")
        let model = variable("model", options: ["gpt-4o", "o'brien"])
        let expander = GrafanaExpander(fromMillis: from, toMillis: to, variables: [
            "project": (project, .values(["42"])),
            "service": (service, .all),
            "model": (model, .all),
        ])
        #expect(try expander.expand("project_id IN (${project:csv})", panel: nil) == "project_id IN (42)")
        #expect(try expander.expand("'__all' IN ($service)", panel: nil) == "'__all' IN ('__all')")
        #expect(try expander.expand("model IN ($model)", panel: nil) == "model IN ('gpt-4o','o''brien')")
        #expect(try expander.expand("[[model:pipe]]", panel: nil) == "gpt-4o|o'brien")
        let chosen = GrafanaExpander(fromMillis: from, toMillis: to, variables: ["service": (service, .values(["chat", "it's"]))])
        #expect(try chosen.expand("service IN ($service)", panel: nil) == "service IN ('chat','it''s')")
        #expect(try chosen.expand("$unknown stays", panel: nil) == "$unknown stays")
    }

    @Test("Go's number and duration formats")
    func formats() {
        #expect(GrafanaExpander.goFloat(60) == "60")
        #expect(GrafanaExpander.goFloat(0.5) == "0.5")
        #expect(GrafanaExpander.goFloat(1_000_000) == "1e+06")
        #expect(GrafanaExpander.goFloat(1_209_600) == "1.2096e+06")
        #expect(GrafanaExpander.goFloat(0.00001) == "1e-05")
        #expect(GrafanaExpander.secondsToHMS(60_000) == "1m")
        #expect(GrafanaExpander.secondsToHMS(90_000) == "1m")
        #expect(GrafanaExpander.secondsToHMS(500) == "500ms")
        #expect(GrafanaExpander.rfc3339(1_795_924_800_500) == "2026-11-29T04:00:00.5Z")
        #expect(GrafanaTime.millis(parsing: "now-6h", nowMillis: to) == to - 21_600_000)
        #expect(GrafanaTime.millis(parsing: "2026-11-29T04:00:00Z", nowMillis: to) == from)
        #expect(GrafanaTime.millis(parsing: "yesterday", nowMillis: to) == nil)
    }
}
