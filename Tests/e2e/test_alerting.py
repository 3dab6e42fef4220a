"""Alerting end to end: rules over the rollups, the alert lifecycle, and webhook delivery to real
HTTP receivers in other processes (clients/webhook_receiver.py), with slow spans sent through the
real OpenTelemetry SDK.

One incident drives every delivery scenario at once, so the module costs about one rollup
minute. Five databases, each with its own `vigil serve` processes and rule folder:

- main (one process): the latency incident with a signed receiver (and a control service that
  must not fire), a receiver answering 503 three times, one answering 429 with Retry-After, one
  answering 400;
- crash (one process): kill -9 between the transition and the delivery, once with the receiver
  not listening and once with the receiver holding the request open;
- dual (two processes): one notification per transition, and the second process takes the
  evaluator's lease when the first is killed;
- isolation (one process): a receiver holding a request open does not delay another receiver's
  notification;
- order (one process): a receiver down from before the alert fires until after it resolves gets
  firing then resolved once it is back, and connection errors are retried on the backoff schedule.

Each scenario runs in its own thread from the moment the slow spans are sent; each test waits for
its scenario and re-raises what it found. `vigil rules check` and the reload endpoint are tested
on their own.

Timing: the rules use `window: 1m`, which covers the minute rows that start in [now-60s, now). The
slow spans all start in one minute M, so an alert fires a few seconds after they are sent and
resolves at the first evaluation after M+60s. The spans are sent when M+60s is 35-56 s away.
"""

from __future__ import annotations

import base64
import calendar
import hashlib
import hmac
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExportResult
from opentelemetry.trace import SpanKind

from vigil_e2e import (E2E_DIR, REPO_ROOT, Database, VigilCLI, VigilServer, clean_environment, create_database,
                       drop_database, tail, wait_until)

RECEIVER_SCRIPT = E2E_DIR / "clients" / "webhook_receiver.py"
PROJECT = "alerting"
EXTERNAL_URL = "https://vigil.e2e.example/base"
SIGNED_SECRET = "s3cret-" + secrets.token_hex(8)
RETRY_SECRET = "retry-" + secrets.token_hex(8)
SLOW_MS = 3000
ZERO_TIME = "0001-01-01T00:00:00Z"
LEASE_LINE = "alert evaluator holds the lease"
RFC3339_PATTERN = re.compile(r"^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$")
PAYLOAD_KEYS = {"version", "groupKey", "truncatedAlerts", "status", "receiver", "groupLabels", "commonLabels",
                "commonAnnotations", "externalURL", "alerts"}
ALERT_KEYS = {"status", "labels", "annotations", "startsAt", "endsAt", "generatorURL", "fingerprint"}
SETTLE = 4.0  # seconds of quiet after the last expected request, before "exactly" is believed


# ---------------------------------------------------------------------------------------------
# Small helpers

def rfc3339_micros(text: str) -> int:
    """Microseconds since the epoch of an RFC 3339 time (fails the test when it is not one)."""
    match = RFC3339_PATTERN.match(text or "")
    assert match, f"{text!r} is not an RFC 3339 time"
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    seconds = calendar.timegm((int(year), int(month), int(day), int(hour), int(minute), int(second)))
    if zone != "Z":
        sign = 1 if zone[0] == "+" else -1
        seconds -= sign * (int(zone[1:3]) * 3600 + int(zone[4:6]) * 60)
    micros = int(((fraction or "") + "000000")[:6])
    return seconds * 1_000_000 + micros


def fingerprint(labels: dict) -> str:
    """Prometheus' LabelSet.Fingerprint(): FNV-1a 64 over the sorted labels, each name and value
    followed by 0xFF, as 16 lower-case hex digits."""
    value = 0xcbf29ce484222325
    for name in sorted(labels):
        for part in (name.encode(), labels[name].encode()):
            for byte in part + b"\xff":
                value ^= byte
                value = (value * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return f"{value:016x}"


def go_value(value: float) -> str:
    """Go's %v of a float64 in the range the tests meet (1e-4 <= |v| < 1e6): the shortest digits
    that read back as the number, without a trailing .0."""
    text = repr(float(value))
    assert "e" not in text and "inf" not in text and "nan" not in text, text
    return text[:-2] if text.endswith(".0") else text


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def log_text(server: VigilServer) -> str:
    text = ""
    for path in (server.stdout_path, server.stderr_path):
        if path is not None and Path(path).exists():
            text += Path(path).read_text(errors="replace")
    return text


# ---------------------------------------------------------------------------------------------
# The webhook receivers, each a process of its own

@dataclass
class Received:
    seq: int
    received_at: float
    path: str
    headers: dict  # lower-case names
    body: bytes
    answer: int

    @property
    def payload(self) -> dict:
        return json.loads(self.body)

    @property
    def delivery(self) -> str | None:
        return self.headers.get("x-vigil-delivery")

    @property
    def status(self) -> str:
        return self.payload.get("status")

    def __repr__(self):
        return (f"<request {self.seq} at {self.received_at:.3f} answered {self.answer} delivery {self.delivery} "
                f"status {self.status}>")


class WebhookReceiver:
    """clients/webhook_receiver.py on a loopback port; `requests()` reads what it recorded."""

    def __init__(self, name: str, folder: Path, port: int = 0, **options):
        self.name = name
        self.port = port
        self.log_path = folder / f"webhook-{name}.jsonl"
        self.ready_path = folder / f"webhook-{name}.port"
        self.stderr_path = folder / f"webhook-{name}.stderr"
        self.options = options
        self.process: subprocess.Popen | None = None
        self.log_path.touch()

    @property
    def url(self) -> str:
        assert self.port, "the receiver's port is not known yet"
        return f"http://127.0.0.1:{self.port}/hooks/{self.name}"

    def start(self) -> "WebhookReceiver":
        if self.ready_path.exists():
            self.ready_path.unlink()
        args = [sys.executable, str(RECEIVER_SCRIPT), "--port", str(self.port), "--log", str(self.log_path),
                "--ready-file", str(self.ready_path)]
        for key, value in self.options.items():
            args += [f"--{key.replace('_', '-')}", str(value)]
        with open(self.stderr_path, "ab") as err:
            self.process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=err, stdin=subprocess.DEVNULL,
                                            env=clean_environment())

        def ready():
            if self.process.poll() is not None:
                raise AssertionError(f"receiver {self.name} exited {self.process.returncode}: {tail(self.stderr_path)}")
            return self.ready_path.exists()

        wait_until(ready, 20, f"receiver {self.name} to listen")
        self.port = int(self.ready_path.read_text())
        return self

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def records(self) -> list[dict]:
        return [json.loads(line) for line in self.log_path.read_text().splitlines() if line.strip()]

    def requests(self) -> list[Received]:
        return [Received(seq=r["seq"], received_at=r["received_at"], path=r["path"],
                         headers={name.lower(): value for name, value in r["headers"]},
                         body=base64.b64decode(r["body_b64"]), answer=r["answer"])
                for r in self.records() if "seq" in r]

    def answered(self) -> dict[int, dict]:
        return {r["answered"]: r for r in self.records() if "answered" in r}

    def describe(self) -> str:
        lines = []
        for request in self.requests():
            try:
                payload = request.payload
                summary = f"{payload.get('status')} {[a.get('labels', {}).get('alertname') for a in payload.get('alerts', [])]}"
            except ValueError:
                summary = request.body[:200]
            lines.append(f"  #{request.seq} at {request.received_at:.3f} answer {request.answer} "
                         f"delivery {request.delivery}: {summary}")
        return f"receiver {self.name} got {len(lines)} request(s):\n" + "\n".join(lines)

    def wait_for(self, predicate, deadline: float, what: str) -> list[Received]:
        """Waits until `predicate(requests)` holds, up to the wall-clock `deadline`."""
        timeout = max(deadline - time.time(), 0.5)
        try:
            wait_until(lambda: predicate(self.requests()), timeout, what, interval=0.1)
        except AssertionError as error:
            raise AssertionError(f"{error}\n{self.describe()}") from None
        return self.requests()


