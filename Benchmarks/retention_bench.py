#!/usr/bin/env python3
"""Vigil's retention benchmark (`make bench`): removing 30 old days of a 10M-event log, and what it
does to OTLP export latency while it runs.

On a fresh database of the given (throwaway) Postgres:
1. `vigil serve` runs once so the schema and the processors' offsets exist, then stops.
2. `--events` span events spread over `--days` UTC days, 40 to 40+days-1 days old, are written
   straight into the log's day partitions (the rows the appender writes: OTLP-shaped span bodies of
   about 700 bytes with distinct ids, models, token counts and messages). The processors' offsets
   are moved past them: those old days were processed when they arrived, and a catch-up over them
   is not what this measures.
3. `vigil serve` (collector and processor, `VIGIL_RETENTION_DAYS=400`,
   `VIGIL_RETENTION_INTERVAL_SECONDS=10`) takes paced OTLP/JSON exports from a client: first a
   baseline, then an admin sets the project's retention to 30 days (`PUT /api/v1/retention`), and
   the next retention pass drops the old partitions while the exports go on.

Printed: the load time, the log's size before and after, the rows and bytes the `retention_applied`
events report, how long the removals took, and the export latency p50/p99/max before and during.

Usage: retention_bench.py --url postgres://vigil@127.0.0.1:PORT/postgres --vigil .build/release/vigil
       [--events 10000000] [--days 30]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from flood_bench import export_body, percentile  # noqa: E402
from ingest_bench import Vigil, psql, with_database  # noqa: E402

REPO = Path(__file__).resolve().parent.parent

# One day's rows, written by Postgres itself: distinct trace and span ids, a model out of five,
# token counts and a prompt and answer that differ row by row.
LOAD_DAY = """
SELECT vigil_ensure_event_partition(now() - {age} * interval '1 day');
INSERT INTO events (project_id, seq, kind, occurred_at, received_at, dedup_key, body)
SELECT {project}, nextval('event_seq'), 'span', t, t + interval '2 seconds', decode(md5('{age}-' || g), 'hex'),
       jsonb_build_object(
         'trace_id', md5('t{age}-' || (g / 4)), 'span_id', left(md5('s{age}-' || g), 16),
         'parent_span_id', CASE WHEN g % 4 = 0 THEN NULL ELSE left(md5('s{age}-' || (g - g % 4)), 16) END,
         'name', 'chat ' || (ARRAY['gpt-4o','gpt-4o-mini','claude-sonnet-4','gemini-2.0-flash','llama-3.1-70b'])[1 + g % 5],
         'kind', 3, 'service', (ARRAY['support-bot','search','summarizer'])[1 + g % 3],
         'start_unix_nano', (extract(epoch FROM t) * 1e9)::bigint,
         'end_unix_nano', (extract(epoch FROM t) * 1e9)::bigint + 200000000 + (g % 997) * 1000000,
         'status', CASE WHEN g % 53 = 0 THEN 'error' ELSE 'ok' END,
         'attributes', jsonb_build_object(
           'gen_ai.system', 'openai', 'gen_ai.operation.name', 'chat',
           'gen_ai.request.model', (ARRAY['gpt-4o','gpt-4o-mini','claude-sonnet-4','gemini-2.0-flash','llama-3.1-70b'])[1 + g % 5],
           'gen_ai.usage.input_tokens', 50 + g % 1900, 'gen_ai.usage.output_tokens', 10 + g % 700,
           'gen_ai.response.finish_reasons', jsonb_build_array('stop'),
           'user.id', 'user-' || (g % 5000)),
         'input', 'Customer ' || (g % 5000) || ' asks about order ' || g || ': where is my parcel, it was due ' || (g % 28 + 1) || ' days ago and the tracking page shows nothing.',
         'output', 'I am sorry about the delay with order ' || g || '. The carrier reports it at the depot in ' ||
                   (ARRAY['Leeds','Lyon','Leipzig','Lisbon','Linz'])[1 + g % 5] || '; it should reach you within ' || (g % 4 + 1) || ' working days.')
FROM generate_series(1, {count}) g,
     LATERAL (SELECT date_trunc('day', now() - {age} * interval '1 day') + (g::double precision / {count}) * interval '1 day' - interval '1 millisecond' AS t) times;
