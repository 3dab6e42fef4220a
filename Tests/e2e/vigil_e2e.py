"""Helpers for Vigil's end-to-end tests: the `vigil serve` process under test, its Postgres
database (queried with psql), the `vigil` CLI, plain HTTP exports and hand-built OTLP bodies.

Everything talks to loopback only, and every wait is bounded in time.
"""

from __future__ import annotations

import base64
import copy
import gzip
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import time
import urllib.parse
from pathlib import Path

import requests

E2E_DIR = Path(__file__).resolve().parent
REPO_ROOT = E2E_DIR.parent.parent
MIGRATIONS_DIR = REPO_ROOT / "migrations"
PROTO_PYTHON = E2E_DIR / ".venv-proto" / "bin" / "python"
JSON_PYTHON = E2E_DIR / ".venv-json" / "bin" / "python"
SDK_CLIENT = E2E_DIR / "clients" / "sdk_client.py"

KEY_PATTERN = re.compile(r"^vgl_[0-9A-Za-z]{12}_[0-9A-Za-z]{32}$")
BANNER_PATTERN = re.compile(r"Vigil is listening on (http://127\.0\.0\.1:(\d+))")
GRPC_BANNER_PATTERN = re.compile(r"Vigil takes OTLP/gRPC on (http://127\.0\.0\.1:(\d+))")
TELEMETRY_KINDS = ("span", "metric_point", "log_record")

PROTOBUF = "application/x-protobuf"
JSON = "application/json"


def wait_until(predicate, timeout: float, what: str, interval: float = 0.05):
    """Polls `predicate` until it returns something truthy, for at most `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return "(no file)"


def _psql_binary() -> str:
    found = shutil.which("psql")
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/psql"))
    if candidates:
        return str(candidates[-1])
    raise RuntimeError("psql is not installed (Debian package postgresql-client)")


def sql_literal(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


class Database:
    """One Postgres database, queried through `psql -At`."""

    def __init__(self, url: str):
        self.url = url
        self.name = urllib.parse.urlsplit(url).path.lstrip("/")

    def psql(self, sql: str, timeout: float = 30) -> str:
        result = subprocess.run(
            [_psql_binary(), "-X", "-At", "-v", "ON_ERROR_STOP=1", "-d", self.url, "-c", sql],
            capture_output=True, text=True, timeout=timeout,
        )
        if result.returncode != 0:
            raise AssertionError(f"psql failed ({result.returncode}) on {sql!r}: {result.stderr.strip()}")
        return result.stdout

    def scalar(self, sql: str):
        return self.psql(sql).strip()

    def rows(self, sql: str) -> list[dict]:
        """The rows of `sql` as dicts (jsonb columns come back as Python objects)."""
        text = self.scalar(f"SELECT coalesce(json_agg(row_to_json(q)), '[]'::json) FROM ({sql}) AS q")
        return json.loads(text)

    def count(self, where: str = "true") -> int:
        return int(self.scalar(f"SELECT count(*) FROM events WHERE {where}"))

    def telemetry_count(self) -> int:
        kinds = ", ".join(sql_literal(kind) for kind in TELEMETRY_KINDS)
        return self.count(f"kind IN ({kinds})")

    def bodies(self, where: str, order: str = "seq") -> list[dict]:
        return [row["body"] for row in self.rows(f"SELECT seq, body FROM events WHERE {where} ORDER BY {order}")]

    def spans_by_id(self, where: str = "kind = 'span'") -> dict[tuple[str, str], list[dict]]:
        found: dict[tuple[str, str], list[dict]] = {}
        for body in self.bodies(where):
            found.setdefault((body["trace_id"], body["span_id"]), []).append(body)
        return found


def create_database(admin_url: str, name: str) -> Database:
    admin = Database(admin_url)
    admin.psql(f'CREATE DATABASE "{name}"')
    parts = urllib.parse.urlsplit(admin_url)
    return Database(urllib.parse.urlunsplit(parts._replace(path="/" + name)))


def drop_database(admin_url: str, name: str) -> None:
    try:
        Database(admin_url).psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    except AssertionError:
        pass


def clean_environment() -> dict[str, str]:
    """This process's environment without anything that would steer Vigil or an OTel SDK."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("VIGIL_", "OTEL_"))}


