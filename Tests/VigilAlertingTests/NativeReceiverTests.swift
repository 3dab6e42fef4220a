import Foundation
import Testing
import VigilAlerting

/// Shared fixtures: a group of `count` alerts, firing or resolved.
enum NativeFixtures {
    static func alert(_ index: Int, resolved: Bool = false, severity: String = "page", summary: String? = nil) -> AlertSnapshot {
        AlertSnapshot(
            labels: ["alertname": "ChatLatencyHigh", "service": "chat", "severity": severity, "model": "m\(index)", "team": "llm"],
            annotations: [
                "summary": summary ?? "p95 latency of chat (m\(index)) is 2500 ms",
                "description": "Latency <high> & rising",
                "value": "2500", "threshold": "2000", "runbook_url": "https://runbooks.example.com/latency",
            ],
            startsAt: TestClock.at(Double(index)), endsAt: resolved ? TestClock.at(600) : nil,
            generatorURL: "https://vigil.example/api/v1/rules?name=ChatLatencyHigh"
        )
    }

    static func notification(_ alerts: [AlertSnapshot], receiver: String = "pager") -> GroupNotification {
        let groupLabels: LabelSet = ["alertname": "ChatLatencyHigh", "service": "chat"]
        return GroupNotification(receiver: receiver, groupKey: NotificationGroup.groupKey(receiver: receiver, groupLabels: groupLabels),
                                 groupLabels: groupLabels, alerts: alerts, at: TestClock.at(60))
    }

    static func object(_ data: Data) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }
}

@Suite("Slack Block Kit messages")
struct SlackMessageTests {
    func blockList(_ message: [String: Any]) throws -> [[String: Any]] {
        try #require(message["blocks"] as? [[String: Any]])
    }

    @Test("a firing message has the fallback text, a header with status and count, one section per alert and a link")
    func firing() throws {
        let data = SlackMessage.body(NativeFixtures.notification([NativeFixtures.alert(1), NativeFixtures.alert(2)]), externalURL: "https://vigil.example/")
        let message = try NativeFixtures.object(data)
        #expect(message["text"] as? String == "[FIRING:2] ChatLatencyHigh (service=chat)")
        let blocks = try blockList(message)
        #expect(blocks.map { $0["type"] as? String ?? "" } == ["header", "section", "section", "section", "actions"])
        let header = try #require(blocks[0]["text"] as? [String: Any])
        #expect(header["type"] as? String == "plain_text")
        let headerText = try #require(header["text"] as? String)
        #expect(headerText.contains("FIRING: 2 — ChatLatencyHigh"))
        let first = try #require((blocks[2]["text"] as? [String: Any])?["text"] as? String)
        #expect(first.contains("<https://vigil.example/api/v1/rules?name=ChatLatencyHigh|ChatLatencyHigh>"))
        #expect(first.contains("*Value:* 2500"))
        #expect(first.contains("*Threshold:* 2000"))
        #expect(first.contains("*Summary:* p95 latency of chat (m1) is 2500 ms"))
        #expect(first.contains("Latency &lt;high&gt; &amp; rising"))
        #expect(first.contains("`model=m1`"))
        let elements = try #require(blocks[4]["elements"] as? [[String: Any]])
        #expect(elements.first?["url"] as? String == "https://vigil.example/ui/alerts")
    }

    @Test("a resolved message says RESOLVED with the count of alerts")
    func resolved() throws {
        let data = SlackMessage.body(NativeFixtures.notification([NativeFixtures.alert(1, resolved: true)]), externalURL: "https://vigil.example")
        let message = try NativeFixtures.object(data)
        #expect(message["text"] as? String == "[RESOLVED:1] ChatLatencyHigh (service=chat)")
    }

    @Test("at most 50 blocks, the rest noted; every section within 3000 characters and the header within 150")
    func limits() throws {
        let long = String(repeating: "x", count: 5000)
        let alerts = (0..<120).map { NativeFixtures.alert($0, summary: long) }
        let message = try NativeFixtures.object(SlackMessage.body(NativeFixtures.notification(alerts), externalURL: "https://vigil.example"))
        let blocks = try blockList(message)
        #expect(blocks.count <= SlackMessage.maxBlocks)
        let note = try #require(blocks.first { $0["type"] as? String == "context" })
        let noteText = try #require((note["elements"] as? [[String: Any]])?.first?["text"] as? String)
        #expect(noteText.contains("74 more alerts not shown"))
        for block in blocks where block["type"] as? String == "section" {
            let text = try #require((block["text"] as? [String: Any])?["text"] as? String)
            #expect(text.utf16.count <= SlackMessage.maxSectionText)
        }
        let sections = blocks.filter { $0["type"] as? String == "section" }
        let cut = try #require((sections[1]["text"] as? [String: Any])?["text"] as? String)
        #expect(cut.hasSuffix("… (truncated)"))
        let headerText = try #require((blocks[0]["text"] as? [String: Any])?["text"] as? String)
        #expect(headerText.utf16.count <= SlackMessage.maxHeaderText)
    }

