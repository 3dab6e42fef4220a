"""The web view at /ui in a real browser: Debian's headless Chromium driven over the DevTools
protocol (clients/browser.py, standard library only) against `vigil serve` filled through its own
APIs: spans of three services and three models with errors and varied latency, an agent trace of
nested spans, an evaluation, embeddings in two windows with a pinned baseline (so the scheduler
stores a drift report), alert rules that fire (and one that stays pending) and a silence.

The browser signs in through the form with the keyboard, visits every page and checks: HTTP 200,
no console error, uncaught exception or error log entry (a script injected through the data would
trip the Content-Security-Policy and log one), the headings and rows expected, every chart drawn
(non-empty path data, or bars), a text equivalent on every chart, no horizontal scrolling at
1280 px, Tab from the top reaching the skip link and then the navigation links, and a full-page
screenshot of each page kept in test-artifacts/ui/. Sign-in refusals (bad key, ingest key, a key
of another project, a revoked key), the cookie's flags, the redirect without a session and
sign-out are checked over plain HTTP as well.
"""

from __future__ import annotations

import random
import re
import struct
import sys
import time
from pathlib import Path

import pytest
import requests

from vigil_e2e import E2E_DIR, REPO_ROOT, new_span_id, new_trace_id, span, traces_body, wait_until

sys.path.insert(0, str(E2E_DIR / "clients"))
from browser import Browser  # noqa: E402

PROJECT = "ui-e2e"
OTHER_PROJECT = "ui-other"
ARTIFACTS = REPO_ROOT / "test-artifacts" / "ui"
HOSTILE = "<img src=x onerror=alert(1)>"
SERVICES = ("chat-api", "search", "agent-worker")
MODELS = ("gpt-4o", "gpt-4o-mini", "claude-3-5-sonnet-20241022")
MINUTE_NS = 60_000_000_000
HOUR_MS = 3_600_000
NAV = [("Overview", "/ui"), ("Traces", "/ui/traces"), ("Drift", "/ui/drift"), ("Alerts", "/ui/alerts")]

RULES = """receivers:
  - name: nowhere
    type: webhook
    url: http://127.0.0.1:9/hook
rules:
  - name: UICallsSeen
    metric: request_count
    by: [service]
    window: 15m
    comparison: ">"
    threshold: 0
    for: 0s
    severity: page
    annotations:
      summary: "{{ $labels.service }} made {{ $value }} calls <b>lately</b>"
    receivers: [nowhere]
  - name: UISlowButPatient
    metric: latency_p95
    window: 15m
    comparison: ">"
    threshold: 0
    for: 1h
    severity: ticket
    receivers: [nowhere]
"""


@pytest.fixture(scope="module")
def keys(cli):
    found = {
        "ingest": cli.create_key(PROJECT, "ingest"),
        "read": cli.create_key(PROJECT, "read"),
        "admin": cli.create_key(PROJECT, "admin"),
        "other": cli.create_key(OTHER_PROJECT, "read"),
        "revoked": cli.create_key(PROJECT, "read", name="to be revoked"),
    }
    cli.run("keys", "revoke", found["revoked"].split("_")[1])
    return found


