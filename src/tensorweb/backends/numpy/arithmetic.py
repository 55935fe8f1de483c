"""NumPy kernels: arithmetic."""
from __future__ import annotations

import numpy as np

from ._base import channel_rows, kernel


def _elementwise(ufunc):
    def k(a, b, out=None):
        with np.errstate(invalid="ignore", over="ignore"):  # Inf - Inf, 0 * Inf: NaN silently, as in TF.js
            rows = channel_rows(a, b) if out is None else None
            if rows is not None:  # [..., C] with a per-channel [C]: long rows instead of C-long loops
                return ufunc(*rows).reshape(a.shape)
            return ufunc(a, b, out=out)
    k.__name__ = k.__qualname__ = ufunc.__name__
    return k


for _name, _ufunc in {"Add": np.add, "Sub": np.subtract, "Multiply": np.multiply}.items():
    kernel(_name)(_elementwise(_ufunc))


@kernel("RealDiv")
def real_div(a, b, out=None):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.divide(a, b, out=out)


@kernel("FloorDiv")
def floor_div(a, b):
    if a.dtype.kind in "iu":
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.floor_divide(a, b)  # x // 0 is 0, as TF.js's Int32Array stores Infinity
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.floor(np.divide(a, b))


@kernel("Mod")
def mod(a, b):
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.mod(a, b)
    if a.dtype.kind == "f":
        # TF.js's kernel adds b to the remainder when the signs differ: with an infinite b that is NaN
        # (mod(-5, Infinity) is NaN, where IEEE/NumPy give Infinity)
        js_nan = np.isinf(b) & ((a < 0) != (b < 0))
        if js_nan.any():
            r = np.where(js_nan, np.asarray(np.nan, r.dtype), r)
    return r


@kernel("Pow")
def pow_(a, b):
    if a.dtype.kind in "iu" and (b < 0).any():
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            r = np.power(a.astype(np.float64), b)
        r[~np.isfinite(r)] = 0  # JS stores NaN/Infinity in an Int32Array as 0
        return np.trunc(r).astype(a.dtype)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        r = np.power(a, b)
    if a.dtype.kind == "f":
        # JS's Math.pow (TF.js's kernel), unlike IEEE pow, gives NaN for 1 ** NaN and (+-1) ** (+-Infinity)
        js_nan = (np.abs(a) == 1) & (np.isnan(b) | np.isinf(b))
        if js_nan.any():
            r = np.where(js_nan, np.asarray(np.nan, r.dtype), r)
    return r


@kernel("Maximum")
def maximum(a, b, out=None):
    return np.maximum(a, b, out=out)


@kernel("Minimum")
def minimum(a, b, out=None):
    return np.minimum(a, b, out=out)


@kernel("SquaredDifference")
def squared_difference(a, b):
    with np.errstate(invalid="ignore", over="ignore"):
        d = np.subtract(a, b)
        return np.multiply(d, d, out=d)


@kernel("AddN")
def add_n(*xs):
    out = np.add(xs[0], xs[1]) if len(xs) > 1 else xs[0].copy()
    for x in xs[2:]:
        np.add(out, x, out=out)
    return out