# ---------------------------------------------------------------------------------------------
# Rule files

def receiver_yaml(name: str, url: str, secret_env: str | None = None, timeout: str | None = None,
                  headers: dict | None = None) -> str:
    text = f"  - name: {name}\n    type: webhook\n    url: {url}\n"
    if secret_env:
        text += f"    secret_env: {secret_env}\n"
    if timeout:
        text += f"    timeout: {timeout}\n"
    if headers:
        text += "    headers:\n" + "".join(f"      {k}: {v}\n" for k, v in headers.items())
    return text


def latency_rule_yaml(name: str, service: str, receiver: str, hold: str = "0s") -> str:
    return f"""  - name: {name}
    metric: latency_p95
    filter:
      service: {service}
    window: 1m
    comparison: ">"
    threshold: 2000
    for: {hold}
    severity: page
    labels:
      team: e2e
    annotations:
      summary: "p95 latency of {{{{ $labels.service }}}} is {{{{ $value | printf \\"%.0f\\" }}}} ms"
      value: "{{{{ $value }}}}"
    receivers: [{receiver}]
    group_by: [alertname, service]
    group_wait: 1s
    group_interval: 1s
    repeat_interval: 1h
"""


def expected_labels(rule: str, service: str) -> dict:
    return {"alertname": rule, "severity": "page", "project": PROJECT, "service": service, "team": "e2e"}


def group_key(receiver: str, rule: str, service: str) -> str:
    return f'{{}}/{{receiver="{receiver}"}}:{{alertname="{rule}", service="{service}"}}'


# ---------------------------------------------------------------------------------------------
# Slow spans through the OpenTelemetry SDK

def send_spans(endpoint: str, key: str, service: str, count: int, duration_ms: int, end_ns: int) -> None:
    """`count` LLM spans of `service`, each `duration_ms` long and ending at `end_ns`, exported by
    the SDK's OTLP/HTTP protobuf exporter in one batch."""
    provider = TracerProvider(resource=Resource.create({"service.name": service, "deployment.environment": "e2e"}))
    exporter = OTLPSpanExporter(endpoint=f"{endpoint}/v1/traces", headers={"Authorization": f"Bearer {key}"})
    results = []
    original = exporter.export

    def export(batch, _original=original):
        result = _original(batch)
        results.append(result)
        return result

    exporter.export = export
    provider.add_span_processor(BatchSpanProcessor(exporter, max_export_batch_size=512, schedule_delay_millis=60_000))
    tracer = provider.get_tracer("vigil.e2e.alerting")
    for index in range(count):
        span = tracer.start_span("chat gpt-4o", kind=SpanKind.CLIENT, start_time=end_ns - duration_ms * 1_000_000,
                                 attributes={"gen_ai.operation.name": "chat", "gen_ai.provider.name": "openai",
                                             "gen_ai.request.model": "gpt-4o", "gen_ai.usage.input_tokens": 100 + index,
                                             "gen_ai.usage.output_tokens": 20})
        span.end(end_time=end_ns)
    assert provider.force_flush(30_000)
    provider.shutdown()
    assert results and all(r == SpanExportResult.SUCCESS for r in results), f"{service}: {results}"


# ---------------------------------------------------------------------------------------------
# Clusters: a database, its vigil processes, keys, rule folder

