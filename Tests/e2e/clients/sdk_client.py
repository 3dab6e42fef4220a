"""An application instrumented with the real OpenTelemetry Python SDK, exporting to Vigil.

Runs under either test virtual environment: `--protocol proto` uses
opentelemetry-exporter-otlp-proto-http (Tests/e2e/.venv-proto), `--protocol grpc` uses
opentelemetry-exporter-otlp-proto-grpc (also in .venv-proto), `--protocol json` uses
opentelemetry-exporter-otlp-json-http (Tests/e2e/.venv-json). The two exporter packages pin
clashing helpers, so the tests start this script with the matching interpreter.

It makes spans (an OpenTelemetry GenAI span, an older `gen_ai.system`/`prompt_tokens` span, an
OpenInference `llm.*` span and plain ones), metric points of every type the SDK produces
(sum, gauge, histogram, exponential histogram) and log records (through the logging handler
and the Logs API), exports them through the SDK's own exporters, flushes and shuts down, and
prints one JSON report on stdout: every item the exporters sent and every export's result.

Endpoint and key come either from the standard variables the test sets
(`--config env`: OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_HEADERS), or from
VIGIL_E2E_ENDPOINT and VIGIL_E2E_KEY passed to the exporters' constructors (`--config explicit`).
"""

import argparse
import json
import logging
import os
import sys

from opentelemetry._logs import SeverityNumber
from opentelemetry.sdk._logs import LoggerProvider, LoggingHandler
from opentelemetry.sdk._logs.export import BatchLogRecordProcessor
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import (
    ExponentialHistogram,
    Gauge,
    Histogram,
    PeriodicExportingMetricReader,
    Sum,
)
from opentelemetry.sdk.metrics.view import ExponentialBucketHistogramAggregation, View
from opentelemetry.metrics import Observation
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import SpanKind, Status, StatusCode


def exporter_classes(protocol):
    if protocol == "grpc":
        from opentelemetry.exporter.otlp.proto.grpc._log_exporter import OTLPLogExporter
        from opentelemetry.exporter.otlp.proto.grpc.exporter import Compression
        from opentelemetry.exporter.otlp.proto.grpc.metric_exporter import OTLPMetricExporter
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter

        return OTLPSpanExporter, OTLPMetricExporter, OTLPLogExporter, Compression.Gzip
    if protocol == "proto":
        from opentelemetry.exporter.otlp.proto.http import Compression
        from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
        from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        return OTLPSpanExporter, OTLPMetricExporter, OTLPLogExporter, Compression.Gzip
    from opentelemetry.exporter.otlp.common.http import Compression
    from opentelemetry.exporter.otlp.json.http._log_exporter import OTLPLogExporter
    from opentelemetry.exporter.otlp.json.http.metric_exporter import OTLPMetricExporter
    from opentelemetry.exporter.otlp.json.http.trace_exporter import OTLPSpanExporter

    return OTLPSpanExporter, OTLPMetricExporter, OTLPLogExporter, Compression.GZIP


def recording(base, signal, report):
    """`base` exporter that also records what it sent and whether the export succeeded."""

    class Recording(base):
        def export(self, batch, *args, **kwargs):
            result = super().export(batch, *args, **kwargs)
            report["exports"][signal].append(result.name)
            report["batches"][signal].append(batch)
            return result

    Recording.__name__ = f"Recording{base.__name__}"
    return Recording


def endpoint_of(exporter):
    client = getattr(exporter, "_client", None)
    return getattr(client, "_endpoint", None) or getattr(exporter, "_endpoint", None)


def plain(value):
    """Attribute and body values as JSON: tuples as lists, mappings as objects."""
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, dict) or hasattr(value, "items"):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, bytes):
        return value.hex()
    return value


def make_exporter(cls, signal, args, report, compression):
    options = {}
    if args.config == "explicit" and args.protocol == "grpc":
        # gRPC has one endpoint for every signal, and metadata keys are lower case.
        options["endpoint"] = os.environ["VIGIL_E2E_ENDPOINT"]
        options["headers"] = {"authorization": f"Bearer {os.environ['VIGIL_E2E_KEY']}"}
    elif args.config == "explicit":
        options["endpoint"] = f"{os.environ['VIGIL_E2E_ENDPOINT'].rstrip('/')}/v1/{signal}"
        options["headers"] = {"Authorization": f"Bearer {os.environ['VIGIL_E2E_KEY']}"}
    if args.compression == "gzip":
        options["compression"] = compression
    exporter = recording(cls, signal, report)(**options)
    report["endpoints"][signal] = endpoint_of(exporter)
    return exporter


