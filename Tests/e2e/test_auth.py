"""API keys on the wire: no key or an unknown key is 401, a key of the wrong role 403, a revoked
key 401 once the cache has expired (VIGIL_KEY_CACHE_SECONDS=0 here), and a read key sees its own
project's events only."""

import time

import pytest

from vigil_e2e import (
    gauge_metric, log_record, logs_body, metrics_body, rpc_status, span, sql_literal, to_protobuf, traces_body, wait_until,
)

SIGNALS = ("traces", "metrics", "logs")


@pytest.fixture(scope="module")
def vigil(start_vigil):
    return start_vigil(VIGIL_KEY_CACHE_SECONDS=0)


@pytest.fixture(scope="module")
def keys(cli):
    return {
        "ingest_a": cli.create_key("auth-a", "ingest"),
        "read_a": cli.create_key("auth-a", "read"),
        "admin_a": cli.create_key("auth-a", "admin"),
        "ingest_b": cli.create_key("auth-b", "ingest"),
        "read_b": cli.create_key("auth-b", "read"),
    }


def bodies():
    return {
        "traces": to_protobuf("traces", traces_body([span("auth probe")], service="auth-probe")),
        "metrics": to_protobuf("metrics", metrics_body([gauge_metric("auth.probe", 1.0)], service="auth-probe")),
        "logs": to_protobuf("logs", logs_body([log_record("auth probe")], service="auth-probe")),
    }


def assert_status(response, status, grpc_code, message_part):
    assert response.status_code == status, f"expected {status}, got {response.status_code}: {response.content!r}"
    error = rpc_status(response)
    assert error["code"] == grpc_code and message_part in error["message"], error


def nothing_from_probe(database):
    return database.count("body->>'service' = 'auth-probe'") == 0


@pytest.mark.parametrize("signal", SIGNALS)
def test_no_key_is_401(vigil, keys, database, signal):
    response = vigil.export(signal, bodies()[signal], key=None)
    assert_status(response, 401, 16, "missing API key")
    assert nothing_from_probe(database)


@pytest.mark.parametrize("authorization", [
    "Bearer vgl_AAAAAAAAAAAA_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB",  # well-formed, unknown
    "Bearer not-a-vigil-key",
    "Bearer ",
    "Basic dXNlcjpwYXNz",
    "vgl_AAAAAAAAAAAA_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB",
], ids=["unknown", "malformed", "empty", "basic", "no-scheme"])
def test_bogus_key_is_401(vigil, keys, database, authorization):
    response = vigil.export("traces", bodies()["traces"], key=None, headers={"Authorization": authorization})
    assert response.status_code == 401, response.content
    assert nothing_from_probe(database)


def test_right_lookup_wrong_secret_is_401(vigil, keys, database):
    real = keys["ingest_a"]
    forged = real[:-4] + ("AAAA" if not real.endswith("AAAA") else "BBBB")
    response = vigil.export("traces", bodies()["traces"], key=forged)
    assert_status(response, 401, 16, "not valid")
    assert nothing_from_probe(database)


@pytest.mark.parametrize("signal", SIGNALS)
def test_read_key_cannot_ingest(vigil, keys, database, signal):
    response = vigil.export(signal, bodies()[signal], key=keys["read_a"])
    assert_status(response, 403, 7, "role read")
    assert nothing_from_probe(database)


def test_ingest_key_cannot_read(vigil, keys):
    response = vigil.request("GET", "/api/v1/events", key=keys["ingest_a"])
    assert response.status_code == 403, response.text
    assert "role ingest" in response.json()["error"]["message"]
    assert vigil.request("GET", "/api/v1/events").status_code == 401


def test_admin_key_ingests_and_reads(vigil, keys, database):
    item = span("admin export")
    response = vigil.export("traces", traces_body([item], service="auth-admin"), key=keys["admin_a"])
    assert response.status_code == 200, response.text
    events = vigil.request("GET", "/api/v1/events?limit=1000", key=keys["admin_a"])
    assert events.status_code == 200
    assert item["spanId"] in {e["body"].get("span_id") for e in events.json()["events"]}


def test_revoked_key_is_refused(vigil, keys, cli, database):
    key = cli.create_key("auth-a", "ingest", name="to-revoke")
    first = span("before revocation")
    assert vigil.export("traces", traces_body([first], service="auth-revoke"), key=key).status_code == 200
    lookup = key.split("_")[1]
    listed = [line.split("\t") for line in cli.run("keys", "list").stdout.splitlines()[1:]]
    key_id = next(row[0] for row in listed if row[2] == lookup)
    cli.run("keys", "revoke", key_id)

    late = span("after revocation")

    def refused():
        response = vigil.export("traces", traces_body([late], service="auth-revoke"), key=key)
        assert response.status_code in (200, 401), response.content
        # A tuple: a 401 Response is itself falsy.
        return (response,) if response.status_code == 401 else None

    # The cache lives 0 s here, so the first request after the revocation should already be refused.
    (response,) = wait_until(refused, 5, "the revoked key to be refused", interval=0.2)
    assert_status(response, 401, 16, "not valid")
    assert database.count(f"kind = 'span' AND body->>'span_id' = {sql_literal(late['spanId'])}") == 0
    assert database.count(f"kind = 'span' AND body->>'span_id' = {sql_literal(first['spanId'])}") == 1

    read_key = cli.create_key("auth-a", "read", name="read-to-revoke")
    assert vigil.request("GET", "/api/v1/events", key=read_key).status_code == 200
    cli.run("keys", "revoke", read_key.split("_")[1])
    assert wait_until(lambda: vigil.request("GET", "/api/v1/events", key=read_key).status_code == 401, 5,
                      "the revoked read key to be refused", interval=0.2)


