"""Compressed, broken and hostile bodies. gzip works (the exporter's own compression option and
a hand-made body); a truncated protobuf, invalid JSON, a wrong content type or encoding, an
oversized body and a gzip bomb each get their status and a google.rpc.Status message, nothing
of a refused request is stored, and the server stays healthy and keeps accepting good exports.

The server runs with small limits so that testing them is cheap: 1 MiB sent, 4 MiB inflated."""

import gzip
import json
import secrets

import pytest
import requests

from sdk_checks import check_all
from vigil_e2e import (
    JSON, JSON_PYTHON, PROTO_PYTHON, PROTOBUF, gzipped, log_record, logs_body, rpc_status, run_sdk_client, span,
    sql_literal, to_protobuf, traces_body,
)

MAX_BODY = 1024 * 1024
MAX_INFLATED = 4 * 1024 * 1024


@pytest.fixture(scope="module")
def vigil(start_vigil):
    return start_vigil(VIGIL_MAX_BODY_BYTES=MAX_BODY, VIGIL_MAX_INFLATED_BYTES=MAX_INFLATED)


@pytest.fixture(scope="module")
def key(cli):
    return cli.create_key("rejections", "ingest")


def span_stored(database, trace_id: str, span_id: str) -> int:
    return database.count(f"kind = 'span' AND body->>'trace_id' = {sql_literal(trace_id)} "
                          f"AND body->>'span_id' = {sql_literal(span_id)}")


def assert_still_serving(vigil, key, database):
    """/healthz answers and a good export is still accepted and stored."""
    assert vigil.running, f"vigil serve died:\n{vigil.logs()}"
    health = vigil.request("GET", "/healthz")
    assert health.status_code == 200 and health.json() == {"status": "ok"}
    good = span("good after a refusal")
    response = vigil.export("traces", to_protobuf("traces", traces_body([good])), key)
    assert response.status_code == 200, response.content
    assert span_stored(database, good["traceId"], good["spanId"]) == 1


def assert_refused(response, status: int, message_part: str, grpc_code: int = 3):
    assert response.status_code == status, f"expected {status}, got {response.status_code}: {response.content[:300]!r}"
    error = rpc_status(response)
    assert error["code"] == grpc_code, error
    assert message_part in error["message"], error


# --- gzip that should work -----------------------------------------------------------------

def test_sdk_gzip_compression_protobuf(vigil, key, database):
    report = run_sdk_client(PROTO_PYTHON, "proto", vigil.url, key, service="e2e-gzip-proto", tag=secrets.token_hex(4),
                            config="explicit", compression="gzip")
    check_all(database, report, ["traces", "metrics", "logs"], vigil.url)


def test_sdk_gzip_compression_json(vigil, key, database):
    report = run_sdk_client(JSON_PYTHON, "json", vigil.url, key, service="e2e-gzip-json", tag=secrets.token_hex(4),
                            config="env", signals="traces,logs", compression="gzip")
    check_all(database, report, ["traces", "logs"], vigil.url)


@pytest.mark.parametrize("content_type", [PROTOBUF, JSON])
def test_hand_made_gzip_body(vigil, key, database, content_type):
    item = span("gzipped by hand", attrs={"payload": "x" * 5000})
    body = traces_body([item])
    raw = to_protobuf("traces", body) if content_type == PROTOBUF else json.dumps(body).encode()
    compressed = gzipped(raw)
    assert len(compressed) < len(raw) / 5
    response = vigil.export("traces", compressed, key, content_type=content_type, headers={"Content-Encoding": "gzip"})
    assert response.status_code == 200, response.content
    assert span_stored(database, item["traceId"], item["spanId"]) == 1
    stored = database.bodies(f"kind = 'span' AND body->>'span_id' = {sql_literal(item['spanId'])}")[0]
    assert stored["attributes"]["payload"] == "x" * 5000


def test_gzip_body_inflating_past_the_sent_limit_but_within_the_inflated_one(vigil, key, database):
    """The sent-size limit applies to the bytes on the wire; 2 MiB inflated from a few KiB is fine."""
    item = span("big once inflated", attrs={"payload": "y" * (2 * 1024 * 1024)})
    compressed = gzipped(to_protobuf("traces", traces_body([item])))
    assert len(compressed) < MAX_BODY
    response = vigil.export("traces", compressed, key, headers={"Content-Encoding": "gzip"})
    assert response.status_code == 200, response.content
    assert span_stored(database, item["traceId"], item["spanId"]) == 1


