"""An SLO's multi-window burn-rate alert end to end: LLM calls sent through the real OpenTelemetry
Python SDK burn an availability SLO's error budget; the generated page-level alert
(`<slo>-burn-page`: burn rate over 1h AND over 5m above 14.4) fires to a real webhook receiver only
once both windows burn, and resolves when the short window recovers.

The SLO: 99% of calls without error (budget 1%), so the burn rate is the error rate over 0.01.
  1. 2,000 good calls 40 minutes ago: in the hour, not in the last five minutes.
  2. 100 calls now, 60 failed: the 5m window burns at 60x, the 1h window at 60/2100/0.01 = 2.9x,
     so nothing may fire (the long window holds the page back).
  3. 400 more failed calls now: 1h at 460/2500/0.01 = 18.4x, 5m at 92x: the page fires, once.
  4. 3,000 good calls now: 5m at 460/3500/0.01 = 13.1x, under 14.4: the alert resolves, while
     the ticket-level alert (6h AND 30m above 6x) keeps firing.
"""

from __future__ import annotations

import time

import pytest
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExportResult
from opentelemetry.trace import SpanKind, Status, StatusCode

from test_alerting import WebhookReceiver
from vigil_e2e import wait_until

SERVICE = "e2e-slo-chat"
SLO = "e2e-chat-availability"
PAGE = f"{SLO}-burn-page"
TICKET = f"{SLO}-burn-ticket"

RULES = """receivers:
  - name: pager
    type: webhook
    url: {url}
slos:
  - name: {slo}
    objective: 99
    period: 28d
    sli:
      type: errors
    filter:
      service: {service}
    receivers: [pager]
    group_wait: 1s
    group_interval: 1s
    repeat_interval: 1h
"""


def send_calls(url: str, key: str, good: int, failed: int, ago_s: float = 0) -> None:
    """`good` + `failed` LLM calls of SERVICE through the SDK, started `ago_s` seconds ago."""
    provider = TracerProvider(resource=Resource.create({"service.name": SERVICE}))
    exporter = OTLPSpanExporter(endpoint=f"{url}/v1/traces", headers={"Authorization": f"Bearer {key}"})
    results = []
    original = exporter.export

    def export(batch):
        result = original(batch)
        results.append(result)
        return result

    exporter.export = export
    provider.add_span_processor(BatchSpanProcessor(exporter, max_export_batch_size=512))
    tracer = provider.get_tracer("vigil.e2e.slo")
    start = time.time_ns() - int(ago_s * 1e9)
    for index in range(good + failed):
        span = tracer.start_span("chat gpt-4o", kind=SpanKind.CLIENT, start_time=start + index * 1000, attributes={
            "gen_ai.operation.name": "chat",
            "gen_ai.provider.name": "openai",
            "gen_ai.request.model": "gpt-4o",
            "gen_ai.usage.input_tokens": 10,
            "gen_ai.usage.output_tokens": 5,
        })
        if index >= good:
            span.set_status(Status(StatusCode.ERROR, "upstream 500"))
        span.end(end_time=start + index * 1000 + 200_000_000)
    assert provider.force_flush(30_000)
    provider.shutdown()
    assert results and all(r == SpanExportResult.SUCCESS for r in results), results


@pytest.fixture(scope="module")
def world(start_vigil, cli, tmp_path_factory):
    folder = tmp_path_factory.mktemp("slo")
    receiver = WebhookReceiver("e2e-slo", folder).start()
    rules = folder / "rules"
    rules.mkdir()
    (rules / "slo.yaml").write_text(RULES.format(url=receiver.url, slo=SLO, service=SERVICE))
    ingest, read = (cli.create_key("slo", role) for role in ("ingest", "read"))
    vigil = start_vigil("slo", VIGIL_RULES=str(rules), VIGIL_EVALUATION_INTERVAL="1")
    yield vigil, receiver, ingest, read
    receiver.stop()


def alert_states(vigil, read) -> dict[str, str]:
    alerts = vigil.request("GET", "/api/v1/alerts", key=read).json()["alerts"]
    return {a["rule"]: a["state"] for a in alerts}


def processed(vigil, read, calls: int) -> bool:
    """The rollups hold `calls` calls of SERVICE in the last hour."""
    now_ms = int(time.time() * 1000)
    body = vigil.request("GET", "/api/v1/summary", key=read,
                         params={"from": str(now_ms - 3_600_000), "to": str(now_ms + 60_000), "service": SERVICE}).json()
    return sum(g["count"] for g in body["groups"]) == calls


def page_notifications(receiver):
    return [r for r in receiver.requests()
            if any(a.get("labels", {}).get("alertname") == PAGE for a in r.payload.get("alerts", []))]


def test_burn_in_the_short_window_alone_does_not_page_and_both_windows_do_then_it_resolves(world):
    vigil, receiver, ingest, read = world
    send_calls(vigil.url, ingest, good=2000, failed=0, ago_s=40 * 60)
    send_calls(vigil.url, ingest, good=40, failed=60)
    wait_until(lambda: processed(vigil, read, 2100), 60, "the rollups to hold the first 2,100 calls")
    # Several evaluations (one a second) over the short-window-only burn: nothing may fire.
    time.sleep(6)
    assert alert_states(vigil, read).get(PAGE) in (None, "inactive", "resolved"), alert_states(vigil, read)
    assert not page_notifications(receiver), receiver.describe()

    send_calls(vigil.url, ingest, good=0, failed=400)
    fired = receiver.wait_for(lambda requests: any(r.status == "firing" for r in page_notifications_of(requests)),
                              time.time() + 60, "the page-level burn alert to fire")
    firing = [r for r in page_notifications_of(fired) if r.status == "firing"][0].payload
    alert = next(a for a in firing["alerts"] if a["labels"]["alertname"] == PAGE)
    assert alert["labels"]["slo"] == SLO and alert["labels"]["severity"] == "page", alert["labels"]
    # The ticket alert (6h AND 30m above 6x) fires too: 460/2500 over both is 18.4x.
    wait_until(lambda: alert_states(vigil, read).get(TICKET) == "firing", 30, "the ticket-level alert to fire")

    send_calls(vigil.url, ingest, good=3000, failed=0)
    receiver.wait_for(lambda requests: any(r.status == "resolved" for r in page_notifications_of(requests)),
                      time.time() + 60, "the page-level burn alert to resolve once the short window recovers")
    assert [r.status for r in page_notifications(receiver)][:1] == ["firing"], receiver.describe()
    # The ticket's windows still burn over 6x (6h: 460/5500 = 8.4x, 30m: 460/3500 = 13.1x): it stays.
    assert alert_states(vigil, read).get(TICKET) == "firing", alert_states(vigil, read)


def page_notifications_of(requests):
    return [r for r in requests if any(a.get("labels", {}).get("alertname") == PAGE for a in r.payload.get("alerts", []))]
