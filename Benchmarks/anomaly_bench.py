#!/usr/bin/env python3
"""Anomaly rules against a fixed threshold on synthetic seasonal traffic.

Eight weeks of request counts at 5-minute resolution (daily and weekly cycles, Poisson noise),
with incidents injected from week 3 on: short spikes, level shifts, and night-time surges that stay
below the daytime peak. Both rules evaluate a 15-minute window every 5 minutes with `for: 10m`:
- anomaly: a Python mirror of SeasonalBaseline.swift (hourly samples of the same hour of the week,
  and the hours either side, over 4 weeks; the trailing 24 hours while fewer than 2 weeks have data;
  median and MAD x 1.4826, floored at 5% of the median; k = 3, direction above);
- threshold: the largest 15-minute count of the first two (clean) weeks, plus 10%.
Precision counts firings that overlap an incident (or start within 30 min after it); recall counts
incidents with a firing between their start and 30 min after their end; delay is first firing minus
the incident's start. Scored over weeks 3 to 8.
"""
import argparse
import numpy as np

STEP = 5 * 60            # seconds per point
HOUR = 3600
WEEK = 7 * 24 * HOUR
MAD_SCALE = 1.4826


def median(values):
    return float(np.median(values)) if len(values) else None


def baseline(hourly, now, window, weeks=4, min_mad=None, scale=1.0):
    """Mirror of SeasonalBaseline.init(hourly:nowMicros:detection:scale:), times in seconds."""
    hour = now - now % HOUR
    samples, weeks_with_data = [], 0
    for week in range(1, max(weeks, 1) + 1):
        center = hour - week * WEEK
        found = [hourly[center + d * HOUR] for d in (-1, 0, 1) if center + d * HOUR in hourly]
        weeks_with_data += bool(found)
        samples += found
    source = "seasonal"
    if weeks_with_data < 2:
        source = "trailing"
        samples = [hourly[hour - i * HOUR] for i in range(1, 25) if hour - i * HOUR in hourly]
    samples = [s * scale for s in samples]
    if len(samples) < 3:
        return None
    med = median(samples)
    mad = MAD_SCALE * median([abs(s - med) for s in samples])
    floor = min_mad if min_mad is not None else 0.05 * abs(med)
    return med, max(mad, floor), source