    @Test("max_alerts limits the alerts shown")
    func maxAlerts() throws {
        let alerts = (0..<5).map { NativeFixtures.alert($0) }
        let message = try NativeFixtures.object(SlackMessage.body(NativeFixtures.notification(alerts), externalURL: "https://v", maxAlerts: 2))
        let blocks = try blockList(message)
        #expect(blocks.filter { $0["type"] as? String == "section" }.count == 3)
        #expect(blocks.contains { $0["type"] as? String == "context" })
    }
}

@Suite("PagerDuty Events API v2")
struct PagerDutyEventTests {
    @Test("trigger then resolve share the dedup_key; the trigger carries the documented payload fields")
    func triggerResolvePair() throws {
        let trigger = try NativeFixtures.object(PagerDutyEvent.body(NativeFixtures.notification([NativeFixtures.alert(1)]), externalURL: "https://vigil.example"))
        let resolve = try NativeFixtures.object(PagerDutyEvent.body(NativeFixtures.notification([NativeFixtures.alert(1, resolved: true)]), externalURL: "https://vigil.example"))
        #expect(trigger["event_action"] as? String == "trigger")
        #expect(resolve["event_action"] as? String == "resolve")
        let key = try #require(trigger["dedup_key"] as? String)
        #expect(resolve["dedup_key"] as? String == key)
        #expect(key.count <= 255)
        #expect(resolve["payload"] == nil)
        #expect(trigger["routing_key"] == nil)

        let payload = try #require(trigger["payload"] as? [String: Any])
        let summary = try #require(payload["summary"] as? String)
        #expect(summary == "[FIRING:1] ChatLatencyHigh: p95 latency of chat (m1) is 2500 ms")
        #expect(payload["source"] as? String == "chat")
        #expect(payload["severity"] as? String == "critical")
        #expect(payload["timestamp"] as? String == "2026-11-20T09:30:01Z")
        let details = try #require(payload["custom_details"] as? [String: Any])
        let alerts = try #require(details["alerts"] as? [[String: Any]])
        #expect(alerts.first?["value"] as? String == "2500")
        #expect((alerts.first?["labels"] as? [String: String])?["model"] == "m1")
        let links = try #require(trigger["links"] as? [[String: String]])
        #expect(links.first?["href"] == "https://vigil.example/ui/alerts")
        #expect(links.allSatisfy { $0["href"] != nil && $0["text"] != nil })
    }

    @Test("another group has another dedup_key")
    func dedupKeyPerGroup() {
        #expect(PagerDutyEvent.dedupKey(groupKey: "{}/{receiver=\"a\"}:{alertname=\"X\"}") != PagerDutyEvent.dedupKey(groupKey: "{}/{receiver=\"a\"}:{alertname=\"Y\"}"))
    }

    @Test("severity: PagerDuty's four as they are, page is critical, anything else warning")
    func severities() {
        #expect(PagerDutyEvent.severity("critical") == "critical")
        #expect(PagerDutyEvent.severity("error") == "error")
        #expect(PagerDutyEvent.severity("Warning") == "warning")
        #expect(PagerDutyEvent.severity("info") == "info")
        #expect(PagerDutyEvent.severity("page") == "critical")
        #expect(PagerDutyEvent.severity("ticket") == "warning")
        #expect(PagerDutyEvent.severity(nil) == "warning")
    }

    @Test("the summary is cut to 1024 characters")
    func summaryLimit() throws {
        let alert = NativeFixtures.alert(1, summary: String(repeating: "é", count: 3000))
        let trigger = try NativeFixtures.object(PagerDutyEvent.body(NativeFixtures.notification([alert]), externalURL: "https://v"))
        let summary = try #require((trigger["payload"] as? [String: Any])?["summary"] as? String)
        #expect(summary.count == PagerDutyEvent.maxSummary)
    }