class Cluster:
    def __init__(self, name: str, binary: str, database: Database, log_dir: Path, rules: str, env: dict, processes: int = 1):
        self.name = name
        self.database = database
        self.rules_dir = log_dir / f"rules-{name}"
        self.rules_dir.mkdir()
        (self.rules_dir / "rules.yaml").write_text(rules)
        self.cli = VigilCLI(binary, database.url)
        self.servers = [
            VigilServer(binary, database.url, log_dir, name=f"{name}{index}", env={
                "VIGIL_RULES": str(self.rules_dir), "VIGIL_EVALUATION_INTERVAL": "1", "VIGIL_EXTERNAL_URL": EXTERNAL_URL,
                "VIGIL_PROCESSOR_POLL_MS": "200", **env,
            })
            for index in range(processes)
        ]
        self.ingest = self.read = self.admin = ""

    def start(self):
        for server in self.servers:  # one after the other: the first migrates the database
            server.start()
        self.ingest = self.cli.create_key(PROJECT, "ingest")
        self.read = self.cli.create_key(PROJECT, "read")
        self.admin = self.cli.create_key(PROJECT, "admin")

    @property
    def server(self) -> VigilServer:
        return next(server for server in self.servers if server.running)

    def get(self, path: str, **params) -> dict:
        response = self.server.request("GET", path, key=self.read, params=params)
        assert response.status_code == 200, f"GET {path}: {response.status_code} {response.text}"
        return response.json()

    def alerts(self, rule: str) -> list[dict]:
        return [a for a in self.get("/api/v1/alerts")["alerts"] if a["rule"] == rule]

    def transitions(self, rule: str) -> list[dict]:
        found = [t for t in self.get("/api/v1/alerts/history", limit="1000")["transitions"] if t["rule"] == rule]
        return sorted(found, key=lambda t: (rfc3339_micros(t["at"]), t["from"] != "inactive"))

    def notifications(self, receiver: str, status: str = "") -> list[dict]:
        params = {"limit": "1000"}
        if status:
            params["status"] = status
        return [n for n in self.get("/api/v1/notifications", **params)["notifications"] if n["receiver"] == receiver]

    def rule_status(self, rule: str) -> dict:
        return next(r for r in self.get("/api/v1/rules")["rules"] if r["name"] == rule)

    def outbox(self, receiver: str) -> list[dict]:
        return self.database.rows(
            f"SELECT id, delivery_id, alert_status, status, attempts FROM alert_outbox WHERE receiver = '{receiver}' ORDER BY id")

    def evaluating(self) -> bool:
        try:
            rules = self.get("/api/v1/rules")["rules"]
        except Exception:
            return False
        return bool(rules) and all(r["last_evaluation"] for r in rules)


class Scenario(threading.Thread):
    """One scenario's driver; `outcome()` returns its result or raises what went wrong in it."""

    def __init__(self, name: str, body, world):
        super().__init__(name=f"scenario-{name}", daemon=True)
        self.body = body
        self.world = world
        self.result = None
        self.error: BaseException | None = None

    def run(self):
        try:
            self.result = self.body(self.world)
        except BaseException as error:  # handed to the test that owns the scenario
            self.error = error

    def outcome(self, timeout: float = 240):
        self.join(timeout)
        assert not self.is_alive(), f"{self.name} is still running after {timeout:.0f} s"
        if self.error is not None:
            raise self.error
        return self.result


@dataclass
class World:
    main: Cluster
    crash: Cluster
    dual: Cluster
    isolation: Cluster
    order: Cluster
    receivers: dict
    sent_at: float = 0.0        # when the slow spans were exported (unix seconds)
    window_end: float = 0.0     # M+120s: the first evaluation after it resolves the alerts (a 1m window
                                # reads the whole minute holding now-1m, so minute M leaves it at M+120)
    lease_holder: VigilServer | None = None
    scenarios: dict | None = None


def lease_holders(cluster: Cluster) -> list[VigilServer]:
    return [server for server in cluster.servers if server.running and LEASE_LINE in log_text(server)]