@pytest.fixture(scope="module")
def world(start_vigil, keys, tmp_path_factory):
    """A server with data on every page; returns what the pages should show."""
    rules = tmp_path_factory.mktemp("ui-rules")
    (rules / "ui.yaml").write_text(RULES)
    vigil = start_vigil("ui", VIGIL_RULES=str(rules), VIGIL_EVALUATION_INTERVAL="1", VIGIL_DRIFT_INTERVAL="2",
                        VIGIL_DRIFT_WINDOW="3600")
    rng = random.Random(11)
    now = time.time_ns()
    sent = 0
    for service in SERVICES:
        spans = []
        for index in range(60):
            model = MODELS[index % len(MODELS)]
            start = now - rng.randint(1, 44 * 60) * 1_000_000_000
            duration_ms = rng.lognormvariate(6.0, 0.7) * (2 if service == "search" else 1)
            attrs = {"gen_ai.operation.name": "chat", "gen_ai.request.model": model,
                     "gen_ai.usage.input_tokens": rng.randint(50, 3000), "gen_ai.usage.output_tokens": rng.randint(10, 800)}
            extra = {"status": {"code": 2, "message": "upstream 500"}} if rng.random() < 0.12 else {}
            spans.append(span(f"chat {model}", start_ns=start, duration_ns=int(duration_ms * 1e6), attrs=attrs, **extra))
        response = vigil.export("traces", traces_body(spans, service=service), key=keys["ingest"])
        assert response.status_code == 200, response.text
        sent += len(spans)

    # An agent trace: root → plan (LLM) → search tool → embed (LLM); root → answer (LLM, failed).
    trace_id, ids = new_trace_id(), {name: new_span_id() for name in ("root", "plan", "tool", "embed", "answer")}
    start = now - 3 * MINUTE_NS
    llm = {"gen_ai.operation.name": "chat", "gen_ai.request.model": "gpt-4o", "gen_ai.usage.input_tokens": 1200,
           "gen_ai.usage.output_tokens": 300}
    agent = [
        span("agent run", trace_id, ids["root"], start, 2_400_000_000, {"user.id": "u-42"}),
        span("plan", trace_id, ids["plan"], start + 50_000_000, 700_000_000, {**llm, "user.note": HOSTILE}, parentSpanId=ids["root"]),
        span("search tool", trace_id, ids["tool"], start + 800_000_000, 600_000_000, {"tool.name": "web"}, parentSpanId=ids["root"]),
        span("embed query", trace_id, ids["embed"], start + 850_000_000, 120_000_000,
             {"gen_ai.operation.name": "embeddings", "gen_ai.request.model": "text-embedding-3-small", "gen_ai.usage.input_tokens": 40},
             parentSpanId=ids["tool"]),
        span("answer", trace_id, ids["answer"], start + 1_450_000_000, 900_000_000, llm, parentSpanId=ids["root"],
             status={"code": 2, "message": "rate limited"}),
    ]
    response = vigil.export("traces", traces_body(agent, service="agent-worker"), key=keys["ingest"])
    assert response.status_code == 200, response.text
    sent += len(agent)
    response = vigil.request("POST", "/api/v1/evaluations", key=keys["ingest"],
                             json={"trace_id": trace_id, "name": "helpfulness", "value": 0.75, "evaluator": "e2e"})
    assert response.status_code == 200, response.text

    # Embeddings: a reference window 30 hours ago, a shifted current one, the reference pinned.
    now_ms = now // 1_000_000
    feature = "ui-embeddings"
    for offset_ms, shift in ((30 * HOUR_MS, 0.0), (10 * 60_000, 1.5)):
        vectors = [[rng.gauss(shift if d < 2 else 0.0, 1.0) for d in range(8)] for _ in range(200)]
        response = vigil.request("POST", "/api/v1/embeddings", key=keys["ingest"],
                                 json={"feature": feature, "model": "e2e-embedder", "time": now_ms - offset_ms, "vectors": vectors})
        assert response.status_code == 200, response.text
    response = vigil.request("POST", "/api/v1/drift/baselines", key=keys["admin"],
                             json={"feature": feature, "from": now_ms - 31 * HOUR_MS, "to": now_ms - 29 * HOUR_MS})
    assert response.status_code == 200, response.text
    response = vigil.request("POST", "/api/v1/silences", key=keys["admin"], json={
        "matchers": [{"name": "alertname", "value": "UINever.*", "isRegex": True}], "endsAt": now_ms + HOUR_MS,
        "comment": "maintenance <b>window</b>", "createdBy": "e2e"})
    assert response.status_code == 200, response.text

    def summarised():
        body = vigil.request("GET", "/api/v1/summary", key=keys["read"], params={"from": now_ms - HOUR_MS, "to": now_ms + 60_000, "kind": "all"}).json()
        return sum(group["count"] for group in body["groups"]) == sent

    wait_until(summarised, 60, "the rollups to hold every span")

    def report():
        found = vigil.request("GET", "/api/v1/drift/reports", key=keys["read"], params={"feature": feature}).json()["reports"]
        return found[0] if found else None

    drift = wait_until(report, 60, "a scheduled drift report")
    assert drift["drifted"], f"the current window is shifted on two dimensions: {drift}"

    def alerting():
        alerts = vigil.request("GET", "/api/v1/alerts", key=keys["read"]).json()["alerts"]
        states = {(alert["rule"], alert["state"]) for alert in alerts}
        return alerts if ("UICallsSeen", "firing") in states and ("UISlowButPatient", "pending") in states else None

    wait_until(alerting, 60, "an alert firing and one pending")
    return {"vigil": vigil, "trace_id": trace_id, "drift": drift, "feature": feature, "sent": sent}


