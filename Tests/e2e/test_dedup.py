"""A retried export is stored once: the same body sent three times (protobuf and JSON; traces,
metrics and logs) leaves one event per item, while items that really differ are all kept."""

import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from vigil_e2e import (
    JSON, PROTOBUF, attributes, gauge_metric, gzipped, log_record, logs_body, metrics_body, new_trace_id, now_ns,
    span, sql_literal, to_protobuf, traces_body,
)


@pytest.fixture(scope="module")
def key(cli):
    return cli.create_key("dedup", "ingest")


def traces(service):
    trace_id = new_trace_id()
    root = span("retried root", trace_id=trace_id, attrs={"attempt.visible": False})
    child = span("retried child", trace_id=trace_id, parentSpanId=root["spanId"], attrs={"gen_ai.system": "openai"})
    other = span("retried other trace", attrs={"n": 3})
    return traces_body([root, child, other], service=service), 3


def metrics(service):
    time = now_ns()
    start = time - 10_000_000_000
    body = metrics_body([
        gauge_metric("dedup.gauge", 1.5, {"host": "a"}, time_ns=time),
        gauge_metric("dedup.gauge", 2.5, {"host": "b"}, time_ns=time),
        {"name": "dedup.sum", "sum": {"aggregationTemporality": 2, "isMonotonic": True, "dataPoints": [
            {"attributes": attributes({"route": "/x"}), "startTimeUnixNano": str(start), "timeUnixNano": str(time), "asInt": "12"}]}},
        {"name": "dedup.histogram", "histogram": {"aggregationTemporality": 2, "dataPoints": [
            {"attributes": [], "startTimeUnixNano": str(start), "timeUnixNano": str(time), "count": "3", "sum": 6.0,
             "bucketCounts": ["1", "2"], "explicitBounds": [1.0]}]}},
    ], service=service)
    return body, 4


def logs(service):
    time = now_ns()
    body = logs_body([
        log_record("first retried record", attrs={"n": 1}, time_ns=time),
        log_record({"structured": True, "n": 2}, severity_number=17, severity_text="ERROR", time_ns=time + 1),
        log_record("third retried record", severity_number=5, severity_text="DEBUG", time_ns=time + 2),
    ], service=service)
    return body, 3


BUILDERS = {"traces": traces, "metrics": metrics, "logs": logs}
KINDS = {"traces": "span", "metrics": "metric_point", "logs": "log_record"}


@pytest.mark.parametrize("signal", ["traces", "metrics", "logs"])
@pytest.mark.parametrize("content_type", [PROTOBUF, JSON], ids=["protobuf", "json"])
def test_same_export_three_times_is_stored_once(vigil, key, database, signal, content_type):
    service = f"dedup-{signal}-{'pb' if content_type == PROTOBUF else 'json'}"
    body, items = BUILDERS[signal](service)
    data = to_protobuf(signal, body) if content_type == PROTOBUF else json.dumps(body).encode()
    for attempt in range(3):
        response = vigil.export(signal, data, key, content_type=content_type)
        assert response.status_code == 200, f"attempt {attempt}: {response.status_code} {response.content!r}"
        if content_type == JSON:
            assert "partialSuccess" not in response.json(), response.text
    where = f"kind = {sql_literal(KINDS[signal])} AND body->>'service' = {sql_literal(service)}"
    assert database.count(where) == items, database.bodies(where)


@pytest.mark.parametrize("signal", ["traces", "metrics", "logs"])
def test_retry_in_another_encoding_is_stored_once(vigil, key, database, signal):
    """protobuf, then OTLP JSON, then gzipped protobuf: the same items, stored once."""
    service = f"dedup-mixed-{signal}"
    body, items = BUILDERS[signal](service)
    responses = [
        vigil.export(signal, to_protobuf(signal, body), key),
        vigil.export(signal, body, key),
        vigil.export(signal, gzipped(to_protobuf(signal, body)), key, headers={"Content-Encoding": "gzip"}),
    ]
    assert [r.status_code for r in responses] == [200, 200, 200]
    where = f"kind = {sql_literal(KINDS[signal])} AND body->>'service' = {sql_literal(service)}"
    assert database.count(where) == items, database.bodies(where)


def test_items_that_differ_are_all_kept(vigil, key, database):
    """Deduplication does not swallow real data: a new value, a new time or a new span id is new."""
    time = now_ns()
    exports = [
        ("metrics", metrics_body([gauge_metric("dedup.distinct", 1.0, time_ns=time)], service="dedup-distinct")),
        ("metrics", metrics_body([gauge_metric("dedup.distinct", 2.0, time_ns=time)], service="dedup-distinct")),
        ("metrics", metrics_body([gauge_metric("dedup.distinct", 1.0, time_ns=time + 1000)], service="dedup-distinct")),
        ("logs", logs_body([log_record("same text", time_ns=time)], service="dedup-distinct")),
        ("logs", logs_body([log_record("same text", time_ns=time + 1)], service="dedup-distinct")),
        ("logs", logs_body([log_record("other text", time_ns=time)], service="dedup-distinct")),
    ]
    trace_id = new_trace_id()
    exports += [("traces", traces_body([span("same name", trace_id=trace_id, start_ns=time)], service="dedup-distinct"))
                for _ in range(2)]
    for signal, body in exports:
        response = vigil.export(signal, body, key)
        assert response.status_code == 200, response.text
    counts = {kind: database.count(f"kind = '{kind}' AND body->>'service' = 'dedup-distinct'")
              for kind in ("metric_point", "log_record", "span")}
    assert counts == {"metric_point": 3, "log_record": 3, "span": 2}


def test_duplicate_inside_one_export_is_stored_once(vigil, key, database):
    item = span("listed twice")
    response = vigil.export("traces", traces_body([item, dict(item)], service="dedup-inside"), key)
    assert response.status_code == 200, response.text
    assert database.count("kind = 'span' AND body->>'service' = 'dedup-inside'") == 1


def test_concurrent_retries_are_stored_once(vigil, key, database):
    """Eight clients send the same export at the same moment (as several replicas retrying would)."""
    body, items = traces("dedup-concurrent")
    data = to_protobuf("traces", body)
    barrier = threading.Barrier(8)

    def send(_):
        barrier.wait(timeout=10)
        return vigil.export("traces", data, key).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(send, range(8)))
    assert statuses == [200] * 8
    assert database.count("kind = 'span' AND body->>'service' = 'dedup-concurrent'") == items
