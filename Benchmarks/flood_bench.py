#!/usr/bin/env python3
"""Vigil's rate-limit isolation benchmark (`make bench`): does one key sending ten times its
limit slow another key down?

On a fresh database of the given (throwaway) Postgres, `vigil serve --only collector` with two
ingest keys of one project: the *victim* (no limit) and the *flooder* (`--rate R`, requests a
second). The victim exports one OTLP/JSON request of `--spans` spans every 1/`--victim-rate`
seconds in three phases: alone; while the flooder sends exactly its limit (R requests a second,
all accepted); and while it sends 10 × R from `--flood-workers` processes (nearly all answered 429
with Retry-After, which the flooder ignores, as a misbehaving client would). Printed: the victim's
export latency p50/p95/p99 in each phase, the flooder's answers by status, and whether the
victim's p99 with the flooder at 10× moved by less than 10% (the target) from the phase with the
flooder at its limit — the traffic the limit lets through is the same in both, so the difference
is what the excess costs the victim — as met or NOT met, never asserted; and its move from the
victim alone.

Usage: flood_bench.py --url postgres://vigil@127.0.0.1:PORT/postgres --vigil .build/release/vigil
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest_bench import Vigil, psql, with_database  # noqa: E402

REPO = Path(__file__).resolve().parent.parent


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = q * (len(ordered) - 1)
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def export_body(spans: int, service: str) -> bytes:
    now = time.time_ns()
    trace = secrets.token_hex(16)
    items = [{
        "traceId": trace, "spanId": secrets.token_hex(8), "name": "chat gpt-4o-mini", "kind": 3,
        "startTimeUnixNano": str(now - 400_000_000), "endTimeUnixNano": str(now),
        "attributes": [{"key": "gen_ai.request.model", "value": {"stringValue": "gpt-4o-mini"}},
                       {"key": "gen_ai.usage.input_tokens", "value": {"intValue": "120"}},
                       {"key": "gen_ai.usage.output_tokens", "value": {"intValue": "40"}}],
    } for _ in range(spans)]
    body = {"resourceSpans": [{"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": service}}]},
                               "scopeSpans": [{"scope": {"name": "flood-bench"}, "spans": items}]}]}
    return json.dumps(body).encode()


def post(conn: http.client.HTTPConnection, key: str, body: bytes) -> int:
    conn.request("POST", "/v1/traces", body=body, headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
    response = conn.getresponse()
    response.read()
    return response.status


def victim(port: int, key: str, rate: float, spans: int, duration: float) -> tuple[list[float], dict[int, int]]:
    """Paced exports (open loop: each is due at its slot, whatever the last one took)."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    start = time.monotonic()
    sent = 0
    while time.monotonic() - start < duration and sent < 100_000:
        due = start + sent / rate
        delay = due - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        body = export_body(spans, "victim")
        began = time.monotonic()
        status = post(conn, key, body)
        latencies.append(time.monotonic() - began)
        statuses[status] = statuses.get(status, 0) + 1
        sent += 1
    conn.close()
    return latencies, statuses