@pytest.fixture(scope="module")
def world(settings, database, log_dir):
    folder = log_dir
    receivers = {
        "signed": WebhookReceiver("e2e-signed", folder),
        "retry": WebhookReceiver("e2e-retry", folder, answers="503,503,503"),
        "throttled": WebhookReceiver("e2e-throttled", folder, answers="429", retry_after="3"),
        "rejecting": WebhookReceiver("e2e-rejecting", folder, default_status=400),
        # Not listening when the alert fires: started only after vigil has been killed.
        "down": WebhookReceiver("e2e-down", folder, port=free_port()),
        "hang": WebhookReceiver("e2e-hang", folder, hang_first=1, hang_seconds=25),
        # Slow answers widen the window in which a second notifier could send the same row.
        "dual": WebhookReceiver("e2e-dual", folder, delay=1.0),
        # Holds its first request 15 s, while another receiver's alert fires.
        "iso-slow": WebhookReceiver("e2e-iso-slow", folder, hang_first=1, hang_seconds=15),
        "iso-prompt": WebhookReceiver("e2e-iso-prompt", folder),
        # Down from before the alert fires until after it has resolved.
        "late": WebhookReceiver("e2e-late", folder, port=free_port()),
    }
    extra_databases = []
    clusters = []
    try:
        for name, receiver in receivers.items():
            if name not in ("down", "late"):
                receiver.start()

        main_rules = ("receivers:\n"
                      + receiver_yaml("e2e-signed", receivers["signed"].url, secret_env="VIGIL_E2E_SIGNED_SECRET",
                                      headers={"X-E2E-Scenario": "latency"})
                      + receiver_yaml("e2e-retry", receivers["retry"].url, secret_env="VIGIL_E2E_RETRY_SECRET")
                      + receiver_yaml("e2e-throttled", receivers["throttled"].url)
                      + receiver_yaml("e2e-rejecting", receivers["rejecting"].url)
                      + "rules:\n"
                      + latency_rule_yaml("E2ELatencyHigh", "e2e-latency", "e2e-signed", hold="2s")
                      + latency_rule_yaml("E2ELatencyControl", "e2e-latency-fast", "e2e-signed")
                      + latency_rule_yaml("E2ERetry", "e2e-retry", "e2e-retry")
                      + latency_rule_yaml("E2EThrottled", "e2e-throttled", "e2e-throttled")
                      + latency_rule_yaml("E2ERejected", "e2e-rejected", "e2e-rejecting"))
        crash_rules = ("receivers:\n"
                       + receiver_yaml("e2e-down", receivers["down"].url)
                       + receiver_yaml("e2e-hang", receivers["hang"].url, timeout="40s")
                       + "rules:\n"
                       + latency_rule_yaml("E2ECrashDown", "e2e-crash-down", "e2e-down")
                       + latency_rule_yaml("E2ECrashHang", "e2e-crash-hang", "e2e-hang"))
        dual_rules = ("receivers:\n" + receiver_yaml("e2e-dual", receivers["dual"].url)
                      + "rules:\n" + latency_rule_yaml("E2EDual", "e2e-dual", "e2e-dual"))

        isolation_rules = ("receivers:\n"
                           + receiver_yaml("e2e-iso-slow", receivers["iso-slow"].url, timeout="30s")
                           + receiver_yaml("e2e-iso-prompt", receivers["iso-prompt"].url)
                           + "rules:\n"
                           + latency_rule_yaml("E2EIsoSlow", "e2e-iso-slow", "e2e-iso-slow")
                           + latency_rule_yaml("E2EIsoPrompt", "e2e-iso-prompt", "e2e-iso-prompt"))
        order_rules = ("receivers:\n" + receiver_yaml("e2e-late", receivers["late"].url)
                       + "rules:\n" + latency_rule_yaml("E2EOrder", "e2e-order", "e2e-late"))
        for name in ("crash", "dual", "isolation", "order"):
            db = create_database(settings.admin_url, f"e2e_alerting_{name}_{secrets.token_hex(3)}")
            extra_databases.append(db)
        main = Cluster("main", settings.binary, database, folder, main_rules,
                       {"VIGIL_E2E_SIGNED_SECRET": SIGNED_SECRET, "VIGIL_E2E_RETRY_SECRET": RETRY_SECRET})
        crash = Cluster("crash", settings.binary, extra_databases[0], folder, crash_rules, {})
        dual = Cluster("dual", settings.binary, extra_databases[1], folder, dual_rules, {}, processes=2)
        isolation = Cluster("isolation", settings.binary, extra_databases[2], folder, isolation_rules, {})
        order = Cluster("order", settings.binary, extra_databases[3], folder, order_rules, {})
        clusters = [main, crash, dual, isolation, order]
        for cluster in clusters:
            cluster.start()
        for cluster in clusters:
            wait_until(cluster.evaluating, 30, f"the {cluster.name} evaluator to evaluate every rule", interval=0.2)
        holders = wait_until(lambda: lease_holders(dual) or None, 30, "a dual process to take the evaluator's lease")
        time.sleep(3)  # longer than the lease retry: the other process has tried and failed by now
        holders = lease_holders(dual)
        assert len(holders) == 1, f"{len(holders)} of the two dual processes say {LEASE_LINE!r}"
        world = World(main=main, crash=crash, dual=dual, isolation=isolation, order=order, receivers=receivers,
                      lease_holder=holders[0])

        # Send when the spans' minute has 35-56 s left in the window (see the module docstring).
        while not 4 <= time.time() % 60 <= 25:
            time.sleep(0.2)
        end_ns = time.time_ns()
        minute = (end_ns - SLOW_MS * 1_000_000) // 60_000_000_000 * 60
        world.window_end = minute + 120.0
        other = next(server for server in dual.servers if server is not world.lease_holder)
        sends = [
            (main.server.url, main.ingest, "e2e-latency", SLOW_MS),
            (main.server.url, main.ingest, "e2e-latency-fast", 100),
            (main.server.url, main.ingest, "e2e-retry", SLOW_MS),
            (main.server.url, main.ingest, "e2e-throttled", SLOW_MS),
            (main.server.url, main.ingest, "e2e-rejected", SLOW_MS),
            (crash.server.url, crash.ingest, "e2e-crash-down", SLOW_MS),
            (crash.server.url, crash.ingest, "e2e-crash-hang", SLOW_MS),
            (other.url, dual.ingest, "e2e-dual", SLOW_MS),  # collected by one process, evaluated by the other
            (isolation.server.url, isolation.ingest, "e2e-iso-slow", SLOW_MS),  # e2e-iso-prompt: by its scenario
            (order.server.url, order.ingest, "e2e-order", SLOW_MS),
        ]
        for url, key, service, duration in sends:
            send_spans(url, key, service, 20, duration, end_ns)
        world.sent_at = time.time()
        assert world.sent_at < world.window_end - 30, "sending took too long"

        world.scenarios = {name: Scenario(name, body, world) for name, body in SCENARIOS.items()}
        for scenario in world.scenarios.values():
            scenario.start()
        yield world
        for scenario in world.scenarios.values():
            scenario.join(60)
    finally:
        for cluster in clusters:
            for server in cluster.servers:
                server.stop()
        for receiver in receivers.values():
            receiver.stop()
        if not os.environ.get("VIGIL_E2E_KEEP_DATABASES"):
            for db in extra_databases:
                drop_database(settings.admin_url, db.name)


# ---------------------------------------------------------------------------------------------
# Scenario 1: the latency incident, signed, with lifecycle and API

def check_firing_payload(request: Received, receiver: str, rule: str, service: str, secret: str | None) -> dict:
    payload = request.payload
    labels = expected_labels(rule, service)
    assert set(payload) == PAYLOAD_KEYS, payload
    assert payload["version"] == "4"
    assert payload["status"] == "firing"
    assert payload["receiver"] == receiver
    assert payload["groupKey"] == group_key(receiver, rule, service)
    assert payload["truncatedAlerts"] == 0
    assert payload["groupLabels"] == {"alertname": rule, "service": service}
    assert payload["commonLabels"] == labels
    assert payload["externalURL"] == EXTERNAL_URL
    assert len(payload["alerts"]) == 1, payload["alerts"]
    alert = payload["alerts"][0]
    assert set(alert) == ALERT_KEYS, alert
    assert alert["status"] == "firing"
    assert alert["labels"] == labels
    assert alert["fingerprint"] == fingerprint(labels)
    assert alert["generatorURL"] == f"{EXTERNAL_URL}/api/v1/rules?name={rule}"
    assert alert["endsAt"] == ZERO_TIME
    rfc3339_micros(alert["startsAt"])
    assert payload["commonAnnotations"] == alert["annotations"]
    assert request.headers.get("content-type", "").startswith("application/json")
    assert request.headers.get("user-agent") == "Vigil"
    delivery = request.delivery
    assert delivery, f"no X-Vigil-Delivery header: {request.headers}"
    uuid.UUID(delivery)
    if secret is None:
        assert "x-vigil-signature" not in request.headers
    else:
        assert request.headers.get("x-vigil-signature") == signature(secret, request.body), \
            "X-Vigil-Signature does not verify with the receiver's secret"
    return alert


def check_annotations(alert: dict, value: float, service: str):
    assert alert["annotations"] == {
        "summary": f"p95 latency of {service} is {value:.0f} ms",
        "value": go_value(value),
    }


