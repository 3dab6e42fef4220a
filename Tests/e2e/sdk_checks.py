"""Checks that what the OpenTelemetry SDK client (clients/sdk_client.py) exported is in Vigil's
event log, item for item, with its attributes and Vigil's normalisation. Shared by the protobuf,
JSON and gzip tests."""

from __future__ import annotations

import json

from vigil_e2e import Database, sql_literal

SIGNAL_KINDS = {"traces": "span", "metrics": "metric_point", "logs": "log_record"}


def assert_subset(expected: dict, actual: dict | None, what: str) -> None:
    assert actual is not None, f"{what}: missing"
    wrong = {key: (value, actual.get(key, "<absent>")) for key, value in expected.items() if actual.get(key, "<absent>") != value}
    assert not wrong, f"{what}: (expected, stored) differ for {wrong}; stored {actual}"


def check_exports(report: dict, signals: list[str], endpoint: str, grpc: bool = False) -> None:
    """Every export the SDK made succeeded, to the endpoint the test meant (gRPC's exporters
    keep host:port, one for every signal)."""
    for signal in signals:
        assert report["exports"][signal], f"the SDK exported no {signal} at all (stderr: {report['stderr']})"
        assert all(result == "SUCCESS" for result in report["exports"][signal]), \
            f"{signal} exports: {report['exports'][signal]} (stderr: {report['stderr']})"
        if grpc:
            assert report["endpoints"][signal] == endpoint.removeprefix("http://"), report["endpoints"]
        else:
            assert report["endpoints"][signal] == f"{endpoint}/v1/{signal}"


def stored(db: Database, kind: str, service: str) -> list[dict]:
    return db.bodies(f"kind = {sql_literal(kind)} AND body->>'service' = {sql_literal(service)}")


def check_counts(db: Database, report: dict, signals: list[str]) -> None:
    """One event per exported item, per kind."""
    sent = {"traces": len(report["spans"]), "metrics": len(report["metric_points"]), "logs": len(report["logs"])}
    counts = {signal: len(stored(db, SIGNAL_KINDS[signal], report["service"])) for signal in signals}
    assert counts == {signal: sent[signal] for signal in signals}, f"stored {counts}, the SDK sent {sent}"


def check_spans(db: Database, report: dict) -> None:
    bodies = stored(db, "span", report["service"])
    by_id = {}
    for body in bodies:
        key = (body["trace_id"], body["span_id"])
        assert key not in by_id, f"span {key} stored twice"
        by_id[key] = body
    assert len(report["spans"]) == 5, report["spans"]
    assert set(by_id) == {(s["trace_id"], s["span_id"]) for s in report["spans"]}
    for sent in report["spans"]:
        body = by_id[(sent["trace_id"], sent["span_id"])]
        what = f"span {sent['name']}"
        assert body["name"] == sent["name"], what
        assert body["kind"] == sent["kind"], what
        assert body.get("parent_span_id") == sent["parent_span_id"], what
        assert body["start_ns"] == sent["start_ns"] and body["end_ns"] == sent["end_ns"], what
        assert body["duration_ns"] == sent["end_ns"] - sent["start_ns"], what
        assert body["status"]["code"] == sent["status"]["code"], what
        assert body["status"].get("message") == sent["status"]["message"], what
        assert body["attributes"] == sent["attributes"], f"{what}: attributes {body['attributes']} != {sent['attributes']}"
        assert body.get("events", []) == sent["events"], what
        assert body["scope"] == sent["scope"], what
        assert body["service"] == report["service"]
        assert body["resource"]["service.name"] == report["service"]
        assert body["resource"]["deployment.environment"] == "e2e"

    named = {s["name"]: by_id[(s["trace_id"], s["span_id"])] for s in report["spans"]}
    assert_subset({"app.int": 7, "app.float": 0.25, "app.bool": True, "app.list": ["a", "b"]},
                  named["chat gpt-4o"]["attributes"], "typed attributes")
    assert named["chat gpt-4o"]["events"][0]["attributes"] == {"index": 0, "finish_reason": "stop"}
    assert named["lookup user"]["status"] == {"code": "error", "message": "user not found"}
    assert named["chat gpt-4o"]["status"]["code"] == "ok"
    # OpenTelemetry GenAI conventions, current names.
    assert_subset({
        "dialect": "opentelemetry", "operation": "chat", "provider": "openai", "request_model": "gpt-4o",
        "response_model": "gpt-4o-2024-08-06", "input_tokens": 120, "output_tokens": 42, "total_tokens": 162,
        "finish_reasons": ["stop"],
    }, named["chat gpt-4o"].get("genai"), "genai of the OTel GenAI span")
    # Older names: gen_ai.system and prompt/completion tokens.
    assert_subset({
        "dialect": "opentelemetry", "provider": "anthropic", "request_model": "claude-2",
        "input_tokens": 11, "output_tokens": 5, "total_tokens": 16,
    }, named["completion claude-2"].get("genai"), "genai of the gen_ai.system span")
    # OpenInference.
    assert_subset({
        "dialect": "openinference", "operation": "chat", "provider": "mistralai", "request_model": "mistral-large",
        "input_tokens": 30, "output_tokens": 10, "total_tokens": 40,
    }, named["openinference llm"].get("genai"), "genai of the OpenInference span")
    for plain in ("agent run", "lookup user"):
        assert "genai" not in named[plain], f"{plain} has no LLM attributes but got genai {named[plain].get('genai')}"