def all_events(vigil, key, limit=50):
    """Pages through /api/v1/events with the cursor, to the end (bounded)."""
    events, after = [], 0
    for _ in range(200):
        response = vigil.request("GET", f"/api/v1/events?after={after}&limit={limit}", key=key)
        assert response.status_code == 200, response.text
        page = response.json()
        assert set(page) == {"events", "next_after"}
        if not page["events"]:
            assert page["next_after"] == after
            return events
        seqs = [e["seq"] for e in page["events"]]
        assert seqs == sorted(seqs) and seqs[0] > after and page["next_after"] == seqs[-1]
        events += page["events"]
        after = page["next_after"]
    raise AssertionError("more than 200 pages of events")


def test_read_key_sees_only_its_own_project(vigil, keys, database):
    a_items = [span(f"only in project a {i}") for i in range(3)]
    b_items = [span(f"only in project b {i}") for i in range(4)]
    assert vigil.export("traces", traces_body(a_items, service="auth-iso"), key=keys["ingest_a"]).status_code == 200
    assert vigil.export("traces", traces_body(b_items, service="auth-iso"), key=keys["ingest_b"]).status_code == 200
    project = {name: int(database.scalar(f"SELECT project_id FROM projects WHERE name = {sql_literal(name)}"))
               for name in ("auth-a", "auth-b")}
    assert project["auth-a"] != project["auth-b"]

    seen_a = all_events(vigil, keys["read_a"], limit=7)
    seen_b = all_events(vigil, keys["read_b"], limit=7)
    assert {e["project_id"] for e in seen_a} == {project["auth-a"]}
    assert {e["project_id"] for e in seen_b} == {project["auth-b"]}
    spans_a = {e["body"]["span_id"] for e in seen_a if e["kind"] == "span"}
    spans_b = {e["body"]["span_id"] for e in seen_b if e["kind"] == "span"}
    assert {s["spanId"] for s in a_items} <= spans_a
    assert {s["spanId"] for s in b_items} <= spans_b
    assert not spans_a & {s["spanId"] for s in b_items}
    assert not spans_b & {s["spanId"] for s in a_items}
    # Each read key sees exactly its project's part of the log.
    assert len(seen_a) == database.count(f"project_id = {project['auth-a']}")
    assert len(seen_b) == database.count(f"project_id = {project['auth-b']}")
    # The same span exported to both projects is stored in both, and each sees its own copy.
    shared = span("exported to both projects")
    for ingest, read in (("ingest_a", "read_a"), ("ingest_b", "read_b")):
        assert vigil.export("traces", traces_body([shared], service="auth-iso"), key=keys[ingest]).status_code == 200
    assert database.count(f"kind = 'span' AND body->>'span_id' = {sql_literal(shared['spanId'])}") == 2
    for read, name in (("read_a", "auth-a"), ("read_b", "auth-b")):
        copies = [e for e in all_events(vigil, keys[read]) if e["kind"] == "span" and e["body"]["span_id"] == shared["spanId"]]
        assert [e["project_id"] for e in copies] == [project[name]]
    event = next(e for e in seen_a if e["kind"] == "span" and e["body"]["span_id"] == a_items[0]["spanId"])
    assert set(event) == {"seq", "project_id", "kind", "occurred_at", "received_at", "body"}
    assert event["body"]["name"] == "only in project a 0"


@pytest.mark.parametrize("query", ["limit=0", "limit=1001", "after=-1", "after=abc"])
def test_events_api_rejects_bad_parameters(vigil, keys, query):
    response = vigil.request("GET", f"/api/v1/events?{query}", key=keys["read_a"])
    assert response.status_code == 400, response.text
    assert response.json()["error"]["message"]


def test_revoked_key_is_refused_once_the_cache_expires(start_vigil, cli):
    """With a 1 s key cache, a revoked key that was just used keeps working at most about that long."""
    cached = start_vigil(name="cache1s", VIGIL_KEY_CACHE_SECONDS=1)
    key = cli.create_key("auth-cache", "ingest")
    body = to_protobuf("traces", traces_body([span("cached key")], service="auth-cache"))
    assert cached.export("traces", body, key=key).status_code == 200  # now cached
    cli.run("keys", "revoke", key.split("_")[1])
    revoked_at = time.monotonic()
    wait_until(lambda: cached.export("traces", body, key=key).status_code == 401, 10,
               "the revoked key to be refused after the cache TTL", interval=0.1)
    assert time.monotonic() - revoked_at < 4, "the revoked key kept working well past VIGIL_KEY_CACHE_SECONDS=1"