def flooder(port: int, key: str, rate: float, spans: int, until: float, results):
    """One flooding process (not a thread: the victim's timings must not wait on its interpreter)."""
    statuses: dict[int, int] = {}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    body = export_body(spans, "flooder")
    start = time.monotonic()
    sent = 0
    while time.monotonic() < until and sent < 1_000_000:
        due = start + sent / rate
        delay = due - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        try:
            status = post(conn, key, body)
        except (OSError, http.client.HTTPException):
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            status = 0
        statuses[status] = statuses.get(status, 0) + 1
        sent += 1
    conn.close()
    results.put(statuses)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--url", required=True)
    ap.add_argument("--vigil", required=True)
    ap.add_argument("--limit", type=float, default=20, help="the flooder's limit, requests a second")
    ap.add_argument("--victim-rate", type=float, default=20, help="the victim's exports a second")
    ap.add_argument("--spans", type=int, default=20, help="spans per export")
    ap.add_argument("--duration", type=float, default=30, help="seconds of each phase")
    ap.add_argument("--flood-workers", type=int, default=4)
    args = ap.parse_args()
    name = f"flood_{time.strftime('%Y%m%d_%H%M%S')}_{secrets.token_hex(2)}"
    psql(args.url, f'CREATE DATABASE "{name}"')
    db_url = with_database(args.url, name)
    print("Vigil rate-limit isolation benchmark")
    with tempfile.TemporaryDirectory(prefix="vigil-floodbench-") as folder:
        vigil = Vigil(args.vigil, db_url, str(REPO / "migrations"), Path(folder), only="collector")
        try:
            victim_key = vigil.command("keys", "create", "--project", "flood", "--role", "ingest", "--name", "victim")
            flood_key = vigil.command("keys", "create", "--project", "flood", "--role", "ingest", "--name", "flooder",
                                      "--rate", str(args.limit))
            vigil.start()
            # Warm-up: the pool's connections, the partitions.
            victim(vigil.port, victim_key, args.victim_rate, args.spans, 3)
            baseline, base_statuses = victim(vigil.port, victim_key, args.victim_rate, args.spans, args.duration)

            def flooded_phase(multiple: float):
                statuses: dict[int, int] = {}
                results = multiprocessing.Queue()
                until = time.monotonic() + args.duration + 2
                workers = [multiprocessing.Process(target=flooder, daemon=True,
                                                   args=(vigil.port, flood_key, multiple * args.limit / args.flood_workers, args.spans, until, results))
                           for _ in range(args.flood_workers)]
                for worker in workers:
                    worker.start()
                time.sleep(1)
                latencies, answers = victim(vigil.port, victim_key, args.victim_rate, args.spans, args.duration)
                for _ in workers:
                    for status, count in results.get(timeout=60).items():
                        statuses[status] = statuses.get(status, 0) + count
                for worker in workers:
                    worker.join()
                return latencies, answers, statuses

            at_limit, limit_answers, limit_statuses = flooded_phase(1)
            flooded, flood_answers, statuses = flooded_phase(10)
        finally:
            vigil.stop()
    if os.environ.get("VIGIL_BENCH_KEEP") is None:
        psql(args.url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def line(label, values):
        return (f"  {label:<40} p50 {percentile(values, 0.5) * 1000:7.1f} ms  p95 {percentile(values, 0.95) * 1000:7.1f} ms  "
                f"p99 {percentile(values, 0.99) * 1000:7.1f} ms  ({len(values)} exports)")

    def moved(before, after):
        a, b = percentile(before, 0.99), percentile(after, 0.99)
        return f"{(b - a) / a * 100:+.1f}% ({a * 1000:.1f} -> {b * 1000:.1f} ms)"

    print(f"  flooder limit {args.limit:g} req/s; victim {args.victim_rate:g} exports/s of {args.spans} spans, {args.duration:g} s a phase; "
          f"the flooder sends from {args.flood_workers} processes")
    print(line("victim alone", baseline))
    print(line("flooder at its limit", at_limit))
    print(line("flooder at 10x its limit", flooded))
    print(f"  victim answers: alone {base_statuses}, at the limit {limit_answers}, at 10x {flood_answers}")
    for label, found in (("at its limit", limit_statuses), ("at 10x", statuses)):
        print(f"  flooder answers {label}: {dict(sorted(found.items()))} ({found.get(200, 0) / max(1, (args.duration + 2)):.1f} accepted a second)")
    print()
    print("Results")
    print(f"  Victim export p99, flooder at 10x its limit against the flooder at its limit: {moved(at_limit, flooded)}: target < 10%: "
          + ("met" if percentile(flooded, 0.99) < 1.10 * percentile(at_limit, 0.99) else "NOT met"))
    print(f"  Victim export p99, flooder at 10x its limit against the victim alone: {moved(baseline, flooded)} "
          f"(this includes the flooder's accepted traffic, which its limit allows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
