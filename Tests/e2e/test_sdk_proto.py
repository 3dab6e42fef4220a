"""The real OpenTelemetry Python SDK with opentelemetry-exporter-otlp-proto-http sends traces,
metrics and logs to `vigil serve`; every span, point and record is in the log with its
attributes and the GenAI normalisation. Also a summary point, which the SDK cannot make,
sent by hand as OTLP JSON."""

import secrets

import pytest

from sdk_checks import check_all
from vigil_e2e import PROTO_PYTHON, attributes, metrics_body, now_ns, run_sdk_client, sql_literal

SIGNALS = ["traces", "metrics", "logs"]


@pytest.fixture(scope="module")
def key(cli):
    return cli.create_key("sdk-proto", "ingest")


@pytest.mark.parametrize("config", ["env", "explicit"])
def test_sdk_exports_every_signal(vigil, key, database, config):
    """`env`: OTEL_EXPORTER_OTLP_ENDPOINT and OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer%20<key>,
    as users configure it; `explicit`: endpoint and headers passed to the exporters."""
    service = f"e2e-proto-{config}"
    report = run_sdk_client(PROTO_PYTHON, "proto", vigil.url, key, service=service, tag=secrets.token_hex(4), config=config)
    check_all(database, report, SIGNALS, vigil.url)


def test_summary_point_sent_as_json(vigil, key, database):
    start = now_ns() - 60_000_000_000
    time = now_ns()
    body = metrics_body([{
        "name": "e2e.rpc.duration",
        "description": "hand-made summary",
        "unit": "ms",
        "summary": {"dataPoints": [{
            "attributes": attributes({"rpc.method": "Chat", "shard": 3}),
            "startTimeUnixNano": str(start),
            "timeUnixNano": str(time),
            "count": "10",
            "sum": 123.5,
            "quantileValues": [{"quantile": 0.5, "value": 11.0}, {"quantile": 0.99, "value": 40.5}],
        }]},
    }], service="e2e-summary")
    response = vigil.export("metrics", body, key)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    assert "partialSuccess" not in response.json(), response.text
    rows = database.bodies(f"kind = 'metric_point' AND body->>'service' = {sql_literal('e2e-summary')}")
    assert len(rows) == 1, rows
    point = rows[0]
    assert point["metric"] == {"name": "e2e.rpc.duration", "description": "hand-made summary", "unit": "ms", "type": "summary"}
    assert point["attributes"] == {"rpc.method": "Chat", "shard": 3}
    assert (point["start_ns"], point["time_ns"], point["count"], point["sum"]) == (start, time, 10, 123.5)
    assert point["quantiles"] == [{"quantile": 0.5, "value": 11.0}, {"quantile": 0.99, "value": 40.5}]
    assert point["resource"] == {"service.name": "e2e-summary"}