def sign_in(vigil, project: str, key: str, headers: dict | None = None) -> requests.Response:
    return requests.post(vigil.url + "/ui/login", data={"project": project, "key": key}, headers=headers or {},
                         allow_redirects=False, timeout=10)


def test_sign_in_refuses_bad_ingest_foreign_and_revoked_keys(world, keys):
    vigil = world["vigil"]
    for project, key, status, message in [
        (PROJECT, "vgl_not_a_key", 401, "That key is not valid"),
        (PROJECT, keys["ingest"], 403, "An ingest key can only send telemetry"),
        (PROJECT, keys["other"], 403, f"That key is not a key of project {PROJECT}."),
        (OTHER_PROJECT, keys["read"], 403, f"That key is not a key of project {OTHER_PROJECT}."),
        (PROJECT, keys["revoked"], 401, "That key has been revoked"),
        (PROJECT, "", 400, "Enter a read, operate or admin key"),
    ]:
        response = sign_in(vigil, project, key)
        assert response.status_code == status, (message, response.status_code, response.text[:500])
        assert message in response.text, message
        assert "set-cookie" not in {name.lower() for name in response.headers}, message
        assert response.headers["Content-Type"].startswith("text/html")
    response = sign_in(vigil, PROJECT, keys["read"], headers={"Origin": "http://attacker.example"})
    assert response.status_code == 403 and "another site" in response.text
    assert "set-cookie" not in {name.lower() for name in response.headers}


def test_a_page_without_a_session_redirects_to_the_form_and_the_cookie_is_strict(world, keys, database):
    vigil = world["vigil"]
    for path in ("/ui", "/ui/traces", f"/ui/traces/{world['trace_id']}", "/ui/drift", "/ui/alerts"):
        response = requests.get(vigil.url + path, allow_redirects=False, timeout=10)
        assert response.status_code == 303 and response.headers["Location"] == "/ui/login", path
    response = sign_in(vigil, PROJECT, keys["admin"])
    assert response.status_code == 303 and response.headers["Location"] == "/ui"
    cookie = response.headers["Set-Cookie"]
    flags = [part.strip() for part in cookie.split(";")]
    assert "HttpOnly" in flags and "SameSite=Strict" in flags and "Path=/ui" in flags, cookie
    assert "Secure" not in flags, "plain http"
    token = flags[0].split("=", 1)[1]
    assert re.fullmatch(r"[0-9a-f]{64}", token), cookie
    assert database.scalar(f"SELECT count(*) FROM ui_sessions WHERE session_hash = sha256(decode('{token}', 'hex'))") == "1"
    assert database.scalar(f"SELECT count(*) FROM ui_sessions WHERE session_hash = decode('{token}', 'hex')") == "0", "the token is not stored"
    secure = sign_in(vigil, PROJECT, keys["admin"], headers={"X-Forwarded-Proto": "https"})
    assert "Secure" in [part.strip() for part in secure.headers["Set-Cookie"].split(";")]
    page = requests.get(vigil.url + "/ui/alerts", cookies={"vigil_session": token}, allow_redirects=False, timeout=10)
    assert page.status_code == 200
    assert page.headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert page.headers["X-Content-Type-Options"] == "nosniff"


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", data[16:24])


def charts(page) -> list[dict]:
    return page.evaluate("""Array.from(document.querySelectorAll('svg.chart')).map(svg => ({
        kind: svg.getAttribute('class'),
        label: ((svg.querySelector('title') || {}).textContent || svg.getAttribute('aria-label') || '').trim(),
        paths: Array.from(svg.querySelectorAll('path')).map(p => p.getAttribute('d') || ''),
        bars: svg.querySelectorAll('rect.bar').length,
        width: svg.getBoundingClientRect().width,
        height: svg.getBoundingClientRect().height}))""")


