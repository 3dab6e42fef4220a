"""An independent numpy/scipy implementation of Vigil's drift specification (DESIGN.md, "Numbers
that must be right"; issue 4), returning the same JSON shape as Vigil's DriftReport.

Independent where it can be: the reference PCA is numpy's `eigh` of the covariance matrix, the
noise-floor PCAs are SVDs of the centred rows, edges are `np.quantile`, bins `np.searchsorted`, KL is
`scipy.special.rel_entr`, the Jensen-Shannon distance is `scipy.spatial.distance.jensenshannon`, the
cosine distance `scipy.spatial.distance.cosine`. Shared with Vigil by construction: the random draws
of the permutation test (SplitMix64, reservoir sampling, Fisher-Yates), spelled out below.
"""
import numpy as np
from scipy.spatial.distance import cosine as cosine_distance
from scipy.spatial.distance import jensenshannon
from scipy.special import rel_entr

DEFAULT_SEED = 0x5649_4749_4C21
LEVELS = np.arange(1, 10) / 10.0
FLOOR = 1e-4
MIN_SAMPLES = 100
MAX_COMPONENTS = 10
RELATIVE_VARIANCE_FLOOR = 1e-9
TIE_TOLERANCE = 1e-9
MASK = (1 << 64) - 1


class DriftInputError(ValueError):
    def __init__(self, code, message):
        super().__init__(f"{code}: {message}")
        self.code = code


class SplitMix64:
    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def below(self, bound):
        return (self.next() * bound) >> 64


def reservoir_indices(count, capacity, seed):
    """Algorithm R: row t kept if t < capacity, else it replaces slot below(t + 1) if that is < capacity."""
    rng = SplitMix64(seed)
    kept = list(range(min(count, capacity)))
    for t in range(capacity, count):
        j = rng.below(t + 1)
        if j < capacity:
            kept[j] = t
    return kept


def proportions(values, edges):
    counts = np.bincount(np.searchsorted(edges, values, side="right"), minlength=10)
    shares = np.maximum(counts / len(values), FLOOR)
    return shares / shares.sum()


def distances(p, q):
    psi = float(np.sum((q - p) * np.log(q / p)))
    kl = float(np.sum(rel_entr(q, p)))
    js = float(jensenshannon(p, q))
    return psi, kl, js


def signed(vectors):
    """Each row signed so that its entry of largest magnitude (first on a tie) is positive."""
    out = []
    for v in vectors:
        out.append(-v if v[np.argmax(np.abs(v))] < 0 else v)
    return np.array(out)


def keep(values):
    """Indices of the top min(10, len) values that are above 1e-9 of the largest."""
    order = np.argsort(values)[::-1][:MAX_COMPONENTS]
    if values[order[0]] <= 0:
        return None
    return [i for i in order if values[i] > RELATIVE_VARIANCE_FLOOR * values[order[0]]]


def pca_eigh(centred):
    scatter = centred.T @ centred
    values, vectors = np.linalg.eigh(scatter)
    chosen = keep(values)
    if chosen is None:
        return None
    trace = np.trace(scatter)
    return signed(vectors[:, chosen].T), values[chosen] / trace


def pca_svd(centred):
    _, singular, vt = np.linalg.svd(centred, full_matrices=False)
    values = singular ** 2
    chosen = keep(values)
    if chosen is None:
        return None
    return signed(vt[chosen]), values[chosen] / np.sum(centred * centred)


def mean_psi(reference, current, scalar):
    """The statistic of the permutation test: the method's mean PSI, PCA refitted on `reference`."""
    if scalar:
        edges = np.quantile(reference, LEVELS)
        return distances(proportions(reference, edges), proportions(current, edges))[0]
    mean = reference.mean(axis=0)
    fitted = pca_svd(reference - mean)
    if fitted is None:
        return 0.0
    loadings, _ = fitted
    ref_proj = (reference - mean) @ loadings.T
    cur_proj = (current - mean) @ loadings.T
    psis = []
    for c in range(loadings.shape[0]):
        edges = np.quantile(ref_proj[:, c], LEVELS)
        psis.append(distances(proportions(ref_proj[:, c], edges), proportions(cur_proj[:, c], edges))[0])
    return float(np.mean(psis))