class VigilCLI:
    """The `vigil` executable pointed at one database."""

    def __init__(self, binary: str, database_url: str):
        self.binary = binary
        self.database_url = database_url

    def env(self, extra: dict | None = None) -> dict[str, str]:
        env = clean_environment()
        env.update(VIGIL_DATABASE_URL=self.database_url, VIGIL_MIGRATIONS_DIR=str(MIGRATIONS_DIR))
        env.update(extra or {})
        return env

    def run(self, *args: str, check: bool = True, env: dict | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
        result = subprocess.run([self.binary, *args], capture_output=True, text=True, env=self.env(env),
                                timeout=timeout, stdin=subprocess.DEVNULL)
        if check and result.returncode != 0:
            raise AssertionError(f"vigil {' '.join(args)} exited {result.returncode}\nstdout: {result.stdout}\nstderr: {result.stderr}")
        return result

    def create_key(self, project: str, role: str, name: str = "") -> str:
        args = ["keys", "create", "--project", project, "--role", role]
        if name:
            args += ["--name", name]
        result = self.run(*args)
        key = result.stdout.strip()
        assert KEY_PATTERN.match(key), f"vigil keys create printed {result.stdout!r}, not a key"
        return key


class VigilServer:
    """`vigil serve` on a free loopback port, with its output in files under `log_dir`."""

    live: list["VigilServer"] = []

    def __init__(self, binary: str, database_url: str, log_dir: Path, env: dict | None = None, name: str = "vigil"):
        self.binary = binary
        self.database_url = database_url
        self.log_dir = Path(log_dir)
        self.extra_env = dict(env or {})
        self.name = name
        self.process: subprocess.Popen | None = None
        self.url = ""
        self.port = 0
        self.grpc_url = ""
        self.starts = 0
        self.stdout_path = self.stderr_path = None

    def start(self, timeout: float = 60) -> "VigilServer":
        assert self.process is None, "already running"
        self.starts += 1
        stem = f"{self.name}-{self.starts}"
        self.stdout_path = self.log_dir / f"{stem}.stdout"
        self.stderr_path = self.log_dir / f"{stem}.stderr"
        env = VigilCLI(self.binary, self.database_url).env({"VIGIL_LISTEN": "127.0.0.1:0", "VIGIL_GRPC_LISTEN": "127.0.0.1:0", **self.extra_env})
        grpc_on = env["VIGIL_GRPC_LISTEN"].lower() != "off" and "collector" in env.get("VIGIL_ONLY", "collector")
        with open(self.stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
            self.process = subprocess.Popen([self.binary, "serve"], stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                            env=env, cwd=self.log_dir)
        VigilServer.live.append(self)

        def banner():
            if self.process.poll() is not None:
                raise AssertionError(f"vigil serve exited {self.process.returncode} before listening:\n{self.logs()}")
            output = self.stdout_path.read_text(errors="replace")
            match = BANNER_PATTERN.search(output)
            grpc = GRPC_BANNER_PATTERN.search(output)
            if match and grpc:
                self.grpc_url = grpc.group(1)
            return match if (grpc or not grpc_on) else None

        try:
            match = wait_until(banner, timeout, "vigil serve to print its banner")
            self.url, self.port = match.group(1), int(match.group(2))
            wait_until(self._healthy, timeout, "/healthz to answer 200")
        except BaseException:
            self.kill()
            raise
        return self

    def _healthy(self) -> bool:
        try:
            response = requests.get(self.url + "/healthz", timeout=2)
        except requests.RequestException:
            return False
        return response.status_code == 200 and response.json() == {"status": "ok"}

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, timeout: float = 20) -> int | None:
        """SIGTERM, then SIGKILL if it has not exited within `timeout`; returns the exit status."""
        if self.process is None:
            return None
        process = self.process
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        self._forget()
        return process.returncode

    def kill(self) -> None:
        """SIGKILL: no chance to drain or commit anything more."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=10)
        self._forget()

    def _forget(self) -> None:
        self.process = None
        if self in VigilServer.live:
            VigilServer.live.remove(self)

    def logs(self, lines: int = 40) -> str:
        return (f"--- {self.stdout_path} ---\n{tail(self.stdout_path, lines)}\n"
                f"--- {self.stderr_path} ---\n{tail(self.stderr_path, lines)}")

    def request(self, method: str, path: str, key: str | None = None, headers: dict | None = None,
                timeout: float = 10, **kwargs) -> requests.Response:
        all_headers = {}
        if key is not None:
            all_headers["Authorization"] = f"Bearer {key}"
        all_headers.update(headers or {})
        return requests.request(method, self.url + path, headers=all_headers, timeout=timeout, **kwargs)

    def export(self, signal_name: str, body: bytes | dict, key: str | None, content_type: str | None = None,
               headers: dict | None = None, timeout: float = 10) -> requests.Response:
        """POSTs an OTLP export: a dict goes as OTLP JSON, bytes as given (protobuf unless told;
        `content_type=""` sends no Content-Type at all)."""
        if isinstance(body, dict):
            data = json.dumps(body).encode()
            default = JSON
        else:
            data = body
            default = PROTOBUF
        if content_type is None:
            content_type = default
        all_headers = {"Content-Type": content_type} if content_type else {}
        all_headers.update(headers or {})
        return self.request("POST", f"/v1/{signal_name}", key=key, headers=all_headers, data=data, timeout=timeout)


# ---------------------------------------------------------------------------------------------
# OTLP bodies, built as OTLP JSON (hex ids) and converted to protobuf when wanted.

def now_ns() -> int:
    return time.time_ns()


def new_trace_id() -> str:
    return secrets.token_bytes(16).hex()


def new_span_id() -> str:
    return secrets.token_bytes(8).hex()


def any_value(value) -> dict:
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, int):
        return {"intValue": str(value)}
    if isinstance(value, float):
        return {"doubleValue": value}
    if isinstance(value, (list, tuple)):
        return {"arrayValue": {"values": [any_value(item) for item in value]}}
    if isinstance(value, dict):
        return {"kvlistValue": {"values": attributes(value)}}
    return {"stringValue": str(value)}


def attributes(values: dict) -> list[dict]:
    return [{"key": key, "value": any_value(value)} for key, value in values.items()]


def resource(service: str) -> dict:
    return {"attributes": attributes({"service.name": service})}


def span(name: str, trace_id: str | None = None, span_id: str | None = None, start_ns: int | None = None,
         duration_ns: int = 1_000_000, attrs: dict | None = None, **extra) -> dict:
    start = start_ns if start_ns is not None else now_ns()
    item = {
        "traceId": trace_id or new_trace_id(),
        "spanId": span_id or new_span_id(),
        "name": name,
        "kind": 3,
        "startTimeUnixNano": str(start),
        "endTimeUnixNano": str(start + duration_ns),
        "attributes": attributes(attrs or {}),
    }
    item.update(extra)
    return item


def traces_body(spans: list[dict], service: str = "e2e-raw", scope: str = "vigil.e2e.raw") -> dict:
    return {"resourceSpans": [{"resource": resource(service),
                               "scopeSpans": [{"scope": {"name": scope}, "spans": spans}]}]}


def metrics_body(metrics: list[dict], service: str = "e2e-raw", scope: str = "vigil.e2e.raw") -> dict:
    return {"resourceMetrics": [{"resource": resource(service),
                                 "scopeMetrics": [{"scope": {"name": scope}, "metrics": metrics}]}]}


def gauge_metric(name: str, value: float, attrs: dict | None = None, time_ns: int | None = None) -> dict:
    return {"name": name, "unit": "1", "gauge": {"dataPoints": [
        {"attributes": attributes(attrs or {}), "timeUnixNano": str(time_ns or now_ns()), "asDouble": value}]}}


def logs_body(records: list[dict], service: str = "e2e-raw", scope: str = "vigil.e2e.raw") -> dict:
    return {"resourceLogs": [{"resource": resource(service),
                              "scopeLogs": [{"scope": {"name": scope}, "logRecords": records}]}]}


def log_record(body, severity_number: int = 9, severity_text: str = "INFO", attrs: dict | None = None,
               time_ns: int | None = None) -> dict:
    return {"timeUnixNano": str(time_ns or now_ns()), "severityNumber": severity_number, "severityText": severity_text,
            "body": any_value(body), "attributes": attributes(attrs or {})}


_ID_KEYS = {"traceId", "spanId", "parentSpanId"}


def _hex_ids_to_base64(node):
    if isinstance(node, dict):
        return {key: (base64.b64encode(bytes.fromhex(value)).decode() if key in _ID_KEYS and isinstance(value, str)
                      else _hex_ids_to_base64(value)) for key, value in node.items()}
    if isinstance(node, list):
        return [_hex_ids_to_base64(item) for item in node]
    return node


def to_protobuf(signal_name: str, body: dict) -> bytes:
    """The protobuf encoding of an OTLP JSON export body (via the opentelemetry-proto classes)."""
    from google.protobuf import json_format
    from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceRequest
    from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import ExportMetricsServiceRequest
    from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

    message = {"traces": ExportTraceServiceRequest, "metrics": ExportMetricsServiceRequest,
               "logs": ExportLogsServiceRequest}[signal_name]()
    json_format.ParseDict(_hex_ids_to_base64(copy.deepcopy(body)), message)
    return message.SerializeToString()


def gzipped(data: bytes) -> bytes:
    return gzip.compress(data)


def rpc_status(response: requests.Response) -> dict:
    """The google.rpc.Status of an OTLP error answer, decoded from the response's own format."""
    content_type = response.headers.get("Content-Type", "")
    if content_type.startswith(PROTOBUF):
        from google.rpc import status_pb2

        status = status_pb2.Status()
        status.ParseFromString(response.content)
        return {"code": status.code, "message": status.message}
    assert content_type.startswith(JSON), f"unexpected Content-Type {content_type!r} on an error answer"
    return response.json()


# ---------------------------------------------------------------------------------------------
# The SDK client (clients/sdk_client.py) run under one of the two virtual environments.

def run_sdk_client(python: Path, protocol: str, endpoint: str, key: str, service: str, tag: str,
                   config: str = "env", signals: str = "traces,metrics,logs", compression: str = "none",
                   timeout: float = 90) -> dict:
    env = clean_environment()
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    if config == "env":
        # What users do: the standard variables, the header value percent-encoded.
        env["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint
        env["OTEL_EXPORTER_OTLP_HEADERS"] = f"Authorization=Bearer%20{key}"
    else:
        env["VIGIL_E2E_ENDPOINT"] = endpoint
        env["VIGIL_E2E_KEY"] = key
    result = subprocess.run(
        [str(python), str(SDK_CLIENT), "--protocol", protocol, "--config", config, "--signals", signals,
         "--compression", compression, "--service", service, "--tag", tag],
        capture_output=True, text=True, env=env, timeout=timeout, stdin=subprocess.DEVNULL,
    )
    if result.returncode != 0:
        raise AssertionError(f"sdk_client.py exited {result.returncode}\nstdout: {result.stdout}\nstderr: {result.stderr}")
    report = json.loads(result.stdout)
    report["stderr"] = result.stderr
    return report
