"""Secrets never leave Vigil: a server run with every kind of secret it holds (a database
password in VIGIL_DATABASE_URL, API keys, a webhook receiver's secret through `secret_env`,
VIGIL_REDACTION_SECRET, a web view session token) is exercised (ingest with PII hashed by the
redaction secret, queries, refused requests, a rate-limited key, an alert delivered signed to a
receiver, web view pages and sign-out), then its stdout and stderr, every answer it gave, /metrics
and a `pg_dump` of its whole database are searched for each secret's text, and none is found.
"""

import http.server
import secrets
import shutil
import subprocess
import threading
import urllib.parse
from pathlib import Path

import pytest

from vigil_e2e import new_span_id, new_trace_id, span, traces_body, wait_until

DB_PASSWORD = "dbpw-" + secrets.token_hex(12)
WEBHOOK_SECRET = "whsec-" + secrets.token_hex(16)
REDACTION_SECRET = "redact-" + secrets.token_hex(16)


class Receiver(http.server.ThreadingHTTPServer):
    def __init__(self):
        self.bodies: list[tuple[dict, bytes]] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                outer.bodies.append((dict(self.headers), self.rfile.read(length)))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)


@pytest.fixture(scope="module")
def receiver():
    server = Receiver()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()


def with_password(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    netloc = f"{parts.username}:{DB_PASSWORD}@{parts.hostname}:{parts.port}"
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


def pg_dump() -> str:
    found = shutil.which("pg_dump")
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_dump"))
    assert candidates, "pg_dump is not installed"
    return str(candidates[-1])


def test_no_secret_in_output_answers_metrics_or_database(settings, database, cli, log_dir, start_vigil, receiver):
    # The module's database with a password in the URL (the test cluster trusts loopback, so the
    # password is carried, and could leak, without being checked).
    url = with_password(database.url)
    rules = log_dir / "rules"
    rules.mkdir()
    (rules / "secrets.yaml").write_text(f"""receivers:
  - name: signed
    type: webhook
    url: http://127.0.0.1:{receiver.server_address[1]}/hook
    secret_env: VIGIL_E2E_SECRETS_WEBHOOK
rules:
  - name: AnyCall
    metric: request_count
    filter:
      service: secrets-app
    window: 1m
    comparison: ">"
    threshold: 0
    for: 0s
    severity: page
    receivers: [signed]
    group_wait: 1s
""")
    env = {"VIGIL_DATABASE_URL": url}
    ingest = cli.run("keys", "create", "--project", "secrets", "--role", "ingest", env=env).stdout.strip()
    read = cli.run("keys", "create", "--project", "secrets", "--role", "read", env=env).stdout.strip()
    admin = cli.run("keys", "create", "--project", "secrets", "--role", "admin", env=env).stdout.strip()
    limited = cli.run("keys", "create", "--project", "secrets", "--role", "ingest", "--rate", "1", env=env).stdout.strip()
    operator = cli.run("keys", "create", "--role", "operator", env=env).stdout.strip()
    keys = [ingest, read, admin, limited, operator]
    server = start_vigil(VIGIL_DATABASE_URL=url, VIGIL_RULES=str(rules), VIGIL_E2E_SECRETS_WEBHOOK=WEBHOOK_SECRET,
                         VIGIL_REDACTION_SECRET=REDACTION_SECRET, VIGIL_REDACTION="hash", VIGIL_EVALUATION_INTERVAL="1")
    answers: list[str] = []

    def call(method, path, key=None, **kwargs):
        response = server.request(method, path, key=key, **kwargs)
        answers.append(f"{response.status_code} {dict(response.headers)}\n{response.text}")
        return response

    # Ingest, with an e-mail address the redaction hashes with its secret.
    trace_id = new_trace_id()
    spans = [span("chat", trace_id=trace_id, span_id=new_span_id(), attrs={
        "gen_ai.request.model": "gpt-4o-mini", "gen_ai.usage.input_tokens": 10, "gen_ai.usage.output_tokens": 5,
        "gen_ai.input.messages": '[{"role":"user","parts":[{"type":"text","content":"mail me at jane.doe@example.com"}]}]',
    })]
    assert call("POST", "/v1/traces", key=ingest, json=traces_body(spans, service="secrets-app")).status_code == 200
    # A rate-limited key, refused keys, a forbidden role.
    call("POST", "/v1/traces", key=limited, json=traces_body(spans, service="secrets-app"))
    assert call("POST", "/v1/traces", key=limited, json=traces_body(spans, service="secrets-app")).status_code == 429
    assert call("GET", "/api/v1/events", key=ingest[:-1] + ("A" if ingest[-1] != "A" else "B")).status_code == 401
    assert call("GET", "/api/v1/events", key=ingest).status_code == 403
    # Queries, the operator's full rules (receivers' secret_env names, never values), the audit trail.
    for path in ["/api/v1/events?after=0&limit=1000", "/api/v1/summary", f"/api/v1/traces/{trace_id}", "/api/v1/rules",
                 "/api/v1/notifications", "/api/v1/alerts"]:
        assert call("GET", path, key=read).status_code == 200, path
    assert call("GET", "/api/v1/audit", key=admin).status_code == 200
    rules_answer = call("GET", "/api/v1/rules", key=operator)
    assert rules_answer.status_code == 200 and "VIGIL_E2E_SECRETS_WEBHOOK" in rules_answer.text
    call("POST", "/api/v1/rules/reload", key=operator)
    # The alert fires and is delivered, signed with the receiver's secret.
    wait_until(lambda: receiver.bodies, 60, "a signed delivery to the receiver")
    headers, body = receiver.bodies[0]
    assert any("signature" in name.lower() for name in headers), headers
    assert WEBHOOK_SECRET.encode() not in body and WEBHOOK_SECRET not in str(headers)
    # The web view: sign in (the token is in this one Set-Cookie by design), pages, sign out.
    login = server.request("POST", "/ui/login", data={"project": "secrets", "key": admin}, allow_redirects=False)
    assert login.status_code == 303, login.text
    token = login.cookies["vigil_session"]
    answers.append(login.text)
    for path in ["/ui", "/ui/traces", f"/ui/traces/{trace_id}", "/ui/alerts", "/ui/audit", "/ui/drift"]:
        response = server.request("GET", path, cookies={"vigil_session": token})
        answers.append(f"{response.status_code} {dict(response.headers)}\n{response.text}")
        assert response.status_code == 200, path
    logout = server.request("POST", "/ui/logout", cookies={"vigil_session": token}, allow_redirects=False)
    answers.append(f"{logout.status_code} {dict(logout.headers)}\n{logout.text}")
    metrics = call("GET", "/metrics").text
    assert "vigil_rate_limited_total" in metrics

    stdout = server.stdout_path.read_text(errors="replace")
    stderr = server.stderr_path.read_text(errors="replace")
    dump = subprocess.run([pg_dump(), "--data-only", "--no-owner", "-d", database.url], capture_output=True, text=True, timeout=120)
    assert dump.returncode == 0, dump.stderr
    assert "jane.doe@example.com" not in dump.stdout, "the e-mail address was hashed before it was stored"

    searched = {"stdout": stdout, "stderr": stderr, "answers": "\n".join(answers), "/metrics": metrics, "database": dump.stdout,
                "deliveries": "\n".join(f"{h}\n{b.decode(errors='replace')}" for h, b in receiver.bodies)}
    named = {"database password": DB_PASSWORD, "webhook secret": WEBHOOK_SECRET, "redaction secret": REDACTION_SECRET,
             "session token": token}
    for index, key in enumerate(keys):
        named[f"key {index}"] = key
        named[f"key {index}'s secret part"] = key.split("_")[2]
    leaks = [f"{name} in {where}" for name, secret in named.items() for where, text in searched.items() if secret in text]
    assert not leaks, leaks
    # What is stored instead: the hashes, never the values.
    assert int(database.scalar("SELECT count(*) FROM api_keys")) == len(keys)
