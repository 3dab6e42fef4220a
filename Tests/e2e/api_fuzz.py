"""Property-based fuzzing of Vigil's API against its own OpenAPI document, with schemathesis.

`fuzz(schema, base_url, keys, examples)` sends, for every operation of the document, `examples`
requests generated from it (half fitting the document, half not) with a key whose role the
operation admits (`x-vigil-roles`), and checks each response: no 5xx but 503, the status code,
content type, headers and body as the document says. `test_schemathesis.py` runs it bounded in
`make test`; `make fuzz` runs it with many more examples (VIGIL_FUZZ_EXAMPLES).
"""

from __future__ import annotations

import os
import random
import time
from dataclasses import dataclass, field

import hypothesis
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

# Which key an operation is called with: the first of these its x-vigil-roles admits.
KEY_PREFERENCE = ("read", "ingest", "operate", "admin", "operator")
CHECKS = [status_code_conformance, content_type_conformance, response_headers_conformance, response_schema_conformance]


@schemathesis.serializer("application/x-protobuf")
def _protobuf(ctx, value):
    """OTLP protobuf bodies go as the bytes generated (schema: binary string)."""
    if hasattr(value, "data"):
        return {"data": value.data}
    if isinstance(value, str):
        return {"data": value.encode("utf-8", "surrogatepass")}
    return {"data": value if isinstance(value, bytes) else b""}


@dataclass
class FuzzReport:
    requests: int = 0
    seconds: float = 0.0
    seed: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    # "METHOD /path: problem" -> a request that shows it (as curl would send it).
    failures: dict[str, str] = field(default_factory=dict)

    def summary(self) -> str:
        statuses = ", ".join(f"{status}: {count}" for status, count in sorted(self.statuses.items()))
        return (f"schemathesis: {self.requests} requests in {self.seconds:.1f} s (seed {self.seed}); statuses {statuses}; "
                f"{len(self.failures)} distinct failures")


def key_for(operation, keys: dict[str, str]) -> str | None:
    roles = operation.definition.raw.get("x-vigil-roles", [])
    for role in KEY_PREFERENCE:
        if role in roles and role in keys:
            return keys[role]
    return None


def _describe(case, response) -> str:
    request = response.request
    body = request.body or b""
    if isinstance(body, str):
        body = body.encode("utf-8", "surrogatepass")
    shown = body[:600]
    return (f"{request.method} {request.url}\n  Content-Type: {request.headers.get('Content-Type')}\n  body ({len(body)} bytes): {shown!r}\n"
            f"  -> {response.status_code} {response.text[:400]!r}")


def _record(report: FuzzReport, label: str, case, response, failures: list) -> None:
    for failure in failures:
        title = getattr(failure, "title", None) or (str(failure).strip().splitlines() or ["check failed"])[0]
        message = getattr(failure, "message", None) or str(failure)
        report.failures.setdefault(f"{label}: {title[:160]}", f"{_describe(case, response)}\n  {message.strip()[:1200]}")


def fuzz(schema, base_url: str, keys: dict[str, str], examples: int, seed: int | None = None, timeout: float = 20) -> FuzzReport:
    """Fuzzes every operation of `schema` (a schemathesis OpenAPI schema) on the server at `base_url`."""
    report = FuzzReport(seed=seed if seed is not None else random.randrange(2**32))
    session = requests.Session()
    started = time.monotonic()
    for result in schema.get_all_operations():
        operation = result.ok()
        key = key_for(operation, keys)
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        label = f"{operation.method.upper()} {operation.path}"
        if operation.path == "/api/v1/rules/reload":
            # Reloading reads the rule files again: nothing for fuzzing to vary.
            modes = [GenerationMode.POSITIVE]
        else:
            modes = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]
        for mode in modes:
            @hypothesis.seed(report.seed)
            @settings(max_examples=max(1, examples // len(modes)), deadline=None, database=None, derandomize=False,
                      phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck), report_multiple_bugs=False)
            @given(case=operation.as_strategy(generation_mode=mode))
            def run(case):
                try:
                    response = case.call(base_url=base_url, session=session, headers=headers, timeout=timeout)
                except requests.RequestException as error:
                    report.failures.setdefault(f"{label}: no response ({type(error).__name__})", f"{case.method} {case.formatted_path} {error}")
                    return
                report.requests += 1
                report.statuses[response.status_code] = report.statuses.get(response.status_code, 0) + 1
                if response.status_code >= 500 and response.status_code != 503:
                    report.failures.setdefault(f"{label}: status {response.status_code}", _describe(case, response))
                try:
                    case.validate_response(response, checks=CHECKS, headers=headers)
                except BaseExceptionGroup as group:
                    _record(report, label, case, response, list(group.exceptions))
                except AssertionError as failure:
                    _record(report, label, case, response, [failure])

            try:
                run()
            except hypothesis.errors.Unsatisfiable:
                # Nothing to vary (no parameters or body), or nothing that breaks the document.
                pass
    report.seconds = time.monotonic() - started
    return report


def examples_from_environment(default: int) -> int:
    text = os.environ.get("VIGIL_FUZZ_EXAMPLES", "")
    return int(text) if text.strip() else default