# --- refusals -----------------------------------------------------------------------------

def test_truncated_protobuf(vigil, key, database):
    items = [span(f"truncated {i}", attrs={"i": i}) for i in range(5)]
    whole = to_protobuf("traces", traces_body(items))
    before = database.telemetry_count()
    response = vigil.export("traces", whole[: len(whole) - 7], key)
    assert_refused(response, 400, "not a valid protobuf ExportTraceServiceRequest")
    assert response.headers["Content-Type"].startswith(PROTOBUF)
    assert database.telemetry_count() == before
    assert all(span_stored(database, s["traceId"], s["spanId"]) == 0 for s in items)
    assert_still_serving(vigil, key, database)


@pytest.mark.parametrize("signal,body", [
    ("traces", b'{"resourceSpans": [{"scopeSpans": [{"spans": [{"name": "cut'),
    ("traces", b"this is not json"),
    ("metrics", b'{"resourceMetrics": 5}'),
    ("logs", b'{"resourceLogs": [{"scopeLogs": [{"logRecords": [{"body": }]}]}]}'),
    ("traces", b'{"resourceSpans": [{"scopeSpans": [{"spans": [{"traceId": "not-hex-at-all", "spanId": "0102030405060708", "name": "x"}]}]}]}'),
    ("traces", b""),
], ids=["truncated", "not-json", "wrong-type", "syntax-error", "non-hex-id", "empty"])
def test_invalid_json(vigil, key, database, signal, body):
    before = database.telemetry_count()
    response = vigil.export(signal, body, key, content_type=JSON)
    assert response.status_code == 400, response.content
    assert response.headers["Content-Type"].startswith(JSON)
    error = response.json()
    assert error["code"] == 3 and error["message"], error
    assert database.telemetry_count() == before
    assert_still_serving(vigil, key, database)


@pytest.mark.parametrize("headers,message", [
    ({"Content-Type": "text/plain"}, "Content-Type text/plain is not accepted"),
    ({"Content-Type": "application/x-www-form-urlencoded"}, "is not accepted"),
    ({}, "is not accepted"),
    ({"Content-Type": PROTOBUF, "Content-Encoding": "br"}, "Content-Encoding br is not accepted"),
    ({"Content-Type": PROTOBUF, "Content-Encoding": "deflate"}, "Content-Encoding deflate is not accepted"),
], ids=["text-plain", "form", "none", "brotli", "deflate"])
def test_unsupported_media_type(vigil, key, database, headers, message):
    item = span("wrong media type")
    data = to_protobuf("traces", traces_body([item]))
    before = database.telemetry_count()
    response = vigil.export("traces", data, key, content_type="", headers=headers)
    assert_refused(response, 415, message)
    assert database.telemetry_count() == before
    assert span_stored(database, item["traceId"], item["spanId"]) == 0
    assert_still_serving(vigil, key, database)


def oversized_export():
    item = span("too big", attrs={"payload": "z" * (MAX_BODY + 200 * 1024)})
    return item, to_protobuf("traces", traces_body([item]))


def test_oversized_body_with_content_length(vigil, key, database):
    item, data = oversized_export()
    before = database.telemetry_count()
    response = vigil.export("traces", data, key)
    assert_refused(response, 413, f"limit of {MAX_BODY}")
    assert database.telemetry_count() == before
    assert span_stored(database, item["traceId"], item["spanId"]) == 0
    assert_still_serving(vigil, key, database)


def test_oversized_body_chunked(vigil, key, database):
    """Without Content-Length the limit holds while the body streams in."""
    item, data = oversized_export()

    def chunks():
        for start in range(0, len(data), 64 * 1024):
            yield data[start:start + 64 * 1024]

    before = database.telemetry_count()
    try:
        response = requests.post(vigil.url + "/v1/traces", data=chunks(), timeout=10,
                                 headers={"Authorization": f"Bearer {key}", "Content-Type": PROTOBUF})
    except requests.ConnectionError as error:
        pytest.fail(f"the server dropped the connection instead of answering 413: {error}")
    assert_refused(response, 413, f"limit of {MAX_BODY}")
    assert database.telemetry_count() == before
    assert span_stored(database, item["traceId"], item["spanId"]) == 0
    assert_still_serving(vigil, key, database)


