"""NumPy kernels: normalization (FusedBatchNorm, LRN, LRNGrad, Softmax, LogSoftmax)."""
from __future__ import annotations

import numpy as np

from ...core.dtypes import float_np
from ._base import kernel


def _as_float(a: np.ndarray) -> np.ndarray:
    return a if a.dtype.kind in "fc" else a.astype(float_np())


def _like_input(res: np.ndarray, x: np.ndarray) -> np.ndarray:
    """TF.js writes these kernels' float results into storage of x's dtype: for int32 x, truncated
    toward zero (NaN and +-Infinity become 0)."""
    if x.dtype.kind in "fc":
        return res
    with np.errstate(invalid="ignore"):
        return np.where(np.isfinite(res), np.trunc(res), 0).astype(x.dtype)


def _row_view(x: np.ndarray, params: list) -> tuple | None:
    """For a C-contiguous x [..., W, C] and per-channel params (shape (C,) or (1,)), x as [rows, W * C]
    with each param tiled W times: NumPy then broadcasts along W * C-long rows instead of C-long ones.
    None when that does not apply."""
    if x.ndim < 2 or not x.flags.c_contiguous or x.size == 0:
        return None
    c = x.shape[-1]
    if not all(p.ndim <= 1 and p.size in (1, c) for p in params):
        return None
    w = x.shape[-2]
    if w < 2 or c * w > (1 << 16):
        return None
    return (x.reshape(-1, w * c), [np.tile(np.broadcast_to(p.reshape(-1), (c,)), w) for p in params])


@kernel("FusedBatchNorm")
def fused_batch_norm(x, mean, variance, *rest, variance_epsilon=0.001, has_offset=False, has_scale=False,
                     out=None):
    rest = list(rest)
    offset = rest.pop(0) if has_offset else None
    scale = rest.pop(0) if has_scale else None
    xf = _as_float(x)
    ft = xf.dtype
    with np.errstate(divide="ignore", invalid="ignore"):
        inv = 1.0 / np.sqrt(variance.astype(ft, copy=False) + ft.type(variance_epsilon))
        if scale is not None:
            inv = inv * scale.astype(ft, copy=False)
        params = [mean.astype(ft, copy=False), inv] + ([offset.astype(ft, copy=False)] if offset is not None else [])
        shape = xf.shape
        rows = _row_view(xf, params)
        if rows is not None:  # per-channel params: broadcast along long rows (same arithmetic, long loops)
            xf, params = rows
        res = np.subtract(xf, params[0])
        np.multiply(res, params[1], out=res)
        if offset is not None:
            np.add(res, params[2], out=res)
        res = res.reshape(np.broadcast_shapes(shape, *(p.shape for p in params)) if rows is None else shape)
    res = _like_input(res, x)
    if out is not None:
        out[...] = res
        return out
    return res


def _channel_window_sum(sq: np.ndarray, radius: int) -> np.ndarray:
    """s[..., c] = sum(sq[..., max(0, c - r) : c + r + 1]) via a cumulative sum over the last axis."""
    c = sq.shape[-1]
    cs = np.zeros(sq.shape[:-1] + (c + 1,), dtype=sq.dtype)
    np.cumsum(sq, axis=-1, out=cs[..., 1:])
    idx = np.arange(c)
    hi = np.minimum(idx + radius, c - 1) + 1
    lo = np.maximum(idx - radius, 0)
    return cs[..., hi] - cs[..., lo]


def _channel_window_sum_exact(sq: np.ndarray, radius: int) -> np.ndarray:
    """The same sum by adding the (2r+1) shifted slices: no cancellation error, used for small radii."""
    c = sq.shape[-1]
    s = sq.copy()
    for k in range(1, min(radius, c - 1) + 1):
        s[..., k:] += sq[..., :-k]
        s[..., :-k] += sq[..., k:]
    return s


def _window_sum(sq: np.ndarray, radius: int) -> np.ndarray:
    if radius <= 16:
        return _channel_window_sum_exact(sq, radius)
    return _channel_window_sum(sq, radius)


@kernel("LRN")
def lrn(x, *, depth_radius, bias, alpha, beta):
    xf = _as_float(x)
    norm = _window_sum(xf * xf, max(int(depth_radius), 0))
    norm *= alpha
    norm += bias
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        res = xf * np.power(norm, -beta)
    return _like_input(res, x)


@kernel("LRNGrad")
def lrn_grad(x, y, dy, *, depth_radius, bias, alpha, beta):
    """dx[k] = sum over c with |c - k| <= r of dy[c] * (-2 alpha beta x[k] y[c] / norm[c])
    plus dy[k] * norm[k] ** -beta (TF.js's LRNGrad)."""
    r = max(int(depth_radius), 0)
    xf, yf, dyf = _as_float(x), _as_float(y), _as_float(dy)
    norm = _window_sum(xf * xf, r)
    norm *= alpha
    norm += bias
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        t = dyf * yf / norm
        dx = xf * _window_sum(t, r)
        dx *= -2.0 * alpha * beta
        dx += dyf * np.power(norm, -beta)
    return dx.astype(xf.dtype, copy=False)


@kernel("Softmax")
def softmax(logits, *, dim=-1, out=None):
    m = np.max(logits, axis=dim, keepdims=True) if logits.size else logits
    with np.errstate(invalid="ignore", over="ignore"):
        e = np.subtract(logits, m, out=out)
        np.exp(e, out=e)
        s = np.sum(e, axis=dim, keepdims=True)
        with np.errstate(divide="ignore"):
            np.divide(e, s, out=e)
    return e


@kernel("LogSoftmax")
def log_softmax(logits, *, axis=-1):
    m = np.max(logits, axis=axis, keepdims=True) if logits.size else logits
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        shifted = np.subtract(logits, m)
        lse = np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))
        np.subtract(shifted, lse, out=shifted)
    return shifted
