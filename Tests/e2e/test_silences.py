"""Silences: an alert that a silence matches still fires (and is logged), but its receiver hears
nothing; when the silence is expired the still-firing alert is notified. Bad silences are 400s."""

from __future__ import annotations

import time

from test_alerting import WebhookReceiver, receiver_yaml
from test_summary import send_spans
from vigil_e2e import wait_until


def test_a_silenced_alert_fires_without_notifying_until_the_silence_ends(start_vigil, cli, tmp_path):
    receiver = WebhookReceiver("silenced", tmp_path).start()
    try:
        rules = tmp_path / "rules"
        rules.mkdir()
        (rules / "silence.yaml").write_text(
            "receivers:\n" + receiver_yaml("pager", receiver.url) +
            """rules:
  - name: E2ESilencedCalls
    metric: request_count
    window: 5m
    comparison: ">"
    threshold: 0
    for: 0s
    severity: page
    receivers: [pager]
    group_by: [alertname]
    group_wait: 1s
    group_interval: 1s
""")
        ingest = cli.create_key("silences", "ingest")
        read = cli.create_key("silences", "read")
        operate = cli.create_key("silences", "operate")
        vigil = start_vigil("silences", VIGIL_RULES=str(rules), VIGIL_EVALUATION_INTERVAL="1")
        ends = int(time.time() * 1000) + 3_600_000

        for body, message in [
            ({"matchers": [], "endsAt": ends, "comment": "x"}, "matchers"),
            ({"matchers": [{"name": "alertname", "value": "(unclosed", "isRegex": True}], "endsAt": ends, "comment": "x"}, "not a valid regular expression"),
            ({"matchers": [{"name": "alertname", "value": "E2ESilencedCalls"}], "endsAt": 1000, "comment": "x"}, "endsAt must be in the future"),
            ({"matchers": [{"name": "alertname", "value": "E2ESilencedCalls"}], "endsAt": ends}, "comment"),
        ]:
            response = vigil.request("POST", "/api/v1/silences", key=operate, json=body)
            assert response.status_code == 400 and message in response.json()["error"]["message"], response.text

        wanted = {"matchers": [{"name": "alertname", "value": "E2ESilenced.*", "isRegex": True}, {"name": "severity", "value": "page"}],
                  "endsAt": ends, "comment": "maintenance window", "createdBy": "e2e"}
        # A read key changes nothing: silences are on-call actions (operate or admin).
        assert vigil.request("POST", "/api/v1/silences", key=read, json=wanted).status_code == 403
        response = vigil.request("POST", "/api/v1/silences", key=operate, json=wanted)
        assert response.status_code == 200, response.text
        silence = response.json()["id"]
        listed = vigil.request("GET", "/api/v1/silences", key=read).json()["silences"]
        assert [(s["id"], s["state"], s["comment"]) for s in listed] == [(silence, "active", "maintenance window")]

        send_spans(vigil.url, ingest, seed=5, count=20)

        def firing():
            return [a for a in vigil.request("GET", "/api/v1/alerts", key=read).json()["alerts"] if a["state"] == "firing"]

        wait_until(firing, 60, "the silenced alert to fire")
        time.sleep(4)  # several evaluations and group intervals
        assert receiver.requests() == [], receiver.describe()

        assert vigil.request("DELETE", f"/api/v1/silences/{silence}", key=read).status_code == 403
        assert vigil.request("DELETE", f"/api/v1/silences/{silence}", key=operate).status_code == 200
        assert vigil.request("DELETE", f"/api/v1/silences/{silence}", key=operate).status_code == 404
        got = receiver.wait_for(lambda requests: len(requests) >= 1, time.time() + 30, "the notification once the silence ended")
        assert got[0].payload["status"] == "firing"
        assert got[0].payload["alerts"][0]["labels"]["alertname"] == "E2ESilencedCalls"
    finally:
        receiver.stop()
