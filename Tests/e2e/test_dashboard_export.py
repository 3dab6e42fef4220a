"""The dashboards API and CLI: the shipped dashboards listed and exported as they are; an export
with data embeds each panel's query results (Grafana's snapshotData) and its numbers equal
GET /api/v1/summary for the same range; it sees only the key's own project, even for a team's
imported dashboard whose SQL forgets to filter; import is admin-only and checked; bad requests are
4xx that say what was wrong."""
from __future__ import annotations

import json
import subprocess
import time
from decimal import Decimal
from pathlib import Path

import pytest

from test_summary import MINUTE_NS, send_spans, summary
from vigil_e2e import REPO_ROOT, wait_until

SHIPPED = {json.loads(p.read_text())["uid"]: json.loads(p.read_text()) for p in (REPO_ROOT / "dashboards").glob("*.json")}


def rfc3339(ns: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ns // 1_000_000_000))


@pytest.fixture(scope="module")
def world(vigil, cli):
    keys = {
        "ingest": cli.create_key("dash-one", "ingest"),
        "read": cli.create_key("dash-one", "read"),
        "admin": cli.create_key("dash-one", "admin"),
        "other_ingest": cli.create_key("dash-two", "ingest"),
        "other_read": cli.create_key("dash-two", "read"),
        "other_admin": cli.create_key("dash-two", "admin"),
    }
    sent = send_spans(vigil.url, keys["ingest"], seed=11, count=600)
    other = send_spans(vigil.url, keys["other_ingest"], seed=12, count=200)
    first = min(s["start"] for s in sent + other) // MINUTE_NS * MINUTE_NS - MINUTE_NS
    last = (max(s["start"] for s in sent + other) // MINUTE_NS + 2) * MINUTE_NS
    window = {"from": rfc3339(first), "to": rfc3339(last)}

    def folded(key, expected):
        groups = summary(vigil, key, **window)["groups"]
        return groups and sum(g["count"] for g in groups) == expected
    wait_until(lambda: folded(keys["read"], len(sent)), 60, "the rollups of project one")
    wait_until(lambda: folded(keys["other_read"], len(other)), 60, "the rollups of project two")
    return {"keys": keys, "window": window, "sent": sent, "other": other}


def export(vigil, key, uid, **params):
    response = vigil.request("GET", f"/api/v1/dashboards/{uid}/export", key=key, params=params, timeout=30)
    return response


def panel(dashboard: dict, title: str) -> dict:
    for p in dashboard["panels"]:
        if p["title"] == title:
            return p
        for child in p.get("panels", []):
            if child["title"] == title:
                return child
    raise AssertionError(f"no panel {title!r}")


def table(p: dict) -> list[dict]:
    """A table-format panel's first frame as rows of {field name: value}."""
    frames = p["snapshotData"]
    assert frames and frames[0]["refId"] == "A", p
    fields = frames[0]["fields"]
    count = len(fields[0]["values"]) if fields else 0
    return [{f["name"]: f["values"][i] for f in fields} for i in range(count)]


def decimal(value) -> Decimal:
    return Decimal(str(value)) if value is not None else Decimal(0)


def test_the_shipped_dashboards_are_listed(vigil, world):
    response = vigil.request("GET", "/api/v1/dashboards", key=world["keys"]["read"])
    assert response.status_code == 200, response.text
    listed = {d["uid"]: d for d in response.json()["dashboards"]}
    assert set(SHIPPED) <= set(listed)
    assert {"vigil-overview", "vigil-cost-tokens", "vigil-quality", "vigil-drift"} <= set(listed)
    for uid, document in SHIPPED.items():
        assert listed[uid]["title"] == document["title"] and listed[uid]["source"] == "shipped"
        assert listed[uid]["export_url"] == f"/api/v1/dashboards/{uid}/export"
    assert vigil.request("GET", "/api/v1/dashboards").status_code == 401


def test_an_export_without_data_is_the_dashboard_as_shipped(vigil, world):
    for uid, document in SHIPPED.items():
        response = export(vigil, world["keys"]["read"], uid)
        assert response.status_code == 200, response.text
        assert response.headers["Content-Disposition"] == f'attachment; filename="{uid}.json"'
        assert response.json() == document


def test_export_with_data_equals_the_summary(vigil, world):
    key, window = world["keys"]["read"], world["window"]
    response = export(vigil, key, "vigil-overview", with_data="true", **window)
    assert response.status_code == 200, response.text
    dashboard = response.json(parse_float=Decimal)
    meta = dashboard["vigilExport"]
    assert meta["errors"] == [] and meta["from"] == window["from"] and meta["to"] == window["to"]
    assert dashboard["time"] == {"from": window["from"], "to": window["to"]}
    truth = summary(vigil, key, group_by="service", **window)["groups"]
    by_service = {g["service"]: g for g in truth}

    # Stats: one row, one number.
    assert table(panel(dashboard, "LLM calls")) == [{"calls": sum(g["count"] for g in truth)}]
    assert decimal(table(panel(dashboard, "Cost"))[0]["cost"]) == sum(decimal(g["cost_usd"]) for g in truth)
    assert table(panel(dashboard, "Services"))[0]["services"] == len(by_service)
    # The services table, row by row, to the last digit of the cost.
    rows = table(panel(dashboard, "Top services"))
    assert {r["service"] for r in rows} == set(by_service)
    for row in rows:
        group = by_service[row["service"]]
        assert row["calls"] == group["count"] and row["errors"] == group["errors"], row
        assert row["input tokens"] == group["input_tokens"] and row["output tokens"] == group["output_tokens"], row
        assert decimal(row["cost"]) == decimal(group["cost_usd"]), row
        assert row["unpriced calls"] == group["unpriced_calls"], row
    # Cost by model over the whole range.
    models = {g["model"]: g for g in summary(vigil, key, group_by="model", **window)["groups"]}
    bars = table(panel(dashboard, "Cost by model, whole range"))
    assert {r["model"]: decimal(r["cost"]) for r in bars} == {m: decimal(g["cost_usd"]) for m, g in models.items()}
    # A time series comes wide, one field per service, and adds up to the summary's counts.
    frame = panel(dashboard, "LLM calls by service")["snapshotData"][0]
    assert frame["fields"][0]["type"] == "time"
    times = frame["fields"][0]["values"]
    assert times == sorted(times) and all(isinstance(t, int) for t in times)
    per_service = {f["labels"]["metric"]: sum(v or 0 for v in f["values"]) for f in frame["fields"][1:]}
    assert per_service == {s: g["count"] for s, g in by_service.items()}
    assert all(f["config"]["displayNameFromDS"] == f["labels"]["metric"] for f in frame["fields"][1:])
    assert "BETWEEN '" + window["from"] + "' AND '" + window["to"] + "'" in frame["meta"]["executedQueryString"]
    # Variables narrow the data as Grafana's URL variables do.
    one = export(vigil, key, "vigil-overview", with_data="true", **{"var-service": "chat-api"}, **window).json(parse_float=Decimal)
    assert table(panel(one, "LLM calls")) == [{"calls": by_service["chat-api"]["count"]}]
    assert one["vigilExport"]["variables"]["service"] == ["chat-api"]


def test_every_shipped_dashboard_exports_with_data_without_errors(vigil, world):
    for uid in SHIPPED:
        response = export(vigil, world["keys"]["read"], uid, with_data="true", **world["window"])
        assert response.status_code == 200, response.text
        dashboard = response.json()
        assert dashboard["vigilExport"]["errors"] == [], (uid, dashboard["vigilExport"]["errors"])
        for p in dashboard["panels"]:
            if p.get("targets") and p["type"] not in ("row", "text"):
                assert len(p["snapshotData"]) == len(p["targets"]), (uid, p["title"])


def test_an_export_sees_only_the_keys_project(vigil, world):
    key, window = world["keys"]["other_read"], world["window"]
    dashboard = export(vigil, key, "vigil-overview", with_data="true", **window).json()
    assert table(panel(dashboard, "LLM calls")) == [{"calls": len(world["other"])}]
    mine = summary(vigil, world["keys"]["read"], **window)["groups"]
    assert sum(g["count"] for g in mine) == len(world["sent"]) != len(world["other"])
    response = export(vigil, key, "vigil-overview", with_data="true", **{"var-project": "1"}, **window)
    assert response.status_code == 403 and "own project" in response.json()["error"]["message"], response.text


def team_dashboard(uid="team-calls", sql="SELECT count(*) AS rows, sum(count) AS calls FROM rollup_minute WHERE $__timeFilter(minute)"):
    return {
        "uid": uid, "title": f"Team {uid}", "schemaVersion": 39, "time": {"from": "now-1h", "to": "now"},
        "panels": [
            {"id": 1, "type": "stat", "title": "All calls, no project filter", "gridPos": {"h": 4, "w": 12, "x": 0, "y": 0},
             "targets": [{"refId": "A", "format": "table", "rawSql": sql}]},
            {"id": 2, "type": "table", "title": "Keys", "gridPos": {"h": 4, "w": 12, "x": 12, "y": 0},
             "targets": [{"refId": "A", "format": "table", "rawSql": "SELECT count(*) AS keys FROM api_keys"}]},
            {"id": 3, "type": "timeseries", "title": "Prometheus panel", "gridPos": {"h": 4, "w": 24, "x": 0, "y": 4},
             "targets": [{"refId": "A", "expr": "rate(x[5m])"}]},
        ],
    }


def test_import_is_checked_admin_only_and_project_scoped(vigil, world):
    keys, window = world["keys"], world["window"]

    def post(body, key=keys["admin"], raw=None):
        return vigil.request("POST", "/api/v1/dashboards/import", key=key, timeout=30,
                             **({"data": raw, "headers": {"Content-Type": "application/json"}} if raw is not None else {"json": body}))

    assert post(team_dashboard(), key=keys["read"]).status_code == 403
    for body, raw, status, message in [
        (None, b"{not json", 400, "not valid JSON"),
        ({"uid": "has space", "title": "x", "panels": []}, None, 400, "uid"),
        ({"uid": "ok", "title": "x"}, None, 400, "panels must be an array"),
        (team_dashboard(sql="SELECT set_config('role', 'postgres', false)"), None, 400, "panels[0].targets[0].rawSql: the function set_config() is not allowed"),
        (team_dashboard(sql="DELETE FROM rollup_minute"), None, 400, "must be one SELECT"),
        (team_dashboard(uid="vigil-overview"), None, 409, "shipped dashboard"),
        ({"dashboard": team_dashboard(), "overwrite": "yes"}, None, 400, "overwrite must be true or false"),
    ]:
        response = post(body, raw=raw)
        assert response.status_code == status and message in response.json()["error"]["message"], response.text
    response = vigil.request("POST", "/api/v1/dashboards/import", key=keys["admin"], data=b"{}", headers={"Content-Type": "text/plain"})
    assert response.status_code == 415

    created = post({"dashboard": team_dashboard(), "folderUid": "", "overwrite": False})
    assert created.status_code == 201, created.text
    assert created.json()["version"] == 1 and created.json()["source"] == "imported"
    again = post(team_dashboard())
    assert again.status_code == 409 and "overwrite" in again.json()["error"]["message"], again.text
    replaced = post({"dashboard": team_dashboard(), "overwrite": True})
    assert replaced.status_code == 200 and replaced.json()["version"] == 2, replaced.text

    listed = {d["uid"]: d for d in vigil.request("GET", "/api/v1/dashboards", key=keys["read"]).json()["dashboards"]}
    assert listed["team-calls"]["source"] == "imported" and listed["team-calls"]["imported_at"]
    others = {d["uid"] for d in vigil.request("GET", "/api/v1/dashboards", key=keys["other_read"]).json()["dashboards"]}
    assert "team-calls" not in others
    assert export(vigil, keys["other_read"], "team-calls").status_code == 404

    # The team's SQL forgot the project filter: the sandbox still shows only this project's rows,
    # and a table outside the projections is refused for that panel alone.
    dashboard = export(vigil, keys["read"], "team-calls", with_data="true", **window).json()
    assert table(panel(dashboard, "All calls, no project filter"))[0]["calls"] == len(world["sent"])
    keys_panel = panel(dashboard, "Keys")
    assert "permission denied" in keys_panel["vigilError"] and "snapshotData" in keys_panel
    assert "snapshotData" not in panel(dashboard, "Prometheus panel")
    assert len(dashboard["vigilExport"]["errors"]) == 1

    # The other project imports the same uid for itself: two dashboards, each its own data.
    assert post(team_dashboard(), key=keys["other_admin"]).status_code == 201
    theirs = export(vigil, keys["other_read"], "team-calls", with_data="true", **window).json()
    assert table(panel(theirs, "All calls, no project filter"))[0]["calls"] == len(world["other"])

    assert vigil.request("DELETE", "/api/v1/dashboards/team-calls", key=keys["read"]).status_code == 403
    assert vigil.request("DELETE", "/api/v1/dashboards/vigil-overview", key=keys["admin"]).status_code == 409
    assert vigil.request("DELETE", "/api/v1/dashboards/team-calls", key=keys["admin"]).status_code == 204
    assert vigil.request("DELETE", "/api/v1/dashboards/team-calls", key=keys["admin"]).status_code == 404
    assert export(vigil, keys["other_read"], "team-calls").status_code == 200


def test_bad_export_requests_say_what_was_wrong(vigil, world):
    key, window = world["keys"]["read"], world["window"]
    for uid, params, status, message in [
        ("nope", {}, 404, "no dashboard with uid nope"),
        ("vigil-overview", {"with_data": "maybe"}, 400, "with_data=maybe"),
        ("vigil-overview", {"with_data": "true", "from": "yesterday"}, 400, "from=yesterday"),
        ("vigil-overview", {"with_data": "true", "from": window["to"], "to": window["from"]}, 400, "from must be before to"),
        ("vigil-overview", {"with_data": "true", "var-nope": "x"}, 400, "var-nope"),
        ("vigil-overview", {"from": window["from"]}, 400, "only apply with with_data=true"),
    ]:
        response = export(vigil, key, uid, **params)
        assert response.status_code == status and message in response.json()["error"]["message"], (params, response.text)


def test_the_cli_exports_the_same_snapshot(vigil, world, cli, tmp_path):
    window = world["window"]
    out = tmp_path / "overview.json"
    cli.run("dashboards", "export", "vigil-overview", "--project", "dash-one", "--with-data",
            "--from", window["from"], "--to", window["to"], "--output", str(out))
    from_cli = json.loads(out.read_text())
    from_api = export(vigil, world["keys"]["read"], "vigil-overview", with_data="true", **window).json()
    for a, b in zip(from_cli["panels"], from_api["panels"]):
        assert a.get("snapshotData") == b.get("snapshotData"), a["title"]
    plain = cli.run("dashboards", "export", "vigil-quality").stdout
    assert json.loads(plain) == SHIPPED["vigil-quality"]
    listed = cli.run("dashboards", "list", "--project", "dash-one").stdout
    assert "vigil-overview\tVigil / Overview\tshipped" in listed
    failed = cli.run("dashboards", "export", "vigil-overview", "--with-data", check=False)
    assert failed.returncode != 0 and "--with-data needs --project" in failed.stderr
    for args, message in [(("--var", "service"), "--var service must be NAME=VALUE"),
                          (("--from", "yesterday"), "--from yesterday must be an RFC 3339 time")]:
        failed = cli.run("dashboards", "export", "vigil-overview", "--project", "dash-one", "--with-data", *args, check=False)
        assert failed.returncode != 0 and message in failed.stderr, failed.stderr
    one = json.loads(cli.run("dashboards", "export", "vigil-overview", "--project", "dash-one", "--with-data",
                             "--from", window["from"], "--to", window["to"], "--var", "service=chat-api").stdout)
    assert one["vigilExport"]["variables"]["service"] == ["chat-api"]
    failed = cli.run("dashboards", "export", "nope", check=False)
    assert failed.returncode != 0 and "no dashboard with uid nope" in failed.stderr


def test_a_summary_of_an_empty_range_has_no_groups(vigil, world):
    # Without group_by an empty range once failed with a 500 (NULL sums decoded as numbers).
    for params in ({}, {"group_by": "model"}):
        body = summary(vigil, world["keys"]["read"], **{"from": "2020-01-01T00:00:00Z", "to": "2020-01-02T00:00:00Z"}, **params)
        assert body["groups"] == [], body
