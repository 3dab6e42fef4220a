"""Vigil's Grafana dashboards (dashboards/*.json).

Every dashboard has what Grafana's dashboard model requires to be imported as it is, and every
SQL in it — each panel's and each template variable's — runs against a migrated database that this
module fills through Vigil itself (spans from several services and models sent through the real
OpenTelemetry Python SDK, evaluations through POST /api/v1/evaluations, folded by the rollup
processor; embeddings through POST /api/v1/embeddings, pinned baselines and the drift reports
Vigil's scheduler stores) and returns rows with numbers in them.

The SQL is expanded the way Grafana expands it before Postgres sees it, in Grafana's two steps:
the browser replaces template variables ($var, ${var}, ${var:csv}, [[var]], custom "All" values
inserted raw) and the built-ins $__interval, $__interval_ms, $__from and $__to; then the
PostgreSQL data source's backend replaces $__interval again and evaluates the macros
($__timeFilter, $__timeFrom, $__timeTo, $__timeGroup, $__timeGroupAlias, $__unixEpoch*...)
exactly as grafana-postgresql-datasource's macro engine writes them.
"""

from __future__ import annotations

import csv
import io
import json
import math
import random
import re
import subprocess
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import numpy as np
import pytest
from opentelemetry import trace as otel_trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExportResult
from opentelemetry.trace import SpanKind, Status, StatusCode

from vigil_e2e import REPO_ROOT, _psql_binary, wait_until

DASHBOARDS_DIR = REPO_ROOT / "dashboards"
DASHBOARD_FILES = sorted(DASHBOARDS_DIR.glob("*.json"))
PLUGIN_ID = "grafana-postgresql-datasource"  # the PostgreSQL plugin's id since Grafana 10.3 ("postgres" is its alias)
DATASOURCE_REF = {"type": PLUGIN_ID, "uid": "${datasource}"}
DATA_PANEL_TYPES = {"timeseries", "stat", "table", "barchart", "bargauge", "gauge", "piechart", "heatmap", "histogram",
                    "state-timeline", "status-history", "xychart"}
LAYOUT_PANEL_TYPES = {"text", "row"}
MINUTE_NS = 60_000_000_000
MINUTE_MS = 60_000
HOUR_MS = 60 * MINUTE_MS
# The variables a dashboard filters by (besides the data source): LLM calls by service and model;
# drift samples belong to a feature, not to a service or a model.
FILTERS = {"drift.json": ("project", "feature")}
CALL_FILTERS = ("project", "service", "model")

SERVICES = ("chat-api", "agent-worker", "search-rag")
MODELS = {  # as the app names it -> as Vigil normalises it
    "gpt-4o-2024-08-06": "gpt-4o",
    "openai/gpt-4o-mini": "gpt-4o-mini",
    "claude-3-5-sonnet-20241022": "claude-3-5-sonnet",
    "in-house-llm-v3": "in-house-llm-v3",  # no price: an unpriced model
}
# (output, finish reasons, JSON requested, what the built-in checks flag): plain answers, a refusal,
# an empty output, one cut off by the length limit, and JSON that parses and JSON that does not.
OUTPUTS = [
    ("Paris is the capital of France.", ("stop",), False, ()),
    ("Here are three options for the trip.", ("stop",), False, ()),
    ("I'm sorry, but I can't help with that.", ("stop",), False, ("refusal",)),
    ("", ("stop",), False, ("empty",)),
    ("The answer begins with a long", ("length",), False, ("truncated",)),
    ('{"city": "Paris", "ok": true}', ("stop",), True, ()),
    ('{"city": "Paris", "ok": tru', ("stop",), True, ("invalid_json",)),
]


def load(path: Path) -> dict:
    return json.loads(path.read_text())


def data_panels(dashboard: dict) -> list[dict]:
    panels = []
    for panel in dashboard.get("panels", []):
        panels.append(panel)
        panels.extend(panel.get("panels", []))  # collapsed rows keep their panels inside
    return [p for p in panels if p.get("type") not in LAYOUT_PANEL_TYPES]


# ---------------------------------------------------------------------------------------------
# What Grafana's dashboard model requires

def test_there_are_dashboards():
    names = {path.name for path in DASHBOARD_FILES}
    assert {"overview.json", "cost-and-tokens.json", "quality.json", "drift.json"} <= names, names


def test_uids_and_titles_are_unique():
    dashboards = [load(path) for path in DASHBOARD_FILES]
    uids = [d.get("uid") for d in dashboards]
    titles = [d.get("title") for d in dashboards]
    assert len(set(uids)) == len(uids), uids
    assert len(set(titles)) == len(titles), titles