def _point_key(name: str, attributes: dict) -> str:
    return name + " " + json.dumps(attributes, sort_keys=True)


def check_metrics(db: Database, report: dict) -> None:
    bodies = stored(db, "metric_point", report["service"])
    by_key = {}
    for body in bodies:
        key = _point_key(body["metric"]["name"], body["attributes"])
        assert key not in by_key, f"point {key} stored twice"
        by_key[key] = body
    sent_keys = {_point_key(p["name"], p["attributes"]) for p in report["metric_points"]}
    assert set(by_key) == sent_keys, f"stored {sorted(by_key)}, sent {sorted(sent_keys)}"

    for sent in report["metric_points"]:
        body = by_key[_point_key(sent["name"], sent["attributes"])]
        what = f"point {sent['name']} {sent['attributes']}"
        metric = body["metric"]
        assert metric["type"] == sent["type"], what
        assert metric.get("unit", "") == sent["unit"], what
        assert metric.get("description", "") == sent["description"], what
        assert body["time_ns"] == sent["time_ns"], what
        assert body.get("start_ns") == (sent["start_ns"] or None), what
        if "temporality" in sent:
            assert metric["temporality"] == sent["temporality"], what
        if sent["type"] == "sum":
            assert metric["monotonic"] == sent["monotonic"], what
        if sent["type"] in ("sum", "gauge"):
            assert body["value"] == sent["value"], what
        elif sent["type"] == "histogram":
            for field in ("count", "sum", "min", "max", "bucket_counts", "explicit_bounds"):
                assert body[field] == sent[field], f"{what}: {field}"
        elif sent["type"] == "exponential_histogram":
            for field in ("count", "sum", "min", "max", "scale", "zero_count"):
                assert body[field] == sent[field], f"{what}: {field}"
            for side in ("positive", "negative"):
                assert body[side]["offset"] == sent[side]["offset"], f"{what}: {side}"
                # Trailing empty buckets carry nothing; compare the counts that matter.
                assert body[side]["bucket_counts"][:len(sent[side]["bucket_counts"])] == sent[side]["bucket_counts"], f"{what}: {side}"
        assert body["scope"] == {"name": "vigil.e2e.metrics", "version": "0.1"}, what
        assert body["resource"]["service.name"] == report["service"]

    def point(name, **attrs):
        return by_key[_point_key(name, {**attrs, "app.tag": report["tag"]})]

    assert {b["metric"]["type"] for b in bodies} >= {"sum", "gauge", "histogram", "exponential_histogram"}
    requests_a = point("e2e.requests", route="/a")
    assert requests_a["value"] == 7 and requests_a["metric"]["monotonic"] is True
    assert requests_a["metric"]["temporality"] == "cumulative"
    assert requests_a["metric"]["description"] == "requests served" and requests_a["metric"]["unit"] == "1"
    assert point("e2e.requests", route="/b")["value"] == 5
    queue = point("e2e.queue.depth")
    assert queue["value"] == 7 and queue["metric"]["monotonic"] is False
    temperature = point("e2e.temperature", room="lab")
    assert temperature["metric"]["type"] == "gauge" and temperature["value"] == 21.5
    pool = point("e2e.pool.size", pool="db")
    assert pool["metric"]["type"] == "gauge" and pool["value"] == 42
    latency = point("e2e.latency")
    assert latency["metric"]["type"] == "histogram"
    assert (latency["count"], latency["sum"], latency["min"], latency["max"]) == (3, 140, 5, 120)
    assert latency["explicit_bounds"][:4] == [0, 5, 10, 25]
    # 5 is in (0, 5], 15 in (10, 25], 120 in (100, 250].
    assert [i for i, c in enumerate(latency["bucket_counts"]) if c] == [1, 3, 7]
    exp = point("e2e.latency.exp")
    assert exp["metric"]["type"] == "exponential_histogram"
    assert (exp["count"], exp["sum"], exp["min"], exp["max"], exp["zero_count"]) == (4, 15, 1, 8, 0)
    assert sum(exp["positive"]["bucket_counts"]) == 4


