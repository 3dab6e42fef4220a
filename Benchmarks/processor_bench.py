#!/usr/bin/env python3
"""Vigil's processor benchmark (`make bench`, after the ingest benchmark): the rollup processor and
the summary API.

Three figures, each on its own fresh database of the given (throwaway) Postgres:

  1. Replay rate: one million realistic span events (8-span GenAI agent traces, 20 services,
     10 models, spread over the last three days) are loaded straight into `events` with COPY, then
     `vigil replay rollup` is timed, twice. Also: where the time went (vigil's CPU against
     Postgres's, and which statement the replay's backend was running, sampled from
     pg_stat_activity), `vigil status` afterwards, and a check of the rollups against the load.
  2. Processor lag while ingesting: `vigil serve` (collector and processor) takes OTLP/HTTP
     protobuf exports of 512 spans at a paced rate (default 19,000 spans/s, about 80% of the
     ingest benchmark's maximum on the 2-core development machine) for 60 s, while the lag is
     sampled every 200 ms: now minus received_at of the oldest event the rollup processor has not
     applied (zero when none), and max(seq) minus its offset.
  3. `GET /api/v1/summary` latency over 7 days of minute rollups for 20 services x 10 models
     (about 2M rows with real latency sketches, written with COPY, and the ten-minute, hourly and daily rows
     the processor keeps beside them, merged here from the same sketches), for several query shapes.
     The sketches are checked first: the server's percentiles for one service and model must
     equal the ones this script computes by merging the same sketches itself.

Figures are printed with their targets marked met / NOT met, never asserted: the exit status is
non-zero only when the run itself breaks (vigil does not start, a command fails, a check of the
data fails).

Usage: processor_bench.py --url postgres://vigil@127.0.0.1:PORT/postgres --vigil .build/release/vigil
(the URL must be a superuser of a throwaway cluster: the benchmark creates databases in it and
drops them at the end unless --keep).
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import random
import shlex
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest_bench import (  # noqa: E402  (shared helpers of the foundation benchmark)
    CPU,
    PSQL,
    BodyFactory,
    Vigil,
    paced,
    percentile,
    psql,
    with_database,
)

REPO = Path(__file__).resolve().parent.parent
EVENT_COLUMNS = "project_id, seq, kind, occurred_at, received_at, dedup_key, body"
# Every row is of LLM calls (`kind` 'llm', migration 0020), which the summary and the rules read
# by default; the column's default, 'other', would leave them nothing to read.
ROLLUP_COLUMNS = ("project_id, minute, service, model, operation, status, count, errors, skewed, "
                  "latency_sketch, ttft_sketch, input_tokens, output_tokens, cost_usd, unpriced, kind")


# ---------------------------------------------------------------------------------------------
# The quantile sketch's storage form (Sources/VigilStats/QuantileSketch+Encoding.swift)
# ---------------------------------------------------------------------------------------------

SKETCH_ALPHA = 0.005
SKETCH_GAMMA = (1 + SKETCH_ALPHA) / (1 - SKETCH_ALPHA)
SKETCH_LOG_GAMMA = math.log(SKETCH_GAMMA)
SKETCH_MIN_INDEXABLE = 1e-9
EMPTY_SKETCH = bytes([1, 0])


def _varint(value: int, out: bytearray):
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)


class Sketch:
    """The same DDSketch Vigil keeps: buckets of ratio γ, exact count, min, max and sum."""

    def __init__(self):
        self.buckets: Counter = Counter()
        self.zero = 0
        self.count = 0
        self.min = math.inf
        self.max = -math.inf
        self.sum = 0.0

    def add(self, value: float):
        self.count += 1
        self.sum += value
        self.min = min(self.min, value)
        self.max = max(self.max, value)
        if value <= SKETCH_MIN_INDEXABLE:
            self.zero += 1
        else:
            self.buckets[math.ceil(math.log(value) / SKETCH_LOG_GAMMA)] += 1

    def merge(self, other: "Sketch", times: int = 1):
        """Adds `other` (`times` times over)."""
        if other.count == 0:
            return
        if times == 1:
            self.buckets.update(other.buckets)
        else:
            for index, n in other.buckets.items():
                self.buckets[index] += n * times
        self.zero += other.zero * times
        self.count += other.count * times
        self.sum += other.sum * times
        self.min = min(self.min, other.min)
        self.max = max(self.max, other.max)

    def encode(self) -> bytes:
        out = bytearray([1])
        _varint(self.count, out)
        if self.count == 0:
            return bytes(out)
        _varint(self.zero, out)
        out += struct.pack("<ddd", self.min, self.max, self.sum)
        _varint(len(self.buckets), out)
        previous = 0
        for index in sorted(self.buckets):
            delta = index - previous
            previous = index
            _varint((delta << 1) ^ (delta >> 63), out)  # zigzag
            _varint(self.buckets[index], out)
        return bytes(out)

    def quantile(self, q: float) -> float | None:
        """As QuantileSketch.quantile: linear between neighbouring ranks, clamped to the extremes."""
        if self.count == 0:
            return None
        rank = q * (self.count - 1)
        lower = math.floor(rank)
        fraction = rank - lower
        low = self._at(lower)
        if fraction <= 0 or lower + 1 >= self.count:
            return low
        return low + (self._at(lower + 1) - low) * fraction

    def _at(self, rank: int) -> float:
        if rank == 0:
            return self.min
        if rank == self.count - 1:
            return self.max
        seen = self.zero
        if rank < seen:
            return 0.0
        for index in sorted(self.buckets):
            seen += self.buckets[index]
            if rank < seen:
                representative = 2 * SKETCH_GAMMA ** index / (SKETCH_GAMMA + 1)
                return min(max(representative, self.min), self.max)
        return self.max


def _check_sketch_encoder():
    # One 39,108 ns span as Vigil stored it in rollup_minute.latency_sketch.
    one = Sketch()
    one.add(0.039108)
    want = bytes.fromhex("010100ab2006baf605a43fab2006baf605a43fab2006baf605a43f01870501")
    assert one.encode() == want, one.encode().hex()
    assert Sketch().encode() == EMPTY_SKETCH


# ---------------------------------------------------------------------------------------------
# Helpers: a persistent psql session, timing a vigil command with its CPU, statistics
# ---------------------------------------------------------------------------------------------

class PsqlSession:
    """One psql process kept open, for frequent small queries (sampling) without a process each."""

    END = "__vigil_bench_end__"

    def __init__(self, url: str):
        self.proc = subprocess.Popen([PSQL, "-X", "-At", "-q", "-d", url], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
        self.lock = threading.Lock()

    def query(self, sql: str) -> list[str]:
        with self.lock:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the psql session exited with {self.proc.returncode}")
            self.proc.stdin.write(sql.strip().rstrip(";") + ";\n\\echo " + self.END + "\n")
            self.proc.stdin.flush()
            lines = []
            for line in self.proc.stdout:
                line = line.rstrip("\n")
                if line == self.END:
                    break
                lines.append(line)
            else:
                raise RuntimeError("the psql session closed its output")
        problems = [line for line in lines if line.startswith(("ERROR:", "psql:", "FATAL:"))]
        if problems:
            raise RuntimeError(f"query failed ({sql.strip()[:60]}...): {problems[0]}")
        return lines

    def close(self):
        if self.proc.poll() is None:
            try:
                self.proc.stdin.close()
                self.proc.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()


def vigil_env(binary_env: dict, db_url: str, migrations: str, listen: str | None = None) -> dict:
    env = dict(binary_env, VIGIL_DATABASE_URL=db_url, VIGIL_MIGRATIONS_DIR=migrations,
               VIGIL_SHIPPED_PRICES=str(REPO / "pricing" / "prices.json"))
    if listen:
        env["VIGIL_LISTEN"] = listen
    env["VIGIL_GRPC_LISTEN"] = "off"  # this benchmark sends over HTTP only
    return env


def run_vigil(binary: str, env: dict, *args: str, timeout: float = 120.0) -> str:
    done = subprocess.run([binary, *args], env=env, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"vigil {' '.join(args)} failed ({done.returncode}): {done.stderr.strip()}")
    return done.stdout.strip()


def timed_vigil(binary: str, env: dict, args: list[str], timeout: float, cpu: CPU, workdir: Path):
    """Runs `vigil ARGS`, bounded by `timeout`; returns (seconds, stdout, exit status or None when
    it was stopped, vigil's CPU seconds, CPU usage dict over the run)."""
    out_path, err_path = workdir / "cmd.out", workdir / "cmd.err"
    with open(out_path, "w") as out, open(err_path, "w") as err:
        c0 = cpu.snapshot()
        t0 = time.monotonic()
        proc = subprocess.Popen([binary, *args], env=env, stdout=out, stderr=err, start_new_session=True)
        deadline = t0 + timeout
        status, rusage = None, None
        while True:
            pid, wait_status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid == proc.pid:
                status, rusage = os.waitstatus_to_exitcode(wait_status), usage
                proc.returncode = status
                break
            if time.monotonic() > deadline:
                proc.kill()
                _, wait_status, rusage = os.wait4(proc.pid, 0)
                proc.returncode = os.waitstatus_to_exitcode(wait_status)
                break
            time.sleep(0.02)
        elapsed = time.monotonic() - t0
        usage_pct = CPU.usage(c0, cpu.snapshot())
    vigil_cpu = (rusage.ru_utime + rusage.ru_stime) if rusage else float("nan")
    stdout = out_path.read_text().strip()
    stderr = err_path.read_text().strip()
    if status not in (0, None):
        raise RuntimeError(f"vigil {' '.join(args)} failed ({status}): {stderr[-2000:]}")
    return elapsed, stdout, status, vigil_cpu, usage_pct


def find_postmaster(url: str) -> int | None:
    """The local postmaster's pid (to count Postgres's CPU): from postmaster.pid in the data
    directory, or as the parent of a backend serving a session that stays open while we look."""
    try:
        data = psql(url, "SELECT setting FROM pg_settings WHERE name = 'data_directory'")
        with open(os.path.join(data, "postmaster.pid")) as f:
            pid = int(f.readline())
        os.kill(pid, 0)
        return pid
    except (OSError, ValueError, RuntimeError):
        pass
    session = PsqlSession(url)
    try:
        backend = int(session.query("SELECT pg_backend_pid()")[0])
        with open(f"/proc/{backend}/status") as f:
            for line in f:
                if line.startswith("PPid:"):
                    return int(line.split()[1])
    except (OSError, ValueError, RuntimeError, IndexError):
        pass
    finally:
        session.close()
    return None


def quiesce(admin_url: str, limit: float) -> str:
    """Waits (at most `limit` seconds) until no autovacuum worker runs anywhere in the cluster (for
    instance on the ingest benchmark's databases, or on a database dropped a moment ago), so one
    phase's background work does not land in the next phase's figures. Says what it waited for."""
    t0 = time.monotonic()
    seen = set()
    while time.monotonic() - t0 < limit:
        rows = psql(admin_url, "SELECT coalesce(datname, '') || ': ' || translate(left(query, 80), E'\\n', ' ') "
                               "FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'")
        if not rows:
            waited = time.monotonic() - t0
            return f"waited {waited:.1f}s for autovacuum ({'; '.join(sorted(seen))[:200]})" if seen else ""
        seen.update(rows.splitlines())
        time.sleep(0.5)
    return f"autovacuum still running after {limit:g}s ({'; '.join(sorted(seen))[:200]}); going on"


def ms(seconds: float) -> str:
    return "n/a" if seconds is None or seconds != seconds else f"{seconds * 1000:.1f} ms"


def sec(seconds: float) -> str:
    return "n/a" if seconds is None or seconds != seconds else f"{seconds:.3f} s"


def mark(met: bool | None) -> str:
    return "n/a" if met is None else ("met" if met else "NOT met")


def copy_into(url: str, table_and_columns: str, lines, chunk_lines: int = 4000) -> int:
    """Streams COPY text lines (an iterable of str, each ending in a newline) into a table with one
    psql COPY FROM STDIN; returns the row count Postgres reported."""
    proc = subprocess.Popen([PSQL, "-X", "-v", "ON_ERROR_STOP=1", "-At", "-d", url, "-c",
                             f"COPY {table_and_columns} FROM STDIN"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    buffer: list[str] = []
    broken = None
    try:
        for line in lines:
            buffer.append(line)
            if len(buffer) >= chunk_lines:
                proc.stdin.write("".join(buffer).encode())
                buffer.clear()
        if buffer:
            proc.stdin.write("".join(buffer).encode())
    except BrokenPipeError as e:
        broken = e
    try:
        proc.stdin.close()
    except BrokenPipeError:
        pass
    proc.stdin = None  # closed: communicate() only reads
    out, err = proc.communicate(timeout=600)
    if proc.returncode != 0 or broken:
        raise RuntimeError(f"COPY {table_and_columns.split()[0]} failed: {err.decode(errors='replace').strip()[:2000]}")
    tag = out.decode().strip().splitlines()
    return int(tag[-1].split()[-1]) if tag and tag[-1].startswith("COPY") else -1


class UTCStamp:
    """Microseconds since the epoch as a timestamptz literal, with the seconds part cached."""

    def __init__(self):
        self.cache: dict[int, str] = {}

    def __call__(self, micros: int) -> str:
        seconds, fraction = divmod(micros, 1_000_000)
        prefix = self.cache.get(seconds)
        if prefix is None:
            if len(self.cache) > 200_000:
                self.cache.clear()
            prefix = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(seconds))
            self.cache[seconds] = prefix
        return f"{prefix}.{fraction:06d}+00"


# ---------------------------------------------------------------------------------------------
# Realistic span events, as Vigil stores them (Sources/VigilIngest/SpanTranslator.swift)
# ---------------------------------------------------------------------------------------------

SERVICES = [
    "support-assistant", "checkout-copilot", "search-api", "doc-summarizer", "email-triage",
    "sales-agent", "code-review-bot", "onboarding-guide", "invoice-extractor", "kb-answers",
    "translation-svc", "meeting-notes", "fraud-explainer", "hr-helpdesk", "catalog-enricher",
    "sql-assistant", "voice-agent", "legal-review", "ticket-router", "analytics-chat",
]

# (provider, request model, response model, normal form, streams time to first token)
MODELS = [
    ("openai", "gpt-4o", "gpt-4o-2024-08-06", "gpt-4o", True),
    ("openai", "gpt-4o-mini", "gpt-4o-mini-2024-07-18", "gpt-4o-mini", True),
    ("anthropic", "claude-3-5-sonnet-20241022", "claude-3-5-sonnet-20241022", "claude-3-5-sonnet", False),
    ("gcp.gemini", "gemini-2.5-flash", "gemini-2.5-flash", "gemini-2.5-flash", True),
    ("mistral_ai", "mistral-large-2411", "mistral-large-2411", "mistral-large", False),
    ("anthropic", "claude-3-5-haiku-20241022", "claude-3-5-haiku-20241022", "claude-3-5-haiku", True),
    ("openai", "gpt-4.1-mini", "gpt-4.1-mini-2025-04-14", "gpt-4.1-mini", False),
    ("aws.bedrock", "us.anthropic.claude-3-7-sonnet-20250219-v1:0", "us.anthropic.claude-3-7-sonnet-20250219-v1:0",
     "claude-3-7-sonnet", False),
    ("acme", "acme-support-llm-v3", "acme-support-llm-v3", "acme-support-llm-v3", False),  # no price
    ("self_hosted", "internal-router-7b", "internal-router-7b", "internal-router-7b", True),  # no price
]
TOOLS = ["search_orders", "get_customer_profile", "lookup_refund_policy", "create_ticket", "run_sql", "fetch_document"]
ANSWERS = [
    "Your order #48213 shipped on Tuesday and should arrive by Friday. You can track it from the Orders page.",
    "I have opened ticket SUP-2291 for the duplicate charge; a refund of 42.90 EUR will reach your card in 3-5 days.",
    "Here is a summary of the document: the contract renews yearly, notice is 60 days, and fees rise 3% per year.",
    "The refund policy allows returns within 30 days of delivery for unused items in their original packaging.",
    "Based on the last 90 days, churn is concentrated in the monthly plan; annual customers renew at 94%.",
    "Sure! The meeting is moved to Thursday 14:00 CET and the agenda now includes the Q3 roadmap review.",
]
REFUSAL = "I can't help with that request, but I can connect you with a human agent."
JSON_ANSWERS = ['{"intent": "refund", "priority": "high", "order_id": 48213}',
                '{"intent": "shipping", "priority": "low", "order_id": 77120}']
BAD_JSON = '{"intent": "refund", "priority": '


def _dumps(value) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


class SpanEvents:
    """Generates the rows of `events` for agent traces: an HTTP server span, the agent, an
    embeddings call, a vector search, an LLM call that asks for a tool, the tool with its query,
    and the final LLM call with its answer (8 spans, 11-15 attributes each). Both LLM calls carry
    output for the built-in checks: the tool call as gen_ai.output.messages, the answer as
    gen_ai.completion (2% refusals, 1% empty, 4% cut off by the length limit; JSON answers in a
    fifth of the services, 5% of them invalid). 3% of traces fail; streaming models report time to
    first token."""

    def __init__(self, project_id: int, seed: int = 20250601):
        self.rng = random.Random(seed)
        self.project_id = project_id
        self.stamp = UTCStamp()
        self.resources = []
        for i, service in enumerate(SERVICES):
            self.resources.append(_dumps({
                "service.name": service,
                "service.version": f"{1 + i % 4}.{i * 7 % 23}.{i % 5}",
                "service.namespace": "customer-care" if i % 3 else "platform",
                "service.instance.id": f"{random.Random(i).getrandbits(128):032x}",
                "deployment.environment.name": "production",
                "host.name": f"{service}-7d9f8b6c5-{i:02d}x2k",
                "cloud.region": "eu-west-1" if i % 2 else "us-east-1",
                "k8s.namespace.name": "llm-apps",
                "telemetry.sdk.name": "opentelemetry",
                "telemetry.sdk.language": "python",
                "telemetry.sdk.version": "1.38.0",
            }))
        self.scopes = {
            "http": _dumps({"name": "opentelemetry.instrumentation.fastapi", "version": "0.55b1"}),
            "agent": _dumps({"name": "opentelemetry.instrumentation.openai_agents", "version": "0.2.0"}),
            "llm": _dumps({"name": "opentelemetry.instrumentation.openai_v2", "version": "2.2b0"}),
            "db": _dumps({"name": "opentelemetry.instrumentation.psycopg", "version": "0.55b1"}),
        }
        self.tail = {(s, k): ',"resource":' + res + ',"scope":' + scope + "}"
                     for s, res in enumerate(self.resources) for k, scope in self.scopes.items()}

    def trace(self, trace_no: int, t0_ns: int, seq: int) -> list[str]:
        """COPY lines of one trace's spans, with sequence numbers from `seq`."""
        rng = self.rng
        s = trace_no % len(SERVICES)
        provider, req_model, resp_model, _, streams = MODELS[(trace_no * 7 + trace_no // 20) % len(MODELS)]
        tool = TOOLS[trace_no % len(TOOLS)]
        ms = 1_000_000
        error = rng.random() < 0.03
        trace_hex = f"{rng.getrandbits(128):032x}"
        ids = [f"{rng.getrandbits(64):016x}" for _ in range(8)]
        conv = f"conv_{rng.getrandbits(48):012x}"
        tenant = f"tenant-{trace_no % 17}"
        total = (1500 + rng.randrange(3000)) * ms
        in1, out1 = 600 + rng.randrange(3000), 20 + rng.randrange(80)
        in2, out2 = in1 + 400 + rng.randrange(1500), 80 + rng.randrange(700)
        c1s, c1d = t0_ns + 40 * ms, (300 + rng.randrange(900)) * ms
        tls = c1s + c1d + 2 * ms
        tld = (40 + rng.randrange(300)) * ms
        dbs, dbd = tls + 5 * ms, (2 + rng.randrange(30)) * ms
        c2s = tls + tld + 3 * ms
        c2d = max(250 * ms, total - (c2s - t0_ns) - 60 * ms)
        es = t0_ns + 8 * ms
        roll = rng.random()
        if roll < 0.02:
            answer, finish = REFUSAL, "stop"
        elif roll < 0.03:
            answer, finish = "", "stop"
        elif roll < 0.07:
            answer, finish = ANSWERS[trace_no % len(ANSWERS)][:60], "length"
        else:
            answer, finish = ANSWERS[trace_no % len(ANSWERS)], "stop"
        json_out = s % 5 == 3
        if json_out:
            answer = BAD_JSON if roll < 0.05 else JSON_ANSWERS[trace_no % 2]
        if error:
            finish = "error"

        def llm(start, dur, tin, tout, fin, extra):
            attrs = {
                "gen_ai.operation.name": "chat", "gen_ai.provider.name": provider,
                "gen_ai.request.model": req_model, "gen_ai.response.model": resp_model,
                "gen_ai.request.temperature": 0.2, "gen_ai.request.max_tokens": 1024,
                "gen_ai.response.id": f"chatcmpl-{rng.getrandbits(64):016x}",
                "gen_ai.response.finish_reasons": [fin],
                "gen_ai.usage.input_tokens": tin, "gen_ai.usage.output_tokens": tout,
                "gen_ai.conversation.id": conv, "server.address": "api.example-llm.com", "server.port": 443,
            }
            attrs.update(extra)
            genai = {"dialect": "opentelemetry", "operation": "chat", "provider": provider,
                     "request_model": req_model, "response_model": resp_model,
                     "input_tokens": tin, "output_tokens": tout, "total_tokens": tin + tout, "finish_reasons": [fin]}
            return ("llm", f"chat {req_model}", "client", start, start + dur, 1, attrs, genai, False)

        final_extra = {"gen_ai.completion": answer}
        if json_out:
            final_extra["gen_ai.output.type"] = "json"
        if streams:
            final_extra["gen_ai.server.time_to_first_token"] = round(0.15 + rng.random() * 0.6, 3)
        spans = [
            ("http", "POST /api/v1/chat", "server", t0_ns, t0_ns + total, None, {
                "http.request.method": "POST", "http.route": "/api/v1/chat", "url.path": "/api/v1/chat",
                "url.scheme": "https", "http.response.status_code": 500 if error else 200,
                "server.address": "assistant.internal.example.com", "server.port": 443,
                "client.address": f"10.20.{trace_no % 250}.{1 + trace_no % 249}",
                "user_agent.original": "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15",
                "enduser.id": f"user_{rng.getrandbits(32):08x}", "session.id": f"sess_{rng.getrandbits(48):012x}",
                "app.tenant": tenant,
            }, None, error),
            ("agent", "invoke_agent support_agent", "internal", t0_ns + 5 * ms, t0_ns + total - 10 * ms, 0, {
                "gen_ai.operation.name": "invoke_agent", "gen_ai.provider.name": provider,
                "gen_ai.agent.name": "support_agent", "gen_ai.agent.id": "asst_5j66UpCpwteGg4YSxUnt7lPY",
                "gen_ai.agent.description": "Answers customer questions about orders and refunds",
                "gen_ai.request.model": req_model, "gen_ai.conversation.id": conv,
                "gen_ai.output.type": "text", "app.prompt.template": "support/v7", "app.prompt.version": 7,
                "app.feature": "support-chat", "app.tenant": tenant,
            }, {"dialect": "opentelemetry", "operation": "invoke_agent", "provider": provider,
                "request_model": req_model, "response_model": req_model}, error),
            ("llm", "embeddings text-embedding-3-small", "client", es, es + (15 + rng.randrange(40)) * ms, 1, {
                "gen_ai.operation.name": "embeddings", "gen_ai.provider.name": "openai",
                "gen_ai.request.model": "text-embedding-3-small", "gen_ai.response.model": "text-embedding-3-small",
                "gen_ai.request.encoding_formats": ["float"], "gen_ai.embeddings.dimension.count": 1536,
                "gen_ai.usage.input_tokens": (ein := 40 + rng.randrange(200)),
                "server.address": "api.openai.com", "server.port": 443, "gen_ai.conversation.id": conv,
                "app.feature": "support-chat", "app.tenant": tenant,
            }, {"dialect": "opentelemetry", "operation": "embeddings", "provider": "openai",
                "request_model": "text-embedding-3-small", "response_model": "text-embedding-3-small",
                "input_tokens": ein, "total_tokens": ein}, False),
            ("db", "SELECT documents", "client", es + 60 * ms, es + (62 + rng.randrange(20)) * ms, 1, {
                "db.system.name": "postgresql", "db.namespace": "assistant", "db.operation.name": "SELECT",
                "db.collection.name": "documents",
                "db.query.text": "SELECT id, chunk FROM documents ORDER BY embedding <=> $1 LIMIT 8",
                "db.response.returned_rows": 8, "server.address": "pg-primary.internal", "server.port": 5432,
                "network.peer.address": "10.0.3.17", "db.query.summary": "SELECT documents",
                "app.feature": "support-chat", "app.tenant": tenant,
            }, None, False),
            llm(c1s, c1d, in1, out1, "tool_calls", {
                "gen_ai.output.messages": _dumps([{"role": "assistant", "parts": [
                    {"type": "tool_call", "id": f"call_{trace_no:08x}", "name": tool, "arguments": {"customer": tenant}}],
                    "finish_reason": "tool_call"}]),
            }),
            ("agent", f"execute_tool {tool}", "internal", tls, tls + tld, 1, {
                "gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": tool, "gen_ai.tool.type": "function",
                "gen_ai.tool.call.id": f"call_{trace_no:08x}",
                "gen_ai.tool.description": "Looks up the customer's records by email or number",
                "gen_ai.conversation.id": conv, "gen_ai.agent.name": "support_agent",
                "code.function.name": f"assistant.tools.{tool}", "code.file.path": "/app/assistant/tools.py",
                "app.feature": "support-chat", "app.tenant": tenant,
            }, {"dialect": "opentelemetry", "operation": "execute_tool"}, False),
            ("db", "SELECT orders", "client", dbs, dbs + dbd, 5, {
                "db.system.name": "postgresql", "db.namespace": "shop", "db.operation.name": "SELECT",
                "db.collection.name": "orders",
                "db.query.text": "SELECT id, status, total_cents FROM orders WHERE customer_id = $1 LIMIT 20",
                "db.response.returned_rows": rng.randrange(20), "server.address": "pg-primary.internal",
                "server.port": 5432, "network.peer.address": "10.0.3.17", "db.query.summary": "SELECT orders",
                "app.feature": "support-chat", "app.tenant": tenant,
            }, None, False),
            llm(c2s, c2d, in2, out2, finish, final_extra),
        ]
        lines = []
        stamp = self.stamp
        for i, (scope, name, kind, start, end, parent, attrs, genai, is_error) in enumerate(spans):
            body = {"service": SERVICES[s], "trace_id": trace_hex, "span_id": ids[i]}
            if parent is not None:
                body["parent_span_id"] = ids[parent]
            body["name"] = name
            body["kind"] = kind
            body["start_ns"] = start
            body["end_ns"] = end
            body["duration_ns"] = end - start
            body["status"] = ({"code": "error", "message": "upstream returned 500"} if is_error
                              else {"code": "ok" if kind == "server" else "unset"})
            body["attributes"] = attrs
            if genai is not None:
                body["genai"] = genai
            text = _dumps(body)[:-1] + self.tail[(s, scope)]
            if "\\" in text:
                text = text.replace("\\", "\\\\")
            occurred = start // 1000
            received = occurred + (end - start) // 1000 + 400_000 + rng.randrange(1_500_000)
            lines.append(f"{self.project_id}\t{seq + i}\tspan\t{stamp(occurred)}\t{stamp(received)}\t"
                         f"\\\\x{trace_hex}{ids[i]}\t{text}\n")
        return lines


# ---------------------------------------------------------------------------------------------
# 1. Replay
# ---------------------------------------------------------------------------------------------

ACTIVITY_KINDS = [  # (text in the statement, what it is), first match wins
    ("INSERT INTO events", "append: INSERT INTO events"),
    ("vigil_event_stage", "append: stage the batch (COPY / temp table)"),
    ("pg_notify", "append: NOTIFY"),
    ("INSERT INTO rollup_minute", "write rollup_minute (upsert)"),
    ("FROM rollup_minute r", "read existing rollup_minute rows"),
    ("INSERT INTO trace_summary", "write trace_summary (upsert)"),
    ("INSERT INTO unpriced_models", "write unpriced_models"),
    ("INSERT INTO quality_minute", "write quality_minute"),
    ("SELECT e.project_id", "quality: evaluations query (4-way UNION over the batch)"),
    ("gen_ai.output.messages", "quality: output-check query (reads outputs)"),
    ("gen_ai.server.time_to_first_token", "rollup: span query (reads the batch)"),
    ("max(seq)", "read the log head"),
    ("consumer_offsets", "lock / move the offset"),
    ("TRUNCATE", "reset (TRUNCATE projections)"),
]


class ActivitySampler(threading.Thread):
    """Samples what the database's backends are doing (pg_stat_activity) every `interval`: a cheap
    profile of where the time goes on the database side. Each sample counts every distinct activity
    once, so with several connections the shares can add up to more than 100%."""

    def __init__(self, session: PsqlSession, database: str, interval: float = 0.1):
        super().__init__(daemon=True)
        self.session, self.database, self.interval = session, database, interval
        self.counts: Counter = Counter()
        self.samples = 0
        self.stop = threading.Event()
        self.error = None

    @staticmethod
    def classify(backend: str, state: str, wait: str, query: str) -> str | None:
        if backend != "client backend":
            return f"{backend}: {query[:60]}" if state == "active" or backend.startswith("autovacuum") else None
        if state.startswith("idle in transaction"):
            return "vigil working between statements (idle in transaction)"
        if state != "active":
            return None
        label = next((name for needle, name in ACTIVITY_KINDS if needle in query), query[:60])
        if wait == "ClientWrite":
            return f"{label} [Postgres waiting for vigil to read]"
        if wait == "ClientRead":
            return f"{label} [Postgres waiting for vigil's data]"
        if wait and wait not in ("", "ClientWrite", "ClientRead"):
            return f"{label} [waiting: {wait}]"
        return label

    def run(self):
        sql = (f"SELECT coalesce(backend_type, ''), coalesce(state, ''), coalesce(wait_event, ''), "
               f"translate(left(query, 1000), E'\\n\\r\\t|', '    ') FROM pg_stat_activity "
               f"WHERE datname = '{self.database}' AND pid <> pg_backend_pid()")
        while not self.stop.is_set():
            try:
                rows = self.session.query(sql)
            except RuntimeError as e:
                self.error = str(e)
                return
            self.samples += 1
            labels = set()
            for row in rows:
                backend, state, wait, query = (row.split("|", 3) + ["", "", ""])[:4]
                label = self.classify(backend, state, wait, query)
                if label:
                    labels.add(label)
            for label in labels or {"nothing running"}:
                self.counts[label] += 1
            self.stop.wait(self.interval)

    def report(self, indent: str, top: int = 12):
        if self.samples:
            for label, n in self.counts.most_common(top):
                print(f"{indent}{100 * n / self.samples:5.1f}%  {label}")
        if self.error:
            print(f"{indent}(activity sampling stopped: {self.error})")


def replay_phase(args, workdir: Path, stamp: str, cpu_postmaster) -> dict:
    db = f"bench_replay_{stamp}"
    url = with_database(args.url, db)
    env = vigil_env(os.environ, url, args.migrations)
    out = {"db": db}
    print(f"1. Replay rate: {args.events:,} span events COPYed into events, then `vigil replay rollup`")
    psql(args.url, f'CREATE DATABASE "{db}"')
    run_vigil(args.vigil, env, "migrate")
    project = int(psql(url, "INSERT INTO projects (name) VALUES ('bench') RETURNING project_id"))
    note = quiesce(args.url, args.quiesce_timeout)
    if note:
        print(f"   ({note})")
    traces = (args.events + 7) // 8
    now_ns = time.time_ns()
    span_ns = int(args.replay_days * 86400 * 1e9)
    first_ns = now_ns - span_ns - 3_600_000_000_000
    step = span_ns // traces
    for day in range(int(args.replay_days) + 3):
        psql(url, f"SELECT vigil_ensure_event_partition(to_timestamp({first_ns / 1e9 + day * 86400}))")
    base = int(psql(url, "SELECT coalesce(max(seq), 0) FROM events"))
    gen = SpanEvents(project)
    cpu = CPU(os.getpid(), cpu_postmaster)

    def lines():
        seq = base + 1
        produced = 0
        for t in range(traces):
            rows = gen.trace(t, first_ns + t * step + gen.rng.randrange(step), seq)
            if produced + len(rows) > args.events:
                rows = rows[: args.events - produced]
            seq += len(rows)
            produced += len(rows)
            yield from rows

    c0 = cpu.snapshot()
    t0 = time.monotonic()
    copied = copy_into(url, f"events ({EVENT_COLUMNS})", lines())
    load_s = time.monotonic() - t0
    load_cpu = CPU.usage(c0, cpu.snapshot())
    psql(url, "SELECT setval('event_seq', max(seq)) FROM events")
    size = psql(url, "SELECT pg_size_pretty(sum(pg_total_relation_size(c.oid))) FROM pg_inherits i "
                     "JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'events'::regclass")
    avg_body = psql(url, "SELECT round(avg(octet_length(body::text))) FROM (SELECT body FROM events LIMIT 20000) b")
    print(f"   loaded {copied:,} events ({traces:,} traces, 20 services, 10 models, over {args.replay_days:g} days; "
          f"~{avg_body} B of JSON a span; {size} on disk with indexes) in {load_s:.1f}s "
          f"({copied / load_s:,.0f}/s; generator {load_cpu['client']:.0f}% CPU, Postgres {load_cpu['postgres']:.0f}%)")
    t0 = time.monotonic()
    psql(url, "VACUUM (ANALYZE) events")
    psql(args.url, "CHECKPOINT")
    print(f"   VACUUM ANALYZE + CHECKPOINT (the steady state of a table autovacuum has seen): {time.monotonic() - t0:.1f}s")
    sys.stdout.flush()

    session = PsqlSession(args.url)
    runs = []
    try:
        for attempt in (1, 2):
            note = quiesce(args.url, args.quiesce_timeout)
            if note:
                print(f"   ({note})")
            sampler = ActivitySampler(session, db)
            sampler.start()
            elapsed, stdout, status, vigil_cpu, usage = timed_vigil(
                args.vigil, env, ["replay", "rollup"], args.replay_timeout, cpu, workdir)
            sampler.stop.set()
            sampler.join(timeout=5)
            finished = status == 0
            through = int(stdout.rsplit(" ", 1)[-1]) if finished and stdout.startswith("replayed") else None
            rate = copied / elapsed if finished else float("nan")
            runs.append({"elapsed": elapsed, "rate": rate, "finished": finished, "through": through,
                         "vigil_cpu": vigil_cpu, "usage": usage, "activity": sampler.counts, "samples": sampler.samples})
            if finished:
                print(f"   replay {attempt}: `{stdout}` in {elapsed:.2f}s = {rate:,.0f} events/s; "
                      f"vigil CPU {100 * vigil_cpu / elapsed:.0f}% of a core ({vigil_cpu:.1f}s), "
                      f"Postgres {usage['postgres']:.0f}%, all processes {usage['machine']:.0f}% of {os.cpu_count() * 100}%")
            else:
                print(f"   replay {attempt}: stopped after {elapsed:.0f}s (--replay-timeout) without finishing")
            if sampler.samples:
                print(f"     where the replay's database session was ({sampler.samples} samples every 100 ms):")
            sampler.report("       ")
            sys.stdout.flush()
            if not finished:
                break
            psql(args.url, "CHECKPOINT")
    finally:
        session.close()
    out["runs"] = runs
    out["events"] = copied
    status_text = run_vigil(args.vigil, env, "status")
    print("   vigil status:")
    for line in status_text.splitlines():
        print(f"     {line}")
    if runs and runs[-1]["finished"]:
        counted, traces_db, checked = psql(url, "SELECT (SELECT coalesce(sum(count), 0) FROM rollup_minute), "
                                                "(SELECT count(*) FROM trace_summary), "
                                                "(SELECT coalesce(sum(checked_outputs), 0) FROM rollup_minute)").split("|")
        rollups = int(psql(url, "SELECT count(*) FROM rollup_minute"))
        # Each trace has two LLM calls that carry output, its 5th and 8th spans (SpanEvents).
        outputs = 2 * (copied // 8) + (1 if copied % 8 >= 5 else 0)
        ok = int(counted) == copied and int(traces_db) == traces and int(checked) == outputs
        out["check"] = ok
        print(f"   check: rollup_minute counts {int(counted):,} spans in {rollups:,} rows (want {copied:,}) "
              f"and {int(checked):,} checked outputs (want {outputs:,}); "
              f"trace_summary {int(traces_db):,} traces (want {traces:,}): "
              + ("OK" if ok else "MISMATCH"))
        if not ok:
            raise RuntimeError("the replayed rollups do not account for every loaded span")
    out["status"] = status_text
    print()
    sys.stdout.flush()
    return out


# ---------------------------------------------------------------------------------------------
# 2. Processor lag under ingest
# ---------------------------------------------------------------------------------------------

LAG_SQL = """
SELECT coalesce((SELECT seq FROM consumer_offsets WHERE consumer = 'rollup'), 0) AS offset_seq,
       (SELECT coalesce(max(seq), 0) FROM events) AS head,
       coalesce(extract(epoch FROM clock_timestamp() - (
           SELECT received_at FROM events
           WHERE seq > coalesce((SELECT seq FROM consumer_offsets WHERE consumer = 'rollup'), 0)
           ORDER BY seq LIMIT 1)), 0)
"""


class LagSampler(threading.Thread):
    def __init__(self, session: PsqlSession, interval: float):
        super().__init__(daemon=True)
        self.session, self.interval = session, interval
        self.samples: list[tuple[float, float, int]] = []  # (monotonic, lag seconds, lag events)
        self.query_times: list[float] = []
        self.stop = threading.Event()
        self.error = None

    def sample(self) -> tuple[float, float, int]:
        t0 = time.monotonic()
        row = self.session.query(LAG_SQL)[0].split("|")
        t1 = time.monotonic()
        self.query_times.append(t1 - t0)
        offset, head, lag = int(row[0]), int(row[1]), float(row[2])
        return (t0 + t1) / 2, max(lag, 0.0), max(head - offset, 0)

    def run(self):
        next_at = time.monotonic()
        while not self.stop.is_set():
            try:
                self.samples.append(self.sample())
            except (RuntimeError, ValueError, IndexError) as e:
                self.error = str(e)
                return
            next_at += self.interval
            self.stop.wait(max(0.0, next_at - time.monotonic()))


def service_factories(spr: int, base_ns: int, count: int) -> list[BodyFactory]:
    """ingest_bench's export template (one service, 4 models, 8-span agent traces) in `count`
    services: the service name is patched in place with a name of the same length."""
    template = BodyFactory(spr, base_ns=base_ns)
    old = b"support-assistant"
    assert template.template.count(old) == 1, "the template's service name moved"
    factories = []
    for i in range(count):
        f = BodyFactory.__new__(BodyFactory)
        f.__dict__.update(template.__dict__)
        name = f"support-assist-{i:02d}".encode()
        assert len(name) == len(old)
        f.template = template.template.replace(old, name)
        f.made = 0
        factories.append(f)
    return factories


def lag_phase(args, workdir: Path, stamp: str, cpu_postmaster) -> dict:
    db = f"bench_lag_{stamp}"
    url = with_database(args.url, db)
    spr = args.spans_per_request
    print(f"2. Processor lag: `vigil serve` (collector + processor) taking {args.rate:,.0f} spans/s "
          f"for {args.lag_seconds:g}s, lag sampled every {args.lag_interval * 1000:.0f} ms")
    psql(args.url, f'CREATE DATABASE "{db}"')
    vigil = Vigil(args.vigil, url, args.migrations, workdir)
    vigil.env["VIGIL_SHIPPED_PRICES"] = str(REPO / "pricing" / "prices.json")
    session = PsqlSession(url)
    activity_session = PsqlSession(args.url)
    out = {"db": db}
    try:
        vigil.start()
        key = vigil.command("keys", "create", "--project", "bench", "--role", "ingest", "--name", "bench")
        count = max(10, int(args.rate * args.lag_seconds / spr))
        t0 = time.monotonic()
        factories = service_factories(spr, time.time_ns() - 30 * 1_000_000_000, args.lag_services)
        bodies = [factories[i % len(factories)].make_at(i // len(factories)) for i in range(count)]
        print(f"   prepared {count:,} exports of {spr} spans ({len(bodies[0]) / 1024:.0f} KiB each, "
              f"{args.lag_services} services round robin, 4 models) in {time.monotonic() - t0:.1f}s")
        # Warm-up: connections, key cache, the processor's first batches.
        warm = factories[0].make(8)
        paced("warm-up", vigil.port, key, spr, warm, spr * 8 / 1.0, 4, CPU(vigil.proc.pid, cpu_postmaster))
        deadline = time.monotonic() + 30
        sampler = LagSampler(session, args.lag_interval)
        while time.monotonic() < deadline and sampler.sample()[2] > 0:
            time.sleep(0.2)
        note = quiesce(args.url, args.quiesce_timeout)
        if note:
            print(f"   ({note})")
        psql(args.url, "CHECKPOINT")
        sys.stdout.flush()

        cpu = CPU(vigil.proc.pid, cpu_postmaster)
        sampler = LagSampler(session, args.lag_interval)
        activity = ActivitySampler(activity_session, db, interval=0.2)
        sampler.start()
        activity.start()
        load_start = time.monotonic()
        load = paced("lag", vigil.port, key, spr, bodies, args.rate, args.lag_workers, cpu)
        load_end = time.monotonic()
        # Drain: how long until the processor has caught up after the load stops (bounded).
        drain_deadline = load_end + args.drain_timeout
        caught_up = None
        while time.monotonic() < drain_deadline and sampler.is_alive():
            if sampler.samples and sampler.samples[-1][0] > load_end and sampler.samples[-1][2] == 0:
                caught_up = sampler.samples[-1][0] - load_end
                break
            time.sleep(0.05)
        sampler.stop.set()
        activity.stop.set()
        sampler.join(timeout=10)
        activity.join(timeout=10)
        if sampler.error:
            raise RuntimeError(f"lag sampling failed: {sampler.error}")
        if not vigil.alive():
            raise RuntimeError(f"vigil exited during the load ({vigil.exit_description()})")
        during = [s for s in sampler.samples if load_start <= s[0] <= load_end]
        lags = [s[1] for s in during]
        events = [s[2] for s in during]
        out.update({
            "rate": load.rate, "target": args.rate, "elapsed": load.elapsed, "samples": len(during),
            "p50": percentile(lags, 50), "p95": percentile(lags, 95), "p99": percentile(lags, 99),
            "max": max(lags, default=float("nan")),
            "ev_p50": percentile(events, 50), "ev_p99": percentile(events, 99), "ev_max": max(events, default=0),
            "above_1s": sum(1 for x in lags if x >= 1.0) / len(lags) if lags else float("nan"),
            "caught_up": caught_up, "errors": load.sent - load.ok, "statuses": load.statuses,
            "export_p99": load.pct(99), "cpu": load.cpu,
            "sample_query_p99": percentile(sampler.query_times, 99),
        })
        print(f"   achieved {load.rate:,.0f} spans/s over {load.elapsed:.1f}s ({load.ok:,} exports answered 200, "
              f"{load.sent - load.ok} not{(' ' + str(load.statuses)) if load.statuses else ''}); "
              f"export latency p50 {ms(load.pct(50))}, p99 {ms(load.pct(99))}")
        print(f"   lag over {len(during)} samples: p50 {sec(out['p50'])}, p95 {sec(out['p95'])}, "
              f"p99 {sec(out['p99'])}, max {sec(out['max'])} ({100 * out['above_1s']:.0f}% of samples >= 1 s); in events p50 {out['ev_p50']:,.0f}, "
              f"p99 {out['ev_p99']:,.0f}, max {out['ev_max']:,}")
        print(f"   after the load: " + (f"caught up {caught_up:.2f}s after the last export" if caught_up is not None
                                        else f"still behind after {args.drain_timeout:g}s"))
        print(f"   CPU during the load: vigil {load.cpu['vigil']:.0f}%, Postgres {load.cpu['postgres']:.0f}%, "
              f"client {load.cpu['client']:.0f}%, all processes {load.cpu['machine']:.0f}% of {os.cpu_count() * 100}%; "
              f"lag query p99 {ms(out['sample_query_p99'])}")
        print(f"   what vigil's database sessions were doing ({activity.samples} samples every 200 ms, "
              f"each activity counted once a sample):")
        activity.report("     ", top=10)
        tail = vigil.log_tail(400)
        failures = [line for line in tail.splitlines() if "processor failed" in line or "error" in line.lower()]
        if failures:
            print(f"   vigil logged {len(failures)} error line(s), e.g.: {failures[-1][:300]}")
    finally:
        session.close()
        activity_session.close()
        vigil.stop()
    print()
    sys.stdout.flush()
    return out


# ---------------------------------------------------------------------------------------------
# 3. Summary API over a week of minute rollups
# ---------------------------------------------------------------------------------------------

# Per model (index into MODELS): median latency (ms), spread (lognormal sigma), $ per million in/out
# tokens (None: unpriced), as priced by pricing/prices.json.
SUMMARY_PROFILE = [
    (900, 0.5, ("2.50", "10.00")), (600, 0.5, ("0.15", "0.60")), (1400, 0.55, ("3.00", "15.00")),
    (500, 0.45, ("0.30", "2.50")), (1200, 0.5, ("2.00", "6.00")), (700, 0.5, ("0.80", "4.00")),
    (650, 0.45, ("0.40", "1.60")), (1500, 0.6, ("3.00", "15.00")), (2200, 0.7, None), (300, 0.4, None),
]


class RollupRows:
    """Rows of rollup_minute for one project: every minute x service x model has a chat/ok row
    whose latency sketch is one of a pool of real sketches of that model's latency distribution.
    The ten-minute, hourly and daily tiers are what the rollup processor would write beside them: each row the
    merge of its minutes' rows (`tier_lines`, after `lines` has run)."""

    def __init__(self, project_id: int, seed: int = 7, pool: int = 128):
        rng = random.Random(seed)
        self.rng = rng
        self.project_id = project_id
        self.pools = []  # per model: list of (count, sketch, hex)
        self.ttft = []
        for median, sigma, _ in SUMMARY_PROFILE:
            entries = []
            for _ in range(pool):
                sketch = Sketch()
                for _ in range(rng.randint(1, 24)):
                    sketch.add(rng.lognormvariate(math.log(median), sigma))
                entries.append((sketch.count, sketch, sketch.encode().hex()))
            self.pools.append(entries)
        for _ in range(pool):
            sketch = Sketch()
            for _ in range(rng.randint(1, 8)):
                sketch.add(rng.lognormvariate(math.log(250), 0.4))
            self.ttft.append((sketch.count, sketch.encode().hex(), sketch))
        self.empty_hex = EMPTY_SKETCH.hex()
        self.prices = [None if p is None else (Decimal(p[0]), Decimal(p[1])) for _, _, p in SUMMARY_PROFILE]
        self.tracked: list[tuple[int, int]] = []  # (minute unix seconds, pool index) of the tracked pair
        self.tracked_pair = (3, 4)  # service index, model index
        # (tier seconds, bucket, service index, model index) -> [latency pool Counter, ttft pool Counter,
        #                                                       count, errors, tin, tout, cost, unpriced]
        self.tiers: dict = {}

    def lines(self, first_minute: int, minutes: int):
        rng, pid = self.rng, self.project_id
        stamp = UTCStamp()
        million = Decimal(1_000_000)
        for m in range(minutes):
            minute = first_minute + 60 * m
            when = stamp(minute * 1_000_000)
            for s, service in enumerate(SERVICES):
                for k, model in enumerate(MODELS):
                    index = rng.randrange(len(self.pools[k]))
                    count, _, latency = self.pools[k][index]
                    if (s, k) == self.tracked_pair:
                        self.tracked.append((minute, index))
                    errors = 1 if rng.random() < 0.03 * count else 0
                    ttft = self.ttft[index][1] if model[4] and index % 3 == 0 else self.empty_hex
                    tin = count * (500 + rng.randrange(2500))
                    tout = count * (50 + rng.randrange(500))
                    price = self.prices[k]
                    if price is None:
                        cost, unpriced = Decimal(0), count
                    else:
                        cost, unpriced = (tin * price[0] + tout * price[1]) / million, 0
                    with_ttft = model[4] and index % 3 == 0
                    for tier in (600, 3600, 86400):
                        acc = self.tiers.get((tier, minute - minute % tier, s, k))
                        if acc is None:
                            acc = self.tiers[(tier, minute - minute % tier, s, k)] = [Counter(), Counter(), 0, 0, 0, 0, Decimal(0), 0]
                        acc[0][index] += 1
                        if with_ttft:
                            acc[1][index] += 1
                        acc[2] += count
                        acc[3] += errors
                        acc[4] += tin
                        acc[5] += tout
                        acc[6] += cost
                        acc[7] += unpriced
                    cost = str(cost)
                    yield (f"{pid}\t{when}\t{service}\t{model[3]}\tchat\tok\t{count}\t{errors}\t0\t"
                           f"\\\\x{latency}\t\\\\x{ttft}\t{tin}\t{tout}\t{cost}\t{unpriced}\tllm\n")

    def tier_lines(self, tier: int):
        """Rows of rollup_ten_minute (tier 600), rollup_hour (3600) or rollup_day (86400): the merges of the minute rows."""
        stamp = UTCStamp()
        ttft_pool = [entry for entry in self._ttft_sketches()]
        for (t, bucket, s, k), (latency, ttft, count, errors, tin, tout, cost, unpriced) in self.tiers.items():
            if t != tier:
                continue
            merged = Sketch()
            for index, times in latency.items():
                merged.merge(self.pools[k][index][1], times)
            merged_ttft = Sketch()
            for index, times in ttft.items():
                merged_ttft.merge(ttft_pool[index], times)
            yield (f"{self.project_id}\t{stamp(bucket * 1_000_000)}\t{SERVICES[s]}\t{MODELS[k][3]}\tchat\tok\t{count}\t{errors}\t0\t"
                   f"\\\\x{merged.encode().hex()}\t\\\\x{merged_ttft.encode().hex()}\t{tin}\t{tout}\t{cost}\t{unpriced}\tllm\n")

    def _ttft_sketches(self):
        return [entry[2] for entry in self.ttft]

    def tracked_sketch(self, from_s: float, to_s: float) -> Sketch:
        merged = Sketch()
        model = self.tracked_pair[1]
        for minute, index in self.tracked:
            if from_s <= minute < to_s:
                merged.merge(self.pools[model][index][1])
        return merged


class SummaryClient:
    def __init__(self, port: int, key: str, timeout: float):
        self.port, self.timeout = port, timeout
        self.headers = {"Authorization": f"Bearer {key}"}
        self.conn = None

    def get(self, path: str) -> tuple[int, bytes, float]:
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        t0 = time.monotonic()
        try:
            self.conn.request("GET", path, headers=self.headers)
            response = self.conn.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException):
            self.close()
            raise
        elapsed = time.monotonic() - t0
        if response.getheader("Connection", "").lower() == "close":
            self.close()
        return response.status, body, elapsed

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def summary_phase(args, workdir: Path, stamp: str, cpu_postmaster) -> dict:
    db = f"bench_summary_{stamp}"
    url = with_database(args.url, db)
    minutes = int(args.summary_days * 1440)
    rows_wanted = minutes * len(SERVICES) * len(MODELS)
    print(f"3. GET /api/v1/summary over {args.summary_days:g} days of minute rollups: {len(SERVICES)} services x "
          f"{len(MODELS)} models x {minutes:,} minutes = {rows_wanted:,} rows of rollup_minute")
    psql(args.url, f'CREATE DATABASE "{db}"')
    vigil = Vigil(args.vigil, url, args.migrations, workdir)
    vigil.env["VIGIL_SHIPPED_PRICES"] = str(REPO / "pricing" / "prices.json")
    out = {"db": db, "shapes": []}
    try:
        vigil.command("migrate")
        key = vigil.command("keys", "create", "--project", "bench", "--role", "read", "--name", "bench")
        project = int(psql(url, "SELECT project_id FROM projects WHERE name = 'bench'"))
        now = time.time()
        last_minute = int(now // 60) * 60 - 60
        first_minute = last_minute - 60 * (minutes - 1)
        rows = RollupRows(project)
        t0 = time.monotonic()
        copied = copy_into(url, f"rollup_minute ({ROLLUP_COLUMNS})", rows.lines(first_minute, minutes))
        tens = copy_into(url, f"rollup_ten_minute ({ROLLUP_COLUMNS.replace('minute', 'ten_minute')})", rows.tier_lines(600))
        hours = copy_into(url, f"rollup_hour ({ROLLUP_COLUMNS.replace('minute', 'hour')})", rows.tier_lines(3600))
        days = copy_into(url, f"rollup_day ({ROLLUP_COLUMNS.replace('minute', 'day')})", rows.tier_lines(86400))
        load_s = time.monotonic() - t0
        t1 = time.monotonic()
        psql(url, "VACUUM (ANALYZE) rollup_minute, rollup_ten_minute, rollup_hour, rollup_day")
        psql(args.url, "CHECKPOINT")
        size = psql(url, "SELECT pg_size_pretty(pg_total_relation_size('rollup_minute'))")
        print(f"   loaded {copied:,} minute rows ({size} with the primary key), {tens:,} ten-minute, {hours:,} hour and {days:,} day rows "
              f"(the merges of those minutes, as the processor keeps them) in {load_s:.1f}s; "
              f"VACUUM ANALYZE + CHECKPOINT {time.monotonic() - t1:.1f}s")
        note = quiesce(args.url, args.quiesce_timeout)
        if note:
            print(f"   ({note})")
        vigil.start()

        to_ms = int(now * 1000)
        from_ms = to_ms - int(args.summary_days * 86400 * 1000)
        client = SummaryClient(vigil.port, key, args.request_timeout)
        base = f"/api/v1/summary?from={from_ms}&to={to_ms}"
        svc, mdl = SERVICES[rows.tracked_pair[0]], MODELS[rows.tracked_pair[1]][3]

        # Check the sketches: the server's answer for one service and model against this script's
        # own merge of the very sketches it wrote, and the counts against the table.
        status, body, first_s = client.get(f"{base}&service={svc}&model={mdl}")
        if status != 200:
            raise RuntimeError(f"summary answered {status}: {body[:300]!r}")
        group = json.loads(body)["groups"][0]
        expected = rows.tracked_sketch(from_ms / 1000, to_ms / 1000)
        want = {p: expected.quantile(q) for p, q in (("p50", 0.5), ("p90", 0.9), ("p99", 0.99))}
        got = group.get("latency_ms") or {}
        close = all(got.get(p) is not None and abs(got[p] - want[p]) <= 1e-9 * max(1.0, abs(want[p])) for p in want)
        counts_ok = group["count"] == expected.count
        print(f"   check ({svc}, {mdl}): count {group['count']:,} (want {expected.count:,}), latency p50 "
              f"{got.get('p50', float('nan')):.1f} ms (want {want['p50']:.1f}), p99 {got.get('p99', float('nan')):.1f} ms "
              f"(want {want['p99']:.1f}): " + ("OK" if close and counts_ok else "MISMATCH"))
        if not (close and counts_ok):
            raise RuntimeError(f"the summary does not match the sketches written: got {got}, want {want}")
        sys.stdout.flush()

        shapes = [
            ("group_by=model,service", f"{base}&group_by=model,service"),
            ("group_by=model", f"{base}&group_by=model"),
            ("no grouping", base),
            (f"service={svc}&model={mdl}", f"{base}&service={svc}&model={mdl}"),
        ]
        total_in_range = int(psql(url, f"SELECT coalesce(sum(count), 0) FROM rollup_minute WHERE minute >= "
                                       f"to_timestamp({from_ms / 1000}) AND minute < to_timestamp({to_ms / 1000})"))
        cpu = CPU(vigil.proc.pid, cpu_postmaster)
        print(f"   {'query':<38} {'n':>4} {'first':>10} {'p50':>10} {'p99':>10} {'max':>10} "
              f"{'groups':>6} {'vigil CPU':>9} {'PG CPU':>7}")
        for label, path in shapes:
            times, groups, stopped = [], 0, ""
            c0 = cpu.snapshot()
            shape_start = time.monotonic()
            first = None
            # The first request warms caches and is reported apart, unless it is slow (> 1 s):
            # then it is one of the measured ones, as warming is not what makes it slow.
            for i in range(args.summary_requests + 1):
                try:
                    status, body, elapsed = client.get(path)
                except (OSError, http.client.HTTPException) as e:
                    stopped = f"request failed: {type(e).__name__}"
                    break
                if status != 200:
                    raise RuntimeError(f"{label}: summary answered {status}: {body[:300]!r}")
                reply = json.loads(body)
                groups = len(reply["groups"])
                if label == "no grouping" and reply["groups"][0]["count"] != total_in_range:
                    raise RuntimeError(f"no grouping: count {reply['groups'][0]['count']} != {total_in_range} in the table")
                if i == 0:
                    first = elapsed
                if i > 0 or elapsed > 1.0:
                    times.append(elapsed)
                if len(times) >= args.summary_requests:
                    break
                if elapsed > args.slow_request:
                    stopped = f"stopped: a request took {elapsed:.1f}s (> {args.slow_request:g}s)"
                    break
                if time.monotonic() - shape_start + elapsed > args.shape_budget:
                    stopped = f"stopped: another request would pass the {args.shape_budget:g}s budget of a shape"
                    break
            usage = CPU.usage(c0, cpu.snapshot())
            result = {"label": label, "n": len(times), "first": first, "p50": percentile(times, 50),
                      "p99": percentile(times, 99), "max": max(times, default=float("nan")),
                      "groups": groups, "stopped": stopped}
            out["shapes"].append(result)
            print(f"   {label:<38} {len(times):>4} {ms(first):>10} {ms(result['p50']):>10} {ms(result['p99']):>10} "
                  f"{ms(result['max']):>10} {groups:>6} {usage['vigil']:>8.0f}% {usage['postgres']:>6.0f}%"
                  + (f"  ({stopped})" if stopped else ""))
            sys.stdout.flush()
            if not vigil.alive():
                raise RuntimeError(f"vigil exited during the summary requests ({vigil.exit_description()})")
        client.close()
        # For comparison: what Postgres alone spends scanning the same range from the minute rows
        # alone, as the reader did before the tiers.
        select = (f"SELECT count(*), sum(octet_length(latency_sketch)) FROM rollup_minute WHERE project_id = {project} "
                  f"AND minute >= 'epoch'::timestamptz + {from_ms * 1000}::float8 * interval '1 microsecond' "
                  f"AND minute < 'epoch'::timestamptz + {to_ms * 1000}::float8 * interval '1 microsecond'")
        env = dict(os.environ, PGOPTIONS="-c statement_timeout=60000")
        t0 = time.monotonic()
        done = subprocess.run([PSQL, "-X", "-At", "-d", url, "-c", select], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True, timeout=120)
        out["sql_scan"] = time.monotonic() - t0 if done.returncode == 0 else float("nan")
        print(f"   for comparison, Postgres alone scanning the {copied:,} minute rows of the range (no tiers): {sec(out['sql_scan'])}")
        log = vigil.log_tail(2000)
        unreadable = [line for line in log.splitlines() if "unreadable" in line]
        if unreadable:
            raise RuntimeError(f"vigil found unreadable rollup rows: {unreadable[0][:300]}")
    finally:
        vigil.stop()
    print()
    sys.stdout.flush()
    return out


# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--url", required=True, help="superuser URL of a throwaway Postgres (databases are created in it)")
    ap.add_argument("--vigil", required=True, help="the vigil binary to benchmark")
    ap.add_argument("--migrations", default=str(REPO / "migrations"))
    ap.add_argument("--only", default="replay,lag,summary", help="which parts to run (comma separated)")
    ap.add_argument("--events", type=int, default=1_000_000, help="span events loaded for the replay")
    ap.add_argument("--replay-days", type=float, default=3.0, help="the loaded spans' time spread")
    ap.add_argument("--replay-timeout", type=float, default=150.0, help="a replay still running after this is stopped")
    ap.add_argument("--rate", type=float, default=19_000.0, help="spans/s sent during the lag measurement")
    ap.add_argument("--lag-seconds", type=float, default=60.0)
    ap.add_argument("--lag-interval", type=float, default=0.2, help="seconds between lag samples")
    ap.add_argument("--lag-services", type=int, default=20, help="services the exports are spread over")
    ap.add_argument("--lag-workers", type=int, default=8, help="client connections for the paced exports")
    ap.add_argument("--drain-timeout", type=float, default=30.0, help="how long to wait for the processor after the load")
    ap.add_argument("--spans-per-request", type=int, default=512)
    ap.add_argument("--summary-days", type=float, default=7.0)
    ap.add_argument("--summary-requests", type=int, default=30, help="timed requests per query shape")
    ap.add_argument("--slow-request", type=float, default=20.0, help="stop a query shape after a request this slow (s)")
    ap.add_argument("--shape-budget", type=float, default=30.0, help="stop a query shape after this many seconds")
    ap.add_argument("--request-timeout", type=float, default=120.0, help="HTTP timeout of one summary request (s)")
    ap.add_argument("--quiesce-timeout", type=float, default=45.0,
                    help="before a timed phase, wait at most this long for running autovacuum workers")
    ap.add_argument("--keep", action="store_true", help="keep the databases and the work folder")
    args = ap.parse_args()
    parts = {p.strip() for p in args.only.split(",") if p.strip()}

    _check_sketch_encoder()
    stamp = time.strftime("%Y%m%d_%H%M%S") + f"_{os.getpid()}"
    workdir = Path(tempfile.mkdtemp(prefix="vigil-procbench-"))
    command = " ".join(shlex.quote(a) for a in [sys.executable, *sys.argv])
    cores = os.cpu_count()
    run_start = time.monotonic()
    print("Vigil processor benchmark")
    print(f"  command:   {command}")
    print(f"  vigil:     {os.path.abspath(args.vigil)}")
    print(f"  postgres:  {psql(args.url, 'SHOW server_version')}")
    print(f"  machine:   {cores} CPU core(s) shared by this load generator, vigil and Postgres "
          f"(all figures include that contention)")
    print()
    sys.stdout.flush()
    postmaster = find_postmaster(args.url)

    failed = False
    replay = lag = summary = None
    created = []
    try:
        if "replay" in parts:
            created.append(f"bench_replay_{stamp}")
            replay = replay_phase(args, workdir, stamp, postmaster)
            if not args.keep:
                psql(args.url, f'DROP DATABASE IF EXISTS "{replay["db"]}"')
        if "lag" in parts:
            created.append(f"bench_lag_{stamp}")
            lag = lag_phase(args, workdir, stamp, postmaster)
            if not args.keep:
                psql(args.url, f'DROP DATABASE IF EXISTS "{lag["db"]}"')
        if "summary" in parts:
            created.append(f"bench_summary_{stamp}")
            summary = summary_phase(args, workdir, stamp, postmaster)
    except Exception as e:  # report and fail
        failed = True
        print(f"\nbenchmark failed: {e}", file=sys.stderr)
        log = workdir / "vigil.log"
        if log.exists():
            tail = "\n".join(log.read_text(errors="replace").splitlines()[-30:])
            print(f"vigil log (last lines):\n{tail}", file=sys.stderr)
    except KeyboardInterrupt:
        failed = True
        print("\ninterrupted", file=sys.stderr)

    rows = []
    if replay:
        for i, run in enumerate(replay["runs"], start=1):
            if run["finished"]:
                rows.append((f"Replay {i} of {replay['events']:,} span events (events/s)", f"{run['rate']:,.0f}",
                             f"{run['elapsed']:.1f}s; target >= 100,000/s: {mark(run['rate'] >= 100_000)}"))
            else:
                rows.append((f"Replay {i} of {replay['events']:,} span events (events/s)",
                             f"< {replay['events'] / run['elapsed']:,.0f}",
                             f"did not finish in {run['elapsed']:.0f}s; target >= 100,000/s: NOT met"))
    if lag:
        rows.append(("Achieved ingest rate during the lag run (spans/s)", f"{lag['rate']:,.0f}",
                     f"asked {lag['target']:,.0f} for {args.lag_seconds:g}s"))
        rows.append(("Processor lag p50 / p95 (s)", f"{lag['p50']:.3f} / {lag['p95']:.3f}", f"{lag['samples']} samples"))
        rows.append(("Processor lag p99 (s)", f"{lag['p99']:.3f}", f"target < 1 s: {mark(lag['p99'] < 1.0)}"))
        rows.append(("Processor lag max (s) / max events behind", f"{lag['max']:.3f} / {lag['ev_max']:,}",
                     "caught up " + (f"{lag['caught_up']:.1f}s after the load" if lag["caught_up"] is not None else "NOT within the drain timeout")))
    if summary:
        for shape in summary["shapes"]:
            p99 = shape["p99"]
            note = f"p50 {ms(shape['p50'])}, {shape['n']} request{'' if shape['n'] == 1 else 's'}"
            if shape["n"]:
                note += f"; target p99 < 50 ms: {mark(p99 < 0.05)}"
            else:
                note += "; target p99 < 50 ms: NOT met (first request " + ms(shape["first"]) + ")"
            if shape["stopped"]:
                note += f" ({shape['stopped']})"
            rows.append((f"Summary p99, {shape['label']}", ms(p99), note))
    total_s = time.monotonic() - run_start
    rows.append(("Benchmark duration", f"{total_s:.0f} s", ""))
    print("Results")
    width = max(len(r[0]) for r in rows)
    vwidth = max(len(r[1]) for r in rows)
    for name, value, note in rows:
        print(f"  {name:<{width}}  {value:>{vwidth}}  {note}")
    print()
    print(f"  {cores} CPU core(s) were shared by this load generator (Python), vigil and Postgres in every "
          f"measurement; Postgres fsync=on as configured by the cluster.")
    print(f"  Command: {command}")

    if not args.keep:
        for db in created:
            try:
                psql(args.url, f'DROP DATABASE IF EXISTS "{db}"')
            except RuntimeError:
                pass
        for p in workdir.iterdir():
            p.unlink()
        workdir.rmdir()
    else:
        print(f"  Kept: databases {', '.join(created)}; {workdir}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