def scenario_latency(world: World) -> dict:
    main, receiver = world.main, world.receivers["signed"]
    rule, service = "E2ELatencyHigh", "e2e-latency"
    labels = expected_labels(rule, service)

    requests = receiver.wait_for(lambda r: r, world.window_end - 5, "the firing notification")
    seen_at = time.time()
    # While the incident lasts: the alert is firing in the API.
    active = main.alerts(rule)
    status = main.rule_status(rule)
    assert seen_at < world.window_end - 3, "the firing notification came too late to check the alert while it fires"
    assert [r.status for r in requests] == ["firing"], receiver.describe()
    firing = requests[0]
    assert firing.answer == 200
    alert = check_firing_payload(firing, "e2e-signed", rule, service, SIGNED_SECRET)
    assert firing.headers.get("x-e2e-scenario") == "latency", "the receiver's extra header is missing"
    assert firing.received_at < world.window_end

    assert len(active) == 1, active
    assert active[0]["state"] == "firing"
    assert active[0]["labels"] == labels
    value = active[0]["value"]
    assert abs(value - SLOW_MS) <= SLOW_MS * 0.01, f"p95 of {SLOW_MS} ms spans is {value}"
    assert rfc3339_micros(active[0]["fired_at"]) == rfc3339_micros(alert["startsAt"])
    assert rfc3339_micros(active[0]["fired_at"]) - rfc3339_micros(active[0]["active_at"]) >= 2_000_000, \
        "for: 2s: it must have been pending at least 2 s"
    fired = rfc3339_micros(alert["startsAt"]) / 1e6
    assert world.sent_at - 1 <= fired <= world.sent_at + 15, (world.sent_at, alert["startsAt"])
    check_annotations(alert, value, service)
    assert status["metric"] == "latency_p95" and status["threshold"] == 2000 and status["windows"] == ["1m"]
    assert status["for"] == "2s" and status["receivers"] == ["e2e-signed"]
    assert status["alerts"] == {"firing": 1}, status
    assert status["last_error"] is None and status["last_evaluation"]

    # After the window: exactly one resolved notification.
    requests = receiver.wait_for(lambda r: len(r) >= 2, world.window_end + 20, "the resolved notification")
    time.sleep(SETTLE)
    requests = receiver.requests()
    assert [r.status for r in requests] == ["firing", "resolved"], receiver.describe()
    resolved = requests[1]
    assert resolved.answer == 200
    payload = resolved.payload
    assert set(payload) == PAYLOAD_KEYS
    assert payload["version"] == "4" and payload["receiver"] == "e2e-signed"
    assert payload["groupKey"] == firing.payload["groupKey"]
    assert payload["commonLabels"] == labels
    assert len(payload["alerts"]) == 1
    ended = payload["alerts"][0]
    assert ended["status"] == "resolved"
    assert ended["labels"] == labels and ended["fingerprint"] == alert["fingerprint"]
    assert ended["startsAt"] == alert["startsAt"]
    assert ended["endsAt"] != ZERO_TIME
    ends = rfc3339_micros(ended["endsAt"]) / 1e6
    assert world.window_end < ends <= world.window_end + 5, \
        f"resolved at {ended['endsAt']}; the spans left the 1m window at {world.window_end}"
    check_annotations(ended, value, service)
    assert resolved.delivery and resolved.delivery != firing.delivery
    assert resolved.headers.get("x-vigil-signature") == signature(SIGNED_SECRET, resolved.body)

    # Not active any more; the history has the whole lifecycle; both notifications delivered.
    assert main.alerts(rule) == []
    transitions = main.transitions(rule)
    assert [(t["from"], t["to"]) for t in transitions] == [("inactive", "pending"), ("pending", "firing"), ("firing", "resolved")], transitions
    for transition in transitions:
        assert transition["labels"] == labels and transition["fingerprint"] == alert["fingerprint"]
    assert rfc3339_micros(transitions[1]["at"]) == rfc3339_micros(alert["startsAt"])
    assert rfc3339_micros(transitions[2]["at"]) == rfc3339_micros(ended["endsAt"])
    assert transitions[1]["value"] == value
    notes = sorted(main.notifications("e2e-signed"), key=lambda n: n["id"])
    assert [(n["alert_status"], n["status"], n["attempts"]) for n in notes] == [("firing", "delivered", 1), ("resolved", "delivered", 1)], notes
    assert [n["delivery_id"] for n in notes] == [firing.delivery, resolved.delivery]
    # The control service (fast spans, same receiver) never fired.
    assert main.transitions("E2ELatencyControl") == []
    return {"fired": alert["startsAt"], "resolved": ended["endsAt"]}


# ---------------------------------------------------------------------------------------------
# Scenario 2: retries

def scenario_retry(world: World) -> dict:
    main, receiver = world.main, world.receivers["retry"]
    requests = receiver.wait_for(lambda r: any(x.answer == 200 for x in r), world.window_end - 2,
                                 "the notification to get through after three 503s")
    firing = requests[:4]
    assert [r.answer for r in firing] == [503, 503, 503, 200], receiver.describe()
    deliveries = {r.delivery for r in firing}
    assert len(deliveries) == 1 and None not in deliveries, f"one delivery id across the attempts: {receiver.describe()}"
    assert len({r.body for r in firing}) == 1, "every attempt sends the same bytes"
    for request in firing:
        assert request.headers.get("x-vigil-signature") == signature(RETRY_SECRET, request.body)
    check_firing_payload(firing[0], "e2e-retry", "E2ERetry", "e2e-retry", RETRY_SECRET)
    gaps = [b.received_at - a.received_at for a, b in zip(firing, firing[1:])]
    # 1 s doubling, less up to half of it as jitter; plus the notifier's polling.
    for number, gap in enumerate(gaps):
        base = 2 ** number
        assert base * 0.5 - 0.05 <= gap <= base + 1.5, f"gap {number + 1} between attempts is {gap:.2f} s: {gaps}"
    notes = [n for n in main.notifications("e2e-retry") if n["delivery_id"] == firing[0].delivery]
    assert len(notes) == 1 and notes[0]["status"] == "delivered" and notes[0]["attempts"] == 4, notes

    requests = receiver.wait_for(lambda r: len(r) >= 5, world.window_end + 20, "the resolved notification")
    time.sleep(SETTLE)
    requests = receiver.requests()
    assert [(r.status, r.answer) for r in requests] == [("firing", 503)] * 3 + [("firing", 200), ("resolved", 200)], receiver.describe()
    assert requests[4].delivery not in deliveries
    return {"gaps": gaps}


