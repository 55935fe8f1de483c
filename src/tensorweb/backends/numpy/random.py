"""NumPy kernels: random (uniform, normal, truncated normal, gamma, multinomial).

A kernel with an integer `seed` draws from a fresh PCG64 generator seeded with it, so the same seed gives
the same numbers; seed=None draws from this module's generator (see `set_seed`). Values are drawn in
float64 and stored in the output dtype; int32 outputs round like TF.js (Math.round: halves up).
"""
from __future__ import annotations

import numpy as np

from ...core.dtypes import to_numpy
from ._base import kernel

_GLOBAL = {"rng": np.random.default_rng()}


def set_seed(seed: int | None) -> None:
    """Re-seeds the generator used by random kernels called without a seed."""
    _GLOBAL["rng"] = np.random.default_rng(seed)


def _rng(seed: int | None) -> np.random.Generator:
    return _GLOBAL["rng"] if seed is None else np.random.Generator(np.random.PCG64(seed))


def _store(values: np.ndarray, dtype: str) -> np.ndarray:
    if dtype == "int32":
        return np.floor(values + 0.5).astype(np.int32)
    return values.astype(to_numpy(dtype))


@kernel("RandomUniform")
def random_uniform(*, shape, minval=0.0, maxval=1.0, dtype="float32", seed=None):
    u = _rng(seed).random(shape)
    return _store(minval + (maxval - minval) * u, dtype)


@kernel("RandomNormal")
def random_normal(*, shape, mean=0.0, stddev=1.0, dtype="float32", seed=None):
    z = _rng(seed).standard_normal(shape)
    return _store(mean + stddev * z, dtype)


@kernel("TruncatedNormal")
def truncated_normal(*, shape, mean=0.0, stddev=1.0, dtype="float32", seed=None):
    """Normal values; any beyond 2 standard deviations from the mean are drawn again."""
    rng = _rng(seed)
    v = mean + stddev * rng.standard_normal(shape)
    lo, hi = mean - 2 * stddev, mean + 2 * stddev
    bad = np.flatnonzero(~((v >= lo) & (v <= hi)))
    flat = v.reshape(-1)
    while bad.size:
        flat[bad] = mean + stddev * rng.standard_normal(bad.size)
        bad = bad[~((flat[bad] >= lo) & (flat[bad] <= hi))]
    return _store(v, dtype)


@kernel("RandomGamma")
def random_gamma(*, shape, alpha, beta=1.0, dtype="float32", seed=None):
    """Gamma(alpha) with rate beta (scale 1 / beta)."""
    return _store(_rng(seed).gamma(alpha, 1.0 / beta, size=shape), dtype)


@kernel("Multinomial")
def multinomial(logits, *, num_samples, seed=None, normalized=False):
    """Samples event indices per row of logits [batch, events] (probabilities when normalized): a uniform r
    picks the first event whose cumulative probability exceeds r, else the last event."""
    p = logits.astype(np.float64)
    if not normalized:
        p = p - p.max(axis=1, keepdims=True)
        p = np.exp(p)
        p /= p.sum(axis=1, keepdims=True)
    p = p.astype(to_numpy("float32"))
    batch, events = p.shape
    cdf = np.cumsum(p[:, :-1], axis=1)                                 # the last event is implicit
    r = _rng(seed).random((batch, num_samples))
    out = np.empty((batch, num_samples), dtype=np.int32)
    for b in range(batch):                                             # one vectorized search per row
        out[b] = np.searchsorted(cdf[b], r[b], side="right")
    return out
