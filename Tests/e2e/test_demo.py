"""`vigil demo` end to end: a real `vigil serve`, the demo run against it with its live timeline
played 7.5 times faster (a beat of 2 s: the four minutes of incidents in 32 s), and a rule file
whose webhook receiver points where the demo listens, with short windows and `for`, evaluated
every second. Then, from the database and the API: every service and model landed, the latency
incident, the error burst and the cost spike show in the rollups where they were played, a drift
report before the drift is green and one after it red, and the demo printed a firing alert its
receiver got. Also: the demo's refusal when nothing listens, and the report-now route's errors.
"""

from __future__ import annotations

import calendar
import re
import socket
import subprocess
import time

import pytest

from vigil_e2e import VigilCLI

PROJECT = "demo"
SPEED = "7.5"
DURATION = "40s"
BACKFILL = "20m"
SEED = "7"
SERVICES = {"chat", "search-rag", "agent-worker"}
SERVICE_MODELS = {
    ("chat", "gpt-4o-mini"), ("chat", "claude-3-5-haiku"),
    ("search-rag", "acme-rewriter-1b"), ("search-rag", "text-embedding-3-small"), ("search-rag", "gemini-2.0-flash"),
    ("agent-worker", "claude-sonnet-4"), ("agent-worker", "gpt-4.1-mini"), ("agent-worker", "mistral-small"),
    ("agent-worker", "claude-opus-4"),
}
TIME = re.compile(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d+))?Z")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def seconds(text: str) -> float:
    """Unix seconds of an RFC 3339 UTC time."""
    match = TIME.fullmatch(text)
    assert match, f"{text!r} is not an RFC 3339 UTC time"
    year, month, day, hour, minute, second, fraction = match.groups()
    return calendar.timegm((int(year), int(month), int(day), int(hour), int(minute), int(second))) + float("0." + (fraction or "0"))


def rules_yaml(port: int) -> str:
    return f"""receivers:
  - name: demo-hook
    type: webhook
    url: http://127.0.0.1:{port}/demo
  - name: demo-signed
    type: webhook
    url: http://127.0.0.1:{port}/signed
    secret_env: VIGIL_DEMO_UNSET_SECRET
rules:
  - name: DemoChatLatency
    metric: latency_p95
    filter:
      service: chat
      model: gpt-4o-mini
    window: 1m
    comparison: ">"
    threshold: 2000
    for: 2s
    severity: page
    annotations:
      summary: "p95 latency of chat on gpt-4o-mini is {{{{ $value | printf \\"%.0f\\" }}}} ms"
    receivers: [demo-hook]
    group_wait: 1s
  - name: DemoSonnetErrors
    metric: error_rate
    filter:
      service: agent-worker
      model: claude-sonnet-4
    window: 1m
    comparison: ">"
    threshold: 0.02
    for: 1s
    severity: page
    receivers: [demo-hook]
    group_wait: 1s
  - name: DemoSpend
    metric: cost_usd
    by: [service]
    window: 1h
    comparison: ">"
    threshold: 50
    severity: warning
    receivers: [demo-hook, demo-signed]
    group_wait: 1s
"""


@pytest.fixture(scope="module")
def setup(start_vigil, cli, log_dir):
    port = free_port()
    rules = log_dir / "demo-rules.yaml"
    rules.write_text(rules_yaml(port))
    server = start_vigil("demo", VIGIL_RULES=str(rules), VIGIL_EVALUATION_INTERVAL="1", VIGIL_PROCESSOR_POLL_MS="200")
    return server, rules, port


@pytest.fixture(scope="module")
def run(setup, cli):
    """The demo, run once for the module: its output, and the times it printed."""
    server, rules, port = setup
    started = time.time()
    result = subprocess.run(
        [cli.binary, "demo", "--url", server.url, "--project", PROJECT, "--backfill", BACKFILL, "--duration", DURATION,
         "--speed", SPEED, "--seed", SEED],
        capture_output=True, text=True, timeout=150, stdin=subprocess.DEVNULL, env=cli.env({"VIGIL_RULES": str(rules)}),
    )
    assert result.returncode == 0, f"vigil demo exited {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    out = result.stdout
    live = re.search(r"Live traffic starts at (\S+Z)", out)
    assert live, out
    starts = {phase: seconds(at) for phase, at in re.findall(r"▶ (\S+) starts at (\S+Z)", out)}
    ends = {phase: seconds(at) for phase, at in re.findall(r"■ (\S+) ends at (\S+Z)", out)}
    assert set(starts) == {"latency-incident", "error-burst", "cost-spike", "topic-drift"}, out
    assert set(ends) == set(starts), out
    return {"out": out, "err": result.stderr, "started": started, "live": seconds(live.group(1)), "starts": starts, "ends": ends,
            "port": port, "server": server}