def run_traces(args, resource, report, exporter):
    provider = TracerProvider(resource=resource)
    provider.add_span_processor(BatchSpanProcessor(exporter))
    tracer = provider.get_tracer("vigil.e2e.client", "1.2.3")
    with tracer.start_as_current_span("agent run", kind=SpanKind.INTERNAL, attributes={"app.tag": args.tag}):
        with tracer.start_as_current_span(
            "chat gpt-4o",
            kind=SpanKind.CLIENT,
            attributes={
                "gen_ai.operation.name": "chat",
                "gen_ai.provider.name": "openai",
                "gen_ai.request.model": "gpt-4o",
                "gen_ai.response.model": "gpt-4o-2024-08-06",
                "gen_ai.usage.input_tokens": 120,
                "gen_ai.usage.output_tokens": 42,
                "gen_ai.response.finish_reasons": ["stop"],
                "app.int": 7,
                "app.float": 0.25,
                "app.bool": True,
                "app.list": ["a", "b"],
                "app.tag": args.tag,
            },
        ) as span:
            span.add_event("gen_ai.choice", attributes={"index": 0, "finish_reason": "stop"})
            span.set_status(Status(StatusCode.OK))
        with tracer.start_as_current_span(
            "completion claude-2",
            kind=SpanKind.CLIENT,
            attributes={
                "gen_ai.system": "Anthropic",
                "gen_ai.request.model": "claude-2",
                "gen_ai.usage.prompt_tokens": 11,
                "gen_ai.usage.completion_tokens": 5,
                "app.tag": args.tag,
            },
        ):
            pass
        with tracer.start_as_current_span(
            "openinference llm",
            attributes={
                "openinference.span.kind": "LLM",
                "llm.model_name": "mistral-large",
                "llm.provider": "mistralai",
                "llm.token_count.prompt": 30,
                "llm.token_count.completion": 10,
                "llm.token_count.total": 40,
                "app.tag": args.tag,
            },
        ):
            pass
        with tracer.start_as_current_span("lookup user", kind=SpanKind.SERVER, attributes={"app.tag": args.tag}) as span:
            span.set_status(Status(StatusCode.ERROR, "user not found"))
    report["flushed"]["traces"] = provider.force_flush()
    provider.shutdown()
    for batch in report["batches"]["traces"]:
        for span in batch:
            report["spans"].append({
                "trace_id": format(span.context.trace_id, "032x"),
                "span_id": format(span.context.span_id, "016x"),
                "parent_span_id": format(span.parent.span_id, "016x") if span.parent else None,
                "name": span.name,
                "kind": span.kind.name.lower(),
                "start_ns": span.start_time,
                "end_ns": span.end_time,
                "status": {"code": span.status.status_code.name.lower(), "message": span.status.description},
                "attributes": plain(dict(span.attributes)),
                "events": [{"name": e.name, "time_ns": e.timestamp, "attributes": plain(dict(e.attributes))} for e in span.events],
                "scope": {"name": span.instrumentation_scope.name, "version": span.instrumentation_scope.version},
            })


def run_metrics(args, resource, report, exporter):
    # One collection only: the reader exports at shutdown, long before its interval comes.
    reader = PeriodicExportingMetricReader(exporter, export_interval_millis=3_600_000)
    provider = MeterProvider(
        resource=resource,
        metric_readers=[reader],
        views=[View(instrument_name="e2e.latency.exp", aggregation=ExponentialBucketHistogramAggregation(max_size=40))],
    )
    meter = provider.get_meter("vigil.e2e.metrics", "0.1")
    requests = meter.create_counter("e2e.requests", unit="1", description="requests served")
    requests.add(3, {"route": "/a", "app.tag": args.tag})
    requests.add(4, {"route": "/a", "app.tag": args.tag})
    requests.add(5, {"route": "/b", "app.tag": args.tag})
    queue = meter.create_up_down_counter("e2e.queue.depth")
    queue.add(10, {"app.tag": args.tag})
    queue.add(-3, {"app.tag": args.tag})
    temperature = meter.create_gauge("e2e.temperature", unit="Cel")
    temperature.set(21.5, {"room": "lab", "app.tag": args.tag})
    meter.create_observable_gauge(
        "e2e.pool.size",
        callbacks=[lambda options: [Observation(42, {"pool": "db", "app.tag": args.tag})]],
    )
    latency = meter.create_histogram("e2e.latency", unit="ms")
    for value in (5, 15, 120):
        latency.record(value, {"app.tag": args.tag})
    exp_latency = meter.create_histogram("e2e.latency.exp", unit="ms")
    for value in (1, 2, 4, 8):
        exp_latency.record(value, {"app.tag": args.tag})
    provider.shutdown()
    for batch in report["batches"]["metrics"]:
        for resource_metrics in batch.resource_metrics:
            for scope_metrics in resource_metrics.scope_metrics:
                for metric in scope_metrics.metrics:
                    data = metric.data
                    for point in data.data_points:
                        entry = {
                            "name": metric.name,
                            "unit": metric.unit or "",
                            "description": metric.description or "",
                            "attributes": plain(dict(point.attributes or {})),
                            "start_ns": point.start_time_unix_nano,
                            "time_ns": point.time_unix_nano,
                        }
                        if isinstance(data, Sum):
                            entry.update(type="sum", value=point.value, monotonic=data.is_monotonic,
                                         temporality=data.aggregation_temporality.name.lower())
                        elif isinstance(data, Gauge):
                            entry.update(type="gauge", value=point.value)
                        elif isinstance(data, Histogram):
                            entry.update(type="histogram", count=point.count, sum=point.sum, min=point.min, max=point.max,
                                         bucket_counts=list(point.bucket_counts), explicit_bounds=list(point.explicit_bounds),
                                         temporality=data.aggregation_temporality.name.lower())
                        elif isinstance(data, ExponentialHistogram):
                            entry.update(type="exponential_histogram", count=point.count, sum=point.sum, min=point.min,
                                         max=point.max, scale=point.scale, zero_count=point.zero_count,
                                         positive={"offset": point.positive.offset, "bucket_counts": list(point.positive.bucket_counts)},
                                         negative={"offset": point.negative.offset, "bucket_counts": list(point.negative.bucket_counts)},
                                         temporality=data.aggregation_temporality.name.lower())
                        else:
                            entry.update(type=type(data).__name__)
                        report["metric_points"].append(entry)


