"""Synthetic windows for the drift checks: embedding-like vectors (clusters in a random basis with a
decaying spectrum, float32) and scalar features (continuous, integer counts, a few-valued score)."""
import numpy as np


def embedding_space(rng, dimension, clusters=6):
    basis = np.linalg.qr(rng.normal(size=(dimension, dimension)))[0]
    spread = 1.0 / np.sqrt(np.arange(1, dimension + 1))  # a power-law spectrum, like real embeddings
    centres = rng.normal(size=(clusters, dimension)) * spread * 1.5
    offset = rng.normal(size=dimension) * 0.2  # a common direction, so centroids are not at the origin
    return basis, spread, centres, offset


def embeddings(rng, space, count, weights=None):
    """`count` float32 vectors: a cluster drawn by `weights` (uniform by default), plus noise."""
    basis, spread, centres, offset = space
    weights = np.full(len(centres), 1 / len(centres)) if weights is None else np.asarray(weights)
    labels = rng.choice(len(centres), size=count, p=weights / weights.sum())
    latent = centres[labels] + rng.normal(size=(count, len(spread))) * spread
    return (latent @ basis.T + offset).astype(np.float32)


def shifted_weights(clusters):
    """A topic shift: most of the mass moves to the first two clusters."""
    weights = np.full(clusters, 0.1 / (clusters - 2))
    weights[:2] = 0.45
    return weights


def scalars(rng, kind, count, shift=0.0):
    if kind == "latency":  # continuous, skewed
        return rng.lognormal(mean=6.0 + shift, sigma=0.5, size=count)
    if kind == "tokens":  # integers with many ties
        return rng.poisson(lam=40 * (1 + shift), size=count).astype(np.float64)
    if kind == "score":  # three values only: edges coincide with the values
        return rng.choice([0.0, 0.5, 1.0], size=count, p=[0.2 - shift / 2, 0.5, 0.3 + shift / 2])
    raise ValueError(kind)
