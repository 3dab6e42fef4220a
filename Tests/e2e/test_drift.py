"""Drift end to end: embeddings in through the API, reports out of it, checked number for number
against an independent numpy/scipy implementation of the same specification (drift_oracle.py),
for several dimensions and window sizes, for embeddings and for an integer scalar feature; the
detection behaviour the issue asks for; bad input; a pinned baseline, the scheduled report and
the alert metric that reads it."""

from __future__ import annotations

import base64
import math
import time
from datetime import datetime

import numpy as np
import pytest

from drift_oracle import drift_report
from vigil_e2e import new_trace_id, span, traces_body, wait_until

HOUR_MS = 3_600_000
TOLERANCE = 1e-6


@pytest.fixture(scope="module")
def drift_vigil(start_vigil):
    return start_vigil("drift", VIGIL_DRIFT_INTERVAL="3", VIGIL_DRIFT_WINDOW="3600", VIGIL_EVALUATION_INTERVAL="1")


@pytest.fixture(scope="module")
def keys(cli):
    return {"ingest": cli.create_key("drift", "ingest"), "read": cli.create_key("drift", "read")}


def post(vigil, key, path, body):
    return vigil.request("POST", path, key=key, json=body, timeout=120)


def send_vectors(vigil, key, feature, vectors: np.ndarray, time_ms: int, as_base64: bool):
    for start in range(0, len(vectors), 1000):
        chunk = vectors[start:start + 1000].astype("<f4")
        payload = [base64.b64encode(row.tobytes()).decode() for row in chunk] if as_base64 else chunk.tolist()
        response = post(vigil, key, "/api/v1/embeddings", {"feature": feature, "model": "test-embedder", "time": time_ms, "vectors": payload})
        assert response.status_code == 200, response.text
        assert response.json() == {"accepted": len(chunk), "feature": feature, "dimension": vectors.shape[1]}


def sample_count(database, feature: str) -> int:
    return int(database.scalar(f"SELECT count(*) FROM drift_samples WHERE feature = '{feature}'"))


def compute(vigil, key, feature, reference, current):
    response = post(vigil, key, "/api/v1/drift/compute", {
        "feature": feature, "reference": {"from": reference[0], "to": reference[1]}, "current": {"from": current[0], "to": current[1]},
    })
    assert response.status_code == 200, response.text
    return response.json()["report"]


def assert_matches_oracle(report: dict, oracle: dict):
    """Every number of Vigil's report within 1e-6 of the oracle's."""
    for key in ("reference_count", "current_count", "dimension", "drifted"):
        assert report[key] == oracle[key], key
    for key in ("psi_mean", "psi_max", "share_over_threshold", "kl_mean", "js_mean", "centroid_euclidean",
                "noise_floor", "p_value", "threshold"):
        assert math.isclose(report[key], oracle[key], rel_tol=0, abs_tol=TOLERANCE), (key, report[key], oracle[key])
    if oracle["centroid_cosine"] is None:
        assert report["centroid_cosine"] is None
    else:
        assert math.isclose(report["centroid_cosine"], oracle["centroid_cosine"], abs_tol=TOLERANCE)
    assert len(report["components"]) == len(oracle["components"])
    for mine, theirs in zip(report["components"], oracle["components"]):
        assert mine["index"] == theirs["index"]
        for key in ("explained_variance_ratio", "psi", "kl", "js_distance"):
            assert math.isclose(mine[key], theirs[key], abs_tol=TOLERANCE), (mine["index"], key, mine[key], theirs[key])
        for key in ("edges", "reference_proportions", "current_proportions"):
            assert np.allclose(mine[key], theirs[key], rtol=0, atol=TOLERANCE), (mine["index"], key)


def clustered(rng, count, dimension, centres, shift=0.0, weights=None):
    """Vectors around a few cluster centres (a steep spectrum, as real embeddings have); `weights`
    moves the mix of topics, `shift` moves the first coordinate."""
    labels = rng.choice(len(centres), size=count, p=weights)
    vectors = centres[labels] + 0.3 * rng.normal(size=(count, dimension))
    vectors[:, 0] += shift
    return vectors.astype(np.float32)


CASES = [  # dimension, reference size, current size, shift, base64
    (8, 150, 150, 0.0, False),
    (8, 600, 450, 1.0, False),
    (384, 2000, 2500, 0.0, True),
    (384, 300, 200, 1.5, True),
    (1536, 300, 300, 0.0, True),
]