def scenario_throttled(world: World) -> dict:
    main, receiver = world.main, world.receivers["throttled"]
    requests = receiver.wait_for(lambda r: len(r) >= 2, world.window_end - 2, "the attempt after the 429")
    first, second = requests[:2]
    assert (first.answer, second.answer) == (429, 200), receiver.describe()
    assert first.delivery == second.delivery and first.body == second.body
    gap = second.received_at - first.received_at
    assert 2.9 <= gap <= 4.5, f"Retry-After: 3 was answered, and the next attempt came {gap:.2f} s later"
    notes = [n for n in main.notifications("e2e-throttled") if n["delivery_id"] == first.delivery]
    assert len(notes) == 1 and notes[0]["status"] == "delivered" and notes[0]["attempts"] == 2, notes
    return {"gap": gap}


def scenario_rejected(world: World) -> dict:
    main, receiver = world.main, world.receivers["rejecting"]
    requests = receiver.wait_for(lambda r: r, world.window_end - 10, "the notification")
    time.sleep(5)  # longer than the first retries would have been
    requests = [r for r in receiver.requests() if r.status == "firing"]
    assert len(requests) == 1 and requests[0].answer == 400, f"a 400 is not retried: {receiver.describe()}"
    notes = [n for n in main.notifications("e2e-rejecting", status="dead") if n["delivery_id"] == requests[0].delivery]
    assert len(notes) == 1, main.notifications("e2e-rejecting")
    assert notes[0]["attempts"] == 1 and notes[0]["alert_status"] == "firing"
    assert "400" in (notes[0]["last_error"] or ""), notes[0]
    return {}


# ---------------------------------------------------------------------------------------------
# Scenario 3: kill -9 between the transition and the delivery

def scenario_crash(world: World) -> dict:
    crash, down, hang = world.crash, world.receivers["down"], world.receivers["hang"]
    server = crash.servers[0]

    def ready_to_kill():
        rows = crash.outbox("e2e-down") + crash.outbox("e2e-hang")
        return len(rows) == 2 and hang.requests()

    wait_until(ready_to_kill, max(world.window_end - 25 - time.time(), 1), "both firing notifications in the outbox and the hung request",
               interval=0.05)
    before = {row["delivery_id"]: row for row in crash.outbox("e2e-down") + crash.outbox("e2e-hang")}
    assert all(row["status"] == "pending" and row["alert_status"] == "firing" for row in before.values()), before
    server.kill()  # SIGKILL: the hung request is still open, the unreachable one still pending
    after = {row["delivery_id"]: row for row in crash.outbox("e2e-down") + crash.outbox("e2e-hang")}
    assert set(after) == set(before) and all(row["status"] == "pending" for row in after.values()), after
    down_id = crash.outbox("e2e-down")[0]["delivery_id"]
    hang_id = crash.outbox("e2e-hang")[0]["delivery_id"]
    assert [r.delivery for r in hang.requests()] == [hang_id]

    down.start()
    server.start()
    wait_until(lambda: all(row["status"] == "delivered" for row in crash.outbox("e2e-down") + crash.outbox("e2e-hang")),
               max(world.window_end - time.time(), 15), "both notifications to be delivered after the restart", interval=0.1)
    assert [(r.delivery, r.status, r.answer) for r in down.requests()] == [(down_id, "firing", 200)], down.describe()
    hung = hang.requests()
    assert [(r.delivery, r.status) for r in hung] == [(hang_id, "firing")] * 2, hang.describe()
    assert hung[0].body == hung[1].body and hung[1].answer == 200

    # The restarted evaluator carries on from the stored state: one resolved each, nothing fired again.
    for receiver in (down, hang):
        receiver.wait_for(lambda r: any(x.status == "resolved" for x in r), world.window_end + 20,
                          f"the resolved notification at {receiver.name}")
    time.sleep(SETTLE)
    assert [r.status for r in down.requests()] == ["firing", "resolved"], down.describe()
    assert [r.status for r in hang.requests()] == ["firing", "firing", "resolved"], hang.describe()
    assert down.requests()[1].delivery != down_id and hang.requests()[2].delivery != hang_id
    for rule in ("E2ECrashDown", "E2ECrashHang"):
        transitions = crash.transitions(rule)
        assert [(t["from"], t["to"]) for t in transitions] == [("inactive", "firing"), ("firing", "resolved")], (rule, transitions)
    rows = crash.outbox("e2e-down") + crash.outbox("e2e-hang")
    assert len(rows) == 4 and all(row["status"] == "delivered" for row in rows), rows
    return {}


# ---------------------------------------------------------------------------------------------
# Scenario 4: two processes on one database

def scenario_dual(world: World) -> dict:
    dual, receiver = world.dual, world.receivers["dual"]
    holder = world.lease_holder
    survivor = next(server for server in dual.servers if server is not holder)
    requests = receiver.wait_for(lambda r: r, world.window_end - 15, "the firing notification")
    time.sleep(2.5)  # more than the receiver's 1 s answer: a second sender would have shown up by now
    requests = receiver.requests()
    assert [r.status for r in requests] == ["firing"], receiver.describe()
    check_firing_payload(requests[0], "e2e-dual", "E2EDual", "e2e-dual", None)
    assert lease_holders(dual) == [holder], "still one evaluator"

    holder.kill()
    wait_until(lambda: LEASE_LINE in log_text(survivor), 15, "the surviving process to take the evaluator's lease")
    requests = receiver.wait_for(lambda r: len(r) >= 2, world.window_end + 20, "the resolved notification")
    time.sleep(SETTLE)
    requests = receiver.requests()
    assert [r.status for r in requests] == ["firing", "resolved"], receiver.describe()
    assert requests[0].delivery != requests[1].delivery
    transitions = dual.transitions("E2EDual")
    assert [(t["from"], t["to"]) for t in transitions] == [("inactive", "firing"), ("firing", "resolved")], transitions
    rows = dual.outbox("e2e-dual")
    assert [(row["alert_status"], row["status"], row["attempts"]) for row in rows] == [("firing", "delivered", 1), ("resolved", "delivered", 1)], rows
    assert [row["delivery_id"] for row in rows] == [r.delivery for r in requests]
    return {}


# ---------------------------------------------------------------------------------------------
# Scenario 5: one receiver's trouble is not every receiver's

