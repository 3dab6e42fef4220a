#!/usr/bin/env python3
"""Vigil's ingest benchmark (`make bench`): spans per second end to end, against Postgres COPY.

Starts `vigil serve` on a fresh database of the given Postgres, sends OTLP/HTTP protobuf exports
(512 GenAI spans each, every span with its own trace/span ids) from concurrent keep-alive clients,
and reports:

  * the maximum sustained rate (closed loop, concurrency ramped 1, 2, 4, 8, 16; best kept),
  * export latency p50/p95/p99 at 80% of that rate (paced open loop, measured from the time each
    export was due, so a stalled server is not hidden by a stalled client),
  * the rate of a plain Postgres COPY of the same stored rows into the same table definition in a
    second fresh database on the same server, and the ratio of the two,
  * the vigil process's memory (VmRSS sampled, VmHWM at the end) and where the CPU went.

Vigil answers 200 only after the export is committed, so an acknowledged span is a stored span;
at the end the stored span count is checked against the acknowledged count. Figures are printed,
never asserted: the exit status is non-zero only when the run itself fails (vigil does not start,
or the stored count does not match what was acknowledged).

Request bodies are built with the opentelemetry-proto classes once, as a template, and every body
is a copy of it with fresh random trace/span ids (and shifted timestamps) patched into the
fixed-size id and time fields, all before the timed phases start.

Usage: ingest_bench.py --url postgres://vigil@127.0.0.1:PORT/postgres --vigil .build/release/vigil
(the URL must be a superuser of a throwaway cluster: the benchmark creates two databases in it).
"""

from __future__ import annotations

import argparse
import glob
import http.client
import math
import os
import queue
import shlex
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, ArrayValue, InstrumentationScope, KeyValue
from opentelemetry.proto.resource.v1.resource_pb2 import Resource
from opentelemetry.proto.trace.v1.trace_pb2 import ResourceSpans, ScopeSpans, Span, Status

REPO = Path(__file__).resolve().parent.parent
COLUMNS = "project_id, seq, kind, occurred_at, received_at, dedup_key, body"


# ---------------------------------------------------------------------------------------------
# Request bodies
# ---------------------------------------------------------------------------------------------

def _value(v) -> AnyValue:
    if isinstance(v, bool):
        return AnyValue(bool_value=v)
    if isinstance(v, int):
        return AnyValue(int_value=v)
    if isinstance(v, float):
        return AnyValue(double_value=v)
    if isinstance(v, (list, tuple)):
        return AnyValue(array_value=ArrayValue(values=[_value(x) for x in v]))
    return AnyValue(string_value=str(v))


def _attrs(pairs: dict) -> list[KeyValue]:
    return [KeyValue(key=k, value=_value(v)) for k, v in pairs.items()]


SCOPES = {
    "http": ("opentelemetry.instrumentation.fastapi", "0.55b1"),
    "agent": ("opentelemetry.instrumentation.openai_agents", "0.2.0"),
    "llm": ("opentelemetry.instrumentation.openai_v2", "2.2b0"),
    "db": ("opentelemetry.instrumentation.psycopg", "0.55b1"),
}

MODELS = [
    ("openai", "gpt-4o", "gpt-4o-2024-08-06", "api.openai.com"),
    ("openai", "gpt-4o-mini", "gpt-4o-mini-2024-07-18", "api.openai.com"),
    ("anthropic", "claude-sonnet-4-20250514", "claude-sonnet-4-20250514", "api.anthropic.com"),
    ("aws.bedrock", "anthropic.claude-3-5-haiku-20241022-v1:0", "anthropic.claude-3-5-haiku-20241022-v1:0",
     "bedrock-runtime.us-east-1.amazonaws.com"),
]
ROUTES = ["/api/v1/chat", "/api/v1/support/ticket", "/api/v1/summarize", "/api/v1/search"]
TOOLS = ["search_orders", "get_customer_profile", "lookup_refund_policy", "create_ticket"]