def check_page(page, name: str, heading: str, texts: list[str], chart_kinds: dict[str, int]) -> None:
    """The page loaded cleanly, shows `heading` and `texts`, draws the charts expected, fits 1280 px,
    and its screenshot is kept."""
    assert not page.errors, f"{name}: {page.errors}"
    assert page.evaluate("document.querySelector('h1').textContent") == heading, name
    body = page.evaluate("document.body.innerText")
    for text in texts:
        assert text in body, f"{name}: {text!r} not on the page"
    drawn = charts(page)
    kinds = {}
    for chart in drawn:
        kinds[chart["kind"]] = kinds.get(chart["kind"], 0) + 1
        assert chart["label"], f"{name}: a chart without a text equivalent"
        assert chart["width"] > 100 and chart["height"] > 50, f"{name}: {chart['kind']} is not laid out"
        assert all(d.strip() for d in chart["paths"]), f"{name}: an empty path in {chart['label']}"
        assert chart["paths"] or chart["bars"], f"{name}: {chart['label']} draws nothing"
    assert kinds == chart_kinds, f"{name}: charts {kinds}, expected {chart_kinds}"
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280, f"{name}: wider than 1280 px"
    clipped = page.evaluate("Array.from(document.querySelectorAll('.table-wrap')).filter(w => w.scrollWidth > w.clientWidth + 1).length")
    assert clipped == 0, f"{name}: {clipped} tables scroll sideways at 1280 px"
    unlabelled = page.evaluate("Array.from(document.querySelectorAll('input:not([type=hidden]), select, textarea'))"
                               ".filter(el => el.labels.length === 0).map(el => el.name)")
    assert unlabelled == [], f"{name}: form controls without a label: {unlabelled}"
    assert page.evaluate("Array.from(document.querySelectorAll('table')).every(t => t.querySelectorAll('thead th[scope=col]').length > 0)"), \
        f"{name}: a table without column headers"
    assert page.evaluate("document.querySelectorAll('script, [style], iframe, img').length") == 0, f"{name}: script, inline style or image"
    shot = page.screenshot(ARTIFACTS / f"{name}.png")
    width, height = png_size(shot)
    assert width == 1280 and height >= 600, f"{name}: screenshot {width}x{height}"
    assert len(shot) > 15_000, f"{name}: screenshot of {len(shot)} bytes looks blank"


