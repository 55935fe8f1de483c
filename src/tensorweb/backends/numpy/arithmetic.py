"""NumPy kernels: arithmetic."""
from __future__ import annotations

import numpy as np

from ._base import kernel


@kernel("Add")
def add(a, b, out=None):
    return np.add(a, b, out=out)


@kernel("Sub")
def sub(a, b, out=None):
    return np.subtract(a, b, out=out)


@kernel("Multiply")
def multiply(a, b, out=None):
    return np.multiply(a, b, out=out)


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
        return np.mod(a, b)


@kernel("Pow")
def pow_(a, b):
    if a.dtype.kind in "iu" and (b < 0).any():
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            r = np.power(a.astype(np.float64), b)
        r[~np.isfinite(r)] = 0  # JS stores NaN/Infinity in an Int32Array as 0
        return np.trunc(r).astype(a.dtype)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return np.power(a, b)


@kernel("Maximum")
def maximum(a, b, out=None):
    return np.maximum(a, b, out=out)


@kernel("Minimum")
def minimum(a, b, out=None):
    return np.minimum(a, b, out=out)


@kernel("SquaredDifference")
def squared_difference(a, b):
    d = np.subtract(a, b)
    return np.multiply(d, d, out=d)


@kernel("AddN")
def add_n(*xs):
    out = np.add(xs[0], xs[1]) if len(xs) > 1 else xs[0].copy()
    for x in xs[2:]:
        np.add(out, x, out=out)
    return out

