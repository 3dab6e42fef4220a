"""Native receivers end to end: one latency incident notifies a Slack incoming webhook, PagerDuty's
Events API v2 and a webhook with a body template, each a real HTTP receiver process
(clients/webhook_receiver.py) standing in for the vendor, and each payload is checked against the
vendor's documented fields, for firing and for resolved:

- Slack (https://api.slack.com/reference/block-kit/blocks): `text` fallback; `blocks`, at most 50,
  each with a `type`; a header of plain_text at most 150 characters; sections of mrkdwn at most
  3000; a button whose URL is Vigil's alerts page; the alert's generatorURL linked.
- PagerDuty (https://developer.pagerduty.com/docs/events-api-v2/trigger-events/): `routing_key`
  from the environment, `event_action` trigger then resolve with the same `dedup_key`; a trigger's
  `payload` has `summary` (at most 1024), `source`, `severity` (one of four, `page` → critical),
  `timestamp` (RFC 3339) and `custom_details`; `links` have `href` and `text`.
- Templated webhook: the body the template renders, with `content_type`, valid JSON whose values
  went through `json`, signed like every webhook.

Timing as in test_alerting.py: `window: 1m`, the slow spans all in one minute, sent when that
minute has 35-56 s left, so the alert fires within seconds and resolves about a minute later.
"""

from __future__ import annotations

import json
import secrets
import time

import pytest

from test_alerting import (EXTERNAL_URL, PROJECT, SLOW_MS, Cluster, WebhookReceiver, rfc3339_micros, send_spans,
                           signature)
from vigil_e2e import wait_until

ROUTING_KEY = "R" + secrets.token_hex(15)
TEMPLATE_SECRET = "tmpl-" + secrets.token_hex(8)
RULE = "E2ENativeLatency"
SERVICE = "e2e-native"
SEVERITIES = {"critical", "error", "warning", "info"}

BODY_TEMPLATE = (
    '{"title": {{ printf "[%s:%d] %s" (.Status | toUpper) (len .Alerts) .CommonLabels.alertname | json }}, '
    '"status": {{ .Status | json }}, "summary": {{ .CommonAnnotations.summary | json }}, '
    '"quote": {{ .CommonAnnotations.tricky | json }}, '
    '"alerts": [{{ range $i, $a := .Alerts }}{{ if $i }}, {{ end }}'
    '{"fingerprint": {{ $a.Fingerprint | json }}, "labels": {{ $a.Labels | json }}, "link": {{ $a.GeneratorURL | json }}}'
    '{{ end }}], "external": {{ .ExternalURL | json }}}'
)


def rules_yaml(slack_url: str, pager_url: str, hook_url: str) -> str:
    return f"""receivers:
  - name: e2e-slack
    type: slack
    url_env: VIGIL_E2E_SLACK_URL
  - name: e2e-pager
    type: pagerduty
    routing_key_env: VIGIL_E2E_PD_KEY
    url: {pager_url}
  - name: e2e-template
    type: webhook
    url: {hook_url}
    secret_env: VIGIL_E2E_TEMPLATE_SECRET
    content_type: application/vnd.e2e+json
    body_template: {json.dumps(BODY_TEMPLATE)}
rules:
  - name: {RULE}
    metric: latency_p95
    filter:
      service: {SERVICE}
    window: 1m
    comparison: ">"
    threshold: 2000
    severity: page
    annotations:
      summary: "p95 latency of {{{{ $labels.service }}}} is {{{{ $value | printf \\"%.0f\\" }}}} ms"
      description: "Latency <above> 2 s & climbing"
      value: "{{{{ $value }}}}"
      threshold: "2000"
      tricky: "quote \\" backslash \\\\ newline \\n tab \\t"
    receivers: [e2e-slack, e2e-pager, e2e-template]
    group_by: [alertname, service]
    group_wait: 1s
    group_interval: 1s
    repeat_interval: 1h
"""


@pytest.fixture(scope="module")
def incident(settings, database, log_dir):
    receivers = {name: WebhookReceiver(f"e2e-{name}", log_dir, **options) for name, options in
                 {"slack": {}, "pager": {"default_status": 202}, "template": {}}.items()}
    cluster = None
    try:
        for receiver in receivers.values():
            receiver.start()
        rules = rules_yaml(receivers["slack"].url + "/services/T0/B0/XYZ", receivers["pager"].url + "/v2/enqueue",
                           receivers["template"].url)
        cluster = Cluster("native", settings.binary, database, log_dir, rules, {
            "VIGIL_E2E_SLACK_URL": receivers["slack"].url + "/services/T0/B0/XYZ",
            "VIGIL_E2E_PD_KEY": ROUTING_KEY, "VIGIL_E2E_TEMPLATE_SECRET": TEMPLATE_SECRET,
        })
        cluster.start()
        wait_until(cluster.evaluating, 30, "the evaluator to evaluate the rule", interval=0.2)
        while not 4 <= time.time() % 60 <= 25:
            time.sleep(0.2)
        end_ns = time.time_ns()
        send_spans(cluster.server.url, cluster.ingest, SERVICE, 20, SLOW_MS, end_ns)
        minute = (end_ns - SLOW_MS * 1_000_000) // 60_000_000_000 * 60
        deadline = minute + 120.0 + 60  # the 1m window lets minute M go at M+120
        found = {}
        for name, receiver in receivers.items():
            found[name] = receiver.wait_for(lambda requests: len(requests) >= 2 and requests, deadline,
                                            f"{name}: firing then resolved")
        yield found
    finally:
        if cluster:
            for server in cluster.servers:
                server.stop()
        for receiver in receivers.values():
            receiver.stop()


