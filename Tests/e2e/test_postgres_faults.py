"""Postgres faults under `vigil serve`, on a cluster of this module's own (so restarting it
disturbs no other test):

- while the database is stopped, `/readyz` fails and exports get 503 with `Retry-After`; once it
  is back, Vigil reconnects by itself and ingest, the processors and `/readyz` recover;
- `pg_ctl restart -m fast` under load from clients that retry as the OTel SDKs do: every export
  is acknowledged in the end, every acknowledged span is stored exactly once, and the rollup
  processor catches up with the log.
"""

import os
import secrets
import subprocess
import threading
import time
from pathlib import Path

import pytest
import requests

from vigil_e2e import (PROTOBUF, REPO_ROOT, Database, new_span_id, new_trace_id, span, to_protobuf,
                       traces_body, wait_until)

CLUSTER_SCRIPT = REPO_ROOT / "scripts" / "test-postgres.sh"
RETRYABLE = {429, 502, 503, 504}


def cluster(action: str, directory: Path) -> str:
    result = subprocess.run([str(CLUSTER_SCRIPT), action, str(directory)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"test-postgres.sh {action} failed: {result.stderr}"
    return result.stdout.strip()


@pytest.fixture(scope="module")
def cluster_dir():
    directory = Path(f"/tmp/vigil-e2e-faults-{os.getpid()}-{secrets.token_hex(3)}")
    yield directory
    cluster("stop", directory)
    subprocess.run(["rm", "-rf", str(directory)], check=False)


@pytest.fixture(scope="module")
def database(cluster_dir):
    """This module's database, on a cluster that only this module uses."""
    admin_url = cluster("start", cluster_dir)
    admin = Database(admin_url)
    admin.psql('CREATE DATABASE "faults"')
    return Database(admin_url.rsplit("/", 1)[0] + "/faults")


@pytest.fixture(scope="module")
def key(cli):
    return cli.create_key("faults", "ingest")


def llm_span(client: int, export: int, index: int) -> dict:
    """A distinct chat span with a prompt and a completion of its own."""
    return span(
        "chat gpt-4o-mini",
        trace_id=new_trace_id(), span_id=new_span_id(),
        attrs={
            "gen_ai.operation.name": "chat",
            "gen_ai.provider.name": "openai",
            "gen_ai.request.model": "gpt-4o-mini",
            "gen_ai.usage.input_tokens": 100 + index,
            "gen_ai.usage.output_tokens": 20 + export % 50,
            "gen_ai.input.messages": f'[{{"role":"user","parts":[{{"type":"text","content":"client {client} export {export} question {index}: {secrets.token_hex(24)}"}}]}}]',
            "gen_ai.output.messages": f'[{{"role":"assistant","parts":[{{"type":"text","content":"answer {secrets.token_hex(32)}"}}],"finish_reason":"stop"}}]',
        },
    )


class RetryingExporter(threading.Thread):
    """Exports distinct batches until `until`, retrying each batch as the OTel SDKs do (on 429,
    502, 503, 504 and connection errors, after `Retry-After` or a short backoff) until it is
    acknowledged or `give_up` seconds have passed."""

    def __init__(self, number: int, url: str, key: str, until: float, give_up: float = 60):
        super().__init__(name=f"exporter-{number}", daemon=True)
        self.number, self.url, self.key, self.until, self.give_up = number, url, key, until, give_up
        self.acked: list[list[tuple[str, str]]] = []
        self.unacked: list[str] = []
        self.retries = 0
        self.statuses: dict[str, int] = {}

    def run(self):
        session = requests.Session()
        headers = {"Authorization": f"Bearer {self.key}", "Content-Type": PROTOBUF}
        export = 0
        while time.monotonic() < self.until and export < 2000:
            export += 1
            spans = [llm_span(self.number, export, i) for i in range(40)]
            data = to_protobuf("traces", traces_body(spans, service=f"faults-{self.number}"))
            deadline = time.monotonic() + self.give_up
            while True:
                try:
                    response = session.post(self.url + "/v1/traces", data=data, headers=headers, timeout=15)
                    outcome = str(response.status_code)
                except requests.RequestException as error:
                    response, outcome = None, type(error).__name__
                self.statuses[outcome] = self.statuses.get(outcome, 0) + 1
                if response is not None and response.status_code == 200:
                    self.acked.append([(s["traceId"], s["spanId"]) for s in spans])
                    break
                if response is not None and response.status_code not in RETRYABLE:
                    self.unacked.append(f"export {export}: {response.status_code} {response.text[:200]}")
                    break
                if time.monotonic() > deadline:
                    self.unacked.append(f"export {export}: still {outcome} after {self.give_up} s")
                    break
                self.retries += 1
                delay = 0.2
                if response is not None and response.headers.get("Retry-After", "").isdigit():
                    delay = min(float(response.headers["Retry-After"]), 2.0)
                time.sleep(delay)


def rollup_offset_and_head(database) -> tuple[int, int]:
    row = database.rows("""SELECT (SELECT seq FROM consumer_offsets WHERE consumer = 'rollup') AS offset,
                                  (SELECT coalesce(max(seq), 0) FROM events) AS head""")[0]
    return int(row["offset"] or 0), int(row["head"])


def test_database_down_answers_503_then_recovers(start_vigil, database, cluster_dir, key):
    server = start_vigil(name="down")
    wait_until(lambda: server.request("GET", "/readyz").status_code == 200, 30, "/readyz to answer 200")
    body = to_protobuf("traces", traces_body([llm_span(0, 0, 0)], service="faults-down"))
    assert server.export("traces", body, key).status_code == 200

    cluster("stop", cluster_dir)
    try:
        # (a Response is falsy when its status is an error, so it is wrapped in a list)
        ready = wait_until(lambda: (r := server.request("GET", "/readyz")).status_code == 503 and [r], 10,
                           "/readyz to fail while the database is down")[0]
        assert "database" in ready.json()["error"]["message"], ready.text
        assert "127.0.0.1" not in ready.text and "vigil@" not in ready.text, "/readyz must not name the database"
        exported = server.export("traces", to_protobuf("traces", traces_body([llm_span(0, 1, 0)], service="faults-down")), key)
        assert exported.status_code == 503, exported.text
        assert exported.headers.get("Retry-After", "").isdigit(), exported.headers
        assert server.request("GET", "/healthz").status_code == 200, "the process itself stays alive"
    finally:
        cluster("resume", cluster_dir)

    retry = to_protobuf("traces", traces_body([llm_span(0, 2, 0)], service="faults-down"))
    wait_until(lambda: server.export("traces", retry, key).status_code == 200, 30,
               "an export to be committed after the database came back")
    wait_until(lambda: server.request("GET", "/readyz").status_code == 200, 30, "/readyz to recover")
    wait_until(lambda: (lambda o, h: o == h)(*rollup_offset_and_head(database)), 30,
               "the rollup processor to catch up after the database came back")
    assert server.running


def test_restart_under_load_loses_and_duplicates_nothing(start_vigil, database, cluster_dir, key):
    server = start_vigil(name="restart")
    before = database.count("kind = 'span'")
    start = time.monotonic()
    exporters = [RetryingExporter(n, server.url, key, until=start + 9) for n in range(4)]
    for exporter in exporters:
        exporter.start()
    time.sleep(2.5)
    cluster("restart", cluster_dir)
    for exporter in exporters:
        exporter.join(timeout=120)
        assert not exporter.is_alive(), f"{exporter.name} hung: {exporter.statuses}\n{server.logs()}"

    unacked = [line for exporter in exporters for line in exporter.unacked]
    assert not unacked, f"exports never acknowledged: {unacked[:5]} ({len(unacked)} in all)\n{server.logs()}"
    acked = [pair for exporter in exporters for batch in exporter.acked for pair in batch]
    retries = sum(exporter.retries for exporter in exporters)
    assert len(acked) > 0
    # The load must have straddled the restart, or this test proves nothing.
    assert retries > 0, f"no export was retried, so none met the restart: {[e.statuses for e in exporters]}"

    stored = database.rows("""SELECT body->>'trace_id' AS t, body->>'span_id' AS s, count(*) AS n
                              FROM events WHERE kind = 'span' AND body->>'service' LIKE 'faults-%'
                                AND body->>'service' <> 'faults-down'
                              GROUP BY 1, 2""")
    copies = {(row["t"], row["s"]): row["n"] for row in stored}
    missing = [pair for pair in acked if pair not in copies]
    assert not missing, f"{len(missing)} acknowledged spans are not stored, e.g. {missing[:3]}"
    doubled = [pair for pair, n in copies.items() if n != 1]
    assert not doubled, f"{len(doubled)} spans are stored more than once"
    assert database.count("kind = 'span'") - before == len(copies)

    wait_until(lambda: (lambda o, h: o == h)(*rollup_offset_and_head(database)), 60,
               "the rollup processor to catch up after the restart")
    wait_until(lambda: server.request("GET", "/readyz").status_code == 200, 30, "/readyz to recover")
    assert server.running
