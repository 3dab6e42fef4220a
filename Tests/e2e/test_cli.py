"""The `vigil` command line: keys create/list/revoke, events tail, db url, migrate, and the
banner and clean exit of `vigil serve`."""

import hashlib
import json
import re
import signal

import pytest

from vigil_e2e import MIGRATIONS_DIR, KEY_PATTERN, VigilCLI, create_database, drop_database, span, sql_literal, traces_body

LIST_HEADER = ["ID", "PROJECT", "LOOKUP", "ROLE", "NAME", "CREATED", "REVOKED", "LIMITS"]
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


def listed(cli, *args):
    lines = cli.run("keys", "list", *args).stdout.splitlines()
    assert lines[0].split("\t") == LIST_HEADER, lines
    return {row[2]: dict(zip(LIST_HEADER, row)) for row in (line.split("\t") for line in lines[1:])}


def test_keys_create_list_revoke(cli, database):
    created = cli.run("keys", "create", "--project", "cli-app", "--role", "ingest", "--name", "ci")
    key = created.stdout.strip()
    assert created.stdout == key + "\n", "keys create prints the key alone on stdout"
    assert KEY_PATTERN.match(key), created.stdout
    assert "for project cli-app, role ingest" in created.stderr and key not in created.stderr
    read_key = cli.create_key("cli-app", "read")
    other_key = cli.create_key("cli-other", "admin", name="ops")
    lookup, read_lookup, other_lookup = (k.split("_")[1] for k in (key, read_key, other_key))

    keys = listed(cli)
    assert set(keys) == {lookup, read_lookup, other_lookup}
    row = keys[lookup]
    assert (row["PROJECT"], row["ROLE"], row["NAME"], row["REVOKED"]) == ("cli-app", "ingest", "ci", "-")
    assert RFC3339.match(row["CREATED"]) and row["ID"].isdigit()
    assert (keys[other_lookup]["PROJECT"], keys[other_lookup]["ROLE"], keys[other_lookup]["NAME"]) == ("cli-other", "admin", "ops")
    full_listing = cli.run("keys", "list").stdout
    assert not any(k.split("_")[2] in full_listing for k in (key, read_key, other_key)), "keys list shows a secret"
    # The database keeps a SHA-256 hash of the key, never the key.
    assert database.scalar(f"SELECT encode(secret_hash, 'hex') FROM api_keys WHERE lookup = {sql_literal(lookup)}") == \
        hashlib.sha256(key.encode()).hexdigest()
    assert key not in database.psql("SELECT api_keys::text FROM api_keys")
    assert set(listed(cli, "--project", "cli-app")) == {lookup, read_lookup}

    revoked = cli.run("keys", "revoke", row["ID"])
    assert revoked.stdout.strip() == f"revoked key {row['ID']} ({lookup}) of project cli-app"
    after = listed(cli)
    assert RFC3339.match(after[lookup]["REVOKED"]), after[lookup]
    assert after[read_lookup]["REVOKED"] == "-" and after[other_lookup]["REVOKED"] == "-"
    # Revoking by the lookup part works too.
    cli.run("keys", "revoke", read_lookup)
    assert RFC3339.match(listed(cli)[read_lookup]["REVOKED"])

    again = cli.run("keys", "revoke", row["ID"], check=False)
    assert again.returncode != 0 and "no active key" in again.stderr
    missing = cli.run("keys", "revoke", "987654", check=False)
    assert missing.returncode != 0 and "no active key" in missing.stderr

    # The log records it all.
    facts = database.rows("SELECT kind, body FROM events WHERE kind IN ('project_created', 'key_created', 'key_revoked') ORDER BY seq")
    kinds = [f["kind"] for f in facts]
    assert kinds.count("project_created") == 2 and kinds.count("key_created") == 3 and kinds.count("key_revoked") == 2
    assert {"key_id": row["ID"], "lookup": lookup} == {k: v for k, v in facts[kinds.index("key_revoked")]["body"].items() if k in ("key_id", "lookup")}


def test_keys_limits_create_update_and_project_defaults(cli, database):
    key = cli.run("keys", "create", "--project", "cli-limits", "--role", "ingest", "--rate", "5", "--spans", "1000").stdout.strip()
    plain = cli.create_key("cli-limits", "read")
    lookup, plain_lookup = key.split("_")[1], plain.split("_")[1]
    keys = listed(cli, "--project", "cli-limits")
    assert keys[lookup]["LIMITS"] == "5 req/s, 1000 items/s" and keys[plain_lookup]["LIMITS"] == "-"

    # Project defaults fill in what a key does not set itself.
    defaults = cli.run("keys", "update", "--project", "cli-limits", "--rate", "50", "--bytes", "1048576", "--spend-usd-per-day", "20.50")
    assert defaults.stdout.strip() == "project cli-limits defaults: 50 req/s, 1048576 B/s, $20.5/day"
    keys = listed(cli, "--project", "cli-limits")
    assert keys[lookup]["LIMITS"] == "5 req/s, 1048576 B/s, 1000 items/s, $20.5/day"
    assert keys[plain_lookup]["LIMITS"] == "50 req/s, 1048576 B/s, $20.5/day"

    # A key's own limit changed and cleared (then it follows the project's again).
    updated = cli.run("keys", "update", lookup, "--rate", "none", "--spans", "2000")
    assert updated.stdout.strip() == f"key {keys[lookup]['ID']} ({lookup}): 50 req/s, 1048576 B/s, 2000 items/s, $20.5/day"
    audit = database.rows("SELECT body FROM events WHERE kind = 'audit' ORDER BY seq")
    actions = [a["body"].get("action") for a in audit]
    assert "key.update" in actions and "project.limits" in actions

    for args, message in [
        (["keys", "update", lookup], "nothing to change"),
        (["keys", "update", lookup, "--rate=-1"], "--rate -1 must be a positive number"),
        (["keys", "update", lookup, "--spend-usd-per-day", "1e3"], "--spend-usd-per-day 1e3 must be a positive amount"),
        (["keys", "update", "--rate", "1"], "name a key"),
        (["keys", "update", "987654", "--rate", "1"], "no active key"),
        (["keys", "update", "--project", "nowhere", "--rate", "1"], "no project named nowhere"),
    ]:
        result = cli.run(*args, check=False)
        assert result.returncode != 0 and message in result.stderr, (args, result.stderr)