def run_logs(args, resource, report, exporter):
    provider = LoggerProvider(resource=resource)
    provider.add_log_record_processor(BatchLogRecordProcessor(exporter))
    handler = LoggingHandler(level=logging.NOTSET, logger_provider=provider)
    app_logger = logging.getLogger(f"vigil.e2e.app.{args.protocol}")
    app_logger.propagate = False
    app_logger.setLevel(logging.DEBUG)
    app_logger.addHandler(handler)
    # A record inside a span carries the span's ids.
    tracer = TracerProvider(resource=resource).get_tracer("vigil.e2e.logs")
    with tracer.start_as_current_span("request with a log") as span:
        report["log_span"] = {"trace_id": format(span.get_span_context().trace_id, "032x"),
                              "span_id": format(span.get_span_context().span_id, "016x")}
        app_logger.warning("disk %s almost full", "sda1", extra={"disk.free_mb": 12, "app.tag": args.tag})
    app_logger.info("user signed in", extra={"user.id": "u-17", "app.tag": args.tag})
    otel_logger = provider.get_logger("vigil.e2e.events", "2.0")
    otel_logger.emit(
        severity_number=SeverityNumber.INFO,
        severity_text="INFO",
        body={"prompt": "hello", "tokens": [1, 2, 3], "ok": True},
        attributes={"gen_ai.system": "openai", "gen_ai.usage.input_tokens": 9, "app.tag": args.tag},
        event_name="gen_ai.client.inference",
    )
    report["flushed"]["logs"] = provider.force_flush()
    provider.shutdown()
    app_logger.removeHandler(handler)
    for batch in report["batches"]["logs"]:
        for readable in batch:
            record = readable.log_record
            report["logs"].append({
                "body": plain(record.body),
                "severity_number": record.severity_number.value if record.severity_number is not None else None,
                "severity_text": record.severity_text,
                "attributes": plain(dict(record.attributes or {})),
                "trace_id": format(record.trace_id, "032x") if record.trace_id else None,
                "span_id": format(record.span_id, "016x") if record.span_id else None,
                "time_ns": record.timestamp,
                "observed_ns": record.observed_timestamp,
                "event_name": record.event_name or None,
                "scope": {"name": readable.instrumentation_scope.name, "version": readable.instrumentation_scope.version},
            })


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--protocol", choices=["proto", "grpc", "json"], required=True)
    parser.add_argument("--signals", default="traces,metrics,logs")
    parser.add_argument("--config", choices=["env", "explicit"], default="env")
    parser.add_argument("--compression", choices=["none", "gzip"], default="none")
    parser.add_argument("--service", required=True)
    parser.add_argument("--tag", required=True, help="a value put on every item, to find them again")
    args = parser.parse_args()

    span_cls, metric_cls, log_cls, gzip_option = exporter_classes(args.protocol)
    report = {
        "protocol": args.protocol,
        "service": args.service,
        "tag": args.tag,
        "exports": {"traces": [], "metrics": [], "logs": []},
        "batches": {"traces": [], "metrics": [], "logs": []},
        "flushed": {},
        "endpoints": {},
        "spans": [],
        "metric_points": [],
        "logs": [],
    }
    resource = Resource.create({"service.name": args.service, "deployment.environment": "e2e", "app.tag": args.tag})
    signals = args.signals.split(",")
    runners = {"traces": (run_traces, span_cls), "metrics": (run_metrics, metric_cls), "logs": (run_logs, log_cls)}
    for signal in signals:
        run, cls = runners[signal]
        run(args, resource, report, make_exporter(cls, signal, args, report, gzip_option))
    del report["batches"]
    json.dump(report, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
