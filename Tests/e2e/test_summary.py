"""The rollups behind GET /api/v1/summary against ground truth the test computes itself (numpy,
exact decimals) from the raw spans it sent through the real OpenTelemetry Python SDK: counts,
errors and tokens exact, cost exact against the price table (cache reads, cache writes and
reasoning tokens each at their own price, the app's own `gen_ai.usage.cost` for a model the table
does not price), p50/p95/p99 within 1%, for several
groupings and time ranges across minute boundaries; and `vigil replay rollup` gives exactly the
live result. (kill -9 during processing: test_processor_crash.py.)"""

import json
import random
import subprocess
import time
from decimal import Decimal
from pathlib import Path

import numpy
import pytest
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExportResult
from opentelemetry.trace import SpanKind, Status, StatusCode

from vigil_e2e import REPO_ROOT, wait_until

MINUTE_NS = 60_000_000_000
# How the test's model names normalise (date suffixes and provider prefixes go).
MODELS = {
    "gpt-4o-2024-08-06": "gpt-4o",
    "openai/gpt-4o-mini": "gpt-4o-mini",
    "claude-3-5-sonnet-20241022": "claude-3-5-sonnet",
    "in-house-llm-v3": "in-house-llm-v3",
}


def price_table():
    table = json.loads((REPO_ROOT / "pricing" / "prices.json").read_text())
    prices = {}
    for entry in table["prices"]:
        prices.setdefault(entry["model"], []).append(entry)
    return prices


def cost_of(prices, span):
    """The call's cost: Vigil's price, else the cost the app sent, else None."""
    vigil = vigil_cost(prices, span)
    if vigil is None and span["reported"] is not None:
        return Decimal(repr(span["reported"]))
    return vigil


def vigil_cost(prices, span):
    """The oracle: exact decimals. Cache reads and writes are part of the input tokens, reasoning
    part of the output; each part at its own price where the table has one, else at the plain
    price; a part larger than its whole cut to it. None without a price."""
    day = time.strftime("%Y-%m-%d", time.gmtime(span["start"] / 1e9))
    candidates = [p for p in prices.get(span["model"], []) if p["effective_from"] <= day]
    if not candidates:
        return None
    price = max(candidates, key=lambda p: p["effective_from"])
    inp, out = span["input"], span["output"]
    read = min(span["cache_read"], inp)
    write = min(span["cache_write"], inp - read)
    reasoning = min(span["reasoning"], out)
    plain_in, plain_out = Decimal(price["input"]), Decimal(price["output"])
    total = (Decimal(inp - read - write) * plain_in
             + Decimal(read) * Decimal(price.get("cached_input", price["input"]))
             + Decimal(write) * Decimal(price.get("cache_creation_input", price["input"]))
             + Decimal(out - reasoning) * plain_out
             + Decimal(reasoning) * Decimal(price.get("reasoning_output", price["output"])))
    return total / Decimal(1_000_000)