class TraceShape:
    """One request to an LLM app: HTTP server span, agent span, model calls, a tool, a DB query."""

    @staticmethod
    def spans(rng, trace_no: int, t0: int) -> list[tuple[str, str, Span.SpanKind, int, int, int | None, dict, bool]]:
        """(scope, name, kind, start, end, parent index, attributes, is_error) for each span."""
        provider, req_model, resp_model, host = MODELS[trace_no % len(MODELS)]
        route = ROUTES[trace_no % len(ROUTES)]
        tool = TOOLS[trace_no % len(TOOLS)]
        conv = f"conv_{rng.getrandbits(48):012x}"
        error = trace_no % 37 == 5
        ms = 1_000_000
        total = (1800 + rng.randrange(2500)) * ms

        def chat(start, dur, in_tok, out_tok, finish):
            return {
                "gen_ai.operation.name": "chat",
                "gen_ai.provider.name": provider,
                "gen_ai.request.model": req_model,
                "gen_ai.response.model": resp_model,
                "gen_ai.request.temperature": 0.2,
                "gen_ai.request.max_tokens": 1024,
                "gen_ai.response.id": f"chatcmpl-{rng.getrandbits(96):024x}",
                "gen_ai.response.finish_reasons": [finish],
                "gen_ai.usage.input_tokens": in_tok,
                "gen_ai.usage.output_tokens": out_tok,
                "gen_ai.conversation.id": conv,
                "server.address": host,
                "server.port": 443,
                "http.response.status_code": 200,
                "url.scheme": "https",
            }

        in1, out1 = 600 + rng.randrange(3000), 20 + rng.randrange(80)
        in2, out2 = in1 + 400 + rng.randrange(1500), 80 + rng.randrange(700)
        c1s, c1d = t0 + 40 * ms, 500 * ms + rng.randrange(400) * ms
        tls = c1s + c1d + 2 * ms
        tld = 60 * ms + rng.randrange(200) * ms
        dbs = tls + 5 * ms
        dbd = 3 * ms + rng.randrange(20) * ms
        c2s = tls + tld + 3 * ms
        c2d = max(300 * ms, total - (c2s - t0) - 80 * ms)
        emb_s = t0 + 8 * ms
        out = [
            ("http", f"POST {route}", Span.SPAN_KIND_SERVER, t0, t0 + total, None, {
                "http.request.method": "POST",
                "http.route": route,
                "url.path": route,
                "url.scheme": "https",
                "http.response.status_code": 500 if error else 200,
                "server.address": "assistant.internal.example.com",
                "server.port": 443,
                "client.address": f"10.20.{trace_no % 250}.{rng.randrange(1, 250)}",
                "user_agent.original": "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Safari/605.1.15",
                "network.protocol.version": "1.1",
                "http.request.body.size": 900 + rng.randrange(4000),
                "http.response.body.size": 1500 + rng.randrange(9000),
                "enduser.id": f"user_{rng.getrandbits(32):08x}",
                "session.id": f"sess_{rng.getrandbits(64):016x}",
                "app.tenant": f"tenant-{trace_no % 17}",
            }, error),
            ("agent", "invoke_agent support_agent", Span.SPAN_KIND_INTERNAL, t0 + 5 * ms, t0 + total - 10 * ms, 0, {
                "gen_ai.operation.name": "invoke_agent",
                "gen_ai.provider.name": provider,
                "gen_ai.agent.name": "support_agent",
                "gen_ai.agent.id": "asst_5j66UpCpwteGg4YSxUnt7lPY",
                "gen_ai.agent.description": "Answers customer questions about orders and refunds",
                "gen_ai.request.model": req_model,
                "gen_ai.response.model": resp_model,
                "gen_ai.conversation.id": conv,
                "gen_ai.usage.input_tokens": in1 + in2,
                "gen_ai.usage.output_tokens": out1 + out2,
                "gen_ai.output.type": "text",
                "app.prompt.template": "support/v7",
                "app.prompt.version": 7,
                "app.feature": "support-chat",
                "app.tenant": f"tenant-{trace_no % 17}",
            }, error),
            ("llm", "embeddings text-embedding-3-small", Span.SPAN_KIND_CLIENT, emb_s, emb_s + 25 * ms, 1, {
                "gen_ai.operation.name": "embeddings",
                "gen_ai.provider.name": "openai",
                "gen_ai.request.model": "text-embedding-3-small",
                "gen_ai.response.model": "text-embedding-3-small",
                "gen_ai.request.encoding_formats": ["float"],
                "gen_ai.embeddings.dimension.count": 1536,
                "gen_ai.usage.input_tokens": 40 + rng.randrange(200),
                "server.address": "api.openai.com",
                "server.port": 443,
                "http.response.status_code": 200,
                "url.scheme": "https",
                "gen_ai.conversation.id": conv,
                "app.feature": "support-chat",
                "app.tenant": f"tenant-{trace_no % 17}",
            }, False),
            ("db", "SELECT app.documents", Span.SPAN_KIND_CLIENT, emb_s + 27 * ms, emb_s + 32 * ms, 1, {
                "db.system.name": "postgresql",
                "db.namespace": "assistant",
                "db.operation.name": "SELECT",
                "db.collection.name": "documents",
                "db.query.text": "SELECT id, chunk FROM documents ORDER BY embedding <=> $1 LIMIT 8",
                "db.response.returned_rows": 8,
                "server.address": "pg-primary.internal",
                "server.port": 5432,
                "network.peer.address": "10.0.3.17",
                "db.client.connection.pool.name": "assistant",
                "db.query.summary": "SELECT documents",
                "network.peer.port": 5432,
                "app.feature": "support-chat",
                "app.tenant": f"tenant-{trace_no % 17}",
            }, False),
            ("llm", f"chat {req_model}", Span.SPAN_KIND_CLIENT, c1s, c1s + c1d, 1,
             chat(c1s, c1d, in1, out1, "tool_calls"), False),
            ("agent", f"execute_tool {tool}", Span.SPAN_KIND_INTERNAL, tls, tls + tld, 1, {
                "gen_ai.operation.name": "execute_tool",
                "gen_ai.tool.name": tool,
                "gen_ai.tool.type": "function",
                "gen_ai.tool.call.id": f"call_{rng.getrandbits(96):024x}",
                "gen_ai.tool.description": "Looks up the customer's orders by email or order number",
                "gen_ai.conversation.id": conv,
                "gen_ai.agent.name": "support_agent",
                "gen_ai.provider.name": provider,
                "code.function.name": f"assistant.tools.{tool}",
                "code.file.path": "/app/assistant/tools.py",
                "app.feature": "support-chat",
                "app.tenant": f"tenant-{trace_no % 17}",
            }, False),
            ("db", "SELECT app.orders", Span.SPAN_KIND_CLIENT, dbs, dbs + dbd, 5, {
                "db.system.name": "postgresql",
                "db.namespace": "shop",
                "db.operation.name": "SELECT",
                "db.collection.name": "orders",
                "db.query.text": "SELECT id, status, total_cents, created_at FROM orders WHERE customer_id = $1 ORDER BY created_at DESC LIMIT 20",
                "db.response.returned_rows": rng.randrange(20),
                "server.address": "pg-primary.internal",
                "server.port": 5432,
                "network.peer.address": "10.0.3.17",
                "db.client.connection.pool.name": "shop",
                "db.query.summary": "SELECT orders",
                "network.peer.port": 5432,
                "app.feature": "support-chat",
                "app.tenant": f"tenant-{trace_no % 17}",
            }, False),
            ("llm", f"chat {req_model}", Span.SPAN_KIND_CLIENT, c2s, c2s + c2d, 1,
             chat(c2s, c2d, in2, out2, "length" if error else "stop"), error),
        ]
        return out


