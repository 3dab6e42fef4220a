import Foundation
import Testing
import VigilAlerting

@Suite("Alertmanager payloads")
struct WebhookPayloadTests {
    let chat = AlertSnapshot(
        labels: ["alertname": "ChatLatencyHigh", "service": "chat", "severity": "page"],
        annotations: ["summary": "p95 is 2346 ms", "runbook_url": "https://runbooks/latency"],
        startsAt: TestClock.at(0.25), endsAt: nil, generatorURL: "http://vigil:8080/api/v1/rules?name=ChatLatencyHigh"
    )
    var search: AlertSnapshot {
        AlertSnapshot(
            labels: ["alertname": "ChatLatencyHigh", "service": "search", "severity": "page"],
            annotations: ["summary": "p95 is 3000 ms", "runbook_url": "https://runbooks/latency"],
            startsAt: TestClock.at(-60), endsAt: TestClock.at(30), generatorURL: "http://vigil:8080/api/v1/rules?name=ChatLatencyHigh"
        )
    }

    func notification() -> GroupNotification {
        GroupNotification(receiver: "oncall", groupKey: NotificationGroup.groupKey(receiver: "oncall", groupLabels: ["alertname": "ChatLatencyHigh"]),
                          groupLabels: ["alertname": "ChatLatencyHigh"], alerts: [chat, search], at: TestClock.at(60))
    }

    @Test("the webhook JSON is Alertmanager's version 4, byte for byte")
    func exactJSON() throws {
        let payload = WebhookPayload(notification(), externalURL: "http://vigil:8080")
        let json = String(decoding: payload.encoded(), as: UTF8.self)
        let expected = """
        {"alerts":[\
        {"annotations":{"runbook_url":"https://runbooks/latency","summary":"p95 is 2346 ms"},"endsAt":"0001-01-01T00:00:00Z",\
        "fingerprint":"44b2eee8d7892259","generatorURL":"http://vigil:8080/api/v1/rules?name=ChatLatencyHigh",\
        "labels":{"alertname":"ChatLatencyHigh","service":"chat","severity":"page"},"startsAt":"2026-11-20T09:30:00.25Z","status":"firing"},\
        {"annotations":{"runbook_url":"https://runbooks/latency","summary":"p95 is 3000 ms"},"endsAt":"2026-11-20T09:30:30Z",\
        "fingerprint":"\(search.labels.fingerprintHex)","generatorURL":"http://vigil:8080/api/v1/rules?name=ChatLatencyHigh",\
        "labels":{"alertname":"ChatLatencyHigh","service":"search","severity":"page"},"startsAt":"2026-11-20T09:29:00Z","status":"resolved"}],\
        "commonAnnotations":{"runbook_url":"https://runbooks/latency"},\
        "commonLabels":{"alertname":"ChatLatencyHigh","severity":"page"},\
        "externalURL":"http://vigil:8080",\
        "groupKey":"{}/{receiver=\\"oncall\\"}:{alertname=\\"ChatLatencyHigh\\"}",\
        "groupLabels":{"alertname":"ChatLatencyHigh"},\
        "receiver":"oncall","status":"firing","truncatedAlerts":0,"version":"4"}
        """
        #expect(json == expected)
    }

    @Test("the payload decodes back, the zero time as a firing alert's end")
    func roundTrip() throws {
        let payload = WebhookPayload(notification(), externalURL: "http://vigil:8080")
        let decoded = try JSONDecoder().decode(WebhookPayload.self, from: payload.encoded())
        #expect(decoded == payload)
        #expect(decoded.alerts[0].endsAt == nil)
        #expect(decoded.alerts[1].endsAt == TestClock.at(30))
    }

    @Test("max_alerts truncates and counts the rest; common labels are over all alerts")
    func truncation() {
        let payload = WebhookPayload(notification(), externalURL: "http://vigil", maxAlerts: 1)
        #expect(payload.alerts.count == 1)
        #expect(payload.truncatedAlerts == 1)
        #expect(payload.commonLabels == ["alertname": "ChatLatencyHigh", "severity": "page"])
    }

    @Test("Alertmanager's POST /api/v2/alerts body: firing alerts end at validUntil")
    func postable() throws {
        let validUntil = PostableAlert.validUntil(now: TestClock.at(60), evaluationInterval: .seconds(15))
        #expect(validUntil == TestClock.at(300))  // 4 × max(1m, 15s)
        let body = PostableAlert.body([chat, search], validUntil: validUntil)
        let json = String(decoding: body, as: UTF8.self)
        #expect(json.hasPrefix(#"[{"annotations":{"runbook_url":"https://runbooks/latency","summary":"p95 is 2346 ms"},"endsAt":"2026-11-20T09:35:00Z","generatorURL":"http://vigil:8080/api/v1/rules?name=ChatLatencyHigh","labels":{"alertname":"ChatLatencyHigh","service":"chat","severity":"page"},"startsAt":"2026-11-20T09:30:00.25Z"}"#))
        let decoded = try JSONDecoder().decode([PostableAlert].self, from: body)
        #expect(decoded.map(\.endsAt) == [TestClock.at(300), TestClock.at(30)])
    }

    @Test("RFC 3339 as Go writes it: fractions trimmed, UTC, round trip", arguments: [
        (0.0, "1970-01-01T00:00:00Z"), (1_795_167_000.25, "2026-11-20T09:30:00.25Z"), (951_782_400.000001, "2000-02-29T00:00:00.000001Z"),
        (-86_400.5, "1969-12-30T23:59:59.5Z"), (-62_135_596_800, "0001-01-01T00:00:00Z"),
    ])
    func rfc3339(seconds: Double, text: String) {
        let date = Date(timeIntervalSince1970: seconds)
        #expect(RFC3339.format(date) == text)
        #expect(RFC3339.parse(text).map { abs($0.timeIntervalSince(date)) < 1e-6 } == true)
    }

    @Test("RFC 3339 parsing takes offsets and refuses garbage")
    func rfc3339Parse() {
        #expect(RFC3339.parse("2026-11-20T10:30:00+01:00") == TestClock.at(0))
        #expect(RFC3339.parse("2026-11-20T09:30:00.123456789Z").map(RFC3339.format) == "2026-11-20T09:30:00.123456Z")
        for bad in ["", "2026-11-20", "2026-13-20T09:30:00Z", "2026-11-20T09:30:00", "2026-11-20T09:30:00Zjunk"] {
            #expect(RFC3339.parse(bad) == nil, "\(bad)")
        }
    }

    @Test("the generator URL links to the rule, its name percent-encoded")
    func generatorURL() {
        let rule = AlertRule(name: "p95 > 2s", metric: .latencyP95, windows: [.seconds(300)], comparison: .greaterThan, threshold: 2000, receivers: ["x"])
        #expect(rule.generatorURL(externalURL: "http://vigil:8080/") == "http://vigil:8080/api/v1/rules?name=p95%20%3E%202s")
    }
}
