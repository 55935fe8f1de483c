"""Normalization: batch_norm (and its rank-specific aliases), local_response_normalization, softmax,
log_softmax, moments (with gradients: FusedBatchNorm, LRN, Softmax, LogSoftmax)."""
from __future__ import annotations

from typing import Any, Sequence

from ..core.registry import gradient
from ..core.tensor import Tensor
from ..errors import InvalidArgumentError, ShapeError
from ._base import convert, normalize_axes, normalize_axis, run, size_of

__all__ = ["batch_norm", "batch_norm2d", "batch_norm3d", "batch_norm4d", "local_response_normalization",
           "softmax", "log_softmax", "moments"]


# ---- batch_norm -----------------------------------------------------------------------------------

def _as_4d_shape(shape: tuple[int, ...]) -> tuple[int, ...]:
    """TF.js's xAs4D: ranks 0-3 are padded (or flattened, for rank 0/1) to [1, ..., d]."""
    r = len(shape)
    if r <= 1:
        return (1, 1, 1, size_of(shape))
    if r == 2:
        return (1, 1) + tuple(shape)
    if r == 3:
        return (1,) + tuple(shape)
    return tuple(shape)


def _batch_norm(op: str, x: Any, mean: Any, variance: Any, offset: Any = None, scale: Any = None,
                variance_epsilon: float = 0.001, rank: int | None = None) -> Tensor:
    from .transformation import reshape
    tx = convert(x, "x", op)
    tm = convert(mean, "mean", op)
    tv = convert(variance, "variance", op)
    to = convert(offset, "offset", op) if offset is not None else None
    ts = convert(scale, "scale", op) if scale is not None else None
    if variance_epsilon is None:
        variance_epsilon = 0.001
    if rank is not None:
        if tx.rank != rank:
            raise ShapeError(f"{op}: x must be of rank {rank}, got rank {tx.rank} (shape {list(tx.shape)})")
        for name, t in (("mean", tm), ("variance", tv), ("offset", to), ("scale", ts)):
            if t is not None and t.rank not in (rank, 1):
                raise ShapeError(f"{op}: {name} must be of rank {rank} or 1, got rank {t.rank} "
                                 f"(shape {list(t.shape)})")
    if tm.rank != tv.rank:
        raise ShapeError(f"{op}: mean and variance must have equal ranks, got mean rank {tm.rank} "
                         f"and variance rank {tv.rank}")
    for name, t in (("offset", to), ("scale", ts)):
        if t is not None and t.rank != tm.rank:
            raise ShapeError(f"{op}: mean and {name} must have equal ranks, got mean rank {tm.rank} "
                             f"and {name} rank {t.rank}")
    shape4 = _as_4d_shape(tx.shape)
    for name, t in (("mean", tm), ("variance", tv), ("offset", to), ("scale", ts)):
        if t is None:
            continue
        if t.rank > 4 or any(p not in (1, d) for p, d in zip(t.shape[::-1], shape4[::-1])):
            raise ShapeError(f"{op}: {name} of shape {list(t.shape)} does not broadcast against x of shape "
                             f"{list(tx.shape)}")
    x4 = reshape(tx, shape4)
    inputs = [x4, tm, tv]
    if to is not None:
        inputs.append(to)
    if ts is not None:
        inputs.append(ts)
    res = run("FusedBatchNorm", tuple(inputs), {"variance_epsilon": float(variance_epsilon),
                                                "has_offset": to is not None, "has_scale": ts is not None})
    return reshape(res, tx.shape)


def batch_norm(x: Any, mean: Any, variance: Any, offset: Any = None, scale: Any = None,
               variance_epsilon: float = 0.001) -> Tensor:
    """(x - mean) * scale / sqrt(variance + variance_epsilon) + offset.

    mean, variance, offset and scale have one rank between them: rank 1 (per channel, the last axis of
    x) or x's rank; they broadcast against x.
    """
    return _batch_norm("batch_norm", x, mean, variance, offset, scale, variance_epsilon)


def batch_norm2d(x: Any, mean: Any, variance: Any, offset: Any = None, scale: Any = None,
                 variance_epsilon: float = 0.001) -> Tensor:
    return _batch_norm("batch_norm2d", x, mean, variance, offset, scale, variance_epsilon, rank=2)


def batch_norm3d(x: Any, mean: Any, variance: Any, offset: Any = None, scale: Any = None,
                 variance_epsilon: float = 0.001) -> Tensor:
    return _batch_norm("batch_norm3d", x, mean, variance, offset, scale, variance_epsilon, rank=3)


def batch_norm4d(x: Any, mean: Any, variance: Any, offset: Any = None, scale: Any = None,
                 variance_epsilon: float = 0.001) -> Tensor:
    return _batch_norm("batch_norm4d", x, mean, variance, offset, scale, variance_epsilon, rank=4)