def test_every_page_in_headless_chromium(world, keys, database):
    vigil, base = world["vigil"], world["vigil"].url
    trace_id, drift = world["trace_id"], world["drift"]
    with Browser.launch() as browser:
        page = browser.new_page(width=1280, height=900)
        response = page.navigate(base + "/ui")
        assert response["url"] == base + "/ui/login" and response["status"] == 200, response.get("url")
        assert not page.errors, page.errors

        # A refused key through the form: the message, and no cookie.
        page.evaluate("document.getElementById('project').focus()")
        page.type_text(PROJECT)
        page.tab()
        page.type_text(keys["ingest"])
        response = page.navigation(page.enter)
        assert response["status"] == 403
        assert "An ingest key can only send telemetry" in page.evaluate("document.querySelector('[role=alert]').textContent")
        assert page.cookies(base + "/ui") == []
        # Chromium logs any 4xx document as a failed load; that one entry is the refusal itself.
        assert len(page.errors) == 1 and "status of 403" in page.errors[0] and page.errors[0].endswith("/ui/login"), page.errors
        page.errors.clear()
        check_page(page, "login-refused", "Sign in", ["Project", "Key"], {})

        # Signing in with the keyboard: the project is kept, focus starts in the key field.
        assert page.evaluate("document.activeElement.id") == "key"
        page.type_text(keys["read"])
        response = page.navigation(page.enter)
        assert response["url"] == base + "/ui" and response["status"] == 200
        cookie = next(c for c in page.cookies(base + "/ui") if c["name"] == "vigil_session")
        assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/ui"
        assert page.evaluate("document.cookie") == "", "scripts cannot read the session"

        check_page(page, "overview", "Overview", ["Calls", "Error rate", "p95 latency", "Cost", "By service and model", *SERVICES, "gpt-4o-mini"],
                   {"chart timeseries": 4})
        rows = page.evaluate("document.querySelectorAll('table tbody tr').length")
        assert rows >= len(SERVICES) * len(MODELS), rows

        # Keyboard: from the top, Tab reaches the skip link, then the navigation links in order.
        page.navigate(base + "/ui?range=6h")
        page.tab()
        assert page.evaluate("document.activeElement.className") == "skip-link"
        assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none", "a visible focus style"
        for text, href in NAV:
            page.tab()
            assert page.evaluate("[document.activeElement.textContent, document.activeElement.getAttribute('href')]") == [text, href]
        page.navigate(base + "/ui")
        page.tab()
        page.enter()
        assert page.evaluate("location.hash") == "#main"
        assert page.evaluate("document.activeElement.id") == "main", "the skip link moves focus to the content"

        response = page.navigate(base + "/ui/traces")
        assert response["status"] == 200
        check_page(page, "traces", "Traces", ["agent run", "Traces, newest first", "Service", "Status"], {})
        first_page = page.evaluate("Array.from(document.querySelectorAll('tbody th a')).map(a => a.getAttribute('href'))")
        assert len(first_page) == 50, "a page holds 50 traces"
        next_link = page.evaluate("document.querySelector('a[rel=next]').getAttribute('href')")
        assert "cursor=" in next_link, next_link
        response = page.navigate(base + next_link)
        assert response["status"] == 200 and not page.errors, page.errors
        second_page = page.evaluate("Array.from(document.querySelectorAll('tbody th a')).map(a => a.getAttribute('href'))")
        assert second_page and not set(second_page) & set(first_page), "the cursor moves on to older traces"
        response = page.navigate(base + "/ui/traces?status=error&service=agent-worker")
        assert response["status"] == 200
        check_page(page, "traces-errors", "Traces", ["agent run", "failed"], {})
        assert page.evaluate("document.getElementById('status').value") == "error"

        response = page.navigate(base + f"/ui/traces/{trace_id}")
        assert response["status"] == 200
        check_page(page, "trace", "Trace agent run", ["Waterfall", "plan", "search tool", "embed query", "answer", "rate limited", HOSTILE],
                   {"chart waterfall": 1})
        bars = page.evaluate("Array.from(document.querySelectorAll('svg.waterfall a.span-row')).map(a => [a.textContent.includes('✕'), a.querySelector('text.span-name').getAttribute('x')])")
        assert len(bars) == 5
        assert sum(1 for failed, _ in bars if failed) == 1, "the failed span is marked"
        assert [float(x) for _, x in bars] == [6.0, 20.0, 20.0, 34.0, 20.0], "indented by depth, in tree order"
        assert page.evaluate("document.querySelectorAll('img').length") == 0, "the attribute is text, not markup"

        response = page.navigate(base + "/ui/drift")
        assert response["status"] == 200
        check_page(page, "drift", "Drift reports", [world["feature"], "Mean PSI"], {})
        assert page.evaluate("Array.from(document.querySelectorAll('tbody tr')).every(row => row.className === 'bad' && row.querySelector('.badge.bad').textContent === 'drifted')"), \
            "drifted reports are shown red"
        links = page.evaluate("Array.from(document.querySelectorAll('tbody th a')).map(a => a.getAttribute('href'))")
        assert f"/ui/drift/{drift['id']}" in links, links
        response = page.navigate(base + f"/ui/drift/{drift['id']}")
        assert response["status"] == 200
        components = page.evaluate("document.querySelectorAll('section.component').length")
        assert components >= 2, components
        check_page(page, "drift-report", f"Drift of {world['feature']}", ["Reference window", "Noise floor", "Component 1", "PSI"],
                   {"chart histogram": components})
        assert all(chart["bars"] == 20 for chart in charts(page)), "ten bins, reference and current"
        verdict = "drifted" if drift["drifted"] else "stable"
        assert page.evaluate("document.querySelector('.panel .badge').textContent") == verdict

        response = page.navigate(base + "/ui/alerts")
        assert response["status"] == 200
        check_page(page, "alerts", "Alerts", ["UICallsSeen", "firing", "UISlowButPatient", "pending", "Recent transitions", "inactive → firing",
                                              "made", "calls <b>lately</b>", "maintenance <b>window</b>", "alertname=~\"UINever.*\""], {})

        # Signing out ends the session: the form again, no cookie, the old token refused.
        token = cookie["value"]
        response = page.navigation(lambda: page.evaluate("document.querySelector('form[action=\"/ui/logout\"] button').click()"))
        assert response["url"] == base + "/ui/login" and response["status"] == 200
        assert [c for c in page.cookies(base + "/ui") if c["name"] == "vigil_session"] == []
        response = page.navigate(base + "/ui/alerts")
        assert response["url"] == base + "/ui/login"
        assert database.scalar(f"SELECT count(*) FROM ui_sessions WHERE session_hash = sha256(decode('{token}', 'hex'))") == "0"
        old = requests.get(base + "/ui", cookies={"vigil_session": token}, allow_redirects=False, timeout=10)
        assert old.status_code == 303 and old.headers["Location"] == "/ui/login"
        assert not page.errors, page.errors
    for name in ("login-refused", "overview", "traces", "traces-errors", "trace", "drift", "drift-report", "alerts"):
        assert (ARTIFACTS / f"{name}.png").stat().st_size > 15_000, name