@dataclass
class BodyFactory:
    """A serialized ExportTraceServiceRequest and where its ids and timestamps sit, to stamp copies."""

    spans_per_request: int
    base_ns: int
    template: bytes = b""
    trace_offsets: list = field(default_factory=list)  # per trace: offsets of its 16-byte id
    span_offsets: list = field(default_factory=list)  # per span: offsets of its 8-byte id (incl. as parent)
    time_offsets: list = field(default_factory=list)  # (offset, template value) of every fixed64 time
    made: int = 0
    spacing_ns: int = 20_000_000  # consecutive bodies' spans start this much later

    def __post_init__(self):
        import random

        rng = random.Random(20250101)
        n = self.spans_per_request
        request = ExportTraceServiceRequest()
        rs = request.resource_spans.add()
        rs.resource.CopyFrom(Resource(attributes=_attrs({
            "service.name": "support-assistant",
            "service.version": "2.14.3",
            "service.namespace": "customer-care",
            "service.instance.id": "7f1c9a2e-5b8d-4e3f-9a61-2c4d8e0b7f15",
            "deployment.environment.name": "production",
            "host.name": "assistant-7d9f8b6c5-x2kqp",
            "host.arch": "amd64",
            "os.type": "linux",
            "process.pid": 4127,
            "process.runtime.name": "CPython",
            "process.runtime.version": "3.12.7",
            "cloud.provider": "aws",
            "cloud.region": "eu-west-1",
            "k8s.namespace.name": "assistant",
            "k8s.pod.name": "assistant-7d9f8b6c5-x2kqp",
            "telemetry.sdk.name": "opentelemetry",
            "telemetry.sdk.language": "python",
            "telemetry.sdk.version": "1.38.0",
        })))
        scopes = {}
        for key, (name, version) in SCOPES.items():
            ss = rs.scope_spans.add()
            ss.scope.CopyFrom(InstrumentationScope(name=name, version=version))
            scopes[key] = ss

        trace_ph, span_ph = [], []
        span_no = 0
        trace_no = 0
        times = []
        while span_no < n:
            tph = bytes([0xA7, 0x3E]) + trace_no.to_bytes(4, "big") + bytes([0xA7, 0x3E] * 5)
            trace_ph.append(tph)
            t0 = self.base_ns + trace_no * 7_000_000 + rng.randrange(1_000_000)
            shape = TraceShape.spans(rng, trace_no, t0)[: n - span_no]
            first = span_no
            for (scope, name, kind, start, end, parent, attrs, is_error) in shape:
                sph = bytes([0xB5]) + span_no.to_bytes(4, "big") + bytes([0xB5, 0x4C, 0xB5])
                span_ph.append(sph)
                span = scopes[scope].spans.add()
                span.trace_id = tph
                span.span_id = sph
                if parent is not None:
                    span.parent_span_id = span_ph[first + parent]
                span.name = name
                span.kind = kind
                span.start_time_unix_nano = start
                span.end_time_unix_nano = end
                span.attributes.extend(_attrs(attrs))
                if is_error:
                    span.status.CopyFrom(Status(code=Status.STATUS_CODE_ERROR, message="upstream returned 500"))
                elif kind == Span.SPAN_KIND_SERVER:
                    span.status.CopyFrom(Status(code=Status.STATUS_CODE_OK))
                times += [start, end]
                span_no += 1
            trace_no += 1

        self.template = request.SerializeToString()
        t = self.template

        def find_all(needle: bytes) -> list[int]:
            found, at = [], t.find(needle)
            while at >= 0:
                found.append(at)
                at = t.find(needle, at + 1)
            return found

        self.trace_offsets = [find_all(p) for p in trace_ph]
        self.span_offsets = [find_all(p) for p in span_ph]
        # start_time_unix_nano is field 7, end_time_unix_nano field 8, both fixed64.
        for tag in (b"\x39", b"\x41"):
            for value in set(times):
                for at in find_all(tag + struct.pack("<Q", value)):
                    self.time_offsets.append((at + 1, value))
        # Every placeholder and time must have been found exactly where expected.
        spans_in_trace = sum(len(o) for o in self.trace_offsets)
        assert spans_in_trace == n, (spans_in_trace, n)
        assert all(len(o) >= 1 for o in self.span_offsets)
        assert len(self.time_offsets) == 2 * n, (len(self.time_offsets), n)
        check = ExportTraceServiceRequest.FromString(self.make_at(0))  # parses after stamping
        assert sum(len(s.spans) for s in check.resource_spans[0].scope_spans) == n

    def make_at(self, index: int) -> bytes:
        buf = bytearray(self.template)
        ids = os.urandom(16 * len(self.trace_offsets) + 8 * len(self.span_offsets))
        pos = 0
        for offsets in self.trace_offsets:
            tid = ids[pos:pos + 16]
            pos += 16
            for at in offsets:
                buf[at:at + 16] = tid
        for offsets in self.span_offsets:
            sid = ids[pos:pos + 8]
            pos += 8
            for at in offsets:
                buf[at:at + 8] = sid
        shift = index * self.spacing_ns
        pack = struct.pack_into
        for at, value in self.time_offsets:
            pack("<Q", buf, at, value + shift)
        return bytes(buf)

    def make(self, count: int) -> list[bytes]:
        out = [self.make_at(self.made + i) for i in range(count)]
        self.made += count
        return out


