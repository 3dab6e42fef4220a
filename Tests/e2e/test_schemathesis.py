"""The API against its own OpenAPI document, by property-based fuzzing (schemathesis, `api_fuzz.py`).

A running `vigil serve` with an ingest, a read, an admin and an operator key gets, for every
operation of `/openapi.json`, a few requests that fit the document and a few that do not. No
answer may be a 5xx other than 503, every answer must be one the document describes (status code,
content type, headers, body schema), and the server must be alive and healthy afterwards.

`make test` runs a bounded pass (VIGIL_FUZZ_EXAMPLES, default 12 per operation); `make fuzz` the
same with many more. VIGIL_FUZZ_SEED repeats a run.
"""

import os

import requests
import schemathesis

from api_fuzz import examples_from_environment, fuzz
from vigil_e2e import JSON, new_span_id, new_trace_id, now_ns, span, traces_body

EXAMPLES = examples_from_environment(12)


def _seed():
    text = os.environ.get("VIGIL_FUZZ_SEED", "")
    return int(text) if text.strip() else None


def _fill(vigil, keys):
    """A trace, an evaluation and a silence, so that the answers checked have something in them."""
    trace = new_trace_id()
    root = new_span_id()
    body = traces_body([span("chat", trace_id=trace, span_id=root, attrs={"gen_ai.request.model": "gpt-4o", "gen_ai.usage.input_tokens": 10}),
                        span("tool", trace_id=trace, parentSpanId=root)], service="fuzz-app")
    assert vigil.export("traces", body, keys["ingest"]).status_code == 200
    evaluation = {"trace_id": trace, "name": "helpfulness", "value": 0.5, "time": now_ns() // 1_000_000}
    assert vigil.request("POST", "/api/v1/evaluations", key=keys["ingest"], json=evaluation).status_code == 200
    silence = {"matchers": [{"name": "service", "value": "fuzz-app"}], "endsAt": "9000-01-01T00:00:00Z", "comment": "fuzzing"}
    assert vigil.request("POST", "/api/v1/silences", key=keys["admin"], json=silence, headers={"Content-Type": JSON}).status_code == 200


def test_the_api_answers_as_its_document_says(vigil, cli):
    keys = {role: cli.create_key("fuzz", role) for role in ("ingest", "read", "admin")}
    keys["operator"] = cli.run("keys", "create", "--role", "operator", "--name", "fuzz").stdout.strip()
    _fill(vigil, keys)

    schema = schemathesis.openapi.from_url(vigil.url + "/openapi.json")
    report = fuzz(schema, vigil.url, keys, EXAMPLES, seed=_seed())
    print(f"\n{report.summary()}")

    assert vigil.running, f"vigil died while fuzzed (exit status {vigil.process and vigil.process.returncode})"
    assert requests.get(vigil.url + "/healthz", timeout=5).status_code == 200, "vigil is not healthy after fuzzing"
    assert report.requests > 0
    problems = "\n\n".join(f"{title}\n  {example}" for title, example in sorted(report.failures.items()))
    assert not report.failures, f"{report.summary()}\n\n{problems}"