    @Test("the routing key is added at send time, first, keeping the rest")
    func routingKey() throws {
        let stored = PagerDutyEvent.body(NativeFixtures.notification([NativeFixtures.alert(1, resolved: true)]), externalURL: "https://v")
        let sent = PagerDutyEvent.withRoutingKey(stored, routingKey: "R0UT1NG")
        let text = String(decoding: sent, as: UTF8.self)
        #expect(text.hasPrefix("{\"routing_key\":\"R0UT1NG\",\"dedup_key\":"))
        let object = try NativeFixtures.object(sent)
        #expect(object["event_action"] as? String == "resolve")
    }
}

@Suite("Notification body templates")
struct NotificationTemplateTests {
    func render(_ source: String, _ notification: GroupNotification = NativeFixtures.notification([NativeFixtures.alert(1), NativeFixtures.alert(2, resolved: true)])) throws -> String {
        let template = try NotificationTemplate(source)
        let data = TemplateData(WebhookPayload(notification, externalURL: "https://vigil.example"))
        return String(decoding: try template.render(data), as: UTF8.self)
    }

    @Test("fields, range, if/else, index, len, toUpper, join")
    func basics() throws {
        #expect(try render("{{ .Status | toUpper }} {{ len .Alerts }} {{ len .Alerts.Firing }}") == "FIRING 2 1")
        #expect(try render("{{ range .Alerts }}{{ .Labels.model }}:{{ .Status }};{{ end }}") == "m1:firing;m2:resolved;")
        #expect(try render("{{ range $i, $a := .Alerts }}{{ $i }}={{ index $a.Labels \"model\" }} {{ end }}") == "0=m1 1=m2 ")
        #expect(try render("{{ if eq .Status \"firing\" }}up{{ else if eq .Status \"resolved\" }}down{{ else }}?{{ end }}") == "up")
        #expect(try render("{{ join \", \" .GroupLabels }}") == "ChatLatencyHigh, chat")
        #expect(try render("{{ range .CommonAnnotations.nosuch }}x{{ else }}none{{ end }}") == "none")
        #expect(try render("{{ with .CommonAnnotations.threshold }}t={{ . }}{{ end }}") == "t=2000")
        #expect(try render("{{ .ExternalURL }} {{ $.Receiver }}") == "https://vigil.example pager")
        #expect(try render("  {{- \"a\" -}}  \n b") == "ab")
        #expect(try render("{{/* a comment */}}x") == "x")
        #expect(try render("{{ if gt (len .Alerts) 1 }}many{{ end }}") == "many")
    }

    @Test("json escapes values for JSON bodies; js escapes Go's way")
    func escaping() throws {
        let tricky = NativeFixtures.alert(1, summary: "quote \" backslash \\ newline \n <tag> & é")
        let notification = NativeFixtures.notification([tricky])
        let body = try render("{\"text\": {{ .CommonAnnotations.summary | json }}, \"labels\": {{ .CommonLabels | json }}}", notification)
        let object = try NativeFixtures.object(Data(body.utf8))
        #expect(object["text"] as? String == "quote \" backslash \\ newline \n <tag> & é")
        #expect((object["labels"] as? [String: String])?["service"] == "chat")
        #expect(try render("{{ \"a'b\\\"<c>=&\" | js }}") == "a\\'b\\\"\\u003Cc\\u003E\\u003D\\u0026")
    }

    @Test("parse errors say what and where")
    func parseErrors() {
        #expect(throws: NotificationTemplate.ParseError.self) { try NotificationTemplate("{{ range .Alerts }}x") }
        #expect(throws: NotificationTemplate.ParseError.self) { try NotificationTemplate("{{ end }}") }
        #expect(throws: NotificationTemplate.ParseError.self) { try NotificationTemplate("{{ .Status | nosuch }}") }
        #expect(throws: NotificationTemplate.ParseError.self) { try NotificationTemplate("{{ .Status") }
        do {
            _ = try NotificationTemplate("ok {{ Status }}")
            Issue.record("expected a parse error")
        } catch {
            #expect(error.offset == 3)
            #expect(error.message.contains("fields start with a dot: .Status"))
        }
    }