@gradient("FusedBatchNorm")
def _fused_batch_norm_grad(dy, inputs, outputs, attrs):
    from .arithmetic import add, mul, pow, sub, unbroadcast
    from .basic_math import neg
    x, mean, variance = inputs[:3]
    rest = list(inputs[3:])
    offset = rest.pop(0) if attrs["has_offset"] else None
    scale = rest.pop(0) if attrs["has_scale"] else None
    inv_std = pow(add(variance, attrs["variance_epsilon"]), -0.5)
    x_minus_mean = sub(x, mean)
    dy_scaled = mul(dy, scale) if scale is not None else dy
    dx = unbroadcast(mul(dy_scaled, inv_std), x.shape)
    dmean = unbroadcast(neg(mul(dy_scaled, inv_std)), mean.shape)
    minus_half_r_cube = mul(pow(inv_std, 3.0), -0.5)
    dvar = unbroadcast(mul(mul(minus_half_r_cube, x_minus_mean), dy_scaled), variance.shape)
    grads = [dx, dmean, dvar]
    if offset is not None:
        grads.append(unbroadcast(dy, offset.shape))
    if scale is not None:
        grads.append(unbroadcast(mul(dy, mul(x_minus_mean, inv_std)), scale.shape))
    return tuple(grads)


# ---- local response normalization ------------------------------------------------------------------

def local_response_normalization(x: Any, depth_radius: int = 5, bias: float = 1, alpha: float = 1,
                                 beta: float = 0.5) -> Tensor:
    """x / (bias + alpha * sum(x[c - r .. c + r] ** 2)) ** beta over the last (channel) axis, for a
    rank-3 or rank-4 x. As in TF.js, an int32 x gives int32 results (truncated)."""
    from .transformation import reshape
    op = "local_response_normalization"
    t = convert(x, "x", op)
    if t.rank not in (3, 4):
        raise ShapeError(f"{op}: x must be of rank 3 or 4, got rank {t.rank} (shape {list(t.shape)})")
    if isinstance(depth_radius, bool) or int(depth_radius) != depth_radius:
        raise InvalidArgumentError(f"{op}: depth_radius must be an integer, got {depth_radius!r}")
    x4 = reshape(t, (1,) + t.shape) if t.rank == 3 else t
    res = run("LRN", (x4,), {"depth_radius": int(depth_radius), "bias": float(bias), "alpha": float(alpha),
                             "beta": float(beta)})
    return reshape(res, t.shape) if t.rank == 3 else res


@gradient("LRN")
def _lrn_grad(dy, inputs, outputs, attrs):
    return (run("LRNGrad", (inputs[0], outputs[0], dy), attrs),)


# ---- softmax ------------------------------------------------------------------------------------

def _last_axis(t: Tensor, axis: int, op: str, arg: str) -> int:
    if t.rank == 0:
        raise ShapeError(f"{op}: logits must be of rank 1 or more, got a scalar")
    a = normalize_axis(axis, t.rank, op, arg)
    if a != t.rank - 1:
        raise InvalidArgumentError(f"{op}: only the last dimension is supported (as in TF.js): logits has "
                                   f"rank {t.rank} and {arg} was {axis}")
    return a


def softmax(logits: Any, dim: int = -1) -> Tensor:
    """exp(logits) / sum(exp(logits)) along the last axis (TF.js supports no other)."""
    t = convert(logits, "logits", "softmax", "float32")
    d = _last_axis(t, dim, "softmax", "dim")
    return run("Softmax", (t,), {"dim": d})


def log_softmax(logits: Any, axis: int = -1) -> Tensor:
    """logits - log(sum(exp(logits))) along the last axis, computed stably."""
    from .transformation import cast
    t = convert(logits, "logits", "log_softmax")
    a = _last_axis(t, axis, "log_softmax", "axis")
    if t.dtype != "float32":
        t = cast(t, "float32")
    return run("LogSoftmax", (t,), {"axis": a})


@gradient("Softmax")
def _softmax_grad(dy, inputs, outputs, attrs):
    from .arithmetic import mul, sub
    from .reduction import sum as _sum
    y = outputs[0]
    dy_y = mul(dy, y)
    return (sub(dy_y, mul(_sum(dy_y, [attrs["dim"]], True), y)),)


@gradient("LogSoftmax")
def _log_softmax_grad(dy, inputs, outputs, attrs):
    from .arithmetic import mul, sub
    from .reduction import sum as _sum
    axis = attrs["axis"]
    # exp(log_softmax(x)) is softmax(x); computing it from the input keeps second derivatives available
    probs = run("Softmax", (inputs[0],), {"dim": axis})
    return (sub(dy, mul(_sum(dy, [axis], True), probs)),)


# ---- moments ------------------------------------------------------------------------------------

def moments(x: Any, axis: int | Sequence[int] | None = None, keep_dims: bool = False
            ) -> tuple[Tensor, Tensor]:
    """(mean, variance) of x over `axis` (all axes by default), both float32."""
    from .arithmetic import div, mul, sub
    from .reduction import sum as _sum
    from .transformation import cast, reshape
    t = convert(x, "x", "moments")
    axes = normalize_axes(axis, t.rank, "moments")
    if t.dtype != "float32":
        t = cast(t, "float32")
    n = size_of(t.shape[a] for a in axes)
    kept = tuple(1 if i in axes else d for i, d in enumerate(t.shape))
    mean = div(_sum(t, axes, True), float(n))
    dev = sub(t, mean)
    variance = div(_sum(mul(dev, dev), axes, True), float(n))
    if not keep_dims:
        out_shape = tuple(d for i, d in enumerate(t.shape) if i not in axes)
        mean, variance = reshape(mean, out_shape), reshape(variance, out_shape)
    else:
        mean, variance = reshape(mean, kept), reshape(variance, kept)
    return mean, variance
