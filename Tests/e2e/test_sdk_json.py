"""The OpenTelemetry Python SDK with opentelemetry-exporter-otlp-json-http 0.66b1 (in its own
virtual environment, .venv-json) sends OTLP JSON; spans, metric points and log records arrive
and match what the exporter sent, as with protobuf."""

import secrets

import pytest

from sdk_checks import check_all
from vigil_e2e import JSON_PYTHON, run_sdk_client

SIGNALS = ["traces", "metrics", "logs"]


@pytest.fixture(scope="module")
def key(cli):
    return cli.create_key("sdk-json", "ingest")


@pytest.mark.parametrize("config", ["env", "explicit"])
def test_json_exporter_every_signal(vigil, key, database, config):
    service = f"e2e-json-{config}"
    report = run_sdk_client(JSON_PYTHON, "json", vigil.url, key, service=service, tag=secrets.token_hex(4), config=config)
    check_all(database, report, SIGNALS, vigil.url)
