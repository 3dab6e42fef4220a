"""A rule removed from the files and reloaded takes its alerts with it: they leave
`/api/v1/alerts` instead of firing forever."""

from __future__ import annotations

from test_summary import send_spans
from vigil_e2e import wait_until

RULE = """receivers:
  - name: nowhere
    type: webhook
    url: http://127.0.0.1:9/none
rules:
  - name: {name}
    metric: request_count
    window: 15m
    comparison: ">"
    threshold: 0
    for: 0s
    receivers: [nowhere]
"""


def test_alerts_of_a_removed_rule_are_forgotten_after_reload(start_vigil, cli, tmp_path):
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "rules.yaml").write_text(RULE.format(name="E2EGoingAway"))
    ingest, read = (cli.create_key("removal", role) for role in ("ingest", "read"))
    operator = cli.run("keys", "create", "--role", "operator").stdout.strip()
    vigil = start_vigil("removal", VIGIL_RULES=str(rules), VIGIL_EVALUATION_INTERVAL="1")
    send_spans(vigil.url, ingest, seed=3, count=20)

    def alert_names():
        return {a["rule"] for a in vigil.request("GET", "/api/v1/alerts", key=read).json()["alerts"]}

    wait_until(lambda: alert_names() == {"E2EGoingAway"}, 60, "the alert to fire")
    (rules / "rules.yaml").write_text(RULE.format(name="E2EStaying"))
    response = vigil.request("POST", "/api/v1/rules/reload", key=operator)
    assert response.status_code == 200, response.text
    wait_until(lambda: alert_names() == {"E2EStaying"}, 60, "the removed rule's alert to go and the new rule's to fire")