def make_series(rng, weeks=8, peak=600.0):
    n = weeks * WEEK // STEP
    t = np.arange(n) * STEP
    hour_of_day = (t % 86400) / 3600.0
    day = (t // 86400) % 7
    daily = 0.12 + 0.88 * np.exp(-((hour_of_day - 14.0) ** 2) / (2 * 3.5 ** 2))   # night ~12% of peak
    weekly = np.where(day >= 5, 0.55, 1.0)                                          # quiet weekends
    rate = peak * daily * weekly * (1 + 0.03 * rng.standard_normal(n))
    return t, rate


def inject(rng, t, rate, weeks=8):
    """Incidents from week 3 on: (start, end, kind); rate is changed in place."""
    incidents = []
    n_weeks_start = 2 * WEEK
    kinds = ["spike", "shift", "night"]
    for i in range(30):
        kind = kinds[i % 3]
        while True:
            start = int(rng.integers(n_weeks_start, weeks * WEEK - 8 * HOUR)) // STEP * STEP
            hod = (start % 86400) / 3600.0
            if kind == "night" and not (0 <= hod < 5):
                continue
            if any(abs(start - s) < 12 * HOUR for s, _, _ in incidents):
                continue
            break
        if kind == "spike":
            length, factor = 30 * 60, 2.0
        elif kind == "shift":
            length, factor = 6 * HOUR, 1.5
        else:
            length, factor = 60 * 60, 4.0     # 4x the night rate: about half the daytime peak
        mask = (t >= start) & (t < start + length)
        rate[mask] *= factor
        incidents.append((start, start + length, kind))
    return sorted(incidents)


def firings(breaching, times, hold):
    """Prometheus' for: firing spans [(fired_at, resolved_at)] from a breach per evaluation."""
    spans, active, fired = [], None, None
    for b, now in zip(breaching, times):
        if b:
            if active is None:
                active = now
            if fired is None and now - active >= hold:
                fired = now
        else:
            if fired is not None:
                spans.append((fired, now))
            active, fired = None, None
    if fired is not None:
        spans.append((fired, times[-1]))
    return spans


def score(spans, incidents, grace=30 * 60):
    hit = [any(s <= f < e + grace or (f <= s < r) for f, r in spans) for s, e, _ in incidents]
    true_fires = [any(s - 0 <= r and f < e + grace for s, e, _ in incidents) for f, r in spans]
    delays = []
    for s, e, _ in incidents:
        starts = [f for f, r in spans if s <= f < e + grace]
        if starts:
            delays.append(min(starts) - s)
    precision = sum(true_fires) / len(spans) if spans else float("nan")
    recall = sum(hit) / len(incidents)
    return precision, recall, delays, hit


def run(seed, window=15 * 60, hold=10 * 60, k=3.0, weeks=4):
    rng = np.random.default_rng(seed)
    t, rate = make_series(rng)
    incidents = inject(rng, t, rate)
    counts = rng.poisson(rate).astype(float)
    per_window = window // STEP
    # Hourly rollups (what the reader returns), keyed by hour start.
    hourly = {int(h * HOUR): float(v) for h, v in enumerate(counts.reshape(-1, HOUR // STEP).sum(axis=1))}
    # Window sums ending at each evaluation (every 5 minutes).
    cums = np.concatenate([[0.0], np.cumsum(counts)])
    eval_idx = np.arange(per_window, len(counts) + 1)
    eval_times = eval_idx * STEP                      # window [now - window, now)
    values = cums[eval_idx] - cums[eval_idx - per_window]
    scored = eval_times >= 2 * WEEK
    threshold = values[eval_times < 2 * WEEK].max() * 1.10

    anomaly, fallback = [], 0
    for now, value in zip(eval_times, values):
        if now < 2 * WEEK:
            anomaly.append(False)
            continue
        b = baseline(hourly, int(now), window, weeks=weeks, scale=window / HOUR)
        if b is None:
            anomaly.append(False)
            continue
        med, spread, source = b
        fallback += source == "trailing"
        anomaly.append((value - med) / spread > k if spread > 0 else value > med)
    times = list(eval_times[scored])
    a = firings(np.array(anomaly)[scored], times, hold)
    f = firings(values[scored] > threshold, times, hold)
    return incidents, a, f, threshold


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--k", type=float, default=3.0)
    args = parser.parse_args()
    totals = {"anomaly (k=%g)" % args.k: [], "fixed threshold": []}
    per_kind = {name: {} for name in totals}
    for seed in range(args.seeds):
        incidents, a, f, _ = run(seed, k=args.k)
        for name, spans in zip(totals, (a, f)):
            p, r, d, hit = score(spans, incidents)
            totals[name].append((p, r, d, len(spans)))
            for (s, e, kind), h in zip(incidents, hit):
                per_kind[name].setdefault(kind, []).append(h)
    print(f"anomaly_bench: {args.seeds} seeds x 8 weeks at 5 min, 30 incidents each, 15m window, for: 10m, scored weeks 3-8")
    print(f"{'rule':<18} {'firings':>8} {'precision':>9} {'recall':>7} {'spike':>6} {'shift':>6} {'night':>6} {'delay p50':>10} {'delay p90':>10}")
    for name, rows in totals.items():
        fires = sum(r[3] for r in rows)
        precision = np.nanmean([r[0] for r in rows])
        recall = np.mean([r[1] for r in rows])
        delays = [x / 60 for r in rows for x in r[2]]
        kinds = {kind: np.mean(h) for kind, h in per_kind[name].items()}
        p50 = f"{np.percentile(delays, 50):.0f} min" if delays else "-"
        p90 = f"{np.percentile(delays, 90):.0f} min" if delays else "-"
        print(f"{name:<18} {fires:>8} {precision:>9.2f} {recall:>7.2f} {kinds['spike']:>6.2f} {kinds['shift']:>6.2f} {kinds['night']:>6.2f} {p50:>10} {p90:>10}")


if __name__ == "__main__":
    main()