@pytest.mark.parametrize("path", DASHBOARD_FILES, ids=lambda p: p.name)
def test_dashboard_has_what_grafana_requires(path):
    dashboard = load(path)
    uid = dashboard.get("uid")
    assert isinstance(uid, str) and re.fullmatch(r"[A-Za-z0-9_-]{1,40}", uid), f"uid {uid!r}"
    assert isinstance(dashboard.get("title"), str) and dashboard["title"].strip()
    assert isinstance(dashboard.get("schemaVersion"), int) and 36 <= dashboard["schemaVersion"] <= 41
    assert dashboard.get("id") is None, "an importable dashboard carries no database id"
    assert set(dashboard.get("time", {})) >= {"from", "to"}

    variables = {v["name"]: v for v in dashboard["templating"]["list"]}
    assert len(variables) == len(dashboard["templating"]["list"]), "variable names repeat"
    ds = variables.get("datasource")
    assert ds and ds["type"] == "datasource" and ds["query"] == PLUGIN_ID, ds
    for name in FILTERS.get(path.name, CALL_FILTERS):
        variable = variables.get(name)
        assert variable and variable["type"] == "query", f"no query variable {name}"
        assert variable["datasource"] == DATASOURCE_REF
        assert variable["includeAll"] is True and variable["multi"] is True, f"{name} offers All and several values"
        assert isinstance(variable["query"], str) and variable["query"].strip()
        assert variable["refresh"] in (1, 2)
    for variable in variables.values():
        if variable["type"] == "query":
            assert variable["datasource"] == DATASOURCE_REF, variable["name"]

    panels = dashboard.get("panels")
    assert panels, "no panels"
    ids = [p.get("id") for p in panels]
    assert all(isinstance(i, int) for i in ids) and len(set(ids)) == len(ids), ids
    cells = set()
    for panel in panels:
        what = f"panel {panel.get('id')} {panel.get('title')!r}"
        assert isinstance(panel.get("type"), str) and panel["type"] in DATA_PANEL_TYPES | LAYOUT_PANEL_TYPES, what
        assert isinstance(panel.get("title"), str), what
        grid = panel.get("gridPos", {})
        assert set(grid) >= {"h", "w", "x", "y"} and all(isinstance(grid[k], int) for k in "hwxy"), what
        assert grid["h"] > 0 and grid["w"] > 0 and grid["x"] >= 0 and grid["y"] >= 0 and grid["x"] + grid["w"] <= 24, what
        mine = {(x, y) for x in range(grid["x"], grid["x"] + grid["w"]) for y in range(grid["y"], grid["y"] + grid["h"])}
        assert not cells & mine, f"{what} overlaps another panel"
        cells |= mine
        if panel["type"] == "text":
            assert panel.get("options", {}).get("content", "").strip(), what
            assert not panel.get("targets"), what
            continue
        if panel["type"] == "row":
            continue
        assert panel.get("datasource") == DATASOURCE_REF, what
        targets = panel.get("targets")
        assert targets, f"{what} has no targets"
        refs = [t.get("refId") for t in targets]
        assert all(isinstance(r, str) and r for r in refs) and len(set(refs)) == len(refs), what
        for t in targets:
            assert t.get("datasource") == DATASOURCE_REF, what
            assert isinstance(t.get("rawSql"), str) and t["rawSql"].strip(), what
            assert t.get("rawQuery") is True and t.get("editorMode") == "code", what
            assert t.get("format") in ("time_series", "table"), what
            sql = t["rawSql"]
            assert "$__timeFilter(" in sql or "$__timeFrom()" in sql, f"{what} ignores the time picker"
            assert "${project:csv}" in sql or "$project" in sql, f"{what} ignores the project"
            if panel["type"] == "timeseries":
                assert t["format"] == "time_series" and "$__timeGroup" in sql, what
    # Every variable the SQL uses is defined.
    for panel in data_panels(dashboard):
        for t in panel["targets"]:
            for used in template_names(t["rawSql"]):
                assert used in variables or used in BUILTINS or used in MACROS, f"{path.name}: ${used} is not defined"


# ---------------------------------------------------------------------------------------------
# Grafana's expansion of a panel's SQL

ALL = "$__all"
# templateSrv's variable syntax: $var, [[var]] / [[var:fmt]], ${var} / ${var.field} / ${var:fmt}
TEMPLATE_PATTERN = re.compile(r"\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\$\{(\w+)(?:\.([^:^}]+))?(?::([^}]+))?\}")
# grafana-postgresql-datasource's macro syntax (pkg/tsdb/grafana-postgresql-datasource/macros.go)
MACRO_PATTERN = re.compile(r"\$([_a-zA-Z0-9]+)\(([^)]*)\)")
BUILTINS = {"__interval", "__interval_ms", "__from", "__to", "__range", "__range_s", "__range_ms"}
MACROS = {"__time", "__timeEpoch", "__timeFilter", "__timeFrom", "__timeTo", "__timeGroup", "__timeGroupAlias",
          "__unixEpochFilter", "__unixEpochNanoFilter", "__unixEpochNanoFrom", "__unixEpochNanoTo",
          "__unixEpochGroup", "__unixEpochGroupAlias", "__unixEpochFrom", "__unixEpochTo"}


def template_names(sql: str) -> set[str]:
    return {m.group(1) or m.group(2) or m.group(4) for m in TEMPLATE_PATTERN.finditer(sql)}


@dataclass
class Variable:
    name: str
    multi: bool
    include_all: bool
    all_value: str | None
    options: list[str] = field(default_factory=list)
    current: object = ALL  # ALL, a list of values (multi), or one value


