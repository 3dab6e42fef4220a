#!/usr/bin/env python3
"""Retention under load: what removing old days of the log does to ingest latency.

Loads N events spread over DAYS old UTC days straight into a Vigil database (through
vigil_ensure_event_partition and INSERT … SELECT, the shape the appender writes), then runs
appends of BATCH events every INTERVAL seconds (each one as the appender does it: append lock,
ensure the day's partition, nextval under the lock) while a second connection runs the retention
functions of migration 0017 over the old days (drop, or compact when --keep-project keeps one
project's rows). Prints ingest p50/p99/max before and during retention, and rows and bytes freed.

The full measurement is `--events 10000000 --days 30`; a dry run is the default (20,000 events,
3 days). It needs psycopg (pip install psycopg[binary]) and a migrated database:
    python3 Benchmarks/retention_ingest.py --url postgres://…/vigil [--events N] [--days D] [--keep-project]
Only talks to the database URL it is given (use a local, throwaway one).
"""
import argparse
import statistics
import threading
import time

import psycopg

APPEND_LOCK = 0x5649_4749_4C00_0002


def load(conn, events, days):
    per_day = events // days
    with conn.cursor() as cur:
        cur.execute("INSERT INTO projects (name) VALUES ('bench-a'), ('bench-b') ON CONFLICT (name) DO NOTHING")
        cur.execute("SELECT project_id FROM projects WHERE name IN ('bench-a', 'bench-b') ORDER BY name")
        projects = [row[0] for row in cur.fetchall()]
        for day in range(days):
            age = 40 + day  # days ago: past the 30-day default
            cur.execute("SELECT vigil_ensure_event_partition(now() - %s * interval '1 day')", (age,))
            cur.execute("""
                INSERT INTO events (project_id, seq, kind, occurred_at, received_at, dedup_key, body)
                SELECT CASE WHEN g %% 2 = 0 THEN %s ELSE %s END, nextval('event_seq'), 'span',
                       now() - %s * interval '1 day' + g * interval '1 millisecond', now(),
                       decode(md5(%s::text || '-' || g::text), 'hex'),
                       jsonb_build_object('name', 'chat', 'i', g, 'pad', repeat('x', 300))
                FROM generate_series(1, %s) g
                """, (projects[0], projects[1], age, age, per_day))
            conn.commit()
    return projects


def appender(url, batch, interval, stop, latencies):
    with psycopg.connect(url) as conn:
        n = 0
        while not stop.is_set():
            started = time.perf_counter()
            with conn.cursor() as cur:
                cur.execute("SELECT pg_advisory_xact_lock(%s)", (APPEND_LOCK,))
                cur.execute("SELECT vigil_ensure_event_partition(now())")
                cur.execute("""
                    INSERT INTO events (project_id, seq, kind, occurred_at, received_at, dedup_key, body)
                    SELECT 1, nextval('event_seq'), 'span', now(), now(), decode(md5(%s || '-' || g::text), 'hex'), '{"name":"live"}'
                    FROM generate_series(1, %s) g
                    """, (f"live-{time.time_ns()}-{n}", batch))
            conn.commit()
            latencies.append((time.perf_counter(), (time.perf_counter() - started) * 1000))
            n += 1
            time.sleep(interval)


def summary(values):
    if not values:
        return "no appends"
    values = sorted(values)
    p99 = values[min(len(values) - 1, int(len(values) * 0.99))]
    return f"n={len(values)} p50={statistics.median(values):.2f} ms p99={p99:.2f} ms max={values[-1]:.2f} ms"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True)
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--days", type=int, default=3)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--interval", type=float, default=0.01)
    parser.add_argument("--baseline-seconds", type=float, default=3)
    parser.add_argument("--keep-project", action="store_true", help="keep bench-a for 90 days: compaction instead of drops")
    args = parser.parse_args()

    with psycopg.connect(args.url) as conn:
        loaded = time.perf_counter()
        projects = load(conn, args.events, args.days)
        print(f"loaded {args.events} events over {args.days} days in {time.perf_counter() - loaded:.1f} s")
        if args.keep_project:
            conn.execute("INSERT INTO project_retention (project_id, days) VALUES (%s, 90) ON CONFLICT (project_id) DO UPDATE SET days = 90", (projects[0],))
            conn.commit()

    stop, latencies = threading.Event(), []
    thread = threading.Thread(target=appender, args=(args.url, args.batch, args.interval, stop, latencies))
    thread.start()
    time.sleep(args.baseline_seconds)
    retention_start = time.perf_counter()
    removed_rows = freed = 0
    with psycopg.connect(args.url) as conn:
        plan = conn.execute("SELECT partition_name, action, kept FROM vigil_retention_plan(30, now())").fetchall()
        for name, action, kept in plan:
            if action == "compact":
                row = conn.execute("SELECT row_counts, bytes_freed FROM vigil_compact_event_partition(%s, %s, %s, interval '2 seconds')",
                                   (name, kept, APPEND_LOCK)).fetchone()
            else:
                row = conn.execute("SELECT row_counts, bytes_freed FROM vigil_drop_event_partition(%s, %s, interval '2 seconds')",
                                   (name, APPEND_LOCK)).fetchone()
            conn.commit()
            removed_rows += sum(row[0])
            freed += row[1]
    retention_end = time.perf_counter()
    time.sleep(args.baseline_seconds)
    stop.set()
    thread.join()

    before = [ms for at, ms in latencies if at < retention_start]
    during = [ms for at, ms in latencies if retention_start <= at <= retention_end + 0.5]
    print(f"retention: {len(plan)} partitions, {removed_rows} rows, {freed / 1e6:.1f} MB freed in {retention_end - retention_start:.2f} s")
    print(f"ingest before: {summary(before)}")
    print(f"ingest during: {summary(during)}")


if __name__ == "__main__":
    main()