def test_reports_match_the_numpy_oracle_for_several_dimensions_and_window_sizes(drift_vigil, keys, database):
    rng = np.random.default_rng(4)
    now = int(time.time() * 1000)
    features = []
    for index, (dimension, n_ref, n_cur, shift, as_base64) in enumerate(CASES):
        centres = 2.0 * rng.normal(size=(5, dimension))
        reference = clustered(rng, n_ref, dimension, centres)
        current = clustered(rng, n_cur, dimension, centres, shift)
        feature = f"prompts-{index}-{dimension}"
        send_vectors(drift_vigil, keys["ingest"], feature, reference, now - 3 * HOUR_MS, as_base64)
        send_vectors(drift_vigil, keys["ingest"], feature, current, now - HOUR_MS // 2, as_base64)
        features.append((feature, reference, current))
    for feature, reference, current in features:
        wait_until(lambda: sample_count(database, feature) == len(reference) + len(current), 60, f"the samples of {feature}")
        stored = database.scalar(f"SELECT octet_length(vector) FROM drift_samples WHERE feature = '{feature}' LIMIT 1")
        assert int(stored) == 4 * reference.shape[1], "vectors are stored as float32 bytes"
        report = compute(drift_vigil, keys["read"], feature, (now - 4 * HOUR_MS, now - 2 * HOUR_MS), (now - HOUR_MS, now))
        assert_matches_oracle(report, drift_report(reference.astype(np.float64), current.astype(np.float64)))


def test_an_integer_scalar_feature_matches_the_oracle_with_values_on_the_edges(drift_vigil, keys, database):
    """Evaluation scores 1-5: many values equal a decile edge, so the left-closed bins matter."""
    rng = np.random.default_rng(7)
    now = int(time.time() * 1000)
    reference = rng.choice([1, 2, 3, 4, 5], p=[0.1, 0.2, 0.4, 0.2, 0.1], size=400).astype(float)
    current = rng.choice([1, 2, 3, 4, 5], p=[0.05, 0.1, 0.3, 0.3, 0.25], size=300).astype(float)
    trace = new_trace_id()
    for values, at in ((reference, now - 3 * HOUR_MS), (current, now - HOUR_MS // 2)):
        for start in range(0, len(values), 500):
            batch = [{"trace_id": trace, "name": "helpfulness", "value": float(v), "time": at + i}
                     for i, v in enumerate(values[start:start + 500], start)]
            response = post(drift_vigil, keys["ingest"], "/api/v1/evaluations", {"evaluations": batch})
            assert response.status_code == 200, response.text
    wait_until(lambda: sample_count(database, "score:helpfulness") == len(reference) + len(current), 60, "the score samples")
    report = compute(drift_vigil, keys["read"], "score:helpfulness", (now - 4 * HOUR_MS, now - 2 * HOUR_MS), (now - HOUR_MS, now))
    assert report["dimension"] == 1
    assert_matches_oracle(report, drift_report(reference, current))


def test_detection_same_distribution_is_quiet_and_a_shift_is_flagged(drift_vigil, keys, database):
    rng = np.random.default_rng(11)
    now = int(time.time() * 1000)
    dimension = 64
    centres = 2.0 * rng.normal(size=(6, dimension))
    plans = {
        "same-large": (clustered(rng, 2000, dimension, centres), clustered(rng, 2000, dimension, centres)),
        # Topic drift: the current prompts come mostly from two of the six topics.
        "shift-large": (clustered(rng, 2000, dimension, centres),
                        clustered(rng, 2000, dimension, centres, weights=[0.05, 0.05, 0.05, 0.05, 0.4, 0.4])),
        "same-small": (clustered(rng, 150, dimension, centres), clustered(rng, 150, dimension, centres)),
    }
    for feature, (reference, current) in plans.items():
        send_vectors(drift_vigil, keys["ingest"], feature, reference, now - 3 * HOUR_MS, True)
        send_vectors(drift_vigil, keys["ingest"], feature, current, now - HOUR_MS // 2, True)
    reports = {}
    for feature, (reference, current) in plans.items():
        wait_until(lambda: sample_count(database, feature) == len(reference) + len(current), 60, f"the samples of {feature}")
        reports[feature] = compute(drift_vigil, keys["read"], feature, (now - 4 * HOUR_MS, now - 2 * HOUR_MS), (now - HOUR_MS, now))
    assert reports["same-large"]["psi_mean"] < 0.1 and not reports["same-large"]["drifted"]
    assert reports["shift-large"]["psi_mean"] > 0.2 and reports["shift-large"]["drifted"]
    assert not reports["same-small"]["drifted"], "the noise floor keeps small same-distribution windows quiet"
    assert reports["same-small"]["noise_floor"] > reports["same-large"]["noise_floor"]


def test_bad_input_is_refused_with_a_message_and_nothing_is_stored(drift_vigil, keys, database):
    key = keys["ingest"]
    nan = base64.b64encode(np.array([1.0, float("nan"), 2.0], dtype="<f4").tobytes()).decode()
    infinite = base64.b64encode(np.array([1.0, float("inf")], dtype="<f4").tobytes()).decode()
    cases = [
        ({"feature": "bad", "vectors": [nan]}, "component 1 is not a finite number"),
        ({"feature": "bad", "vectors": [infinite]}, "component 1 is not a finite number"),
        ({"feature": "bad", "vectors": [[]]}, "the vector is empty"),
        ({"feature": "bad", "vectors": [[1.0, 2.0], [1.0, 2.0, 3.0]]}, "has 3 components where the request's first vector has 2"),
        ({"feature": "bad", "vectors": ["not base64!"]}, "not base64"),
        ({"feature": "", "vectors": [[1.0]]}, "feature must be a non-empty string"),
        ({"vectors": [[1.0]]}, "feature must be a non-empty string"),
        ({"feature": "bad"}, "send 1 to 10000 vectors"),
    ]
    for body, message in cases:
        response = post(drift_vigil, key, "/api/v1/embeddings", body)
        assert response.status_code == 400, (body, response.text)
        assert message in response.json()["error"]["message"], (message, response.text)
    assert database.scalar("SELECT count(*) FROM events WHERE kind = 'embedding' AND body->>'feature' IN ('bad', '')") == "0"

    # A feature's dimension is fixed by its first vectors.
    assert post(drift_vigil, key, "/api/v1/embeddings", {"feature": "fixed", "vectors": [[1.0, 2.0, 3.0]]}).status_code == 200
    response = post(drift_vigil, key, "/api/v1/embeddings", {"feature": "fixed", "vectors": [[1.0, 2.0]]})
    assert response.status_code == 400 and "feature fixed has vectors of 3 dimensions; these have 2" in response.text

    # Too few samples is an error, not a number.
    now = int(time.time() * 1000)
    response = post(drift_vigil, keys["read"], "/api/v1/drift/compute", {
        "feature": "fixed", "reference": {"from": now - 10 * HOUR_MS, "to": now}, "current": {"from": now - HOUR_MS, "to": now + 1000},
    })
    assert response.status_code == 400 and "samples" in response.json()["error"]["message"], response.text
    response = post(drift_vigil, keys["read"], "/api/v1/drift/compute", {"feature": "fixed", "current": {"from": now - HOUR_MS, "to": now}})
    assert response.status_code == 400 and "reference" in response.text


def test_a_pinned_baseline_drives_the_scheduled_reports_and_the_alert_metric_agrees(drift_vigil, keys, database, cli):
    rng = np.random.default_rng(21)
    now = int(time.time() * 1000)
    dimension = 16
    centres = 2.0 * rng.normal(size=(4, dimension))
    reference = clustered(rng, 1000, dimension, centres)
    current = clustered(rng, 1000, dimension, centres, shift=2.5)
    send_vectors(drift_vigil, keys["ingest"], "pinned", reference, now - 30 * HOUR_MS, True)
    send_vectors(drift_vigil, keys["ingest"], "pinned", current, now - HOUR_MS // 4, True)
    wait_until(lambda: sample_count(database, "pinned") == 2000, 60, "the samples")

    response = post(drift_vigil, keys["read"], "/api/v1/drift/baselines", {"feature": "pinned", "from": now - 31 * HOUR_MS, "to": now - 29 * HOUR_MS})
    assert response.status_code == 200, response.text
    assert database.scalar("SELECT count(*) FROM events WHERE kind = 'drift_baseline_pinned'") != "0"

    def millis(text):
        return round(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000)

    def stored():
        body = drift_vigil.request("GET", "/api/v1/drift/reports?feature=pinned", key=keys["read"]).json()
        return [r for r in body["reports"] if millis(r["reference"]["from"]) == now - 31 * HOUR_MS]

    wait_until(lambda: stored(), 60, "a scheduled report against the pinned baseline")
    headline = stored()[0]
    full = drift_vigil.request("GET", f"/api/v1/drift/reports/{headline['id']}", key=keys["read"]).json()
    oracle = drift_report(reference.astype(np.float64), current.astype(np.float64))
    assert_matches_oracle(full["report"], oracle)
    assert full["drifted"] and full["report"]["drifted"]
    assert math.isclose(headline["psi_mean"], full["report"]["psi_mean"])
    assert drift_vigil.request("GET", "/api/v1/drift/reports/999999", key=keys["read"]).status_code == 404

    # The shipped rule InputDriftSignificant (drift_psi_max > 0.25 by feature, for 30m) reads the
    # same report: its alert is pending with the report's max PSI as its value.
    def pending():
        alerts = drift_vigil.request("GET", "/api/v1/alerts", key=keys["read"]).json()["alerts"]
        return [a for a in alerts if a["rule"] == "InputDriftSignificant" and a["labels"].get("feature") == "pinned"]

    wait_until(pending, 30, "the drift alert to be pending")
    alert = pending()[0]
    assert alert["state"] == "pending"
    latest = drift_vigil.request("GET", "/api/v1/drift/reports?feature=pinned", key=keys["read"]).json()["reports"][0]
    assert math.isclose(alert["value"], latest["psi_max"], abs_tol=TOLERANCE)


def test_openinference_embedding_spans_become_vector_samples_and_llm_spans_scalar_samples(drift_vigil, keys, database):
    """An embedding span's `embedding.embeddings.N.embedding.vector` attributes, in order, become
    float32 samples of feature `embedding:<model>`; an LLM span gives token, latency and prompt-length samples."""
    vectors = [[0.5, -1.25, 2.0], [1.0, 0.0, -0.75]]
    attrs = {"openinference.span.kind": "EMBEDDING", "embedding.model_name": "mini-embedder"}
    for n, vector in enumerate(vectors):
        attrs[f"embedding.embeddings.{n}.embedding.vector"] = vector
        attrs[f"embedding.embeddings.{n}.embedding.text"] = f"text {n}"
    llm = span("chat", attrs={"gen_ai.operation.name": "chat", "gen_ai.request.model": "gpt-4o", "gen_ai.usage.input_tokens": 120,
                              "gen_ai.usage.output_tokens": 30, "gen_ai.prompt": "What is drift?"}, duration_ns=250_000_000)
    response = drift_vigil.export("traces", traces_body([span("embed", attrs=attrs), llm], service="embedder"), key=keys["ingest"])
    assert response.status_code == 200, response.text
    wait_until(lambda: sample_count(database, "embedding:mini-embedder") == 2, 30, "the embedding samples")
    rows = database.rows("SELECT ordinal, encode(vector, 'base64') AS b64 FROM drift_samples WHERE feature = 'embedding:mini-embedder' ORDER BY ordinal")
    for row, vector in zip(rows, vectors):
        assert np.frombuffer(base64.b64decode(row["b64"]), dtype="<f4").tolist() == vector
    wait_until(lambda: sample_count(database, "prompt_chars") >= 1, 30, "the scalar samples")
    values: dict[str, list[float]] = {}
    for row in database.rows("SELECT feature, value FROM drift_samples WHERE feature IN ('input_tokens', 'output_tokens', 'latency_ms', 'prompt_chars') "
                             "AND occurred_at > now() - interval '10 minutes'"):
        values.setdefault(row["feature"], []).append(float(row["value"]))
    # The embedding span is a GenAI span too (operation embeddings): it adds its own latency.
    assert values["input_tokens"] == [120.0] and values["output_tokens"] == [30.0]
    assert 250.0 in values["latency_ms"]
    assert values["prompt_chars"] == [float(len("What is drift?"))]


def test_a_feature_can_pin_a_trailing_reference_window_of_its_own(drift_vigil, keys, database):
    response = post(drift_vigil, keys["read"], "/api/v1/drift/baselines", {"feature": "trailing-feature", "trailing": "2d"})
    assert response.status_code == 200, response.text
    assert response.json() == {"feature": "trailing-feature", "trailing_seconds": 172800}
    wait_until(lambda: database.scalar("SELECT trailing_seconds FROM drift_baselines WHERE feature = 'trailing-feature'") == "172800",
               30, "the trailing baseline")
    for bad in ("soon", "10s", -5):
        response = post(drift_vigil, keys["read"], "/api/v1/drift/baselines", {"feature": "trailing-feature", "trailing": bad})
        assert response.status_code == 400 and "trailing" in response.json()["error"]["message"], response.text
