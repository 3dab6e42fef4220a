"""Hostile input on every operation of `/openapi.json`, with a key of every role.

Each operation's parameters and body fields get numbers at and past Int64's range, NaN and
infinities, negative numbers, 70,000-character strings, NUL (%00), invalid UTF-8 (%FF%FE), SQL
text, Grafana macro text, deeply nested JSON and path traversal: first each parameter and a sample
of each body's fields on its own (with a key the operation admits), then every value in every
parameter at once with each role's key. No answer may be a 5xx other than 503, and the server must
stay alive with /healthz answering 200 throughout. A few thousand requests in all.
"""

from __future__ import annotations

import json
import random
import urllib.parse

import pytest
import requests

ROLES = ("ingest", "read", "operate", "admin", "operator")
INT64_MAX = 2**63 - 1
LONG = "A" * 70_000
DEEP = "[" * 10_000

# Text for query and path parameters, already percent-encoded as it goes on the wire.
_q = lambda text: urllib.parse.quote(text, safe="")  # noqa: E731
PARAMETER_VALUES = [
    str(INT64_MAX), str(INT64_MAX + 1), str(-INT64_MAX - 1), str(-INT64_MAX - 2), "99999999999999999999999999", "-1", "0",
    "NaN", "Infinity", "-Infinity", "1e309", "0x10", _q(LONG), "%00", "a%00b", "%FF%FE", _q("' OR 1=1 --"),
    _q("$__timeFilter(x)"), _q("../../etc/passwd"), "..%2F..%2Fetc%2Fpasswd", _q(DEEP), "-9999-01-01T00:00:00Z",
    "10000-01-01T00:00:00Z", "1969-12-31T23:59:59Z", _q("now-9223372036854775807d"), "",
]
# The values for the sweep of every role over every operation (all parameters at once).
SWEEP_VALUES = [str(INT64_MAX + 1), "NaN", "%00", "%FF%FE", _q("' OR 1=1 --"), _q(LONG)]


class Raw:
    """JSON text put into a body as it is (NaN, 1e309, 10,000 open brackets)."""

    def __init__(self, text: str):
        self.text = text


BODY_VALUES = [
    INT64_MAX, INT64_MAX + 1, -INT64_MAX - 2, Raw("1e309"), Raw("-1e309"), Raw("NaN"), Raw("Infinity"), -1, 1e308,
    LONG, "\u0000", "a\u0000b", Raw('"\\ud800"'), "' OR 1=1 --", "$__timeFilter(x)", "../../etc/passwd", Raw(DEEP), Raw("[" * 500 + "]" * 500),
    {"$__timeFilter(x)": "' OR 1=1 --"}, [], None,
]
WHOLE_BODIES = [
    b"", b"null", b"[]", DEEP.encode(), b'{"a":' * 10_000, b"\xff\xfe{}", b'{"feature": "\xff\xfe"}', b"NaN", b"1e309",
    b'{"feature": "' + LONG.encode() + b'"}', b"\x00",
]
MAX_FIELDS_PER_BODY = 12


def _resolve(document, node):
    while isinstance(node, dict) and "$ref" in node:
        target = document
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def _skeleton(document, schema, depth=0):
    """A plausible value for `schema`: every property filled, first alternative of anyOf/oneOf."""
    schema = _resolve(document, schema) or {}
    if depth > 6:
        return None
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return _skeleton(document, schema[key][0], depth + 1)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    if "enum" in schema:
        return schema["enum"][0]
    if kind == "object" or "properties" in schema:
        return {name: _skeleton(document, sub, depth + 1) for name, sub in schema.get("properties", {}).items()}
    if kind == "array":
        return [_skeleton(document, schema.get("items", {}), depth + 1)]
    if kind == "integer":
        return max(schema.get("minimum", 1), 1)
    if kind == "number":
        return 1.5
    if kind == "boolean":
        return True
    if kind == "string":
        return "0123456789abcdef0123456789abcdef" if "pattern" in schema else "x"
    return {}


def _leaves(value, path=()):
    """The paths of every member and element in `value`, outermost first."""
    found = []
    if isinstance(value, dict):
        for name, member in value.items():
            found.append(path + (name,))
            found += _leaves(member, path + (name,))
    elif isinstance(value, list):
        for index, element in enumerate(value):
            found.append(path + (index,))
            found += _leaves(element, path + (index,))
    return found


def _replaced(value, path, new):
    if not path:
        return new
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[path[0]] = _replaced(copy[path[0]], path[1:], new)
    return copy


def _encode(value) -> bytes:
    """JSON text of `value`, with `Raw` parts put in as they are."""
    marks = {}

    def default(item):
        if isinstance(item, Raw):
            mark = f"@@raw{len(marks)}@@"
            marks[mark] = item.text
            return mark
        raise TypeError(item)

    text = json.dumps(value, default=default)
    for mark, raw in marks.items():
        text = text.replace(json.dumps(mark), raw)
    return text.encode("utf-8", "surrogatepass")