def noise(reference, current, scalar, permutations, sample_limit, seed, statistic=mean_psi):
    """(noise floor, p-value): the permutation test Vigil's NoiseEstimate documents, draw for draw."""
    n, m = len(reference), len(current)
    ref_sample = reference[reservoir_indices(n, sample_limit, (seed + 1) & MASK)]
    cur_sample = current[reservoir_indices(m, sample_limit, (seed + 2) & MASK)]
    a, b = len(ref_sample), len(cur_sample)
    pool = np.concatenate([ref_sample, cur_sample]).astype(np.float64)
    observed = statistic(pool[:a], pool[a:], scalar)
    rng = SplitMix64((seed + 3) & MASK)
    order = list(range(a + b))
    values = []
    for _ in range(permutations):
        for i in range(a + b - 1, 0, -1):
            j = rng.below(i + 1)
            order[i], order[j] = order[j], order[i]
        idx = np.array(order)
        values.append(statistic(pool[idx[:a]], pool[idx[a:]], scalar))
    values = np.array(values)
    floor = values.mean() * (1 / n + 1 / m) / (1 / a + 1 / b)
    p_value = (1 + np.count_nonzero(values >= observed - TIE_TOLERANCE)) / (1 + permutations)
    return float(floor), float(p_value)


def check(window, data, scalar):
    if scalar:
        if data.ndim != 1:
            raise DriftInputError("dimension_mismatch", f"{window} scalars must be one-dimensional")
    else:
        if data.ndim != 2 or data.shape[1] == 0:
            raise DriftInputError("empty_vector", f"{window} vectors are empty")
    if not np.all(np.isfinite(data)):
        raise DriftInputError("non_finite_value", f"{window} has a non-finite value")
    if len(data) < MIN_SAMPLES:
        raise DriftInputError("too_few_samples", f"{window} window has {len(data)} samples")


def drift_report(reference, current, threshold=0.2, significance=0.01, permutations=200,
                 sample_limit=300, seed=DEFAULT_SEED):
    """The drift report of `current` against `reference`: 2-D arrays of embeddings (float32 is
    widened to float64) or 1-D arrays of a scalar feature."""
    reference = np.asarray(reference, dtype=np.float64)
    current = np.asarray(current, dtype=np.float64)
    scalar = reference.ndim == 1
    check("reference", reference, scalar)
    if not scalar and (current.ndim != 2 or current.shape[1] != reference.shape[1]):
        raise DriftInputError("dimension_mismatch", "current vectors have another dimension")
    check("current", current, scalar)

    if scalar:
        ref_proj, cur_proj = reference[:, None], current[:, None]
        ratios = np.array([1.0])
        mean_ref, mean_cur = np.array([reference.mean()]), np.array([current.mean()])
        dimension = 1
    else:
        mean_ref = reference.mean(axis=0)
        mean_cur = current.mean(axis=0)
        fitted = pca_eigh(reference - mean_ref)
        if fitted is None:
            raise DriftInputError("no_variance", "reference vectors are all the same point")
        loadings, ratios = fitted
        ref_proj = (reference - mean_ref) @ loadings.T
        cur_proj = (current - mean_ref) @ loadings.T
        dimension = reference.shape[1]

    components = []
    for c in range(ref_proj.shape[1]):
        edges = np.quantile(ref_proj[:, c], LEVELS)
        p = proportions(ref_proj[:, c], edges)
        q = proportions(cur_proj[:, c], edges)
        psi, kl, js = distances(p, q)
        components.append({
            "index": c, "explained_variance_ratio": float(ratios[c]), "edges": edges.tolist(),
            "reference_proportions": p.tolist(), "current_proportions": q.tolist(),
            "psi": psi, "kl": kl, "js_distance": js,
        })
    psis = np.array([c["psi"] for c in components])
    if np.linalg.norm(mean_ref) > 0 and np.linalg.norm(mean_cur) > 0:
        cos = float(cosine_distance(mean_cur, mean_ref))
    else:
        cos = None
    floor, p_value = noise(reference, current, scalar, permutations, sample_limit, seed)
    psi_mean = float(psis.mean())
    return {
        "reference_count": len(reference), "current_count": len(current), "dimension": dimension,
        "components": components,
        "psi_mean": psi_mean, "psi_max": float(psis.max()),
        "share_over_threshold": float(np.mean(psis > threshold)),
        "kl_mean": float(np.mean([c["kl"] for c in components])),
        "js_mean": float(np.mean([c["js_distance"] for c in components])),
        "centroid_euclidean": float(np.linalg.norm(mean_cur - mean_ref)),
        "centroid_cosine": cos,
        "noise_floor": floor, "p_value": p_value, "threshold": threshold,
        "drifted": bool(psi_mean > threshold and p_value < significance),
    }