def mrkdwn_texts(blocks: list) -> list[str]:
    return [block["text"]["text"] for block in blocks if block["type"] == "section"]


def check_slack(request, status: str) -> None:
    assert request.path.endswith("/services/T0/B0/XYZ")
    assert request.headers["content-type"] == "application/json"
    assert request.headers.get("x-vigil-delivery")
    message = json.loads(request.body)
    assert set(message) == {"text", "blocks"}
    word = "FIRING" if status == "firing" else "RESOLVED"
    assert isinstance(message["text"], str) and message["text"].startswith(f"[{word}:1] {RULE}"), message["text"]
    blocks = message["blocks"]
    assert 1 <= len(blocks) <= 50
    assert all(isinstance(block.get("type"), str) for block in blocks)
    header = blocks[0]
    assert header["type"] == "header" and header["text"]["type"] == "plain_text"
    assert len(header["text"]["text"]) <= 150 and f"{word}: 1" in header["text"]["text"]
    for block in blocks:
        if block["type"] == "section":
            assert block["text"]["type"] == "mrkdwn" and len(block["text"]["text"]) <= 3000
    alert_text = mrkdwn_texts(blocks)[1]
    assert f"<{EXTERNAL_URL}/api/v1/rules?name={RULE}|{RULE}>" in alert_text
    assert "*Threshold:* 2000" in alert_text and "*Value:* " in alert_text
    assert "p95 latency of e2e-native is" in alert_text
    assert "Latency &lt;above&gt; 2 s &amp; climbing" in alert_text
    buttons = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert buttons and buttons[0]["type"] == "button" and buttons[0]["url"] == EXTERNAL_URL + "/ui/alerts"
    assert len(buttons[0]["text"]["text"]) <= 75


def check_pager(trigger, resolve) -> None:
    for request in (trigger, resolve):
        assert request.path.endswith("/v2/enqueue")
        assert request.headers["content-type"] == "application/json"
    event = json.loads(trigger.body)
    assert event["routing_key"] == ROUTING_KEY
    assert event["event_action"] == "trigger"
    assert isinstance(event["dedup_key"], str) and 1 <= len(event["dedup_key"]) <= 255
    payload = event["payload"]
    assert {"summary", "source", "severity"} <= set(payload)
    assert isinstance(payload["summary"], str) and 1 <= len(payload["summary"]) <= 1024
    assert payload["summary"].startswith(f"[FIRING:1] {RULE}: p95 latency of {SERVICE} is ")
    assert payload["source"] == SERVICE
    assert payload["severity"] in SEVERITIES and payload["severity"] == "critical"
    rfc3339_micros(payload["timestamp"])
    details = payload["custom_details"]
    assert details["alerts"][0]["labels"]["alertname"] == RULE
    assert float(details["alerts"][0]["value"]) > 2000
    assert details["common_annotations"]["threshold"] == "2000"
    assert all(set(link) == {"href", "text"} for link in event["links"])
    assert event["links"][0]["href"] == EXTERNAL_URL + "/ui/alerts"

    resolved = json.loads(resolve.body)
    assert resolved == {"routing_key": ROUTING_KEY, "dedup_key": event["dedup_key"], "event_action": "resolve"}


def check_template(request, status: str) -> None:
    assert request.headers["content-type"] == "application/vnd.e2e+json"
    assert request.headers["x-vigil-signature"] == signature(TEMPLATE_SECRET, request.body)
    body = json.loads(request.body)
    assert body["title"] == f"[{status.upper()}:1] {RULE}"
    assert body["status"] == status
    assert body["quote"] == "quote \" backslash \\ newline \n tab \t"
    assert body["summary"].startswith(f"p95 latency of {SERVICE} is ")
    assert body["external"] == EXTERNAL_URL
    [alert] = body["alerts"]
    assert alert["labels"]["alertname"] == RULE and alert["labels"]["project"] == PROJECT
    assert alert["link"] == f"{EXTERNAL_URL}/api/v1/rules?name={RULE}"
    assert len(alert["fingerprint"]) == 16


def test_slack_firing_then_resolved(incident):
    firing, resolved = incident["slack"][:2]
    check_slack(firing, "firing")
    check_slack(resolved, "resolved")
    assert firing.delivery != resolved.delivery


def test_pagerduty_trigger_then_resolve_share_dedup_key(incident):
    trigger, resolve = incident["pager"][:2]
    check_pager(trigger, resolve)


def test_templated_webhook_firing_then_resolved(incident):
    firing, resolved = incident["template"][:2]
    check_template(firing, "firing")
    check_template(resolved, "resolved")