# ---------------------------------------------------------------------------------------------
# Processes, Postgres
# ---------------------------------------------------------------------------------------------

def with_database(url: str, name: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path="/" + name))


def find_psql() -> str:
    found = shutil.which("psql")
    if found:
        return found
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/psql"), key=lambda p: int(p.split("/")[4]))
    if candidates:
        return candidates[-1]
    raise SystemExit("psql not found (install the Postgres client)")


PSQL = find_psql()


def psql(url: str, sql: str, *, stdin=None, stdout=subprocess.PIPE, quiet=True) -> str:
    args = [PSQL, "-X", "-v", "ON_ERROR_STOP=1", "-At"] + (["-q"] if quiet else []) + ["-d", url, "-c", sql]
    done = subprocess.run(args, stdin=stdin, stdout=stdout, stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"psql failed ({sql[:80]}...): {done.stderr.strip()}")
    return done.stdout.strip() if done.stdout else ""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class CPU:
    """CPU time of vigil, of Postgres (postmaster and its children, when it runs on this machine),
    of this process and of the whole machine, to show where the cores went."""

    tick = os.sysconf("SC_CLK_TCK")

    def __init__(self, pid: int, postmaster: int | None):
        self.pid, self.postmaster = pid, postmaster

    @staticmethod
    def _stat(pid) -> list[str] | None:
        try:
            with open(f"/proc/{pid}/stat") as f:
                return f.read().rsplit(")", 1)[1].split()
        except OSError:
            return None

    def _postgres_seconds(self) -> float:
        if self.postmaster is None:
            return float("nan")
        ticks = 0
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            fields = self._stat(entry)
            # fields[1] is the parent pid; utime and stime are fields[11] and fields[12].
            if not fields:
                continue
            if int(entry) == self.postmaster:
                # Its own time, and (cutime, cstime) that of backends that have exited.
                ticks += int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])
            elif int(fields[1]) == self.postmaster:
                ticks += int(fields[11]) + int(fields[12])
        return ticks / self.tick

    def snapshot(self):
        fields = self._stat(self.pid)
        vigil = (int(fields[11]) + int(fields[12])) / self.tick if fields else float("nan")
        with open("/proc/stat") as f:
            cpu = [int(x) for x in f.readline().split()[1:]]
        idle = cpu[3] + cpu[4]
        me = os.times()
        return (time.monotonic(), vigil, self._postgres_seconds(), me.user + me.system, (sum(cpu) - idle) / self.tick)

    @staticmethod
    def usage(a, b) -> dict:
        wall = max(b[0] - a[0], 1e-9)
        return {name: 100 * (b[i] - a[i]) / wall
                for i, name in enumerate(("vigil", "postgres", "client", "machine"), start=1)}

    @staticmethod
    def find_postmaster(url: str) -> int | None:
        """The local postmaster's pid: the parent of a backend serving us, if it is on this machine."""
        try:
            backend = int(psql(url, "SELECT pg_backend_pid()"))
            with open(f"/proc/{backend}/status") as f:
                for line in f:
                    if line.startswith("PPid:"):
                        return int(line.split()[1])
        except (OSError, ValueError, RuntimeError):
            pass
        return None


