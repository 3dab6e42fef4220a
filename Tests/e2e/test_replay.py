"""`vigil replay --all` rebuilds the projections from the log alone: after a live run that fed
every processor (LLM spans through the OpenTelemetry SDK, an unpriced model, embeddings, a pinned
baseline, a drift report asked for now, silences made and ended, and the audit trail of those
actions), every projection table holds, row for row, what the live processors and commands wrote,
ids included.

Not covered, because they are not projections of the log yet: the alert evaluator's working state
(`alert_states`, `notification_groups`) and the outbox's delivery state."""

from __future__ import annotations

import base64
import time

import numpy as np

from test_summary import send_spans
from vigil_e2e import wait_until

HOUR_MS = 3_600_000

# Every table a processor owns (ProcessorCatalog: rollup, samples, audit, drift_reports, silences).
PROJECTIONS = [
    "rollup_minute", "quality_minute", "rollup_ten_minute", "quality_ten_minute", "rollup_hour", "quality_hour",
    "rollup_day", "quality_day", "unpriced_models", "trace_summary",
    "drift_samples", "drift_baselines",
    "audit_log",
    "drift_reports",
    "silences",
]


def snapshot(database) -> dict[str, list[str]]:
    """Each table's rows as text, in a fixed order."""
    return {table: database.psql(f"SELECT t::text FROM {table} t ORDER BY t::text").splitlines() for table in PROJECTIONS}


def first_difference(live: list[str], replayed: list[str]) -> str:
    for before, after in zip(live, replayed):
        if before != after:
            return f"live {before}\n  replayed {after}"
    return f"{len(live)} rows live, {len(replayed)} replayed"


def caught_up(database) -> bool:
    head = int(database.scalar("SELECT coalesce(max(seq), 0) FROM events"))
    offsets = database.psql("SELECT consumer || '=' || seq FROM consumer_offsets ORDER BY consumer").split()
    return len(offsets) == 5 and all(int(entry.split("=")[1]) >= head for entry in offsets)


def test_replay_all_rebuilds_every_projection_as_the_live_run_left_it(start_vigil, cli, database):
    keys = {role: cli.create_key("replayed", role) for role in ("ingest", "read", "operate", "admin")}
    # Drift reports only when asked for, so nothing changes while the tables are compared.
    vigil = start_vigil("replay", VIGIL_DRIFT_INTERVAL="86400", VIGIL_EVALUATION_INTERVAL="1")

    send_spans(vigil.url, keys["ingest"], seed=11, count=600)
    now = int(time.time() * 1000)
    evaluations = [{"trace_id": f"{index + 1:032x}", "name": name, "value": value, "time": now - 120_000 + index}
                   for index, (name, value) in enumerate([("relevance", 0.8), ("helpful", True), ("tone", "curt")] * 20)]
    response = vigil.request("POST", "/api/v1/evaluations", key=keys["ingest"], json={"evaluations": evaluations})
    assert response.status_code == 200, response.text

    rng = np.random.default_rng(5)
    now = int(time.time() * 1000)
    for vectors, at in ((rng.normal(size=(400, 8)), now - 30 * HOUR_MS), (rng.normal(0.8, 1.0, size=(400, 8)), now - HOUR_MS // 4)):
        payload = [base64.b64encode(row.astype("<f4").tobytes()).decode() for row in vectors]
        response = vigil.request("POST", "/api/v1/embeddings", key=keys["ingest"], json={"feature": "answers", "time": at, "vectors": payload})
        assert response.status_code == 200, response.text
    wait_until(lambda: database.scalar("SELECT count(*) FROM drift_samples WHERE feature = 'answers'") == "800", 60, "the samples")
    response = vigil.request("POST", "/api/v1/drift/baselines", key=keys["operate"],
                             json={"feature": "answers", "from": now - 31 * HOUR_MS, "to": now - 29 * HOUR_MS})
    assert response.status_code == 200, response.text
    wait_until(lambda: database.scalar("SELECT count(*) FROM drift_baselines") == "1", 30, "the pinned baseline")
    response = vigil.request("POST", "/api/v1/drift/reports", key=keys["operate"], json={"feature": "answers"}, timeout=120)
    assert response.status_code == 201, response.text
    report = response.json()["id"]
    # The report is there as soon as it is answered, under its event's sequence number.
    shown = vigil.request("GET", f"/api/v1/drift/reports/{report}", key=keys["read"])
    assert shown.status_code == 200 and shown.json()["drifted"], shown.text
    assert database.scalar(f"SELECT kind FROM events WHERE seq = {report}") == "drift_report"

    ends = int(time.time() * 1000) + HOUR_MS
    silences = []
    for comment in ("kept", "ended early"):
        response = vigil.request("POST", "/api/v1/silences", key=keys["operate"], json={
            "matchers": [{"name": "alertname", "value": "Replay.*", "isRegex": True}], "endsAt": ends, "comment": comment, "createdBy": "e2e"})
        assert response.status_code == 200, response.text
        silences.append(response.json()["id"])
    assert vigil.request("DELETE", f"/api/v1/silences/{silences[1]}", key=keys["operate"]).status_code == 200
    listed = {s["id"]: s["state"] for s in vigil.request("GET", "/api/v1/silences", key=keys["read"]).json()["silences"]}
    assert listed == {silences[0]: "active", silences[1]: "inactive"}
    assert database.scalar(f"SELECT kind FROM events WHERE seq = {silences[0]}") == "silence_created"

    wait_until(lambda: caught_up(database), 60, "every processor to reach the head of the log")
    vigil.stop()
    live = snapshot(database)
    empty = [table for table, rows in live.items() if not rows]
    assert empty == [], f"the live run left these projections empty, so the test proves nothing about them: {empty}"

    result = cli.run("replay", "--all", timeout=300)
    assert sorted(line.split()[1] for line in result.stdout.splitlines()) == sorted(["rollup", "samples", "audit", "drift_reports", "silences"]), result.stdout
    replayed = snapshot(database)
    differing = {table: first_difference(live[table], replayed[table]) for table in PROJECTIONS if live[table] != replayed[table]}
    assert differing == {}, "replay differs from the live run:\n" + "\n".join(f"{table}: {text}" for table, text in differing.items())

    # And the rebuilt rows serve the API as before.
    vigil.start()
    listed = {s["id"]: s["state"] for s in vigil.request("GET", "/api/v1/silences", key=keys["read"]).json()["silences"]}
    assert listed == {silences[0]: "active", silences[1]: "inactive"}
    assert vigil.request("GET", f"/api/v1/drift/reports/{report}", key=keys["read"]).status_code == 200
