"""`vigil serve` without VIGIL_DATABASE_URL: it makes its own Postgres cluster in the data folder
(as the postgres user when started as root), reuses it on the next start, keeps it across a
kill -9 of Vigil, and stops it on shutdown."""

import json
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

import pytest
import requests

from vigil_e2e import BANNER_PATTERN, KEY_PATTERN, MIGRATIONS_DIR, clean_environment, new_span_id, new_trace_id, \
    span, tail, traces_body, wait_until


def psql_ok(url: str) -> bool:
    result = subprocess.run(["psql", url, "-Atc", "SELECT 1"], capture_output=True, text=True, timeout=20,
                            stdin=subprocess.DEVNULL)
    return result.returncode == 0 and result.stdout.strip() == "1"


def psql_scalar(url: str, sql: str) -> str:
    result = subprocess.run(["psql", url, "-Atc", sql], capture_output=True, text=True, timeout=20,
                            stdin=subprocess.DEVNULL, check=True)
    return result.stdout.strip()


class Embedded:
    def __init__(self, binary: str, data: Path, logs: Path):
        self.binary = binary
        self.data = data
        self.logs = logs
        self.env = clean_environment() | {
            "VIGIL_DATA_DIR": str(data),
            "VIGIL_LISTEN": "127.0.0.1:0",
            "VIGIL_GRPC_LISTEN": "127.0.0.1:0",
            "VIGIL_MIGRATIONS_DIR": str(MIGRATIONS_DIR),
        }
        self.process = None
        self.starts = 0
        self.url = ""

    def cli(self, *args: str) -> str:
        result = subprocess.run([self.binary, *args], capture_output=True, text=True, env=self.env, timeout=120,
                                stdin=subprocess.DEVNULL)
        assert result.returncode == 0, f"vigil {' '.join(args)}: {result.stderr}"
        return result.stdout

    def start(self) -> str:
        self.starts += 1
        self.stdout = self.logs / f"serve-{self.starts}.stdout"
        self.stderr = self.logs / f"serve-{self.starts}.stderr"
        with open(self.stdout, "wb") as out, open(self.stderr, "wb") as err:
            self.process = subprocess.Popen([self.binary, "serve"], stdout=out, stderr=err, env=self.env,
                                            stdin=subprocess.DEVNULL, cwd=self.logs)

        def banner():
            if self.process.poll() is not None:
                raise AssertionError(f"vigil serve exited {self.process.returncode}:\n{tail(self.stderr)}")
            return BANNER_PATTERN.search(self.stdout.read_text(errors="replace"))

        self.url = wait_until(banner, 120, "the banner").group(1)
        return self.stdout.read_text()

    def stop(self, sig=signal.SIGTERM) -> int:
        self.process.send_signal(sig)
        code = self.process.wait(timeout=60)
        self.process = None
        return code

    def cleanup(self):
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        info = self.data / "embedded-postgres.json"
        if info.exists():
            cluster = json.loads(info.read_text()).get("clusterDirectory")
            bins = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
            if cluster and bins:
                command = [str(bins[-1]), "-D", cluster, "-m", "immediate", "stop"]
                if os.geteuid() == 0:
                    command = ["runuser", "-u", "postgres", "--"] + command
                subprocess.run(command, capture_output=True, timeout=60)


@pytest.fixture
def embedded(settings, tmp_path):
    data_parent = Path(tempfile.mkdtemp(prefix="vigil-embedded-", dir="/tmp"))
    data_parent.chmod(0o755)
    server = Embedded(settings.binary, data_parent / "data", tmp_path)
    yield server
    server.cleanup()
    shutil.rmtree(data_parent, ignore_errors=True)


def export_one(server: Embedded, key: str, name: str) -> None:
    body = traces_body([span(name, trace_id=new_trace_id(), span_id=new_span_id())], service="embedded")
    response = requests.post(server.url + "/v1/traces", json=body, headers={"Authorization": f"Bearer {key}"}, timeout=10)
    assert response.status_code == 200, response.text


def test_embedded_cluster_is_made_reused_survives_kill_and_stops(embedded):
    banner = embedded.start()
    assert f"OTEL_EXPORTER_OTLP_ENDPOINT={embedded.url}" in banner
    assert 'OTEL_EXPORTER_OTLP_HEADERS="Authorization=Bearer%20<key>"' in banner
    assert "vigil keys create --project" in banner
    assert str(embedded.data) in banner
    assert (embedded.data / "postgres" / "PG_VERSION").exists(), "the cluster lives in the data folder"

    url = embedded.cli("db", "url").strip()
    assert url.startswith("postgres://vigil:") and "@127.0.0.1:" in url
    assert psql_ok(url), "psql \"$(vigil db url)\" connects"
    key = embedded.cli("keys", "create", "--project", "embedded", "--role", "ingest").strip()
    assert KEY_PATTERN.match(key)
    export_one(embedded, key, "first")
    assert psql_scalar(url, "SELECT count(*) FROM events WHERE kind = 'span'") == "1"

    # Graceful shutdown stops the cluster too.
    assert embedded.stop() == 0
    assert not psql_ok(url), "the embedded Postgres stopped with Vigil"

    # The next start reuses the cluster: same URL, same data.
    embedded.start()
    assert embedded.cli("db", "url").strip() == url
    assert psql_scalar(url, "SELECT count(*) FROM events WHERE kind = 'span'") == "1"
    export_one(embedded, key, "second")

    # kill -9 leaves the cluster running; the next start finds and reuses it.
    embedded.stop(signal.SIGKILL)
    assert psql_ok(url), "Postgres outlives a killed Vigil"
    embedded.start()
    assert "already running" in embedded.stderr.read_text()
    assert psql_scalar(url, "SELECT count(*) FROM events WHERE kind = 'span'") == "2"
    assert embedded.stop(signal.SIGINT) == 0
    assert not psql_ok(url)