    @Test("bounded: output over 256 KiB and runaway nesting are errors, not hangs")
    func bounded() throws {
        let alerts = (0..<40).map { NativeFixtures.alert($0, summary: String(repeating: "y", count: 2000)) }
        let template = try NotificationTemplate("{{ range .Alerts }}{{ range $.Alerts }}{{ range $.Alerts }}{{ .Annotations.summary }}{{ end }}{{ end }}{{ end }}")
        let data = TemplateData(WebhookPayload(NativeFixtures.notification(alerts), externalURL: "https://v"))
        #expect(throws: NotificationTemplate.RenderError.self) { try template.render(data) }
        let deep = String(repeating: "{{ if true }}", count: 40) + String(repeating: "{{ end }}", count: 40)
        #expect(throws: NotificationTemplate.ParseError.self) { try NotificationTemplate(deep) }
    }
}

@Suite("Native receivers in rule files")
struct NativeReceiverRuleTests {
    func problems(_ yaml: String) -> [String] {
        RuleChecker.check([RuleFile(path: "r.yaml", contents: yaml)]).problems.map(\.description)
    }

    @Test("the example receivers parse")
    func fixture() throws {
        let text = try String(contentsOfFile: PackagePaths.fixtures + "/native-receivers.yaml", encoding: .utf8)
        let report = RuleChecker.check([RuleFile(path: "native-receivers.yaml", contents: text)])
        #expect(report.problems.map(\.description) == [])
        let kinds = report.ruleSet.receivers.map(\.kind)
        #expect(kinds == [.slack, .pagerduty, .webhook])
        let pager = try #require(report.ruleSet.receiver(named: "pager"))
        let credentials = try pager.credentials(in: ["VIGIL_PAGERDUTY_KEY": "k"])
        #expect(credentials.endpoint.absoluteString == "https://events.pagerduty.com/v2/enqueue")
        #expect(credentials.routingKey == "k")
        let slack = try #require(report.ruleSet.receiver(named: "slack"))
        #expect(throws: RuleCheckFailure.self) { try slack.credentials(in: [:]) }
        #expect(try slack.credentials(in: ["VIGIL_SLACK_WEBHOOK_URL": "https://hooks.slack.com/services/T/B/X"]).endpoint.host == "hooks.slack.com")
        #expect(throws: RuleCheckFailure.self) { try slack.credentials(in: ["VIGIL_SLACK_WEBHOOK_URL": "not a url"]) }
    }

    @Test("each kind's fields are checked, with locations")
    func located() {
        #expect(problems("""
        receivers:
          - name: s
            type: slack
            routing_key_env: KEY
          - name: p
            kind: pagerduty
            url_env: X
          - name: w
            type: webhook
            url: http://h/x
            content_type: text/plain
          - name: t
            type: webhook
            url: http://h/x
            body_template: '{"text": "{{ .CommonAnnotations.summary }}"}'
          - name: b
            type: webhook
            url: http://h/x
            body_template: "{{ range .Alerts }}"
        """) == [
            "r.yaml:2:5: missing required field \"url\" or \"url_env\" in receiver \"s\" (url_env keeps the Slack webhook URL, which is a secret, out of the file)",
            "r.yaml:4:5: \"routing_key_env\" applies only to pagerduty receivers",
            "r.yaml:5:5: missing required field \"routing_key_env\" in receiver \"p\": the environment variable holding the PagerDuty integration key (the key itself never goes in the file)",
            "r.yaml:7:5: \"url_env\" does not apply to pagerduty receivers: the integration key goes in routing_key_env, and url (optional) is the Events API address",
            "r.yaml:11:5: \"content_type\" applies only with \"body_template\" (Alertmanager's JSON is always application/json)",
            "r.yaml:15:20: body_template: content_type is application/json but a sample notification renders a body that is not JSON (pipe values through json: {{ .CommonAnnotations.summary | json }}); it began: {\"text\": \"Sample \"summary\" with\nspecial <characters> & more\"}",
            "r.yaml:19:20: bad body_template: {{range}} without {{end}} (at character 1 of the template)",
        ])
    }

    @Test("rules check with the environment names each unset variable")
    func environment() throws {
        let text = try String(contentsOfFile: PackagePaths.fixtures + "/native-receivers.yaml", encoding: .utf8)
        let report = RuleChecker.check([RuleFile(path: "n.yaml", contents: text)], environment: [:])
        let messages = report.problems.map(\.message)
        #expect(messages.contains("environment variable VIGIL_SLACK_WEBHOOK_URL, named by url_env of receiver \"slack\", is not set"))
        #expect(messages.contains("environment variable VIGIL_PAGERDUTY_KEY, named by routing_key_env of receiver \"pager\", is not set"))
    }
}