def check_logs(db: Database, report: dict) -> None:
    bodies = stored(db, "log_record", report["service"])
    assert len(bodies) == len(report["logs"]) == 3, (bodies, report["logs"])
    for sent in report["logs"]:
        matches = [b for b in bodies if b.get("body") == sent["body"] and b.get("severity_number") == sent["severity_number"]]
        assert len(matches) == 1, f"log record {sent['body']!r}: {len(matches)} stored matches among {bodies}"
        body = matches[0]
        what = f"log record {sent['body']!r}"
        assert body.get("severity_text") == sent["severity_text"], what
        assert body["attributes"] == sent["attributes"], what
        assert body.get("trace_id") == sent["trace_id"] and body.get("span_id") == sent["span_id"], what
        assert body.get("time_ns") == sent["time_ns"], what
        assert body.get("observed_ns") == sent["observed_ns"], what
        assert body.get("event_name") == sent["event_name"], what
        assert body["scope"]["name"] == sent["scope"]["name"], what
        assert body["scope"].get("version", "") == (sent["scope"]["version"] or ""), what
        assert body["resource"]["service.name"] == report["service"]

    by_body = {json.dumps(b["body"], sort_keys=True): b for b in bodies}
    warning = by_body[json.dumps("disk sda1 almost full")]
    assert warning["severity_number"] == 13
    assert warning["attributes"]["disk.free_mb"] == 12
    assert (warning["trace_id"], warning["span_id"]) == (report["log_span"]["trace_id"], report["log_span"]["span_id"])
    info = by_body[json.dumps("user signed in")]
    assert info["severity_number"] == 9 and info["attributes"]["user.id"] == "u-17"
    assert "trace_id" not in info
    event = by_body[json.dumps({"prompt": "hello", "tokens": [1, 2, 3], "ok": True}, sort_keys=True)]
    assert event["event_name"] == "gen_ai.client.inference"
    assert event["severity_text"] == "INFO"
    assert_subset({"provider": "openai", "input_tokens": 9}, event.get("genai"), "genai of the log event")


def check_all(db: Database, report: dict, signals: list[str], endpoint: str, grpc: bool = False) -> None:
    check_exports(report, signals, endpoint, grpc)
    check_counts(db, report, signals)
    if "traces" in signals:
        check_spans(db, report)
    if "metrics" in signals:
        check_metrics(db, report)
    if "logs" in signals:
        check_logs(db, report)
