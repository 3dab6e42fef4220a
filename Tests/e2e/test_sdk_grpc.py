"""The real OpenTelemetry Python SDK with opentelemetry-exporter-otlp-proto-grpc sends traces,
metrics and logs to `vigil serve` over OTLP/gRPC: the same checks as the HTTP exporters (every
span, point and record in the log with its attributes and the GenAI normalisation), with the
standard variables and with explicit options, plain and gzip. Then what the exporter does with
Vigil's status codes: a key over its rate is told when to retry (RetryInfo) and the export
lands; a read key is PERMISSION_DENIED and the exporter gives up at once."""

import json
import secrets
import subprocess
import time

import pytest

from sdk_checks import check_all
from vigil_e2e import PROTO_PYTHON, clean_environment, run_sdk_client, sql_literal

SIGNALS = ["traces", "metrics", "logs"]


@pytest.fixture(scope="module")
def key(cli):
    return cli.create_key("sdk-grpc", "ingest")


@pytest.mark.parametrize("config,compression", [("env", "none"), ("explicit", "gzip")])
def test_grpc_exporter_sends_every_signal(vigil, key, database, config, compression):
    service = f"e2e-grpc-{config}-{compression}"
    report = run_sdk_client(PROTO_PYTHON, "grpc", vigil.grpc_url, key, service=service, tag=secrets.token_hex(4),
                            config=config, compression=compression)
    check_all(database, report, SIGNALS, vigil.grpc_url, grpc=True)


EXPORT_TWICE = """
import json, sys, time
from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor

endpoint, key, service = sys.argv[1:4]
exporter = OTLPSpanExporter(endpoint=endpoint, headers={"authorization": f"Bearer {key}"}, timeout=20)
results = []

class Recording(SimpleSpanProcessor):
    def on_end(self, span):
        started = time.monotonic()
        results.append([exporter.export([span]).name, time.monotonic() - started])

provider = TracerProvider(resource=Resource.create({"service.name": service}))
provider.add_span_processor(Recording(exporter))
tracer = provider.get_tracer("e2e")
for name in ("first", "second"):
    with tracer.start_as_current_span(name):
        pass
print(json.dumps(results))
"""


def export_twice(vigil, key, service):
    result = subprocess.run([str(PROTO_PYTHON), "-c", EXPORT_TWICE, vigil.grpc_url, key, service],
                            capture_output=True, text=True, env=clean_environment(), timeout=90, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout), result.stderr


def test_rate_limited_export_is_retried_after_the_delay_vigil_gives(vigil, cli, database):
    key = cli.run("keys", "create", "--project", "sdk-grpc", "--role", "ingest", "--rate", "1").stdout.strip()
    results, stderr = export_twice(vigil, key, "e2e-grpc-limited")
    assert [name for name, _ in results] == ["SUCCESS", "SUCCESS"], (results, stderr)
    # The second call was refused with RESOURCE_EXHAUSTED and RetryInfo, waited, and landed.
    assert results[1][1] >= 0.5, results
    rows = database.bodies(f"kind = 'span' AND body->>'service' = {sql_literal('e2e-grpc-limited')}")
    assert sorted(row["name"] for row in rows) == ["first", "second"]


def test_read_key_is_refused_without_retries(vigil, cli, database):
    read_key = cli.create_key("sdk-grpc", "read")
    started = time.monotonic()
    results, stderr = export_twice(vigil, read_key, "e2e-grpc-read")
    assert [name for name, _ in results] == ["FAILURE", "FAILURE"], results
    assert "PERMISSION_DENIED" in stderr and "cannot do this" in stderr, stderr
    assert time.monotonic() - started < 15, "a refusal that retrying cannot fix is not retried"
    assert database.bodies(f"body->>'service' = {sql_literal('e2e-grpc-read')}") == []