@pytest.fixture(scope="module")
def read_key(cli, run):
    return cli.create_key(PROJECT, "read")


@pytest.fixture(scope="module")
def operate_key(cli, run):
    return cli.create_key(PROJECT, "operate")


def api(run, read_key, path: str, **params) -> dict:
    response = run["server"].request("GET", path, key=read_key, params=params, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def project_id(database) -> int:
    return int(database.scalar(f"SELECT project_id FROM projects WHERE name = '{PROJECT}'"))


def ms(unix_seconds: float) -> int:
    return int(unix_seconds * 1000)


def test_every_service_and_model_landed(run, read_key, database):
    project = project_id(database)
    services = set(database.scalar(
        f"SELECT string_agg(DISTINCT body->>'service', ',') FROM events WHERE project_id = {project} AND kind = 'span'").split(","))
    assert services == SERVICES
    summary = api(run, read_key, "/api/v1/summary", group_by="service,model",
                  **{"from": ms(run["started"] - 3600), "to": ms(time.time() + 120)})
    pairs = {(group["service"], group["model"]) for group in summary["groups"] if group["model"]}
    assert pairs == SERVICE_MODELS
    unpriced = api(run, read_key, "/api/v1/models/unpriced")
    assert [model["model"] for model in unpriced["models"]] == ["acme-rewriter-1b"]
    # The backfill covers the 20 minutes before the live part, with past timestamps.
    oldest = float(database.scalar(
        f"SELECT extract(epoch FROM min(occurred_at)) FROM events WHERE project_id = {project} AND kind = 'span'"))
    assert run["live"] - 20 * 60 - 60 <= oldest <= run["live"] - 19 * 60
    # Prompt embeddings (yesterday's baseline and the live prompts) and evaluations went in too.
    assert int(database.scalar(f"SELECT count(*) FROM events WHERE project_id = {project} AND kind = 'embedding'")) > 400
    assert int(database.scalar(f"SELECT count(*) FROM events WHERE project_id = {project} AND kind = 'evaluation'")) > 100
    quality = summary["groups"]
    assert any("relevance" in group["quality"] for group in quality)
    assert any("check.refusal" in group["quality"] for group in quality)


def minute_points(run, read_key, metric: str, service: str, model: str) -> list[tuple[float, float | None]]:
    series = api(run, read_key, "/api/v1/timeseries", metric=metric, step="1m", service=service, model=model,
                 **{"from": ms(run["live"] - 25 * 60), "to": ms(time.time() + 60)})
    return [(seconds(point["t"]), point["value"]) for point in series["points"]]


def test_latency_incident_in_the_rollups(run, read_key):
    incident_start, incident_end = run["starts"]["latency-incident"], run["ends"]["latency-incident"]
    points = minute_points(run, read_key, "latency_p95", "chat", "gpt-4o-mini")
    # Minutes well before the incident (a slow call starts at most 8 s before it ends) stay under 2 s...
    calm = [value for start, value in points if start + 60 <= incident_start - 10 and value is not None]
    assert len(calm) >= 15
    assert max(calm) < 2000, calm
    # ... and a minute the incident played in is over it.
    during = [value for start, value in points if start < incident_end and start + 60 > incident_start and value is not None]
    assert during and max(during) > 2000, (points, incident_start, incident_end)
    # claude-3-5-haiku, which the incident spares, stays fast throughout.
    haiku = [value for _, value in minute_points(run, read_key, "latency_p95", "chat", "claude-3-5-haiku") if value is not None]
    assert max(haiku) < 2000


def test_error_burst_in_the_rollups(run, read_key):
    burst_start = run["starts"]["error-burst"]
    points = minute_points(run, read_key, "errors", "agent-worker", "claude-sonnet-4")
    # A triage run lasts up to ~30 s, so its failed calls can start that long before it ends.
    before = [value for start, value in points if start + 60 <= burst_start - 30 and value is not None]
    after = [value for start, value in points if start + 60 > burst_start - 30 and value is not None]
    assert len(before) >= 15 and sum(before) == 0
    assert sum(after) >= 3
    counts = minute_points(run, read_key, "count", "agent-worker", "claude-sonnet-4")
    assert sum(value for _, value in counts if value) > 100
    # No other model of agent-worker failed.
    summary = api(run, read_key, "/api/v1/summary", service="agent-worker", group_by="model",
                  **{"from": ms(run["started"] - 3600), "to": ms(time.time() + 120)})
    failing = {group["model"] for group in summary["groups"] if group["errors"] > 0}
    assert failing <= {"claude-sonnet-4", ""}, summary


def test_cost_spike_in_the_rollups(run, read_key, database):
    spike_start = run["starts"]["cost-spike"]
    summary = api(run, read_key, "/api/v1/summary", model="claude-opus-4",
                  **{"from": ms(run["started"] - 3600), "to": ms(time.time() + 120)})
    [opus] = summary["groups"]
    assert float(opus["cost_usd"]) > 50
    assert opus["output_tokens"] >= 2200 * opus["count"]
    # The opus calls all ended during the spike (each trace is sent as it ends) ...
    project = project_id(database)
    ends = [float(value) / 1e9 for value in database.psql(
        f"SELECT body->>'end_ns' FROM events WHERE project_id = {project} AND kind = 'span' "
        f"AND body->'genai'->>'response_model' LIKE 'claude-opus-4%'").split()]
    assert len(ends) == opus["count"]
    assert all(spike_start - 1 <= end <= run["ends"]["cost-spike"] + 1 for end in ends)
    # ... and the backfill's minutes cost little (an opus call runs up to ~40 s, so it can start before the spike).
    points = minute_points(run, read_key, "cost_usd", "agent-worker", "")
    calm = [float(value) for start, value in points if start + 60 <= spike_start - 45 and value is not None]
    spiking = [float(value) for start, value in points if start + 60 > spike_start - 45 and value is not None]
    assert len(calm) >= 15 and max(calm) < 2
    assert sum(spiking) > 50


CODING_PROMPT = "^(Write a|Can you debug this|Give me a|Explain how to write a|Convert this shell pipeline)"


def test_drift_report_turns_red(run, read_key, database):
    before_id = re.search(r"Drift report #(\d+) of prompt_embedding before the drift: .*not drifted \(green\)", run["out"])
    after_id = re.search(r"Drift report #(\d+) of prompt_embedding after the drift: .*DRIFTED \(red\)", run["out"])
    assert before_id and after_id, run["out"]
    project = project_id(database)
    reports = {report["id"]: report for report in database.rows(
        f"SELECT id, computed_at, drifted, psi_mean, (report->>'current_count')::int AS current, "
        f"(SELECT count(*) FROM events e WHERE e.project_id = {project} AND e.kind = 'embedding' "
        f"   AND e.received_at < r.computed_at AND e.body->>'text' ~ '{CODING_PROMPT}') AS coding_received "
        f"FROM drift_reports r WHERE project_id = {project} AND feature = 'prompt_embedding'")}
    before, after = reports[int(before_id.group(1))], reports[int(after_id.group(1))]
    # Stored as the demo printed them: green before any of the drift's prompts had reached Vigil, red after them.
    assert before["drifted"] is False and before["coding_received"] == 0, reports
    assert after["drifted"] is True and after["coding_received"] >= 100, reports
    assert before["current"] >= 100 and after["current"] > before["current"]
    assert after["psi_mean"] > 0.2 > before["psi_mean"]
    # The API lists the stored reports.
    listed = api(run, read_key, "/api/v1/drift/reports", feature="prompt_embedding")["reports"]
    assert set(reports) <= {report["id"] for report in listed}


def test_demo_prints_the_alerts_its_receiver_got(run):
    out = run["out"]
    assert f"Listening for webhooks of demo-hook/demo-signed on http://127.0.0.1:{run['port']}" in out
    assert re.search(r"webhook demo-hook: FIRING DemoChatLatency — \{model=gpt-4o-mini, project=demo, service=chat, severity=page\} "
                     r"p95 latency of chat on gpt-4o-mini is \d+ ms", out), out
    assert "webhook demo-hook: FIRING DemoSonnetErrors — {model=claude-sonnet-4, project=demo, service=agent-worker, severity=page}" in out, out
    assert "webhook demo-hook: FIRING DemoSpend — {project=demo, service=agent-worker, severity=warning}" in out, out
    # The API's view of the alerts is printed as it changes, and a delivery Vigil gave up on is explained.
    assert re.search(r"alert DemoChatLatency \{.*\}: firing", out), out
    # The reason is shown to the project's keys, so it does not name the secret's variable.
    assert ("notification to demo-signed not delivered (dead letter): receiver demo-signed has no signing secret: "
            "the environment variable its secret_env names is not set") in out, out
    assert "VIGIL_DEMO_UNSET_SECRET" not in out, out


def test_report_now_route(run, read_key, operate_key, cli):
    server = run["server"]
    made = server.request("POST", "/api/v1/drift/reports", key=operate_key, json={"feature": "prompt_embedding"}, timeout=60)
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["feature"] == "prompt_embedding" and isinstance(body["drifted"], bool)
    assert body["report"]["current_count"] >= 100
    one = server.request("GET", f"/api/v1/drift/reports/{body['id']}", key=read_key)
    assert one.status_code == 200 and one.json()["psi_mean"] == body["psi_mean"]

    unpinned = server.request("POST", "/api/v1/drift/reports", key=operate_key, json={"feature": "latency_ms"})
    assert unpinned.status_code == 400
    assert "latency_ms has no pinned baseline" in unpinned.json()["error"]["message"]
    missing = server.request("POST", "/api/v1/drift/reports", key=operate_key, json={})
    assert missing.status_code == 400 and "feature must be given" in missing.json()["error"]["message"]
    not_json = server.request("POST", "/api/v1/drift/reports", key=operate_key, data=b"nope", headers={"Content-Type": "application/json"})
    assert not_json.status_code == 400
    ingest = cli.create_key(PROJECT, "ingest")
    for key in (ingest, read_key):
        forbidden = server.request("POST", "/api/v1/drift/reports", key=key, json={"feature": "prompt_embedding"})
        assert forbidden.status_code == 403
    documented = server.request("GET", "/openapi.json").json()
    assert "201" in documented["paths"]["/api/v1/drift/reports"]["post"]["responses"]


def test_too_few_samples_is_a_clear_400(run, operate_key):
    server = run["server"]
    pinned = server.request("POST", "/api/v1/drift/baselines", key=operate_key,
                            json={"feature": "prompt_chars", "from": ms(run["live"] - 30 * 86400), "to": ms(run["live"] - 29 * 86400)})
    assert pinned.status_code == 200, pinned.text
    deadline = time.time() + 20
    while True:
        answer = server.request("POST", "/api/v1/drift/reports", key=operate_key, json={"feature": "prompt_chars"})
        message = answer.json()["error"]["message"]
        if "no pinned baseline" not in message or time.time() > deadline:
            break
        time.sleep(0.2)  # the samples processor records the pin
    assert answer.status_code == 400
    assert "prompt_chars" in message and "reference window" in message, message


def test_demo_says_when_vigil_is_not_listening(cli):
    port = free_port()
    result = subprocess.run([cli.binary, "demo", "--url", f"http://127.0.0.1:{port}", "--no-receiver"],
                            capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL, env=cli.env())
    assert result.returncode == 1
    assert f"Vigil is not listening at http://127.0.0.1:{port}" in result.stderr
    assert "make run" in result.stderr


def test_demo_refuses_bad_options(cli):
    for args, message in [
        (["--duration", "10s"], "--duration 10s must be at least 243s at --speed 1.0"),
        (["--backfill", "90s"], "--backfill 90s must be whole minutes"),
        (["--speed", "0"], "--speed 0.0 must be from 0.1 to 100"),
        (["--receiver", "nowhere"], "--receiver nowhere must be HOST:PORT"),
    ]:
        result = subprocess.run([cli.binary, "demo", "--url", "http://127.0.0.1:1", *args], capture_output=True, text=True,
                                timeout=60, stdin=subprocess.DEVNULL, env=cli.env())
        assert result.returncode != 0, args
        assert message in result.stderr, (args, result.stderr)