class MemorySampler(threading.Thread):
    def __init__(self, pid: int, interval: float = 0.1):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_rss_kb = 0
        self.last_rss_kb = 0
        self.hwm_kb = 0
        self.phase_peak_kb = 0
        self.stop = threading.Event()

    def read(self):
        rss = hwm = 0
        try:
            with open(f"/proc/{self.pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        rss = int(line.split()[1])
                    elif line.startswith("VmHWM:"):
                        hwm = int(line.split()[1])
        except OSError:
            return
        self.last_rss_kb = rss
        self.peak_rss_kb = max(self.peak_rss_kb, rss)
        self.phase_peak_kb = max(self.phase_peak_kb, rss)
        self.hwm_kb = max(self.hwm_kb, hwm)

    def phase(self) -> float:
        """The peak RSS (MB) since the last call, and starts a new phase."""
        self.read()
        peak, self.phase_peak_kb = self.phase_peak_kb, self.last_rss_kb
        return peak / 1024

    def run(self):
        while not self.stop.is_set():
            self.read()
            self.stop.wait(self.interval)


class Vigil:
    def __init__(self, binary: str, db_url: str, migrations: str, workdir: Path, only: str | None = None):
        self.binary, self.db_url = binary, db_url
        self.port = free_port()
        self.grpc_port = free_port()
        self.env = dict(os.environ, VIGIL_DATABASE_URL=db_url, VIGIL_MIGRATIONS_DIR=migrations,
                        VIGIL_LISTEN=f"127.0.0.1:{self.port}", VIGIL_GRPC_LISTEN=f"127.0.0.1:{self.grpc_port}")
        if only:
            self.env["VIGIL_ONLY"] = only
        self.log_path = workdir / "vigil.log"
        self.proc = None

    def command(self, *args: str) -> str:
        done = subprocess.run([self.binary, *args], env=self.env, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"vigil {' '.join(args)} failed: {done.stderr.strip()}")
        return done.stdout.strip()

    def start(self, timeout=90.0):
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen([self.binary, "serve"], env=self.env, stdout=self.log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"vigil serve exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    conn.close()
                    return
                conn.close()
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"vigil serve did not answer /healthz within {timeout:.0f}s:\n{self.log_tail()}")

    def exit_description(self) -> str:
        code = self.proc.poll() if self.proc else None
        if code is None:
            return "still running"
        if code < 0:
            try:
                return f"killed by {signal.Signals(-code).name}"
            except ValueError:
                return f"killed by signal {-code}"
        return f"exit status {code}"

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def log_tail(self, lines=30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


# ---------------------------------------------------------------------------------------------
# Load
# ---------------------------------------------------------------------------------------------

@dataclass
class Result:
    label: str
    sent: int = 0  # requests
    ok: int = 0
    spans_acked: int = 0
    spans_rejected: int = 0
    statuses: dict = field(default_factory=dict)  # non-200 status (or error kind) -> count
    latencies: list = field(default_factory=list)  # seconds, 200 responses only
    lateness: list = field(default_factory=list)  # paced: how late each export left the client
    elapsed: float = 0.0
    exhausted: bool = False
    cpu: dict = field(default_factory=dict)
    unacked_spans: int = 0  # spans in requests that got no 200 (may or may not be stored)
    rss_mb: float = 0.0  # vigil's peak RSS during the phase

    @property
    def rate(self) -> float:
        return self.spans_acked / self.elapsed if self.elapsed > 0 else 0.0

    def pct(self, p: float) -> float:
        return percentile(self.latencies, p)


def percentile(values, p: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    k = max(0, min(len(s) - 1, math.ceil(p / 100 * len(s)) - 1))
    return s[k]


class Client:
    """One keep-alive connection posting exports; records into a Result under a lock."""

    def __init__(self, port: int, key: str, spans_per_request: int):
        self.port, self.spans = port, spans_per_request
        self.headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/x-protobuf"}
        self.conn = None

    def post(self, body: bytes) -> tuple[str | int, int]:
        """Sends one export; returns (status or error kind, spans acknowledged)."""
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            try:
                self.conn.request("POST", "/v1/traces", body, self.headers)
                response = self.conn.getresponse()
                payload = response.read()
                if response.getheader("Connection", "").lower() == "close":
                    self.conn.close()
                    self.conn = None
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as e:
                # A keep-alive connection the server closed while idle: reconnect and send once more
                # (nothing of it was committed, the request never arrived whole).
                self.conn.close()
                self.conn = None
                if attempt == 0:
                    continue
                return type(e).__name__, 0
            except (OSError, http.client.HTTPException) as e:
                self.conn.close()
                self.conn = None
                return type(e).__name__, 0
            if response.status != 200:
                return response.status, 0
            rejected = 0
            if payload:
                reply = ExportTraceServiceResponse.FromString(payload)
                rejected = reply.partial_success.rejected_spans
            return 200, self.spans - rejected
        return "unreachable", 0

    def close(self):
        if self.conn is not None:
            self.conn.close()


def record(result: Result, lock, status, acked, latency, spans_per_request):
    with lock:
        result.sent += 1
        if status == 200:
            result.ok += 1
            result.spans_acked += acked
            result.spans_rejected += spans_per_request - acked
            result.latencies.append(latency)
        else:
            result.statuses[status] = result.statuses.get(status, 0) + 1
            result.unacked_spans += spans_per_request


class GRPCClient:
    """One HTTP/2 channel calling TraceService/Export (OTLP/gRPC) with already-serialized
    requests; the same interface as Client. Needs grpcio (opentelemetry-exporter-otlp-proto-grpc
    brings it)."""

    def __init__(self, port: int, key: str, spans_per_request: int):
        import grpc  # only the gRPC phases need it

        self.grpc = grpc
        self.spans = spans_per_request
        self.metadata = (("authorization", f"Bearer {key}"),)
        self.channel = grpc.insecure_channel(f"127.0.0.1:{port}", options=[
            ("grpc.max_send_message_length", 64 << 20), ("grpc.max_receive_message_length", 64 << 20)])
        # No serializers: the request is sent as the bytes given, the response returned as bytes.
        self.export = self.channel.unary_unary("/opentelemetry.proto.collector.trace.v1.TraceService/Export")

    def post(self, body: bytes) -> tuple[str | int, int]:
        try:
            payload = self.export(body, metadata=self.metadata, timeout=60)
        except self.grpc.RpcError as e:
            return str(e.code().name), 0
        rejected = ExportTraceServiceResponse.FromString(payload).partial_success.rejected_spans if payload else 0
        return 200, self.spans - rejected

    def close(self):
        self.channel.close()


def closed_loop(label, port, key, spr, bodies: list[bytes], concurrency: int, duration: float, cpu: CPU,
                client_class=Client) -> Result:
    """`concurrency` clients each send an export as soon as the previous one is answered."""
    result = Result(label)
    lock = threading.Lock()
    feed = iter(bodies)
    start_barrier = threading.Barrier(concurrency + 1)
    deadline = [0.0]

    def worker():
        client = client_class(port, key, spr)
        start_barrier.wait()
        try:
            while time.monotonic() < deadline[0]:
                with lock:
                    body = next(feed, None)
                if body is None:
                    result.exhausted = True
                    return
                t0 = time.monotonic()
                status, acked = client.post(body)
                record(result, lock, status, acked, time.monotonic() - t0, spr)
                if status != 200:
                    time.sleep(0.05)
        finally:
            client.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for t in threads:
        t.start()
    c0 = cpu.snapshot()
    t0 = time.monotonic()
    deadline[0] = t0 + duration
    start_barrier.wait()
    for t in threads:
        t.join()
    result.elapsed = time.monotonic() - t0
    result.cpu = CPU.usage(c0, cpu.snapshot())
    return result


def paced(label, port, key, spr, bodies: list[bytes], rate_spans: float, workers: int, cpu: CPU) -> Result:
    """Open loop: exports are due every spr/rate seconds whatever the server does; latency is
    measured from when each was due, so client-side queueing behind a slow server counts."""
    result = Result(label)
    lock = threading.Lock()
    work: queue.Queue = queue.Queue()
    interval = spr / rate_spans

    def worker():
        client = Client(port, key, spr)
        try:
            while True:
                item = work.get()
                if item is None:
                    return
                due, body = item
                now = time.monotonic()
                status, acked = client.post(body)
                done = time.monotonic()
                record(result, lock, status, acked, done - due, spr)
                with lock:
                    result.lateness.append(now - due)
        finally:
            client.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(workers)]
    for t in threads:
        t.start()
    c0 = cpu.snapshot()
    t0 = time.monotonic() + 0.05
    for i, body in enumerate(bodies):
        due = t0 + i * interval
        delay = due - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        work.put((due, body))
    for _ in threads:
        work.put(None)
    for t in threads:
        t.join()
    result.elapsed = time.monotonic() - t0
    result.cpu = CPU.usage(c0, cpu.snapshot())
    return result


# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------

def ms(seconds: float) -> str:
    return "n/a" if seconds != seconds else f"{seconds * 1000:.1f} ms"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--url", required=True, help="superuser URL of a throwaway Postgres (databases are created in it)")
    ap.add_argument("--vigil", required=True, help="the vigil binary to benchmark")
    ap.add_argument("--migrations", default=str(REPO / "migrations"))
    ap.add_argument("--spans-per-request", type=int, default=512)
    ap.add_argument("--concurrency", default="1,2,4,8,16", help="closed-loop ramp (comma separated)")
    ap.add_argument("--step-seconds", type=float, default=8.0, help="duration of each ramp step")
    ap.add_argument("--load-seconds", type=float, default=20.0, help="duration of the paced run at --load-fraction")
    ap.add_argument("--load-fraction", type=float, default=0.8)
    ap.add_argument("--warmup-seconds", type=float, default=2.0)
    ap.add_argument("--max-bodies", type=int, default=4000, help="bound on exports prepared for one phase")
    ap.add_argument("--keep-files", action="store_true", help="keep the work folder (vigil log, COPY file)")
    args = ap.parse_args()

    spr = args.spans_per_request
    ramp = [int(c) for c in args.concurrency.split(",") if c.strip()]
    stamp = time.strftime("%Y%m%d_%H%M%S") + f"_{os.getpid()}"
    ingest_db, copy_db = f"bench_ingest_{stamp}", f"bench_copy_{stamp}"
    ingest_url, copy_url = with_database(args.url, ingest_db), with_database(args.url, copy_db)
    workdir = Path(tempfile.mkdtemp(prefix="vigil-bench-"))
    command = " ".join(shlex.quote(a) for a in [sys.executable, *sys.argv])
    cores = os.cpu_count()
    run_start = time.monotonic()

    print("Vigil ingest benchmark")
    print(f"  command:   {command}")
    print(f"  vigil:     {os.path.abspath(args.vigil)}")
    pg_version = psql(args.url, "SHOW server_version")
    print(f"  postgres:  {pg_version}, databases {ingest_db} (vigil) and {copy_db} (COPY baseline)")
    print(f"  machine:   {cores} CPU core(s) shared by the load generator, vigil and Postgres "
          f"(all figures include that contention)")
    tuning = {k: v for k, v in os.environ.items() if k.startswith(("VIGIL_", "MALLOC_", "GLIBC_"))}
    if tuning:
        print(f"  env:       {' '.join(f'{k}={v}' for k, v in sorted(tuning.items()))} (passed to vigil)")
    sys.stdout.flush()

    psql(args.url, f'CREATE DATABASE "{ingest_db}"')
    # The append path alone: the rollup processor's cost under load is processor_bench.py's lag figure.
    vigil = Vigil(args.vigil, ingest_url, args.migrations, workdir, only="collector")
    print("  vigil runs its collector only (VIGIL_ONLY=collector); processor_bench.py measures the processor under this load")
    sampler = None
    failed = False
    try:
        vigil.start()
        key = vigil.command("keys", "create", "--project", "bench", "--role", "ingest", "--name", "bench")
        sampler = MemorySampler(vigil.proc.pid)
        sampler.read()
        idle_rss = sampler.last_rss_kb
        sampler.start()
        cpu = CPU(vigil.proc.pid, CPU.find_postmaster(args.url))

        # Bodies: one template, stamped with fresh ids per export.
        t = time.monotonic()
        factory = BodyFactory(spr, base_ns=time.time_ns() - 120 * 1_000_000_000)
        one = factory.make_at(0)
        per_body = time.monotonic()
        sample = factory.make(50)
        per_body = (time.monotonic() - per_body) / 50
        print(f"  exports:   OTLP/HTTP protobuf, {spr} spans each ({len(one) / 1024:.0f} KiB, "
              f"~{len(one) / spr:.0f} B/span, 8-span GenAI agent traces, 12-15 attributes a span + 18 resource attributes); "
              f"template {1000 * (time.monotonic() - t):.0f} ms, {1000 * per_body:.2f} ms per stamped copy")
        print(f"  vigil pid {vigil.proc.pid}, idle RSS {idle_rss / 1024:.1f} MB, listening on 127.0.0.1:{vigil.port}")
        print()
        sys.stdout.flush()

        pool: list[bytes] = sample
        results: list[Result] = []

        def take(n: int) -> list[bytes]:
            nonlocal pool
            n = min(n, args.max_bodies)
            if len(pool) < n:
                pool += factory.make(n - len(pool))
            out, pool = pool[:n], pool[n:]
            return out

        def give_back(bodies: list[bytes], used: int):
            nonlocal pool
            pool = bodies[used:] + pool

        psql(args.url, "CHECKPOINT")
        # Warm-up (connections, key cache, Postgres caches): its spans count in the check, not in the figures.
        bodies = take(max(8, int(args.warmup_seconds * 40)))
        warm = closed_loop("warm-up", vigil.port, key, spr, bodies, 2, args.warmup_seconds, cpu)
        give_back(bodies, warm.sent)
        results.append(warm)
        estimate = max(warm.rate, 1000.0)
        print(f"warm-up: {warm.sent} exports, {warm.rate:,.0f} spans/s at concurrency 2")

        print()
        print("Maximum rate (closed loop: each client sends its next export when the last is answered)")
        print("  (CPU as % of one core; 'all' is every process on the machine, out of "
              f"{cores * 100}%, so it shows anything else running)")
        print(f"  {'clients':>7} {'exports':>8} {'spans/s':>10} {'p50':>10} {'p99':>10} {'errors':>7}"
              f" {'vigil CPU':>10} {'Postgres CPU':>13} {'client CPU':>11} {'all CPU':>8} {'vigil RSS':>10}")
        best: Result | None = None
        best_c = ramp[0]
        worse = 0
        for c in ramp:
            need = int(estimate * 1.8 * args.step_seconds / spr) + 4 * c + 8
            bodies = take(need)
            sampler.phase()
            r = closed_loop(f"closed c={c}", vigil.port, key, spr, bodies, c, args.step_seconds, cpu)
            r.rss_mb = sampler.phase()
            give_back(bodies, r.sent)
            results.append(r)
            errors = r.sent - r.ok
            print(f"  {c:>7} {r.sent:>8} {r.rate:>10,.0f} {ms(r.pct(50)):>10} {ms(r.pct(99)):>10} {errors:>7}"
                  f" {r.cpu['vigil']:>9.0f}% {r.cpu['postgres']:>12.0f}% {r.cpu['client']:>10.0f}% {r.cpu['machine']:>7.0f}%"
                  f" {r.rss_mb:>7.0f} MB"
                  + ("  (ran out of prepared exports early)" if r.exhausted else "")
                  + (f"  statuses {r.statuses}" if r.statuses else ""))
            sys.stdout.flush()
            if not vigil.alive():
                raise RuntimeError(f"vigil exited during the ramp ({vigil.exit_description()})")
            estimate = max(estimate, r.rate)
            if best is None or r.rate > best.rate:
                best, best_c, worse = r, c, 0
            else:
                worse += 1
                if worse >= 2:
                    print("  (stopping the ramp: two steps in a row below the best)")
                    break
        max_rate = best.rate
        if max_rate <= 0:
            raise RuntimeError(f"no export was acknowledged during the ramp (statuses {best.statuses})")

        # Paced run at a fraction of the maximum.
        target = args.load_fraction * max_rate
        count = max(10, int(target * args.load_seconds / spr))
        workers = max(8, 4 * best_c)
        bodies = take(count)
        psql(args.url, "CHECKPOINT")
        print()
        print(f"Latency at {args.load_fraction:.0%} of the maximum (open loop: {count} exports due every "
              f"{1000 * spr / target:.1f} ms = {target:,.0f} spans/s, {workers} client connections)")
        sampler.phase()
        load = paced("paced", vigil.port, key, spr, bodies, target, workers, cpu)
        load.rss_mb = sampler.phase()
        results.append(load)
        if not vigil.alive():
            raise RuntimeError(f"vigil exited during the paced run ({vigil.exit_description()})")
        late = percentile(load.lateness, 99)
        print(f"  achieved {load.rate:,.0f} spans/s over {load.elapsed:.1f}s; "
              f"p50 {ms(load.pct(50))}, p95 {ms(load.pct(95))}, p99 {ms(load.pct(99))}, max {ms(max(load.latencies, default=float('nan')))}; "
              f"errors {load.sent - load.ok}" + (f" {load.statuses}" if load.statuses else ""))
        print(f"  CPU: vigil {load.cpu['vigil']:.0f}%, Postgres {load.cpu['postgres']:.0f}%, client {load.cpu['client']:.0f}%, "
              f"all processes {load.cpu['machine']:.0f}% of {cores * 100}%; vigil RSS peak {load.rss_mb:.0f} MB; "
              f"p99 client-side send delay {ms(late)}")
        sampler.read()
        sys.stdout.flush()

        # Correctness: every acknowledged span is stored, once.
        acked = sum(r.spans_acked for r in results)
        unacked = sum(r.unacked_spans for r in results)
        rejected = sum(r.spans_rejected for r in results)
        stored = int(psql(ingest_url, "SELECT count(*) FROM events WHERE kind = 'span'"))
        distinct = int(psql(ingest_url, "SELECT count(DISTINCT dedup_key) FROM events WHERE kind = 'span'"))
        if stored == acked and distinct == stored:
            verdict = "OK"
        elif acked <= stored <= acked + unacked and distinct == stored:
            verdict = "OK (some unacknowledged exports were committed too)"
        else:
            verdict = "MISMATCH"
            failed = True
        print()
        print(f"Stored: {stored:,} span events ({distinct:,} distinct ids); acknowledged {acked:,}, "
              f"rejected in partial_success {rejected:,}, in failed exports {unacked:,}: {verdict}")
        sampler.read()
        sampler.stop.set()
        peak_rss, hwm = sampler.peak_rss_kb / 1024, sampler.hwm_kb / 1024
        print(f"Vigil memory: RSS {idle_rss / 1024:.0f} MB idle before the load, peak {peak_rss:.0f} MB "
              f"(VmHWM {hwm:.0f} MB), {sampler.last_rss_kb / 1024:.0f} MB after it")
        vigil.stop()
        sys.stdout.flush()

        # COPY baseline: the same rows into a fresh, identically migrated database.
        copy_file = workdir / "spans.copy"
        t = time.monotonic()
        with open(copy_file, "w") as f:
            psql(ingest_url, f"COPY (SELECT {COLUMNS} FROM events WHERE kind = 'span' ORDER BY seq) TO STDOUT", stdout=f)
        export_s = time.monotonic() - t
        size_mb = copy_file.stat().st_size / 1e6
        months = psql(ingest_url, "SELECT string_agg(DISTINCT date_trunc('month', occurred_at)::text, ',') FROM events")
        psql(args.url, f'CREATE DATABASE "{copy_db}"')
        copy_env = Vigil(args.vigil, copy_url, args.migrations, workdir)
        copy_env.command("migrate")
        # The partitions vigil serve would have pre-created, and any month the rows fall in.
        psql(copy_url, "SELECT vigil_ensure_event_partition(now() + m * interval '1 month') FROM generate_series(0, 2) m")
        for month in filter(None, (months or "").split(",")):
            psql(copy_url, f"SELECT vigil_ensure_event_partition('{month}'::timestamptz)")
        psql(args.url, "CHECKPOINT")
        c0 = cpu.snapshot()
        t = time.monotonic()
        with open(copy_file) as f:
            tag = psql(copy_url, f"COPY events ({COLUMNS}) FROM STDIN", stdin=f, quiet=False)
        copy_s = time.monotonic() - t
        copy_cpu = CPU.usage(c0, cpu.snapshot())
        copied = int(tag.split()[-1]) if tag.startswith("COPY") else stored
        copy_rate = copied / copy_s
        print(f"COPY baseline: exported {stored:,} rows ({size_mb:.0f} MB) in {export_s:.1f}s; "
              f"COPY FROM STDIN of {copied:,} rows into {copy_db}.events took {copy_s:.2f}s "
              f"(Postgres CPU {copy_cpu['postgres']:.0f}%, all processes {copy_cpu['machine']:.0f}%)")
        if not args.keep_files:
            copy_file.unlink()

        ratio = max_rate / copy_rate
        p99 = load.pct(99)
        total_s = time.monotonic() - run_start
        total_spans = sum(r.sent for r in results) * spr
        print()
        print("Results")
        rows = [
            ("End to end, maximum (spans/s)", f"{max_rate:,.0f}", f"at {best_c} client(s), 200 = committed"),
            ("Postgres COPY, same rows and table (rows/s)", f"{copy_rate:,.0f}", f"{copied:,} rows in {copy_s:.2f}s"),
            ("Ratio end to end / COPY", f"{ratio:.0%}", "target >= 50%: " + ("met" if ratio >= 0.5 else "NOT met")),
            (f"Achieved rate at {args.load_fraction:.0%} load (spans/s)", f"{load.rate:,.0f}", f"target {target:,.0f}"),
            (f"Export latency p50 at {args.load_fraction:.0%}", ms(load.pct(50)), f"{load.ok} exports"),
            (f"Export latency p95 at {args.load_fraction:.0%}", ms(load.pct(95)), ""),
            (f"Export latency p99 at {args.load_fraction:.0%}", ms(p99), "target < 250 ms: " + ("met" if p99 < 0.25 else "NOT met")),
            ("Vigil RSS peak, sampled every 100 ms (MB)", f"{peak_rss:.0f}", f"VmHWM {hwm:.0f} MB; target < 300 MB: " + ("met" if max(peak_rss, hwm) < 300 else "NOT met")),
            ("Spans sent / stored", f"{total_spans:,} / {stored:,}", verdict),
            ("Failed exports (non-200 or transport errors)", f"{sum(r.sent - r.ok for r in results)}", ""),
            ("Benchmark duration", f"{total_s:.0f} s", ""),
        ]
        width = max(len(r[0]) for r in rows)
        vwidth = max(len(r[1]) for r in rows)
        for name, value, note in rows:
            print(f"  {name:<{width}}  {value:>{vwidth}}  {note}")
        print()
        print(f"  {cores} CPU core(s) were shared by this load generator (Python), vigil and Postgres; the COPY "
              f"baseline ran with vigil stopped and no load generator (psql + Postgres only). Postgres fsync=on "
              f"as configured by the cluster.")
        print(f"  Command: {command}")
        if args.keep_files:
            print(f"  Kept: {workdir} (vigil.log, spans.copy)")
    except Exception as e:  # report, stop vigil, fail
        failed = True
        print(f"\nbenchmark failed: {e}", file=sys.stderr)
        tail = vigil.log_tail()
        if tail:
            print(f"vigil log (last lines):\n{tail}", file=sys.stderr)
    except KeyboardInterrupt:
        failed = True
        print("\ninterrupted", file=sys.stderr)
    finally:
        if sampler is not None:
            sampler.stop.set()
        vigil.stop()
        if not args.keep_files:
            for p in workdir.iterdir():
                p.unlink()
            workdir.rmdir()
            # Two multi-GB databases would otherwise keep autovacuum busy during the next benchmark.
            for name in (ingest_db, copy_db):
                try:
                    psql(args.url, f'DROP DATABASE IF EXISTS "{name}"')
                except Exception as e:  # the figures are printed already; say it and go on
                    print(f"  could not drop {name}: {e}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