def scenario_isolation(world: World) -> dict:
    """While one receiver holds a request open, another receiver's new alert is notified as
    promptly as ever (the issue's alert-latency target: the evaluation interval plus a second)."""
    iso, slow, prompt = world.isolation, world.receivers["iso-slow"], world.receivers["iso-prompt"]
    slow.wait_for(lambda r: r, world.window_end - 25, "the slow receiver's request")
    send_spans(iso.server.url, iso.ingest, "e2e-iso-prompt", 20, SLOW_MS, time.time_ns())
    requests = prompt.wait_for(lambda r: r, world.window_end - 2, "the prompt receiver's notification")
    firing = [t for t in iso.transitions("E2EIsoPrompt") if t["to"] == "firing"]
    assert len(firing) == 1, firing
    fired = rfc3339_micros(firing[0]["at"]) / 1e6
    latency = requests[0].received_at - fired
    slow_opened = slow.requests()[0].received_at
    slow_answered = slow.answered().get(1, {}).get("at", float("nan"))
    # group_wait 1s + an evaluation (1 s) + the notifier's poll, with room to spare.
    assert latency <= 4.0, (
        f"E2EIsoPrompt fired at {firing[0]['at']}; its receiver got the notification {latency:.1f} s later. "
        f"The other receiver's request was opened {fired - slow_opened:.1f} s before the firing and answered "
        f"{slow_answered - fired:.1f} s after it; the prompt notification came {requests[0].received_at - slow_answered:.2f} s "
        f"after that answer")
    return {"latency": latency}


# ---------------------------------------------------------------------------------------------
# Scenario 6: a receiver down for the whole incident

def scenario_order(world: World) -> dict:
    """A receiver down from before the alert fires until after it resolves gets, once back, the
    firing notification and then the resolved one, each once: the last word is "resolved"."""
    order, late = world.order, world.receivers["late"]

    def resolved():
        return [(t["from"], t["to"]) for t in order.transitions("E2EOrder")] == [("inactive", "firing"), ("firing", "resolved")]

    wait_until(resolved, max(world.window_end + 20 - time.time(), 1), "E2EOrder to fire and resolve", interval=0.2)
    # The resolved notification reaches the outbox after group_wait/group_interval (1 s).
    wait_until(lambda: len(order.outbox("e2e-late")) >= 2, 30, "the resolved notification in the outbox", interval=0.2)
    rows = order.outbox("e2e-late")
    assert [(row["alert_status"], row["status"]) for row in rows] == [("firing", "pending"), ("resolved", "pending")], rows
    fired = rfc3339_micros(order.transitions("E2EOrder")[0]["at"]) / 1e6
    down_for = time.time() - fired
    late.start()
    started = time.time()
    requests = late.wait_for(lambda r: len(r) >= 2, time.time() + 90, "both notifications once the receiver is back")
    time.sleep(SETTLE)
    requests = late.requests()
    deliveries = {row["alert_status"]: row["delivery_id"] for row in rows}
    problems = []
    if [(r.status, r.delivery) for r in requests] != [("firing", deliveries["firing"]), ("resolved", deliveries["resolved"])]:
        problems.append("the receiver did not get firing then resolved, once each")
    # Connection errors retry after 1 s doubling, less jitter: in 16 s or so there are 5 attempts.
    if rows[0]["attempts"] < 5:
        problems.append(f"only {rows[0]['attempts']} attempts at the firing notification in the {down_for:.0f} s "
                        "the receiver refused connections")
    assert not problems, (f"{'; '.join(problems)}.\nOutbox before the receiver came back: {rows}\n"
                          f"receiver started {started - fired:.1f} s after the alert fired; {late.describe()}")
    return {}


SCENARIOS = {
    "latency": scenario_latency,
    "retry": scenario_retry,
    "throttled": scenario_throttled,
    "rejected": scenario_rejected,
    "crash": scenario_crash,
    "dual": scenario_dual,
    "isolation": scenario_isolation,
    "order": scenario_order,
}


# ---------------------------------------------------------------------------------------------
# The tests

def test_latency_incident_sends_one_signed_firing_and_one_resolved_notification(world):
    """Slow spans through the SDK fire E2ELatencyHigh (p95 > 2000 ms over 1m, for 2s): the signed
    receiver gets exactly one firing notification in Alertmanager's webhook format (labels,
    annotations with the value, startsAt, fingerprint, groupKey, signature, delivery id), the API
    shows the alert firing; when the spans leave the window, exactly one resolved notification
    with its own delivery id, the alert is gone from the API, the history has inactive → pending
    → firing → resolved, and both notifications are delivered. The control service never fires."""
    world.scenarios["latency"].outcome()


def test_receiver_answering_503_three_times_gets_the_notification_with_one_delivery_id(world):
    """Four attempts (503, 503, 503, 200) with the same X-Vigil-Delivery, body and signature, about
    1, 2 and 4 s apart (less jitter); the notification is delivered with 4 attempts."""
    world.scenarios["retry"].outcome()


def test_retry_after_of_a_429_is_honoured(world):
    world.scenarios["throttled"].outcome()


def test_a_400_is_not_retried_and_the_notification_is_dead(world):
    world.scenarios["rejected"].outcome()


def test_kill_minus_nine_between_transition_and_delivery_delivers_after_restart(world):
    """The outbox keeps the notifications across kill -9: one whose receiver was not listening is
    delivered once after the restart; one whose request was open when vigil died is sent again
    with the same delivery id. The restarted evaluator does not fire again and resolves once."""
    world.scenarios["crash"].outcome()


def test_two_processes_on_one_database_send_one_notification_per_transition(world):
    """Two `vigil serve` on one database: one holds the evaluator's lease, the receiver gets one
    request per transition; after kill -9 of the holder, the other takes the lease and sends the
    resolved notification, once."""
    world.scenarios["dual"].outcome()


def test_a_slow_receiver_does_not_hold_up_another_receivers_notification(world):
    world.scenarios["isolation"].outcome()


def test_receiver_down_through_the_incident_gets_firing_then_resolved(world):
    world.scenarios["order"].outcome()