class Sender:
    """Sends raw requests and keeps the server under watch."""

    def __init__(self, vigil):
        self.vigil = vigil
        self.session = requests.Session()
        self.count = 0
        self.statuses: dict[int, int] = {}
        self.failures: dict[str, str] = {}

    def send(self, method: str, path: str, query: str, key: str | None, body: bytes | None = None, content_type: str | None = None):
        url = self.vigil.url + path + (f"?{query}" if query else "")
        headers = {}
        if key:
            headers["Authorization"] = f"Bearer {key}"
        if content_type:
            headers["Content-Type"] = content_type
        # A prepared request keeps the URL's escapes (%00, %FF) as written.
        prepared = requests.Request(method, url, headers=headers, data=body).prepare()
        prepared.url = url
        self.count += 1
        shown = f"{method} {url[:300]}{'…' if len(url) > 300 else ''} body={(body or b'')[:200]!r}{'…' if body and len(body) > 200 else ''}"
        try:
            response = self.session.send(prepared, timeout=30)
        except requests.RequestException:
            self.session = requests.Session()
            self._check_alive(shown)
            # A connection the server closes on an oversized request line is a refusal, not a failure.
            return None
        self.statuses[response.status_code] = self.statuses.get(response.status_code, 0) + 1
        if response.status_code >= 500 and response.status_code != 503:
            self.failures.setdefault(f"{method} {path}: {response.status_code}", f"{shown}\n  -> {response.status_code} {response.text[:300]}")
        if self.count % 100 == 0:
            self._check_alive(shown)
        return response

    def _check_alive(self, last: str):
        assert self.vigil.running, f"vigil died; the last request: {last}\n{self.vigil.logs()}"
        health = requests.get(self.vigil.url + "/healthz", timeout=10)
        assert health.status_code == 200, f"/healthz answered {health.status_code} after {last}"


@pytest.fixture(scope="module")
def keys(cli):
    found = {role: cli.create_key("hostile", role) for role in ROLES if role != "operator"}
    found["operator"] = cli.run("keys", "create", "--role", "operator", "--name", "hostile").stdout.strip()
    return found


def _operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield path, method.upper(), operation


def _path_with(path: str, operation, values: dict[str, str]) -> str:
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "path":
            path = path.replace("{" + parameter["name"] + "}", values.get(parameter["name"], "1"))
    return path


def test_hostile_values_never_get_a_500_nor_stop_the_server(vigil, keys):
    document = requests.get(vigil.url + "/openapi.json", timeout=10).json()
    sender = Sender(vigil)
    rng = random.Random(20261207)
    for path, method, operation in _operations(document):
        roles = operation.get("x-vigil-roles", [])
        allowed = keys[roles[0]] if roles else None
        parameters = [_resolve(document, p) for p in operation.get("parameters", [])]
        parameters = [p for p in parameters if p["in"] in ("query", "path")]
        body_schema = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
        skeleton = _skeleton(document, body_schema) if body_schema is not None else None
        base_body = _encode(skeleton) if body_schema is not None else None
        content_type = "application/json" if body_schema is not None or "requestBody" in operation else None

        # Each parameter on its own, with a key the operation admits.
        for parameter in parameters:
            for value in PARAMETER_VALUES:
                if parameter["in"] == "path":
                    if value == "":
                        continue
                    target, query = _path_with(path, operation, {parameter["name"]: value}), ""
                else:
                    target, query = _path_with(path, operation, {}), f"{parameter['name']}={value}"
                sender.send(method, target, query, allowed, base_body, content_type)
        # Path traversal as literal segments, not escaped.
        if any(p["in"] == "path" for p in parameters):
            sender.send(method, _path_with(path, operation, {p["name"]: "../../etc/passwd" for p in parameters}), "", allowed, base_body, content_type)

        # Body fields, a sample of them, and whole hostile bodies.
        if skeleton is not None:
            leaves = _leaves(skeleton)
            if len(leaves) > MAX_FIELDS_PER_BODY:
                leaves = leaves[:4] + rng.sample(leaves[4:], MAX_FIELDS_PER_BODY - 4)
            for leaf in leaves:
                for value in BODY_VALUES:
                    sender.send(method, _path_with(path, operation, {}), "", allowed, _encode(_replaced(skeleton, leaf, value)), content_type)
            for value in BODY_VALUES:
                sender.send(method, _path_with(path, operation, {}), "", allowed, _encode(value), content_type)
        if content_type:
            for body in WHOLE_BODIES:
                sender.send(method, _path_with(path, operation, {}), "", allowed, body, content_type)

        # Every role, with every parameter hostile at once.
        for role in ROLES:
            for value in SWEEP_VALUES:
                query = "&".join(f"{p['name']}={value}" for p in parameters if p["in"] == "query")
                target = _path_with(path, operation, {p["name"]: value for p in parameters if p["in"] == "path"})
                sender.send(method, target, query, keys[role], base_body, content_type)

    sender._check_alive("the last request")
    print(f"\nhostile input: {sender.count} requests; statuses {dict(sorted(sender.statuses.items()))}")
    problems = "\n\n".join(f"{title}\n  {example}" for title, example in sorted(sender.failures.items()))
    assert not sender.failures, f"{len(sender.failures)} kinds of 5xx other than 503:\n\n{problems}"