"""


def exports(port: int, key: str, rate: float, spans: int, stop: threading.Event, out: list[tuple[float, float, int]]):
    """Paced exports (open loop), each recorded as (start, seconds, status) until `stop`."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    start, sent = time.monotonic(), 0
    while not stop.is_set():
        delay = start + sent / rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        body = export_body(spans, "retention-bench")
        began = time.monotonic()
        conn.request("POST", "/v1/traces", body=body, headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
        response = conn.getresponse()
        response.read()
        out.append((began, time.monotonic() - began, response.status))
        sent += 1
    conn.close()


def api(port: int, method: str, path: str, key: str, body: dict | None = None) -> tuple[int, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    data = json.dumps(body).encode() if body is not None else None
    conn.request(method, path, body=data, headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
    response = conn.getresponse()
    payload = response.read()
    conn.close()
    return response.status, (json.loads(payload) if payload else {})


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--url", required=True)
    ap.add_argument("--vigil", required=True)
    ap.add_argument("--events", type=int, default=10_000_000)
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--rate", type=float, default=20, help="exports a second during the measurement")
    ap.add_argument("--spans", type=int, default=20, help="spans per export")
    ap.add_argument("--baseline", type=float, default=20, help="seconds of exports before retention is set")
    args = ap.parse_args()
    if not (1 <= args.days <= 300) or args.events < args.days:
        ap.error("--days must be 1..300 and --events at least --days")

    name = f"retention_{time.strftime('%Y%m%d_%H%M%S')}_{secrets.token_hex(2)}"
    psql(args.url, f'CREATE DATABASE "{name}"')
    db_url = with_database(args.url, name)
    print("Vigil retention benchmark")
    with tempfile.TemporaryDirectory(prefix="vigil-retentionbench-") as folder:
        vigil = Vigil(args.vigil, db_url, str(REPO / "migrations"), Path(folder))
        vigil.env.update(VIGIL_RETENTION_DAYS="400", VIGIL_RETENTION_INTERVAL_SECONDS="10")
        try:
            ingest = vigil.command("keys", "create", "--project", "kept", "--role", "ingest", "--name", "bench-ingest")
            admin = vigil.command("keys", "create", "--project", "kept", "--role", "admin", "--name", "bench-admin")
            vigil.start()
            # Each processor records its offset when it starts; wait until they all have.
            counts, deadline = [], time.monotonic() + 30
            while time.monotonic() < deadline and (len(counts) < 5 or counts[-1] == 0 or len(set(counts[-5:])) > 1):
                counts.append(int(psql(db_url, "SELECT count(*) FROM consumer_offsets").strip()))
                time.sleep(0.2)
            vigil.stop()
            project = int(psql(db_url, "SELECT project_id FROM projects WHERE name = 'kept'").strip())

            loaded = time.monotonic()
            per_day = args.events // args.days
            for day in range(args.days):
                count = per_day + (1 if day < args.events % args.days else 0)
                psql(db_url, LOAD_DAY.format(age=40 + day, project=project, count=count))
            psql(db_url, "VACUUM ANALYZE events")
            psql(db_url, "UPDATE consumer_offsets SET seq = (SELECT max(seq) FROM events), updated_at = now()")
            load_seconds = time.monotonic() - loaded
            size_before = int(psql(db_url, "SELECT sum(pg_total_relation_size(inhrelid)) FROM pg_inherits WHERE inhparent = 'events'::regclass").strip())
            rows_before = int(psql(db_url, "SELECT count(*) FROM events").strip())
            print(f"  loaded {rows_before:,} events over {args.days} days in {load_seconds:.0f} s; the log holds {size_before / 1e9:.2f} GB")

            vigil.start()
            stop, samples = threading.Event(), []
            client = threading.Thread(target=exports, args=(vigil.port, ingest, args.rate, args.spans, stop, samples))
            client.start()
            time.sleep(args.baseline)
            asked = time.monotonic()
            status, answer = api(vigil.port, "PUT", "/api/v1/retention", admin, {"days": 30})
            if status != 200:
                raise RuntimeError(f"PUT /api/v1/retention answered {status}: {answer}")
            removed = 0
            deadline = time.monotonic() + 600
            while removed < args.days and time.monotonic() < deadline:
                time.sleep(0.2)
                removed = int(psql(db_url, "SELECT count(*) FROM events WHERE kind = 'retention_applied'").strip())
            done = time.monotonic()
            time.sleep(3)
            stop.set()
            client.join()
        finally:
            vigil.stop()
        applied = [json.loads(line) for line in psql(db_url, "SELECT body::text FROM events WHERE kind = 'retention_applied' ORDER BY seq").splitlines() if line.strip()]
        spans_stored = int(psql(db_url, "SELECT count(*) FROM events WHERE kind = 'span' AND occurred_at > now() - interval '1 day'").strip())
        rows_after = int(psql(db_url, "SELECT count(*) FROM events").strip())
        size_after = int(psql(db_url, "SELECT coalesce(sum(pg_total_relation_size(inhrelid)), 0) FROM pg_inherits WHERE inhparent = 'events'::regclass").strip())
        rollup_calls = int(psql(db_url, "SELECT coalesce(sum(count), 0) FROM rollup_minute").strip() or 0)
    if os.environ.get("VIGIL_BENCH_KEEP") is None:
        psql(args.url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    before = [s for began, s, _ in samples if began < asked]
    during = [s for began, s, _ in samples if asked <= began <= done]
    statuses: dict[int, int] = {}
    for _, _, status in samples:
        statuses[status] = statuses.get(status, 0) + 1
    rows = sum(item.get("rows", 0) for item in applied)
    freed = sum(item.get("bytes_freed", 0) for item in applied)

    def line(label, values):
        if not values:
            return f"  {label:<40} no exports"
        return (f"  {label:<40} p50 {percentile(values, 0.5) * 1000:7.1f} ms  p99 {percentile(values, 0.99) * 1000:7.1f} ms  "
                f"max {max(values) * 1000:7.1f} ms  ({len(values)} exports)")

    print(f"  exports: {args.rate:g} a second of {args.spans} spans; answers {dict(sorted(statuses.items()))}; "
          f"{spans_stored:,} spans stored, {rollup_calls:,} calls in the minute rollups")
    print(line("before (baseline)", before))
    print(line("from the PUT until the last removal", during))
    print()
    print("Results")
    print(f"  Removed {len(applied)} partitions, {rows:,} rows, {freed / 1e9:.2f} GB freed "
          f"(log {size_before / 1e9:.2f} -> {size_after / 1e9:.2f} GB, {rows_before:,} -> {rows_after:,} rows), "
          f"done {done - asked:.1f} s after the PUT (a pass every 10 s)")
    if before and during:
        p99_before, p99_during = percentile(before, 0.99), percentile(during, 0.99)
        print(f"  Export p99 {p99_before * 1000:.1f} ms before, {p99_during * 1000:.1f} ms while retention ran "
              f"({(p99_during - p99_before) / p99_before * 100:+.0f}%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