def test_body_just_under_the_limit_is_accepted(vigil, key, database):
    item = span("almost too big", attrs={"payload": "w" * (MAX_BODY - 4096)})
    data = to_protobuf("traces", traces_body([item]))
    assert len(data) < MAX_BODY
    response = vigil.export("traces", data, key)
    assert response.status_code == 200, response.content
    assert span_stored(database, item["traceId"], item["spanId"]) == 1


@pytest.mark.parametrize("content_type", [PROTOBUF, JSON])
def test_gzip_bomb(vigil, key, database, content_type):
    """A few KiB that inflate past the 4 MiB limit: refused without inflating it all."""
    item = span("bomb", attrs={"payload": "0" * (MAX_INFLATED + 1024 * 1024)})
    body = traces_body([item])
    raw = to_protobuf("traces", body) if content_type == PROTOBUF else json.dumps(body).encode()
    bomb = gzip.compress(raw, compresslevel=9)
    assert len(bomb) < 64 * 1024
    before = database.telemetry_count()
    response = vigil.export("traces", bomb, key, content_type=content_type, headers={"Content-Encoding": "gzip"})
    assert_refused(response, 413, f"inflates past the limit of {MAX_INFLATED}")
    assert database.telemetry_count() == before
    assert span_stored(database, item["traceId"], item["spanId"]) == 0
    assert_still_serving(vigil, key, database)


@pytest.mark.parametrize("data", [b"definitely not gzip" * 4, None], ids=["not-gzip", "truncated-gzip"])
def test_corrupt_gzip(vigil, key, database, data):
    item = span("corrupt gzip")
    if data is None:
        data = gzipped(to_protobuf("traces", traces_body([item])))[:-12]
    before = database.telemetry_count()
    response = vigil.export("traces", data, key, headers={"Content-Encoding": "gzip"})
    assert_refused(response, 400, "gzip")
    assert database.telemetry_count() == before
    assert span_stored(database, item["traceId"], item["spanId"]) == 0
    assert_still_serving(vigil, key, database)


@pytest.mark.parametrize("content_type", [PROTOBUF, JSON])
def test_partial_success(vigil, key, database, content_type):
    """Spans with unusable ids are refused one by one; the rest of the export is stored."""
    zero_trace = span("zero trace id", trace_id="0" * 32)
    short_trace = span("short trace id", trace_id="0102030405060708")
    good = span("good neighbour")
    body = traces_body([zero_trace, short_trace, good])
    data = to_protobuf("traces", body) if content_type == PROTOBUF else body
    before = database.telemetry_count()
    response = vigil.export("traces", data, key)
    assert response.status_code == 200, response.content
    assert response.headers["Content-Type"].startswith(content_type)
    if content_type == PROTOBUF:
        from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceResponse

        parsed = ExportTraceServiceResponse()
        parsed.ParseFromString(response.content)
        rejected, message = parsed.partial_success.rejected_spans, parsed.partial_success.error_message
    else:
        partial = response.json()["partialSuccess"]
        rejected, message = int(partial["rejectedSpans"]), partial["errorMessage"]
    assert rejected == 2, response.content
    assert "all zeroes" in message and "16" in message, message
    assert database.telemetry_count() == before + 1
    assert span_stored(database, good["traceId"], good["spanId"]) == 1
    assert database.count(f"kind = 'span' AND body->>'span_id' IN ({sql_literal(zero_trace['spanId'])}, "
                          f"{sql_literal(short_trace['spanId'])})") == 0


def test_log_export_refusal_stores_nothing(vigil, key, database):
    """The same holds for another signal: a truncated protobuf logs export stores no record."""
    records = [log_record(f"refused {i}", attrs={"n": i}) for i in range(4)]
    whole = to_protobuf("logs", logs_body(records, service="e2e-refused-logs"))
    before = database.telemetry_count()
    response = vigil.export("logs", whole[:-5], key)
    assert_refused(response, 400, "not a valid protobuf ExportLogsServiceRequest")
    assert database.telemetry_count() == before
    assert database.count("body->>'service' = 'e2e-refused-logs'") == 0
    assert_still_serving(vigil, key, database)


def test_server_survived_everything(vigil, key, database):
    assert vigil.running
    ready = vigil.request("GET", "/readyz")
    assert ready.status_code == 200, ready.text
    assert_still_serving(vigil, key, database)