def quote_literal(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def sql_interpolate(value, variable: Variable | None):
    """SqlDatasource.interpolateVariable: the format function the SQL data sources give templateSrv."""
    if isinstance(value, str):
        if variable is not None and (variable.multi or variable.include_all):
            return quote_literal(value)
        return value.replace("'", "''")
    if isinstance(value, (int, float)):
        return str(value)
    return ",".join(quote_literal(v) for v in value)


def format_value(value, fmt: str | None, variable: Variable | None) -> str:
    if fmt is None:
        return sql_interpolate(value, variable)
    values = [value] if isinstance(value, str) else list(value)
    if fmt == "csv":
        return ",".join(values)
    if fmt == "raw":
        return ",".join(values)
    if fmt == "sqlstring":
        return ",".join(quote_literal(v) for v in values)
    if fmt == "singlequote":
        return ",".join("'" + v.replace("'", "\\'") + "'" for v in values)
    if fmt == "doublequote":
        return ",".join('"' + v.replace('"', '\\"') + '"' for v in values)
    if fmt == "pipe":
        return "|".join(values)
    raise AssertionError(f"the expander does not know the variable format {fmt!r}")


def round_interval(ms: float) -> int:
    """Grafana's rangeutil.roundInterval: the nice interval at or just above `ms`."""
    steps = [(15, 10), (35, 20), (75, 50), (150, 100), (350, 200), (750, 500), (1500, 1000), (3500, 2000),
             (7500, 5000), (12500, 10000), (17500, 15000), (25000, 20000), (45000, 30000), (90000, 60000),
             (210000, 120000), (450000, 300000), (750000, 600000), (1050000, 900000), (1500000, 1200000),
             (2700000, 1800000), (5400000, 3600000), (9000000, 7200000), (16200000, 10800000),
             (32400000, 21600000), (86400000, 43200000), (604800000, 86400000), (1814400000, 604800000),
             (3628800000, 2592000000)]
    for below, value in steps:
        if ms < below:
            return value
    return 31536000000


INTERVAL_UNITS = [("y", 31536000000), ("w", 604800000), ("d", 86400000), ("h", 3600000), ("m", 60000), ("s", 1000), ("ms", 1)]


def parse_interval_ms(text: str) -> int:
    match = re.fullmatch(r"(\d+)(ms|s|m|h|d|w|y)", text.strip().strip("'"))
    assert match, f"cannot parse the interval {text!r}"
    return int(match.group(1)) * dict(INTERVAL_UNITS)[match.group(2)]


def seconds_to_hms(ms: int) -> str:
    """Grafana's rangeutil.secondsToHms: the largest whole unit (no weeks)."""
    seconds = ms / 1000
    for unit, size in (("y", 31536000), ("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if seconds >= size:
            return f"{math.floor(seconds / size)}{unit}"
    return f"{ms}ms"


def go_float(value: float) -> str:
    """Go's %v of a float64 (shortest digits; exponent form from 1e+06 up), as the macro engine prints seconds."""
    digits = Decimal(repr(float(value))).normalize()
    sign, figures, exponent = digits.as_tuple()
    point = len(figures) + exponent
    exp = point - 1
    if exp < -4 or exp >= 6:
        mantissa = str(figures[0]) + ("." + "".join(map(str, figures[1:])) if len(figures) > 1 else "")
        return ("-" if sign else "") + f"{mantissa}e{'+' if exp >= 0 else '-'}{abs(exp):02d}"
    return format(digits, "f")


def rfc3339(ms: int) -> str:
    """Go's time.RFC3339Nano in UTC: trailing zeros of the fraction dropped."""
    moment = datetime.fromtimestamp(ms // 1000, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    fraction = f"{ms % 1000:03d}".rstrip("0")
    return moment + (f".{fraction}" if fraction else "") + "Z"


@dataclass
class TimeRange:
    from_ms: int
    to_ms: int


class Grafana:
    """Expands SQL the way Grafana does for one dashboard, time range and variable selection."""

    def __init__(self, time_range: TimeRange, variables: dict[str, Variable]):
        self.range = time_range
        self.variables = variables

    def interval_ms(self, panel: dict | None) -> int:
        # Panel resolution: its maxDataPoints, else its width in pixels (a 1600 px wide dashboard);
        # the lower limit: the panel's min interval, else the SQL data source's default of 1m.
        panel = panel or {}
        width = panel.get("gridPos", {}).get("w", 24)
        points = panel.get("maxDataPoints") or max(1, round(width / 24 * 1600))
        interval = round_interval((self.range.to_ms - self.range.from_ms) / points)
        return max(interval, parse_interval_ms(panel.get("interval") or "1m"))

    def frontend(self, sql: str, interval_ms: int) -> str:
        builtins = {
            "__interval": seconds_to_hms(interval_ms), "__interval_ms": str(interval_ms),
            "__from": str(self.range.from_ms), "__to": str(self.range.to_ms),
            "__range_ms": str(self.range.to_ms - self.range.from_ms),
            "__range_s": str((self.range.to_ms - self.range.from_ms) // 1000),
            "__range": f"{(self.range.to_ms - self.range.from_ms) // 1000}s",
        }

        def replace(match: re.Match) -> str:
            name = match.group(1) or match.group(2) or match.group(4)
            fmt = match.group(3) or match.group(6)
            assert not match.group(5), f"field paths (${{{name}.{match.group(5)}}}) are not expanded here"
            if name in builtins:
                return format_value(builtins[name], fmt, None)
            variable = self.variables.get(name)
            if variable is None:
                return match.group(0)  # not a variable: a macro for the backend, or an error there
            value = variable.current
            if value == ALL:
                if variable.all_value is not None and variable.all_value != "" and fmt != "text":
                    return variable.all_value  # a custom All value goes in raw, unformatted
                value = list(variable.options)
            return format_value(value, fmt, variable)

        return TEMPLATE_PATTERN.sub(replace, sql)

    def backend(self, sql: str, interval_ms: int) -> str:
        # sqleng.Interpolate, then the PostgreSQL macro engine.
        start, end = self.range.from_ms, self.range.to_ms
        sql = sql.replace("$__interval_ms", str(interval_ms)).replace("$__interval", seconds_to_hms(interval_ms))
        sql = sql.replace("$__unixEpochFrom()", str(start // 1000)).replace("$__unixEpochTo()", str(end // 1000))

        def group(args: list[str]) -> str:
            assert len(args) >= 2, f"$__timeGroup needs a column and an interval: {args}"
            seconds = parse_interval_ms(args[1]) / 1000
            if len(args) == 3:
                assert args[2] in ("NULL", "previous") or re.fullmatch(r"-?\d+(\.\d+)?", args[2]), f"bad fill {args[2]!r}"
            return f"floor(extract(epoch from {args[0]})/{go_float(seconds)})*{go_float(seconds)}"

        def evaluate(name: str, args: list[str]) -> str:
            if name == "__time":
                return f'{args[0]} AS "time"'
            if name == "__timeEpoch":
                return f'extract(epoch from {args[0]}) as "time"'
            if name == "__timeFilter":
                return f"{args[0]} BETWEEN '{rfc3339(start)}' AND '{rfc3339(end)}'"
            if name == "__timeFrom":
                return f"'{rfc3339(start)}'"
            if name == "__timeTo":
                return f"'{rfc3339(end)}'"
            if name == "__timeGroup":
                return group(args)
            if name == "__timeGroupAlias":
                return group(args) + ' AS "time"'
            if name == "__unixEpochFilter":
                return f"{args[0]} >= {start // 1000} AND {args[0]} <= {end // 1000}"
            if name == "__unixEpochNanoFilter":
                return f"{args[0]} >= {start * 1_000_000} AND {args[0]} <= {end * 1_000_000}"
            if name == "__unixEpochNanoFrom":
                return str(start * 1_000_000)
            if name == "__unixEpochNanoTo":
                return str(end * 1_000_000)
            if name in ("__unixEpochGroup", "__unixEpochGroupAlias"):
                seconds = go_float(parse_interval_ms(args[1]) / 1000)
                expression = f"floor(({args[0]})/{seconds})*{seconds}"
                return expression + (' AS "time"' if name.endswith("Alias") else "")
            raise AssertionError(f'unknown macro "{name}"')  # Grafana answers the same

        def replace(match: re.Match) -> str:
            name = match.group(1)
            # Grafana's pre-5.3 rule: $__timeGroup(...) directly followed by a comma means the alias form.
            if name == "__timeGroup" and sql[match.end():match.end() + 1] == ",":
                name = "__timeGroupAlias"
            return evaluate(name, [a.strip() for a in match.group(2).split(",")])

        return MACRO_PATTERN.sub(replace, sql)

    def expand(self, sql: str, panel: dict | None = None) -> str:
        interval = self.interval_ms(panel)
        expanded = self.backend(self.frontend(sql, interval), interval)
        assert "$" not in expanded, f"something was left unexpanded:\n{expanded}"
        return expanded


# ---------------------------------------------------------------------------------------------
# Running SQL as Grafana's data source would

@dataclass
class Result:
    columns: list[str]
    rows: list[list[str | None]]


def run_sql(database_url: str, sql: str) -> Result:
    completed = subprocess.run(
        [_psql_binary(), "-X", "--csv", "-v", "ON_ERROR_STOP=1", "-P", "null=\\N", "-d", database_url, "-c", sql],
        capture_output=True, text=True, timeout=60,
    )
    if completed.returncode != 0:
        raise AssertionError(f"Postgres refused the query: {completed.stderr.strip()}\n{sql}")
    table = list(csv.reader(io.StringIO(completed.stdout)))
    columns, rows = table[0], table[1:]
    return Result(columns, [[None if cell == "\\N" else cell for cell in row] for row in rows])


def refresh_variables(dashboard: dict, database_url: str, time_range: TimeRange, selection: str) -> dict[str, Variable]:
    """Runs the query variables in order, as Grafana refreshes them; `selection` is "all" (every
    variable on All) or "first" (each on its first option alone)."""
    variables: dict[str, Variable] = {}
    for spec in dashboard["templating"]["list"]:
        if spec["type"] != "query":
            continue
        query = spec["query"] if isinstance(spec["query"], str) else spec["query"].get("rawSql", "")
        sql = Grafana(time_range, variables).expand(query)
        result = run_sql(database_url, sql)
        if "__text" in result.columns and "__value" in result.columns:
            index = result.columns.index("__value")
            options = [row[index] or "" for row in result.rows]
        else:  # every value of every column is an option (ResponseParser.transformMetricFindResponse)
            options = [cell or "" for row in result.rows for cell in row]
        if spec.get("regex"):
            options = [o for o in options if re.search(spec["regex"], o)]
        options = list(dict.fromkeys(options))
        variable = Variable(spec["name"], bool(spec.get("multi")), bool(spec.get("includeAll")), spec.get("allValue"), options)
        if selection == "first" or not variable.include_all:
            assert options, f"variable {spec['name']} has no options"
            variable.current = [options[0]] if variable.multi else options[0]
        variables[spec["name"]] = variable
    return variables


def is_number(text: str | None) -> bool:
    if text is None:
        return False
    try:
        float(text)
    except ValueError:
        return False
    return True


def check_result(what: str, target: dict, result: Result, must_have_data: bool) -> None:
    if target["format"] == "time_series":
        assert "time" in result.columns, f"{what}: a time series query returns no time column: {result.columns}"
        times = [float(row[result.columns.index("time")]) for row in result.rows]
        assert times == sorted(times), f"{what}: time series rows are not in time order"
        for index, column in enumerate(result.columns):
            if column in ("time", "metric"):
                continue
            assert all(row[index] is None or is_number(row[index]) for row in result.rows), f"{what}: {column} is not numeric"
    if not must_have_data:
        return
    assert result.rows, f"{what}: no rows"
    labels = {"time", "metric"}
    values = [cell for row in result.rows for column, cell in zip(result.columns, row) if column not in labels]
    assert any(cell not in (None, "") for cell in values), f"{what}: every value is empty: {result.rows[:5]}"


# ---------------------------------------------------------------------------------------------
# Filling the database through Vigil

@dataclass
class Sent:
    spans: int = 0
    llm_calls: int = 0
    # outputs flagged per built-in check, and outputs that asked for JSON
    flagged: Counter = field(default_factory=Counter)
    json_requested: int = 0
    evaluations: list[dict] = field(default_factory=list)
    first_ns: int = 0
    last_ns: int = 0
    drift: "DriftSent | None" = None


def send_traffic(endpoint: str, key: str, seed: int = 11) -> Sent:
    """Traces from three services over the last ten minutes: single LLM calls and agent runs with
    several calls inside, four models (one unpriced), errors, refusals, empty, truncated and JSON
    outputs. Returns what was sent, with evaluations to post for some of the calls."""
    rng = random.Random(seed)
    now = time.time_ns()
    base = (now // MINUTE_NS - 10) * MINUTE_NS + 7_000_000_000
    sent = Sent(first_ns=base, last_ns=base)
    for service in SERVICES:
        provider = TracerProvider(resource=Resource.create({"service.name": service}))
        exporter = OTLPSpanExporter(endpoint=f"{endpoint}/v1/traces", headers={"Authorization": f"Bearer {key}"})
        results = []
        original = exporter.export

        def export(batch, _original=original, _results=results):
            result = _original(batch)
            _results.append(result)
            return result

        exporter.export = export
        provider.add_span_processor(BatchSpanProcessor(exporter, max_export_batch_size=256))
        tracer = provider.get_tracer("vigil.e2e.dashboards")
        for _ in range(70):
            start = base + int(rng.uniform(0, 9 * 60) * 1e9)
            agent = rng.random() < 0.3
            parent_context = None
            root = None
            if agent:
                root = tracer.start_span("agent.run", kind=SpanKind.INTERNAL, start_time=start)
                parent_context = otel_trace.set_span_in_context(root)
                sent.spans += 1
            end = start
            for call in range(rng.randint(2, 4) if agent else 1):
                raw_model = rng.choice(list(MODELS))
                output, reasons, json_requested, flags = rng.choice(OUTPUTS)
                sent.flagged.update(flags)
                sent.json_requested += json_requested
                call_start = end + int(rng.uniform(0, 50) * 1e6)
                call_end = call_start + int(rng.lognormvariate(6.0, 0.7) * 1e6)
                attributes = {
                    "gen_ai.operation.name": "chat",
                    "gen_ai.provider.name": "anthropic" if raw_model.startswith("claude") else "openai",
                    "gen_ai.request.model": raw_model,
                    "gen_ai.response.model": raw_model,
                    "gen_ai.usage.input_tokens": rng.randint(10, 4000),
                    "gen_ai.usage.output_tokens": rng.randint(0, 800),
                    "gen_ai.response.finish_reasons": reasons,
                    "gen_ai.completion": output,
                }
                if json_requested:
                    attributes["gen_ai.output.type"] = "json"
                span = tracer.start_span(f"chat {raw_model}", context=parent_context, kind=SpanKind.CLIENT,
                                         start_time=call_start, attributes=attributes)
                if rng.random() < 0.1:
                    span.set_status(Status(StatusCode.ERROR, "upstream 500"))
                context = span.get_span_context()
                span.end(end_time=call_end)
                sent.spans += 1
                sent.llm_calls += 1
                end = call_end
                sent.last_ns = max(sent.last_ns, call_end)
                trace_id, span_id = format(context.trace_id, "032x"), format(context.span_id, "016x")
                at = call_start // 1_000_000
                if rng.random() < 0.5:
                    sent.evaluations.append({"trace_id": trace_id, "span_id": span_id, "name": "relevance",
                                             "value": round(rng.uniform(0, 1), 3), "evaluator": "judge-v1", "time": at})
                if rng.random() < 0.4:
                    sent.evaluations.append({"trace_id": trace_id, "span_id": span_id, "name": "helpful",
                                             "value": rng.random() < 0.7, "time": at})
                if rng.random() < 0.2:
                    sent.evaluations.append({"trace_id": trace_id, "name": "tone",
                                             "value": rng.choice(["friendly", "curt", "neutral"]), "time": at})
            if root is not None:
                root.end(end_time=end + 1_000_000)
        assert provider.force_flush(30_000)
        provider.shutdown()
        assert results and all(r == SpanExportResult.SUCCESS for r in results), results
    return sent


# Drift: two embedding features, each with a reference window three hours ago and a current
# window in the last ten minutes, posted in batches two minutes apart.
DRIFT_DIMENSION = 16
DRIFT_BATCHES = 4
DRIFT_BATCH_SIZE = 100
DRIFT_WINDOW = DRIFT_BATCHES * DRIFT_BATCH_SIZE
DRIFT_TOPICS = 6


@dataclass
class DriftSent:
    features: tuple[str, ...]
    drifted: str  # the feature moved to other topics
    baseline_from_ms: int  # its pinned window
    baseline_to_ms: int
    trailing_seconds: int  # the other feature's pinned trailing reference
    early: list[dict] = field(default_factory=list)  # embedding bodies: the reference windows and the current windows' first half
    late: list[dict] = field(default_factory=list)  # the current windows' second half


def topic_vectors(rng, count: int, centres: np.ndarray, weights: list[float]) -> np.ndarray:
    """Vectors around topic centres (Gaussian clusters), drawn with the topic mix `weights`."""
    labels = rng.choice(len(centres), size=count, p=weights)
    return (centres[labels] + 0.3 * rng.normal(size=(count, centres.shape[1]))).astype("<f4")


def drift_plan(now_ms: int) -> DriftSent:
    """`prompts` moves from three topics to three others and is compared with a pinned window;
    `answers` keeps one mix of all six and is compared with a pinned trailing day."""
    rng = np.random.default_rng(17)
    centres = 2.0 * rng.normal(size=(DRIFT_TOPICS, DRIFT_DIMENSION))
    old, new, even = [1 / 3] * 3 + [0] * 3, [0] * 3 + [1 / 3] * 3, [1 / 6] * 6
    plans = {"prompts": (old, new), "answers": (even, even)}
    drift = DriftSent(features=tuple(plans), drifted="prompts", baseline_from_ms=now_ms - 7 * HOUR_MS // 2,
                      baseline_to_ms=now_ms - 5 * HOUR_MS // 2, trailing_seconds=86_400)
    for feature, (reference_mix, current_mix) in plans.items():
        for batch in range(DRIFT_BATCHES):
            for at, mix in ((now_ms - 3 * HOUR_MS + batch * MINUTE_MS, reference_mix),
                            (now_ms - (8 - 2 * batch) * MINUTE_MS, current_mix)):
                body = {"feature": feature, "model": "e2e-embedder", "time": at,
                        "vectors": topic_vectors(rng, DRIFT_BATCH_SIZE, centres, mix).tolist()}
                (drift.late if at > now_ms - 5 * MINUTE_MS else drift.early).append(body)
    return drift


def post_embeddings(vigil, key: str, bodies: list[dict]) -> None:
    for body in bodies:
        response = vigil.request("POST", "/api/v1/embeddings", key=key, json=body)
        assert response.status_code == 200, response.text


def pin_baselines(vigil, key: str, drift: DriftSent) -> None:
    for body in ({"feature": drift.drifted, "from": drift.baseline_from_ms, "to": drift.baseline_to_ms},
                 *({"feature": f, "trailing": "1d"} for f in drift.features if f != drift.drifted)):
        response = vigil.request("POST", "/api/v1/drift/baselines", key=key, json=body)
        assert response.status_code == 200, response.text


def drift_reports_caught_up(database, drift: DriftSent, current: int) -> bool:
    """Whether each feature's latest report has its whole reference, `current` current samples,
    and its pinned reference."""
    rows = database.rows(
        "SELECT DISTINCT ON (feature) feature, (report->>'reference_count')::int AS reference, "
        "(report->>'current_count')::int AS current, "
        "(extract(epoch FROM reference_from) * 1000)::bigint AS reference_from_ms, "
        "extract(epoch FROM reference_to - reference_from)::bigint AS reference_seconds "
        "FROM drift_reports ORDER BY feature, computed_at DESC, id DESC")
    latest = {row["feature"]: row for row in rows}
    if set(latest) != set(drift.features):
        return False
    if any((r["reference"], r["current"]) != (DRIFT_WINDOW, current) for r in latest.values()):
        return False
    return (latest[drift.drifted]["reference_from_ms"] == drift.baseline_from_ms
            and all(r["reference_seconds"] == drift.trailing_seconds for f, r in latest.items() if f != drift.drifted))


@pytest.fixture(scope="module")
def vigil(start_vigil):
    """The module's server, its drift scheduler reporting every 2 s instead of every 5 minutes."""
    return start_vigil("dashboards", VIGIL_DRIFT_INTERVAL="2")


@pytest.fixture(scope="module")
def keys(cli):
    keys = {"ingest": cli.create_key("dashboards", "ingest"), "read": cli.create_key("dashboards", "read"),
            "operate": cli.create_key("dashboards", "operate")}
    cli.create_key("other-team", "ingest")  # a second project, empty: All must still work
    return keys


@pytest.fixture(scope="module")
def filled(vigil, keys, database):
    """The module's database, filled through Vigil, folded by its rollup processor and reported
    on by its drift scheduler."""
    ingest = keys["ingest"]
    # Drift first, so the scheduler reports while the traces go in: the reference windows and half
    # of the current windows, then (once reported on) the other half, so the latest report of each
    # feature differs from the earlier ones.
    drift = drift_plan(time.time_ns() // 1_000_000)
    post_embeddings(vigil, ingest, drift.early)
    pin_baselines(vigil, keys["operate"], drift)
    sent = send_traffic(vigil.url, ingest)
    sent.drift = drift
    wait_until(lambda: drift_reports_caught_up(database, drift, DRIFT_WINDOW // 2), 60,
               "a drift report of each feature over the first half of its current window", interval=0.25)
    post_embeddings(vigil, ingest, drift.late)
    for start in range(0, len(sent.evaluations), 500):
        response = vigil.request("POST", "/api/v1/evaluations", key=ingest, json={"evaluations": sent.evaluations[start:start + 500]})
        assert response.status_code == 200, response.text
    assert len(sent.evaluations) > 50

    def caught_up():
        spans = int(database.scalar("SELECT coalesce(sum(count), 0) FROM rollup_minute"))
        evaluations = int(database.scalar("SELECT coalesce(sum(count), 0) FROM quality_minute"))
        return spans == sent.spans and evaluations == len(sent.evaluations)

    wait_until(caught_up, 90, "the rollup processor to fold every span and evaluation", interval=0.25)
    flagged = database.scalar("SELECT concat_ws(',', sum(empty_outputs), sum(refusals), sum(truncated_outputs), sum(invalid_json_outputs)) FROM rollup_minute")
    assert all(int(count) > 0 for count in flagged.split(",")), f"every built-in check flags some output: {flagged}"
    wait_until(lambda: drift_reports_caught_up(database, drift, DRIFT_WINDOW), 60,
               "a drift report of each feature over all its samples and against its pinned baseline", interval=0.25)
    return sent


def time_ranges() -> dict[str, TimeRange]:
    now_ms = time.time_ns() // 1_000_000
    return {
        "last 15 minutes": TimeRange(now_ms - 15 * MINUTE_MS, now_ms),
        "last 7 days": TimeRange(now_ms - 7 * 24 * 60 * MINUTE_MS, now_ms),
    }


def panel_queries(dashboard: dict):
    for panel in data_panels(dashboard):
        for target in panel["targets"]:
            yield panel, target


@pytest.mark.parametrize("path", DASHBOARD_FILES, ids=lambda p: p.name)
def test_variables_offer_what_was_sent(path, filled, database):
    dashboard = load(path)
    variables = refresh_variables(dashboard, database.url, time_ranges()["last 15 minutes"], "all")
    assert len(variables["project"].options) == 2
    if "service" in variables:
        assert set(variables["service"].options) == set(SERVICES)
    if "model" in variables:
        assert set(variables["model"].options) == set(MODELS.values())
    if "evaluation" in variables:
        assert set(variables["evaluation"].options) == {"relevance", "helpful", "tone"}
    if "feature" in variables:
        assert set(variables["feature"].options) == drift_features(filled)


@pytest.mark.parametrize("path", DASHBOARD_FILES, ids=lambda p: p.name)
def test_every_panel_query_returns_rows(path, filled, database):
    dashboard = load(path)
    checked = 0
    for range_name, time_range in time_ranges().items():
        grafana = Grafana(time_range, refresh_variables(dashboard, database.url, time_range, "all"))
        for panel, target in panel_queries(dashboard):
            what = f"{path.name} / {panel['title']!r} / {target['refId']} over the {range_name}"
            sql = grafana.expand(target["rawSql"], panel)
            check_result(what, target, run_sql(database.url, sql), must_have_data=True)
            checked += 1
    assert checked >= 2 * 8


@pytest.mark.parametrize("path", DASHBOARD_FILES, ids=lambda p: p.name)
def test_every_panel_query_runs_with_one_value_chosen(path, filled, database):
    """Each variable on one value instead of All: the other branch of every filter."""
    dashboard = load(path)
    time_range = time_ranges()["last 15 minutes"]
    variables = refresh_variables(dashboard, database.url, time_range, "first")
    grafana = Grafana(time_range, variables)
    for panel, target in panel_queries(dashboard):
        what = f"{path.name} / {panel['title']!r} / {target['refId']} with one value of each variable"
        sql = grafana.expand(target["rawSql"], panel)
        assert "IN ('__all')" not in sql and "IN (SELECT" not in sql, f"{what}: an All value was used"
        check_result(what, target, run_sql(database.url, sql), must_have_data=False)


def test_overview_numbers_match_what_was_sent(filled, database):
    """Spot-check that the overview's SQL counts what was sent: LLM calls (spans with a model),
    not the agent spans around them."""
    dashboard = load(DASHBOARDS_DIR / "overview.json")
    time_range = time_ranges()["last 15 minutes"]
    grafana = Grafana(time_range, refresh_variables(dashboard, database.url, time_range, "all"))
    panel = next(p for p in data_panels(dashboard) if p["title"] == "LLM calls")
    result = run_sql(database.url, grafana.expand(panel["targets"][0]["rawSql"], panel))
    assert int(result.rows[0][0]) == filled.llm_calls


def test_quality_check_panels_match_what_was_sent(filled, database):
    """The built-in check panels of the quality dashboard count what was sent: every LLM call
    carried output, and each check's rate is the share of those outputs it flags (invalid JSON
    only among the outputs that asked for JSON)."""
    dashboard = load(DASHBOARDS_DIR / "quality.json")

    def stat(title: str) -> float:
        result = run_panel(dashboard, next(p for p in data_panels(dashboard) if p["title"] == title), database)
        return float(result.rows[0][0])

    assert stat("Outputs checked") == filled.llm_calls
    assert min(filled.flagged[check] for check in ("empty", "refusal", "truncated", "invalid_json")) > 0, filled.flagged
    assert stat("Empty output rate") == pytest.approx(filled.flagged["empty"] / filled.llm_calls, rel=1e-12)
    assert stat("Refusal rate") == pytest.approx(filled.flagged["refusal"] / filled.llm_calls, rel=1e-12)
    assert stat("Truncated (length) rate") == pytest.approx(filled.flagged["truncated"] / filled.llm_calls, rel=1e-12)
    assert stat("Invalid JSON rate") == pytest.approx(filled.flagged["invalid_json"] / filled.json_requested, rel=1e-12)


# ---------------------------------------------------------------------------------------------
# The drift dashboard

def drift_features(sent: Sent) -> set[str]:
    """The drift features what was sent has samples of: the embedding features, each LLM call's
    tokens and latency (no prompt text was sent, so no prompt_chars), each scored evaluation name."""
    scored = {f"score:{e['name']}" for e in sent.evaluations if not isinstance(e["value"], str)}
    return set(sent.drift.features) | {"input_tokens", "output_tokens", "latency_ms"} | scored


def drift_panel(dashboard: dict, title: str) -> dict:
    return next(p for p in data_panels(dashboard) if p["title"].startswith(title))


def run_panel(dashboard: dict, panel: dict, database, variables: dict[str, Variable] | None = None, ref: str = "A") -> Result:
    time_range = time_ranges()["last 15 minutes"]
    variables = variables or refresh_variables(dashboard, database.url, time_range, "all")
    target = next(t for t in panel["targets"] if t["refId"] == ref)
    return run_sql(database.url, Grafana(time_range, variables).expand(target["rawSql"], panel))


def latest_report(vigil, keys, feature: str) -> dict:
    """The feature's latest stored report, whole, through Vigil's API."""
    response = vigil.request("GET", f"/api/v1/drift/reports?feature={feature}", key=keys["read"])
    assert response.status_code == 200, response.text
    headline = response.json()["reports"][0]
    response = vigil.request("GET", f"/api/v1/drift/reports/{headline['id']}", key=keys["read"])
    assert response.status_code == 200, response.text
    return response.json()


def edge_label(edge: float) -> str:
    """A bin edge as the panel writes it: rounded to 3 decimals (ties away from zero), trailing zeros dropped."""
    rounded = Decimal(repr(edge)).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)
    return "0" if rounded == 0 else format(rounded.normalize(), "f")


def test_drift_psi_panel_draws_the_psi_thresholds(filled, database):
    dashboard = load(DASHBOARDS_DIR / "drift.json")
    panel = drift_panel(dashboard, "PSI by feature")
    defaults = panel["fieldConfig"]["defaults"]
    assert defaults["thresholds"]["mode"] == "absolute"
    assert [step["value"] for step in defaults["thresholds"]["steps"]] == [None, 0.1, 0.25]
    assert defaults["custom"]["thresholdsStyle"]["mode"] in ("line", "dashed", "line+area", "dashed+area")
    # A mean and a max series per reported feature; a report's max PSI is never below its mean.
    series: dict[str, dict[str, float]] = {}
    for target in panel["targets"]:
        result = run_panel(dashboard, panel, database, ref=target["refId"])
        for row in result.rows:
            series.setdefault(row[result.columns.index("metric")], {})[row[result.columns.index("time")]] = float(row[result.columns.index("PSI")])
    assert set(series) == {f"{feature} {kind}" for feature in filled.drift.features for kind in ("mean", "max")}, set(series)
    for feature in filled.drift.features:
        means, maxima = series[f"{feature} mean"], series[f"{feature} max"]
        assert means.keys() == maxima.keys()
        assert all(maxima[t] >= means[t] for t in means), (feature, means, maxima)


def test_drift_component_panels_show_each_component_of_the_latest_report(filled, database, vigil, keys):
    """With the feature variable on one feature, as each copy of the repeated row has it: one bar
    per component of the feature's latest report, in order, and the first component's ten bins."""
    dashboard = load(DASHBOARDS_DIR / "drift.json")
    row = next(p for p in dashboard["panels"] if p["type"] == "row" and p.get("repeat"))
    assert row["repeat"] == "feature"
    components_panel, bins_panel = drift_panel(dashboard, "PSI per component"), drift_panel(dashboard, "PC1 bins")
    for panel in (components_panel, bins_panel):
        assert panel["gridPos"]["y"] > row["gridPos"]["y"], f"{panel['title']} is not in the repeated row"
    variables = refresh_variables(dashboard, database.url, time_ranges()["last 15 minutes"], "all")
    for feature in filled.drift.features:
        variables["feature"].current = [feature]
        report = latest_report(vigil, keys, feature)["report"]
        components = report["components"]
        assert len(components) == min(10, DRIFT_DIMENSION)
        result = run_panel(dashboard, components_panel, database, variables)
        assert len(result.rows) == len(components), (feature, result.rows)
        names = [r[result.columns.index("component")] for r in result.rows]
        assert names == [f"PC{c['index'] + 1}" for c in components]
        for column, key in (("PSI", "psi"), ("KL", "kl"), ("JS distance", "js_distance"), ("explained variance", "explained_variance_ratio")):
            values = [float(r[result.columns.index(column)]) for r in result.rows]
            assert np.allclose(values, [c[key] for c in components], rtol=1e-12, atol=0), (feature, column)

        result = run_panel(dashboard, bins_panel, database, variables)
        top = components[0]
        assert len(result.rows) == 10
        for column, key in (("reference", "reference_proportions"), ("current", "current_proportions")):
            assert np.allclose([float(r[result.columns.index(column)]) for r in result.rows], top[key], rtol=1e-12, atol=0)
        edges = [edge_label(edge) for edge in top["edges"]]
        expected = [f"< {edges[0]}"] + [f"{low} to {high}" for low, high in zip(edges, edges[1:])] + [f">= {edges[-1]}"]
        assert [r[result.columns.index("bin")] for r in result.rows] == expected


def test_drift_numbers_match_what_was_sent_and_the_reports(filled, database, vigil, keys):
    dashboard = load(DASHBOARDS_DIR / "drift.json")

    def stat(title: str) -> float:
        result = run_panel(dashboard, drift_panel(dashboard, title), database)
        assert len(result.rows) == 1, (title, result.rows)
        return float(result.rows[0][0])

    reports = {feature: latest_report(vigil, keys, feature) for feature in filled.drift.features}
    assert reports[filled.drift.drifted]["drifted"] and not any(r["drifted"] for f, r in reports.items() if f != filled.drift.drifted)
    assert stat("Features monitored") == len(filled.drift.features)
    assert stat("Features drifted now") == 1
    assert math.isclose(stat("Latest max PSI"), max(r["psi_max"] for r in reports.values()))
    assert math.isclose(stat("Latest mean PSI"), max(r["psi_mean"] for r in reports.values()))
    # In the last 15 minutes: each feature's current window, three scalar samples per LLM call
    # (input and output tokens, latency) and one per scored evaluation.
    scored = sum(1 for e in filled.evaluations if not isinstance(e["value"], str))
    assert stat("Samples") == len(filled.drift.features) * DRIFT_WINDOW + 3 * filled.llm_calls + scored

    result = run_panel(dashboard, drift_panel(dashboard, "Latest report per feature"), database)
    table = {row[result.columns.index("feature")]: dict(zip(result.columns, row)) for row in result.rows}
    assert set(table) == set(filled.drift.features)
    for feature, row in table.items():
        report = reports[feature]
        assert row["project"] == "dashboards"
        assert row["drifted"] == ("yes" if report["drifted"] else "no")
        assert math.isclose(float(row["mean PSI"]), report["psi_mean"]) and math.isclose(float(row["max PSI"]), report["psi_max"])
        for column, key in (("components over threshold", "share_over_threshold"), ("noise floor", "noise_floor"), ("p-value", "p_value"), ("threshold", "threshold")):
            assert math.isclose(float(row[column]), report["report"][key]), (feature, column)
        assert (int(row["reference samples"]), int(row["current samples"]), int(row["dimension"])) == (DRIFT_WINDOW, DRIFT_WINDOW, DRIFT_DIMENSION)

    result = run_panel(dashboard, drift_panel(dashboard, "Pinned baselines"), database)
    baselines = {row[result.columns.index("feature")]: dict(zip(result.columns, row)) for row in result.rows}
    assert set(baselines) == set(filled.drift.features)
    assert baselines[filled.drift.drifted]["reference"] == "fixed window"
    others = [f for f in filled.drift.features if f != filled.drift.drifted]
    assert all(baselines[f]["reference"] == "trailing window" and int(baselines[f]["trailing window"]) == filled.drift.trailing_seconds for f in others)
    assert all(int(row["reports in range"]) >= 1 for row in baselines.values())


def test_expander_matches_grafana():
    """The expander against expansions Grafana documents or produces."""
    time_range = TimeRange(1492750877000, 1492751177000)  # 2017-04-21T05:01:17Z .. 05:06:17Z
    variables = {
        "service": Variable("service", True, True, "'__all'", ["a", "b'c"], current=["a", "b'c"]),
        "model": Variable("model", True, True, "'__all'", ["m"], current=ALL),
        "project": Variable("project", True, True, "SELECT project_id FROM projects", ["1", "2"], current=ALL),
        "team": Variable("team", True, True, None, ["1", "2"], current=ALL),
        "single": Variable("single", False, False, None, ["x"], current="x"),
    }
    grafana = Grafana(time_range, variables)
    assert grafana.expand("$__timeFilter(t)") == "t BETWEEN '2017-04-21T05:01:17Z' AND '2017-04-21T05:06:17Z'"
    assert grafana.expand("$__timeFrom() $__timeTo()") == "'2017-04-21T05:01:17Z' '2017-04-21T05:06:17Z'"
    assert grafana.expand("$__timeGroupAlias(t, '5m')") == 'floor(extract(epoch from t)/300)*300 AS "time"'
    assert grafana.expand("$__timeGroup(t, 5m, 0)") == "floor(extract(epoch from t)/300)*300"
    assert grafana.expand("SELECT $__timeGroup(t,1h), v") == 'SELECT floor(extract(epoch from t)/3600)*3600 AS "time", v'
    assert grafana.expand("$__timeGroup(t, $__interval)", {"interval": "1m"}) == "floor(extract(epoch from t)/60)*60"
    assert grafana.expand("$__unixEpochFilter(u)") == "u >= 1492750877 AND u <= 1492751177"
    assert grafana.expand("IN ($service)") == "IN ('a','b''c')"
    assert grafana.expand("IN (${service:csv})") == "IN (a,b'c)"
    assert grafana.expand("IN ($model) IN (${model:csv})") == "IN ('__all') IN ('__all')"
    assert grafana.expand("IN (${project:csv})") == "IN (SELECT project_id FROM projects)"
    assert grafana.expand("IN ($team) IN (${team:csv})") == "IN ('1','2') IN (1,2)"
    assert grafana.expand("= $single") == "= x"
    assert go_float(60) == "60" and go_float(0.5) == "0.5" and go_float(604800) == "604800" and go_float(2592000) == "2.592e+06"
    assert round_interval(900) == 1000 and round_interval(604800) == 600000
    assert seconds_to_hms(600000) == "10m" and seconds_to_hms(86400000) == "1d"
    with pytest.raises(AssertionError, match="unknown macro"):
        grafana.expand("$__timeFliter(t)")
