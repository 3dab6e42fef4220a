import Testing
import VigilDemo

@Suite("Webhook lines")
struct WebhookLineTests {
    @Test("status, alert name, labels and summary on one line")
    func firing() {
        let body = """
            {"version": "4", "status": "firing", "receiver": "oncall", "groupLabels": {"alertname": "ChatLatencyHigh", "service": "chat"},
             "commonLabels": {}, "commonAnnotations": {}, "externalURL": "http://localhost:4318", "truncatedAlerts": 0, "groupKey": "k",
             "alerts": [
               {"status": "firing", "labels": {"alertname": "ChatLatencyHigh", "model": "gpt-4o-mini", "severity": "page"},
                "annotations": {"summary": "p95 latency of chat (gpt-4o-mini) is 5234 ms"}},
               {"status": "resolved", "labels": {"alertname": "ChatLatencyHigh", "model": "(none)"}, "annotations": {}}]}
            """
        let line = WebhookLine.describe(Array(body.utf8), receiver: "oncall")
        #expect(line == "webhook oncall: FIRING ChatLatencyHigh (2 alerts) — {model=gpt-4o-mini, severity=page} p95 latency of chat (gpt-4o-mini) is 5234 ms; [resolved] {model=(none)}")
    }

    @Test("a body that is not Alertmanager JSON is said to be so")
    func garbage() {
        #expect(WebhookLine.describe(Array("hello".utf8), receiver: "team-chat") == "webhook team-chat: received 5 bytes that are not Alertmanager webhook JSON")
    }
}
