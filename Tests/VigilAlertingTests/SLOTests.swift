import Testing
import VigilAlerting

@Suite("SLOs as multi-window, multi-burn-rate rules")
struct SLOTests {
    let slo = ServiceLevelObjective(
        name: "chat-availability", objective: 99.5, period: .seconds(28 * 86_400), indicator: .errors,
        filter: [.service: ["chat"]], receivers: ["oncall"], labels: ["team": "llm"]
    )

    @Test("page: 1h and 5m above 14.4; ticket: 6h and 30m above 6")
    func expansion() throws {
        let rules = slo.burnRateRules()
        #expect(rules.map(\.name) == ["chat-availability-burn-page", "chat-availability-burn-ticket"])
        let page = rules[0]
        #expect(page.metric == .burnRate)
        #expect(page.windows == [.seconds(3600), .seconds(300)])
        #expect(page.comparison == .greaterThan)
        #expect(page.threshold == 14.4)
        #expect(page.severity == "page")
        #expect(page.holdDuration == .zero)
        #expect(page.filter == [.service: ["chat"]])
        #expect(page.receivers == ["oncall"])
        #expect(page.slo == SLOReference(name: "chat-availability", objective: 99.5, indicator: .errors))
        let ticket = rules[1]
        #expect(ticket.windows == [.seconds(6 * 3600), .seconds(1800)])
        #expect(ticket.threshold == 6)
        #expect(ticket.severity == "ticket")

        let labels = page.alertLabels(series: [:])
        #expect(labels == ["alertname": "chat-availability-burn-page", "slo": "chat-availability", "severity": "page", "service": "chat", "team": "llm"])
        let annotations = page.renderedAnnotations(value: 20.25, labels: labels)
        #expect(annotations["summary"] == "SLO chat-availability is burning its error budget 20.2× too fast")
        #expect(annotations["description"] == "99.5% of calls without error over 4w: the budget burned faster than 14.4× over both 1h and 5m.")
    }

    @Test("both windows must breach: a spike that is over does not page")
    func bothWindows() throws {
        let page = slo.burnRateRules()[0]
        #expect(page.condition(values: [15, 20]) == (15, true))
        #expect(page.condition(values: [15, 2]).breaching == false)  // the burn stopped: the short window recovered
        #expect(page.condition(values: [3, 40]).breaching == false)  // a blip: not significant over the hour
        #expect(page.condition(values: [15, nil]).breaching == false)
        #expect(page.condition(values: [15]).breaching == false)
    }

    @Test("burn rate is the bad ratio over the error budget")
    func burnRate() throws {
        let reference = slo.reference
        #expect(slo.errorBudget == 1 - 0.995)
        // 72 bad calls of 1000 is 7.2 %, 14.4 times a budget of 0.5 %.
        let rate = try #require(reference.burnRate(bad: 72, total: 1000))
        #expect(abs(rate - 14.4) < 1e-9)
        #expect(reference.burnRate(bad: 0, total: 0) == nil)
        let latency = SLOReference(name: "l", objective: 99, indicator: .latency(thresholdMilliseconds: 3000))
        #expect(abs((latency.burnRate(bad: 5, total: 100) ?? 0) - 5) < 1e-9)
    }

    @Test("an SLO's own annotations override the generated ones")
    func annotationOverride() throws {
        var custom = slo
        custom.annotations = ["summary": try AnnotationTemplate("budget burn {{ $value }}"), "runbook_url": try AnnotationTemplate("https://runbooks/slo")]
        let rule = custom.burnRateRules()[0]
        #expect(rule.annotations["summary"]?.source == "budget burn {{ $value }}")
        #expect(rule.annotations["runbook_url"] != nil)
        #expect(rule.annotations["description"] != nil)
    }
}
