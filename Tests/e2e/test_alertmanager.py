"""Alerting into a real Prometheus Alertmanager: Debian's prometheus-alertmanager, started by this
module on a free loopback port with a config, storage folder and clustering of its own, receives
Vigil's alerts through a receiver of `type: alertmanager`, and both its API (`GET /api/v2/alerts`)
and `amtool alert query` list them; when the incident is over, Vigil's resolved alert takes it out
of Alertmanager's list long before the firing alert's own `endsAt` would have.

The incident: a few spans of one service sent through the real OpenTelemetry SDK, and a rule
`request_count > 0` over `window: 1m` with `for: 0s`, evaluated every second. The spans all start
in one minute M, so the alert fires within seconds and resolves at the first evaluation after
M+60s; they are sent when M+60s is 12-58 s away, so the module takes well under a minute and a half.

Alertmanager comes from Debian (scripts/ensure-deps.sh installs it); when it is missing the tests
fail and say so, they do not skip.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from test_alerting import fingerprint, free_port, go_value, rfc3339_micros
from test_alerting import send_spans as send_service_spans
from vigil_e2e import clean_environment, tail, wait_until

PROJECT = "alertmanager"
SERVICE = "e2e-am"
RULE = "E2EAlertmanagerCalls"
QUIET_RULE = "E2EAlertmanagerQuiet"  # same service, a threshold the incident never reaches
RECEIVER = "e2e-am"
EXTERNAL_URL = "https://vigil.e2e.example/am"
SPANS = 5
SPAN_MS = 200
# Alertmanager's own routing: everything to a receiver with no integrations.
AM_RECEIVER = "e2e-blackhole"
AM_CONFIG = f"""route:
  receiver: {AM_RECEIVER}
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1m
  repeat_interval: 1h
receivers:
  - name: {AM_RECEIVER}
"""
INSTALL_HINT = "install Debian's prometheus-alertmanager (scripts/ensure-deps.sh does)"


# ---------------------------------------------------------------------------------------------
# Small helpers

def find_binary(name: str) -> str:
    found = shutil.which(name) or (f"/usr/bin/{name}" if os.access(f"/usr/bin/{name}", os.X_OK) else None)
    if not found:
        pytest.fail(f"{name} is not installed: {INSTALL_HINT}; this test needs a real Alertmanager and does not skip",
                    pytrace=False)
    return found


# ---------------------------------------------------------------------------------------------
# Alertmanager, a process of this module's own

class Alertmanager:
    """prometheus-alertmanager on a free loopback port, with its own config, storage and no cluster."""

    def __init__(self, folder: Path):
        self.binary = find_binary("prometheus-alertmanager")
        self.amtool_binary = find_binary("amtool")
        self.folder = folder
        self.config_path = folder / "alertmanager.yml"
        self.config_path.write_text(AM_CONFIG)
        self.storage = folder / "alertmanager-data"
        self.storage.mkdir()
        self.log_path = folder / "alertmanager.log"
        self.home = folder / "amtool-home"  # so no amtool config of the user's steers amtool
        self.home.mkdir()
        self.process: subprocess.Popen | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "Alertmanager":
        for _ in range(3):  # the probed port may be taken before Alertmanager binds it
            self.port = free_port()
            with open(self.log_path, "ab") as log:
                self.process = subprocess.Popen(
                    [self.binary, f"--config.file={self.config_path}", f"--storage.path={self.storage}",
                     f"--web.listen-address=127.0.0.1:{self.port}", "--cluster.listen-address=",
                     "--log.level=debug"],
                    stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=clean_environment(),
                    cwd=self.folder)
            try:
                wait_until(self._ready, 30, f"Alertmanager to answer /-/ready on port {self.port}", interval=0.1)
                return self
            except _Exited:
                continue
        raise AssertionError(f"Alertmanager did not start:\n{self.logs()}")

    def _ready(self) -> bool:
        if self.process.poll() is not None:
            raise _Exited()
        try:
            return requests.get(self.url + "/-/ready", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None

    def logs(self, lines: int = 40) -> str:
        return f"--- {self.log_path} ---\n{tail(self.log_path, lines)}"

    def alerts(self, **params) -> list[dict]:
        response = requests.get(self.url + "/api/v2/alerts", params=params, timeout=5)
        assert response.status_code == 200, f"GET /api/v2/alerts: {response.status_code} {response.text}"
        return response.json()

    def amtool(self, *args: str) -> subprocess.CompletedProcess:
        env = clean_environment()
        env["HOME"] = str(self.home)
        result = subprocess.run([self.amtool_binary, f"--alertmanager.url={self.url}", *args], capture_output=True,
                                text=True, env=env, timeout=30, stdin=subprocess.DEVNULL)
        assert result.returncode == 0, \
            f"amtool {' '.join(args)} exited {result.returncode}\nstdout: {result.stdout}\nstderr: {result.stderr}"
        return result


class _Exited(Exception):
    pass


# ---------------------------------------------------------------------------------------------
# The incident

def rules_yaml(alertmanager_url: str) -> str:
    rule = """  - name: {name}
    metric: request_count
    filter:
      service: {service}
    window: 1m
    comparison: ">"
    threshold: {threshold}
    for: 0s
    severity: ticket
    labels:
      team: e2e
    annotations:
      summary: "{{{{ $labels.service }}}} made {{{{ $value }}}} calls in a minute"
      runbook: https://runbooks.example/llm/calls
    receivers: [{receiver}]
    group_by: [alertname, service]
    group_wait: 1s
    group_interval: 1s
    repeat_interval: 1h