@pytest.mark.parametrize("args,message", [
    (["--project", "cli-app", "--role", "owner"], "--role owner must be ingest, read, operate, admin, operator"),
    (["--project", "_bad", "--role", "read"], "project name"),
    (["--project", "has space", "--role", "read"], "project name"),
    (["--project", "cli-app", "--role", "operator"], "belongs to the instance, not to a project"),
    (["--role", "read"], "belongs to a project: name it"),
], ids=["bad-role", "bad-project-start", "bad-project-char", "operator-with-project", "project-role-without-project"])
def test_keys_create_refuses_bad_input(cli, args, message):
    result = cli.run("keys", "create", *args, check=False)
    assert result.returncode != 0
    assert result.stdout == ""
    assert message in result.stderr


def test_events_tail(vigil, cli, database):
    key = cli.create_key("cli-tail", "ingest")
    names = [f"tail span {i}" for i in range(7)]
    for name in names:  # one export each, so the log's order is this order
        response = vigil.export("traces", traces_body([span(name)], service="cli-tail"), key)
        assert response.status_code == 200, response.text

    result = cli.run("events", "tail", "-n", "5")
    lines = result.stdout.splitlines()
    assert len(lines) == 5, result.stdout
    events = [json.loads(line) for line in lines]
    for event in events:
        assert set(event) == {"seq", "project_id", "kind", "occurred_at", "received_at", "body"}
    expected_seqs = [int(s) for s in reversed(database.psql("SELECT seq FROM events ORDER BY seq DESC LIMIT 5").split())]
    assert [e["seq"] for e in events] == expected_seqs
    assert [e["body"]["name"] for e in events] == names[-5:]
    assert all(e["kind"] == "span" for e in events)

    # --project: only that project's events, even when others were written since.
    cli.create_key("cli-tail-other", "read")
    mine = [json.loads(line) for line in cli.run("events", "tail", "-n", "5", "--project", "cli-tail").stdout.splitlines()]
    assert [e["body"].get("name") for e in mine] == names[-5:]
    everything = [json.loads(line) for line in cli.run("events", "tail", "-n", "5").stdout.splitlines()]
    # Creating a key is a fact of its own and an audited action.
    assert sorted(event["kind"] for event in everything[-2:]) == ["audit", "key_created"]
    assert [json.loads(line)["seq"] for line in cli.run("events", "tail", "-n", "3").stdout.splitlines()] == \
        [e["seq"] for e in everything[-3:]]


def test_events_tail_of_an_unknown_project_creates_nothing(cli, database):
    """Reading is not writing: tailing a project that does not exist is an error that names it, prints
    no events and leaves no project behind, so a later `keys create` still logs its `project_created`."""
    result = cli.run("events", "tail", "-n", "5", "--project", "cli-never-made", check=False)
    assert result.returncode != 0
    assert result.stdout == ""
    assert "no project named cli-never-made" in result.stderr
    cli.create_key("cli-never-made", "ingest")
    created = database.count("kind = 'project_created' AND body->>'project' = 'cli-never-made'")
    assert created == 1, (
        "`vigil events tail --project cli-never-made` inserted the project into `projects` without a "
        "project_created event, so the later `keys create` found it existing and the log never records its creation"
    )


def test_db_url(cli, database):
    result = cli.run("db", "url")
    assert result.stdout == database.url + "\n"
    other = "postgres://someone@127.0.0.1:1/elsewhere"
    assert cli.run("db", "url", env={"VIGIL_DATABASE_URL": other}).stdout.strip() == other


def test_migrate(settings, cli):
    cli.run("migrate")
    assert cli.run("migrate").stdout.strip() == "up to date"
    name = "e2e_cli_migrate_fresh"
    drop_database(settings.admin_url, name)
    fresh = create_database(settings.admin_url, name)
    try:
        fresh_cli = VigilCLI(settings.binary, fresh.url)
        versions = sorted(path.stem for path in MIGRATIONS_DIR.glob("*.sql"))
        assert fresh_cli.run("migrate").stdout.strip() == "applied: " + ", ".join(versions)
        assert fresh.scalar("SELECT to_regclass('events') IS NOT NULL") == "t"
        assert fresh_cli.run("migrate").stdout.strip() == "up to date"
    finally:
        drop_database(settings.admin_url, name)


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_serve_banner_and_clean_exit(start_vigil, cli, database, stop_signal):
    server = start_vigil(name=f"exit-{stop_signal.name}")
    banner = server.stdout_path.read_text()
    assert f"export OTEL_EXPORTER_OTLP_ENDPOINT={server.url}" in banner
    assert f"Database:  {database.url}" in banner
    assert server.request("GET", "/readyz").json() == {"status": "ready"}
    key = cli.create_key("cli-exit", "ingest")
    item = span(f"before {stop_signal.name}")
    assert server.export("traces", traces_body([item]), key).status_code == 200
    server.process.send_signal(stop_signal)
    assert server.process.wait(timeout=20) == 0, server.logs()
    server.kill()
    assert database.count(f"kind = 'span' AND body->>'span_id' = {sql_literal(item['spanId'])}") == 1