def send_spans(endpoint, key, seed=7, count=2400):
    """Sends `count` LLM spans from two services through the SDK, with start times spread over the
    last ten minutes (minute boundaries inside), and returns what was sent."""
    rng = random.Random(seed)
    now = time.time_ns()
    base = (now // MINUTE_NS - 11) * MINUTE_NS + 17_000_000_000  # 17 s into a minute, 11 minutes ago
    sent = []
    for service in ("chat-api", "agent-worker"):
        provider = TracerProvider(resource=Resource.create({"service.name": service}))
        exporter = OTLPSpanExporter(endpoint=f"{endpoint}/v1/traces", headers={"Authorization": f"Bearer {key}"})
        results = []
        original = exporter.export

        def export(batch, _original=original, _results=results):
            result = _original(batch)
            _results.append(result)
            return result

        exporter.export = export
        provider.add_span_processor(BatchSpanProcessor(exporter, max_export_batch_size=512))
        tracer = provider.get_tracer("vigil.e2e.summary")
        for index in range(count // 2):
            raw_model = rng.choice(list(MODELS))
            start = base + int(rng.uniform(0, 9.5 * 60) * 1e9)
            duration_ms = rng.lognormvariate(6.0, 0.8)
            end = start + int(duration_ms * 1e6)
            input_tokens = rng.randint(1, 6000)
            output_tokens = rng.randint(0, 1500)
            error = rng.random() < 0.08
            attributes = {
                "gen_ai.operation.name": "chat",
                "gen_ai.provider.name": "openai" if "gpt" in raw_model else "anthropic",
                "gen_ai.request.model": raw_model,
                "gen_ai.response.model": raw_model,
                "gen_ai.usage.input_tokens": input_tokens,
                "gen_ai.usage.output_tokens": output_tokens,
            }
            # Cache reads, cache writes and reasoning on some calls, under the current names or
            # OpenLLMetry's; now and then a part larger than its whole (cut to it, never
            # counted twice); the app's own cost on some calls of the model the table lacks.
            cache_read = rng.choice([0, 0, rng.randint(0, input_tokens), input_tokens + 5])
            cache_write = rng.choice([0, 0, rng.randint(0, input_tokens)])
            reasoning = rng.choice([0, 0, rng.randint(0, output_tokens)])
            current = rng.random() < 0.5
            if cache_read:
                attributes["gen_ai.usage.cache_read.input_tokens" if current else "gen_ai.usage.cache_read_input_tokens"] = cache_read
            if cache_write:
                attributes["gen_ai.usage.cache_creation.input_tokens" if current else "gen_ai.usage.cache_creation_input_tokens"] = cache_write
            if reasoning:
                attributes["gen_ai.usage.reasoning.output_tokens"] = reasoning
            reported = round(rng.uniform(0.0001, 0.05), 6) if rng.random() < 0.5 else None
            if reported is not None:
                attributes["gen_ai.usage.cost"] = reported
            span = tracer.start_span(f"chat {raw_model}", kind=SpanKind.CLIENT, start_time=start, attributes=attributes)
            if error:
                span.set_status(Status(StatusCode.ERROR, "upstream 500"))
            span.end(end_time=end)
            sent.append({"service": service, "model": MODELS[raw_model], "start": start, "end": end,
                         "input": input_tokens, "output": output_tokens, "error": error, "cache_read": cache_read,
                         "cache_write": cache_write, "reasoning": reasoning, "reported": reported})
        assert provider.force_flush(30_000)
        provider.shutdown()
        assert results and all(r == SpanExportResult.SUCCESS for r in results), results
    return sent


def summary(vigil, key, **params):
    response = vigil.request("GET", "/api/v1/summary", key=key, params=params)
    assert response.status_code == 200, response.text
    return response.json(parse_float=Decimal)


def check_against_truth(vigil, key, sent, prices):
    first_minute = min(s["start"] for s in sent) // MINUTE_NS * MINUTE_NS
    ranges = [
        (first_minute, first_minute + 12 * MINUTE_NS),                 # everything
        (first_minute + 2 * MINUTE_NS, first_minute + 5 * MINUTE_NS),  # three whole minutes
        (first_minute + 3 * MINUTE_NS + 30_000_000_000, first_minute + 7 * MINUTE_NS + 1_000_000),  # unaligned ends
    ]
    groupings = [[], ["model"], ["service", "model"], ["status"]]
    checked = 0
    for start_ns, end_ns in ranges:
        # The API takes milliseconds; minutes that start inside [from, to) are in the summary.
        start_ns, end_ns = start_ns // 1_000_000 * 1_000_000, end_ns // 1_000_000 * 1_000_000
        lo = -(-start_ns // MINUTE_NS) * MINUTE_NS
        hi = -(-end_ns // MINUTE_NS) * MINUTE_NS
        in_range = [s for s in sent if lo <= s["start"] // MINUTE_NS * MINUTE_NS < hi]
        for grouping in groupings:
            body = summary(vigil, key, **{"from": str(start_ns // 1_000_000), "to": str(end_ns // 1_000_000),
                                          "group_by": ",".join(grouping)})
            groups = {tuple(g[d] for d in grouping): g for g in body["groups"]}
            truth = {}
            for span in in_range:
                values = {"service": span["service"], "model": span["model"], "status": "error" if span["error"] else "ok"}
                truth.setdefault(tuple(values[d] for d in grouping), []).append(span)
            assert set(groups) == set(truth), (grouping, set(groups) ^ set(truth))
            for group_key, members in truth.items():
                group = groups[group_key]
                assert group["count"] == len(members), (start_ns, end_ns, lo, hi, grouping, group_key)
                assert group["errors"] == sum(s["error"] for s in members)
                assert group["input_tokens"] == sum(s["input"] for s in members)
                assert group["output_tokens"] == sum(s["output"] for s in members)
                costs = [cost_of(prices, s) for s in members]
                assert Decimal(group["cost_usd"]) == sum((c for c in costs if c is not None), Decimal(0))
                assert group["unpriced_calls"] == sum(c is None for c in costs)
                # The app's cost beside Vigil's, over the calls that carried one and were priced.
                pairs = [(Decimal(repr(s["reported"])), vigil_cost(prices, s)) for s in members
                         if s["reported"] is not None and vigil_cost(prices, s) is not None]
                reported = group["reported_cost"]
                assert reported["calls"] == len(pairs), (grouping, group_key, reported)
                assert Decimal(str(reported["app_usd"])) == sum((a for a, _ in pairs), Decimal(0))
                assert Decimal(str(reported["vigil_usd"])) == sum((v for _, v in pairs), Decimal(0))
                durations = numpy.array([(s["end"] - s["start"]) / 1e6 for s in members])
                for name, q in (("p50", 50), ("p95", 95), ("p99", 99)):
                    exact = numpy.percentile(durations, q)
                    got = float(group["latency_ms"][name])
                    assert abs(got - exact) / exact <= 0.01, (grouping, group_key, name, got, exact)
                checked += 1
    return checked


def total_count(vigil, key, sent):
    first = min(s["start"] for s in sent) // MINUTE_NS * MINUTE_NS
    body = summary(vigil, key, **{"from": str(first // 1_000_000), "to": str((first + 13 * MINUTE_NS) // 1_000_000)})
    return sum(g["count"] for g in body["groups"])


@pytest.fixture(scope="module")
def keys(cli):
    return cli.create_key("summary", "ingest"), cli.create_key("summary", "read")


def test_summary_equals_ground_truth_and_replay_equals_live(vigil, cli, keys):
    ingest, read = keys
    sent = send_spans(vigil.url, ingest)
    wait_until(lambda: total_count(vigil, read, sent) == len(sent), 60, "the rollup to catch up")
    prices = price_table()
    assert check_against_truth(vigil, read, sent, prices) > 20
    first = min(s["start"] for s in sent) // MINUTE_NS * MINUTE_NS
    params = {"from": str(first // 1_000_000), "to": str((first + 13 * MINUTE_NS) // 1_000_000), "group_by": "service,model,status"}
    live = summary(vigil, read, **params)
    unpriced = vigil.request("GET", "/api/v1/models/unpriced", key=read).json()["models"]
    assert [m["model"] for m in unpriced] == ["in-house-llm-v3"]

    result = cli.run("replay", "rollup")
    assert result.stdout.startswith("replayed rollup through sequence ")
    replayed = summary(vigil, read, **params)
    assert replayed["groups"] == live["groups"]
    # The same in many small batches (VIGIL_REPLAY_BATCH), rows merged across them.
    cli.run("replay", "rollup", env={"VIGIL_REPLAY_BATCH": "333"})
    assert summary(vigil, read, **params)["groups"] == live["groups"]
    failed = cli.run("replay", "rollup", env={"VIGIL_REPLAY_BATCH": "0"}, check=False)
    assert failed.returncode != 0 and "VIGIL_REPLAY_BATCH" in failed.stderr, failed.stderr
