"""NumPy kernels: reductions, scans and bin counts."""
from __future__ import annotations

import numpy as np

from ...core.dtypes import float_np
from ...errors import InvalidArgumentError
from ._base import kernel


@kernel("Sum")
def sum_(x, *, axis, keep_dims):
    with np.errstate(invalid="ignore", over="ignore"):  # Inf + -Inf is NaN, silently, as in TF.js
        return np.sum(x, axis=axis, keepdims=keep_dims, dtype=x.dtype)


@kernel("Mean")
def mean(x, *, axis, keep_dims):
    # TF.js casts to float32 first (int32 and bool means are float32).
    dt = x.dtype if x.dtype.kind == "c" else np.dtype(float_np())
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.mean(x, axis=axis, keepdims=keep_dims, dtype=dt).astype(dt, copy=False)


@kernel("Prod")
def prod(x, *, axis, keep_dims):
    with np.errstate(over="ignore", invalid="ignore"):
        return np.prod(x, axis=axis, keepdims=keep_dims, dtype=x.dtype)


def _extreme(fn, x, axis, keep_dims, op):
    if x.size == 0 and any(x.shape[a] == 0 for a in axis):
        # TF.js reads the missing first element: NaN, stored as 0 in int32/bool
        shape = np.zeros(x.shape, dtype=bool).sum(axis=axis, keepdims=keep_dims).shape
        return np.full(shape, np.nan if x.dtype.kind in "fc" else 0, dtype=x.dtype)
    # np.max/np.min propagate NaN, as TF.js's cpu kernels do.
    return fn(x, axis=axis, keepdims=keep_dims)


@kernel("Max")
def max_(x, *, axis, keep_dims):
    return _extreme(np.max, x, axis, keep_dims, "max")


@kernel("Min")
def min_(x, *, axis, keep_dims):
    return _extreme(np.min, x, axis, keep_dims, "min")


@kernel("All")
def all_(x, *, axis, keep_dims):
    return np.all(x, axis=axis, keepdims=keep_dims)


@kernel("Any")
def any_(x, *, axis, keep_dims):
    return np.any(x, axis=axis, keepdims=keep_dims)


def _arg_extreme(x, axis, find_max, op):
    if x.shape[axis] == 0:
        return np.zeros(x.shape[:axis] + x.shape[axis + 1:], dtype=np.int32)  # TF.js: index 0
    # TF.js keeps the first strictly greater (smaller) value: NaN is never chosen unless it comes
    # first, and ties go to the first index.
    first = np.take(x, [0], axis=axis)
    if x.dtype.kind == "f" and np.isnan(x).any():
        fill = -np.inf if find_max else np.inf
        clean = np.where(np.isnan(x), fill, x)
        idx = np.argmax(clean, axis=axis) if find_max else np.argmin(clean, axis=axis)
        best = np.take_along_axis(clean, np.expand_dims(idx, axis), axis=axis)
        first_val = np.where(np.isnan(first), fill, first)
        # a value only replaces the first element when strictly better than it (NaN first stays)
        better = (best > first_val) if find_max else (best < first_val)
        keep_first = np.isnan(first) | ~better
        idx = np.where(np.squeeze(keep_first, axis=axis), 0, idx)
        return idx.astype(np.int32)
    idx = np.argmax(x, axis=axis) if find_max else np.argmin(x, axis=axis)
    return np.asarray(idx, dtype=np.int32)


@kernel("ArgMax")
def arg_max(x, *, axis):
    return _arg_extreme(x, axis, True, "arg_max")


@kernel("ArgMin")
def arg_min(x, *, axis):
    return _arg_extreme(x, axis, False, "arg_min")


def _scan(fn, identity, x, axis, exclusive, reverse):
    if reverse:
        x = np.flip(x, axis)
    with np.errstate(over="ignore", invalid="ignore"):
        out = fn(x, axis=axis, dtype=x.dtype)
    if exclusive:
        n = x.shape[axis]
        head = np.full_like(np.take(out, [0], axis=axis) if n else out, identity)
        out = np.concatenate([head, np.take(out, np.arange(n - 1), axis=axis)], axis=axis) if n else out
    if reverse:
        out = np.flip(out, axis)
    return np.ascontiguousarray(out)


@kernel("Cumsum")
def cumsum(x, *, axis, exclusive, reverse):
    return _scan(np.cumsum, 0, x, axis, exclusive, reverse)


@kernel("Cumprod")
def cumprod(x, *, axis, exclusive, reverse):
    return _scan(np.cumprod, 1, x, axis, exclusive, reverse)


def _check_bins(x, op):
    if x.size and x.min() < 0:
        raise InvalidArgumentError(f"{op}: x must be non-negative, got {int(x.min())}")


@kernel("Bincount")
def bincount(x, weights, *, size):
    _check_bins(x, "bincount")
    flat = x.reshape(-1)
    keep = flat < size
    idx = flat[keep]
    if weights.size:
        w = weights.reshape(-1)[keep]
        out = np.zeros(size, dtype=weights.dtype)
        np.add.at(out, idx, w)
        return out
    return np.bincount(idx, minlength=size)[:size].astype(weights.dtype)


@kernel("DenseBincount")
def dense_bincount(x, weights, *, size, binary_output):
    _check_bins(x, "dense_bincount")
    if x.ndim == 1:
        x2, w2 = x[None, :], (weights.reshape(1, -1) if weights.size else weights)
    else:
        x2, w2 = x, weights
    rows = x2.shape[0]
    keep = x2 < size
    row_ids = np.broadcast_to(np.arange(rows)[:, None], x2.shape)[keep]
    flat = row_ids * size + x2[keep]
    out = np.zeros(rows * size, dtype=weights.dtype)
    if binary_output:
        out[flat] = 1
    elif w2.size:
        np.add.at(out, flat, w2[keep])
    else:
        np.add.at(out, flat, 1)
    out = out.reshape(rows, size)
    return out[0] if x.ndim == 1 else out