def test_rules_reload(world):
    """POST /api/v1/rules/reload: the instance's operator only (it reloads every project's rules);
    a broken file is refused with its problems and the rules in force stay; a good one is taken."""
    main = world.main
    before = [r["name"] for r in main.get("/api/v1/rules")["rules"]]
    for key in (main.read, main.admin):
        response = main.server.request("POST", "/api/v1/rules/reload", key=key)
        assert response.status_code == 403, response.text
    operator = main.cli.run("keys", "create", "--role", "operator", "--name", "e2e reload").stdout.strip()
    broken = main.rules_dir / "zz-extra.yaml"
    broken.write_text("rules:\n  - name: E2EReloaded\n    metric: latency_p96\n    window: 1m\n"
                      "    comparison: \">\"\n    threshold: 1\n    receivers: [e2e-signed]\n")
    try:
        response = main.server.request("POST", "/api/v1/rules/reload", key=operator)
        assert response.status_code == 400, response.text
        message = response.json()["error"]["message"]
        assert message.startswith("the rule files have problems; the rules in force are unchanged:\n"), message
        assert f'\n{broken}:3:13: unknown metric "latency_p96" (did you mean "latency_p90"?)' in message, message
        assert [r["name"] for r in main.get("/api/v1/rules")["rules"]] == before
        broken.write_text(broken.read_text().replace("latency_p96", "latency_p99"))
        response = main.server.request("POST", "/api/v1/rules/reload", key=operator)
        assert response.status_code == 200, response.text
        assert response.json() == {"rules": len(before) + 1, "receivers": 4}
        assert [r["name"] for r in main.get("/api/v1/rules")["rules"]] == before + ["E2EReloaded"]
    finally:
        broken.unlink()
        main.server.request("POST", "/api/v1/rules/reload", key=operator)


# ---------------------------------------------------------------------------------------------
# vigil rules check

BROKEN_SYNTAX = """\
rules:
  - name: Broken
    metric: latency_p95
    filter: {service: chat
    window: 5m
"""

GOOD_RECEIVERS = """\
receivers:
  - name: pager
    url: http://127.0.0.1:9/hook
rules:
  - name: SlowChat
    metric: latency_p95
    window: 5m
    comparison: ">"
    threshold: 2000
    receivers: [pager]
"""

BROKEN_RULES = """\
rules:
  - name: TypoMetric
    metric: latency_p59
    window: 5m
    comparison: ">"
    threshold: 2000
    receivers: [pager]
  - name: BadWindow
    metric: error_rate
    window: 5 minutes
    comparison: ">"
    threshold: 0.05
    receivers: [pager]
  - name: NoSuchReceiver
    metric: request_count
    window: 1m
    comparison: "<"
    threshold: 1
    receivers: [pager, nobody]
  - name: SlowChat
    metric: latency_p99
    window: 10m
    comparison: ">"
    threshold: 5000
    receivers: [pager]
  - name: Misspelt
    metric: cost_usd
    window: 1h
    comparison: ">="
    treshold: 5
    receivers: [pager]
"""

METRICS = ("request_count, error_rate, latency_p50, latency_p90, latency_p95, latency_p99, ttft_p50, ttft_p90, "
           "ttft_p95, ttft_p99, input_tokens, output_tokens, cost_usd, quality_mean, check_rate, drift_psi_mean, "
           "drift_psi_max, drift_flag, burn_rate, budget_burn")


def test_rules_check(cli, tmp_path):
    """The shipped rules pass; broken files exit 1 with every problem as file:line:column: message;
    `vigil serve` refuses to start on them."""
    shipped = sorted(p.name for p in (REPO_ROOT / "alerts").iterdir() if p.suffix in (".yaml", ".yml"))
    assert shipped, "no rule files in alerts/"
    result = subprocess.run([cli.binary, "rules", "check", "alerts/"], capture_output=True, text=True,
                            env=cli.env(), cwd=REPO_ROOT, timeout=60)
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(rf"ok: {len(shipped)} files, \d+ rules, \d+ receivers, \d+ SLOs\n", result.stdout), result.stdout
    assert result.stderr == ""
    # Without arguments: VIGIL_RULES, else the shipped alerts/ folder.
    default = cli.run("rules", "check")
    assert default.stdout == result.stdout

    syntax = tmp_path / "syntax.yaml"
    syntax.write_text(BROKEN_SYNTAX)
    result = cli.run("rules", "check", str(syntax), check=False)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.splitlines() == [
        f"{syntax}:5:11: YAML syntax error: did not find expected ',' or '}}' (while parsing a flow mapping at 4:13)",
        "1 problem in 1 file",
    ], result.stderr

    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "a-receivers.yaml").write_text(GOOD_RECEIVERS)
    (folder / "b-rules.yaml").write_text(BROKEN_RULES)
    (folder / "notes.txt").write_text("not a rule file\n")
    result = cli.run("rules", "check", str(folder), check=False)
    b = folder / "b-rules.yaml"
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.splitlines() == [
        f'{b}:3:13: unknown metric "latency_p59" (did you mean "latency_p50"?); metrics: {METRICS}',
        f'{b}:10:13: bad duration "5 minutes" for "window": expected a whole number and a unit such as 30s, 5m, 2h, 28d or 1h30m',
        f'{b}:19:24: unknown receiver "nobody" (receivers: pager)',
        f'{b}:20:11: duplicate rule name "SlowChat" (first defined at {folder / "a-receivers.yaml"}:5:11)',
        f'{b}:26:5: missing required field "threshold" in rule "Misspelt"',
        f'{b}:30:5: unknown key "treshold" in a rule (did you mean "threshold"?)',
        "6 problems in 2 files",
    ], result.stderr
    # The good file alone is fine.
    result = cli.run("rules", "check", str(folder / "a-receivers.yaml"))
    assert result.stdout == "ok: 1 file, 1 rules, 1 receivers, 0 SLOs\n"

    # vigil serve checks the rules before it listens.
    env = cli.env({"VIGIL_RULES": str(folder), "VIGIL_LISTEN": "127.0.0.1:0", "VIGIL_GRPC_LISTEN": "127.0.0.1:0"})
    serve = subprocess.run([cli.binary, "serve"], capture_output=True, text=True, env=env, timeout=60,
                           stdin=subprocess.DEVNULL, cwd=tmp_path)
    assert serve.returncode != 0
    assert "Vigil is listening" not in serve.stdout
    assert f'{b}:19:24: unknown receiver "nobody" (receivers: pager)' in serve.stderr + serve.stdout, serve.stderr