"""
    return (f"receivers:\n  - name: {RECEIVER}\n    type: alertmanager\n    url: {alertmanager_url}\n    timeout: 5s\n"
            "rules:\n"
            + rule.format(name=RULE, service=SERVICE, threshold=0, receiver=RECEIVER)
            + rule.format(name=QUIET_RULE, service=SERVICE, threshold=1000, receiver=RECEIVER))


def expected_labels(rule: str) -> dict:
    return {"alertname": rule, "severity": "ticket", "project": PROJECT, "service": SERVICE, "team": "e2e"}


def send_spans(endpoint: str, key: str, count: int, end_ns: int) -> None:
    """`count` LLM spans of SERVICE ending at `end_ns`, through the SDK (test_alerting's sender)."""
    send_service_spans(endpoint, key, SERVICE, count, SPAN_MS, end_ns)


@dataclass
class Incident:
    alertmanager: Alertmanager
    vigil: object
    read_key: str
    sent_at: float      # when the spans were exported (unix seconds)
    window_end: float   # M+120s: the first evaluation after it resolves the alert (the 1m window reads the whole minute holding now-1m)
    seen_at: float = 0.0
    firing: dict | None = None  # the alert as Alertmanager first listed it

    def vigil_get(self, path: str, **params) -> dict:
        response = self.vigil.request("GET", path, key=self.read_key, params=params)
        assert response.status_code == 200, f"GET {path}: {response.status_code} {response.text}"
        return response.json()

    def notifications(self) -> list[dict]:
        found = self.vigil_get("/api/v1/notifications", limit="1000")["notifications"]
        return sorted((n for n in found if n["receiver"] == RECEIVER), key=lambda n: n["id"])

    def vigil_alerts(self, rule: str) -> list[dict]:
        return [a for a in self.vigil_get("/api/v1/alerts")["alerts"] if a["rule"] == rule]

    def transitions(self, rule: str) -> list[dict]:
        found = [t for t in self.vigil_get("/api/v1/alerts/history", limit="1000")["transitions"] if t["rule"] == rule]
        return sorted(found, key=lambda t: (rfc3339_micros(t["at"]), t["from"] != "inactive"))

    def diagnosis(self) -> str:
        """What Vigil says it sent to Alertmanager, and Alertmanager's log, for failure messages."""
        try:
            notes = self.notifications()
        except Exception as error:  # the diagnosis must not hide the original failure
            notes = f"(could not read: {error})"
        return f"Vigil's notifications to {RECEIVER}: {notes}\n{self.alertmanager.logs()}"

    def am_alerts(self, rule: str = RULE) -> list[dict]:
        return [a for a in self.alertmanager.alerts() if a["labels"].get("alertname") == rule]


@pytest.fixture(scope="module")
def alertmanager(log_dir):
    manager = Alertmanager(log_dir)
    try:
        yield manager.start()
    finally:
        manager.stop()


@pytest.fixture(scope="module")
def incident(alertmanager, start_vigil, cli, log_dir) -> Incident:
    rules_dir = log_dir / "rules"
    rules_dir.mkdir()
    (rules_dir / "alertmanager.yaml").write_text(rules_yaml(alertmanager.url))
    check = cli.run("rules", "check", str(rules_dir), check=False)
    assert check.returncode == 0, f"vigil rules check refused the test's rules:\n{check.stdout}{check.stderr}"

    vigil = start_vigil("am", VIGIL_RULES=rules_dir, VIGIL_EVALUATION_INTERVAL=1, VIGIL_EXTERNAL_URL=EXTERNAL_URL,
                        VIGIL_PROCESSOR_POLL_MS=200)
    ingest = cli.create_key(PROJECT, "ingest")
    read = cli.create_key(PROJECT, "read")
    incident = Incident(alertmanager=alertmanager, vigil=vigil, read_key=read, sent_at=0.0, window_end=0.0)

    def evaluating():
        rules = incident.vigil_get("/api/v1/rules")["rules"]
        return len(rules) == 2 and all(r["last_evaluation"] for r in rules)

    wait_until(evaluating, 30, "the evaluator to evaluate both rules", interval=0.2)
    assert alertmanager.alerts() == [], "Alertmanager lists alerts before the incident"

    # Send when the spans' minute has 12-58 s left in the window (see the module docstring).
    while not 2 <= time.time() % 60 <= 48:
        time.sleep(0.2)
    end_ns = time.time_ns()
    minute = (end_ns - SPAN_MS * 1_000_000) // 60_000_000_000 * 60
    incident.window_end = minute + 120.0
    send_spans(vigil.url, ingest, SPANS, end_ns)
    incident.sent_at = time.time()
    assert incident.sent_at < incident.window_end - 10, "sending took too long"

    try:
        listed = wait_until(lambda: incident.am_alerts(), max(incident.window_end - 3 - time.time(), 1),
                            f"Alertmanager to list {RULE}", interval=0.1)
    except AssertionError as error:
        raise AssertionError(f"{error}\n{incident.diagnosis()}") from None
    incident.seen_at = time.time()
    incident.firing = listed
    return incident


# ---------------------------------------------------------------------------------------------
# Tests, in order: the firing alert in the API, in amtool, then its resolution

def test_alertmanager_api_lists_vigils_firing_alert(incident):
    listed = incident.firing
    labels = expected_labels(RULE)
    assert len(listed) == 1, listed
    alert = listed[0]
    assert alert["labels"] == labels
    assert alert["annotations"] == {
        "summary": f"{SERVICE} made {go_value(SPANS)} calls in a minute",
        "runbook": "https://runbooks.example/llm/calls",
    }
    assert alert["generatorURL"] == f"{EXTERNAL_URL}/api/v1/rules?name={RULE}"
    assert alert["fingerprint"] == fingerprint(labels)
    assert alert["status"] == {"state": "active", "silencedBy": [], "inhibitedBy": []}, alert["status"]
    assert [r["name"] for r in alert["receivers"]] == [AM_RECEIVER]

    # startsAt is when Vigil fired it (Alertmanager keeps milliseconds), within seconds of the spans.
    starts = rfc3339_micros(alert["startsAt"])
    assert incident.sent_at - 1 <= starts / 1e6 <= incident.seen_at, (incident.sent_at, alert["startsAt"])
    active = incident.vigil_alerts(RULE)
    assert len(active) == 1 and active[0]["state"] == "firing", active
    assert active[0]["labels"] == labels
    assert active[0]["value"] == SPANS
    assert rfc3339_micros(active[0]["fired_at"]) // 1000 == starts // 1000, (active[0]["fired_at"], alert["startsAt"])
    transitions = incident.transitions(RULE)
    assert transitions and transitions[-1]["to"] == "firing", transitions
    assert all(t["fingerprint"] == alert["fingerprint"] for t in transitions), \
        "Vigil and Alertmanager disagree on the alert's fingerprint"
    # A firing alert holds in Alertmanager until endsAt, which Vigil sets well in the future.
    assert rfc3339_micros(alert["endsAt"]) / 1e6 > incident.seen_at + 60, alert["endsAt"]

    # The quiet rule (same service, threshold never reached) sent nothing.
    assert incident.am_alerts(QUIET_RULE) == []
    assert [a["labels"]["alertname"] for a in incident.alertmanager.alerts()] == [RULE]
    notes = incident.notifications()
    assert [(n["alert_status"], n["status"], n["attempts"]) for n in notes] == [("firing", "delivered", 1)], notes
    # Alertmanager's own filter finds it by Vigil's labels.
    filtered = incident.alertmanager.alerts(filter=[f'service="{SERVICE}"', 'severity="ticket"'])
    assert [a["fingerprint"] for a in filtered] == [alert["fingerprint"]]


def test_amtool_lists_vigils_alert(incident):
    assert time.time() < incident.window_end, "the alert resolved before amtool could look"
    simple = incident.alertmanager.amtool("alert", "query").stdout
    assert RULE in simple, f"amtool alert query does not list {RULE}:\n{simple}"
    assert QUIET_RULE not in simple, simple
    assert f"{SERVICE} made {go_value(SPANS)} calls in a minute" in simple, simple  # the Summary column
    extended = incident.alertmanager.amtool("alert", "query", "-o", "extended", f"alertname={RULE}",
                                            f"service={SERVICE}").stdout
    lines = [line for line in extended.splitlines() if RULE in line]
    assert len(lines) == 1, extended
    for name, value in expected_labels(RULE).items():
        assert f'{name}="{value}"' in lines[0], f"label {name}={value} missing in amtool's output:\n{extended}"
    assert f"{EXTERNAL_URL}/api/v1/rules?name={RULE}" in lines[0], extended
    nothing = incident.alertmanager.amtool("alert", "query", f"service=not-{SERVICE}").stdout
    assert RULE not in nothing, nothing


def test_resolved_alert_leaves_alertmanager(incident):
    """After the window, Vigil resolves the alert and posts it with its end; Alertmanager then no
    longer lists it as active, minutes before the firing alert's own endsAt would have expired."""
    firing_ends = rfc3339_micros(incident.firing[0]["endsAt"]) / 1e6
    try:
        wait_until(lambda: not incident.am_alerts(), max(incident.window_end + 20 - time.time(), 1),
                   f"Alertmanager to drop the resolved {RULE}", interval=0.2)
    except AssertionError as error:
        raise AssertionError(f"{error}\n{incident.diagnosis()}") from None
    gone_at = time.time()
    assert gone_at < firing_ends - 60, "the alert only left Alertmanager when its firing endsAt expired"
    assert incident.window_end <= gone_at, "Alertmanager dropped the alert before the incident was over"

    transitions = incident.transitions(RULE)
    assert [t["to"] for t in transitions][-1] == "resolved", transitions
    resolved_at = rfc3339_micros(transitions[-1]["at"]) / 1e6
    assert incident.window_end < resolved_at <= incident.window_end + 5, (incident.window_end, transitions[-1]["at"])
    def settled():
        notes = incident.notifications()
        return notes if len(notes) >= 2 and notes[-1]["alert_status"] == "resolved" \
            and all(n["status"] != "pending" for n in notes) else None

    notes = wait_until(settled, 10, "the resolved notification to be delivered", interval=0.2)
    # Firing alerts are posted again while they fire (as Prometheus re-sends them), so an incident
    # of one to two minutes may give a second firing post before the one resolved post.
    seen = [(n["alert_status"], n["status"], n["attempts"]) for n in notes]
    assert seen[-1] == ("resolved", "delivered", 1) and seen[:-1] and \
        all(note == ("firing", "delivered", 1) for note in seen[:-1]), notes
    assert incident.vigil_alerts(RULE) == []
    simple = incident.alertmanager.amtool("alert", "query").stdout
    assert RULE not in simple, simple
