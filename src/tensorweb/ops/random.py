"""Random ops: random_uniform, random_uniform_int, random_normal, random_standard_normal, truncated_normal,
random_gamma, multinomial.

`seed`: the same seed gives the same numbers (a generator is seeded per call); None draws from a
process-wide generator. Seeds may be non-negative ints, other numbers or strings (hashed to an int).
int32 outputs round the drawn real numbers (halves up), as TF.js does.
"""
from __future__ import annotations

import hashlib
import numbers
from typing import Any

from ..core.tensor import Tensor
from ..errors import DtypeError, InvalidArgumentError, ShapeError
from ._base import convert, run

__all__ = ["random_uniform", "random_uniform_int", "random_normal", "random_standard_normal",
           "truncated_normal", "random_gamma", "multinomial"]


def _seed(seed: Any, op: str) -> int | None:
    if seed is None:
        return None
    if isinstance(seed, bool):
        raise InvalidArgumentError(f"{op}: seed must be a number or a string, got {seed!r}")
    if isinstance(seed, numbers.Integral) and seed >= 0:
        return int(seed)
    if isinstance(seed, (numbers.Real, str)):
        key = repr(float(seed)) if isinstance(seed, numbers.Real) else "s:" + seed
        return int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "little")
    raise InvalidArgumentError(f"{op}: seed must be a number or a string, got {seed!r}")


def _shape(shape: Any, op: str) -> tuple[int, ...]:
    if isinstance(shape, Tensor):
        shape = shape.tolist()
    if isinstance(shape, numbers.Integral) and not isinstance(shape, bool):
        shape = (shape,)
    try:
        dims = list(shape)
    except TypeError:
        raise InvalidArgumentError(f"{op}: shape must be a list of non-negative integers, got {shape!r}") from None
    for d in dims:
        if isinstance(d, bool) or not isinstance(d, numbers.Real) or int(d) != d or d < 0:
            raise InvalidArgumentError(f"{op}: shape must be a list of non-negative integers, got {dims!r}")
    return tuple(int(d) for d in dims)


def _number(v: Any, op: str, arg: str) -> float:
    if isinstance(v, bool) or not isinstance(v, numbers.Real):
        raise InvalidArgumentError(f"{op}: {arg} must be a number, got {v!r}")
    return float(v)


def _dtype(dtype: Any, op: str) -> str:
    dtype = "float32" if dtype is None else dtype
    if dtype not in ("float32", "int32"):
        raise DtypeError(f"{op}: dtype must be 'float32' or 'int32', got {dtype!r}")
    return dtype


def random_uniform(shape: Any, minval: float = 0, maxval: float = 1, dtype: str = "float32",
                   seed: Any = None) -> Tensor:
    """Values uniform in [minval, maxval) (float32), or those values rounded (int32)."""
    op = "random_uniform"
    dims = _shape(shape, op)
    lo, hi = _number(minval, op, "minval"), _number(maxval, op, "maxval")
    dtype = _dtype(dtype, op)
    if dtype == "int32" and hi - lo <= 1:
        raise InvalidArgumentError(f"{op}: for dtype int32, maxval - minval must be more than 1, got "
                                   f"minval={minval!r}, maxval={maxval!r}")
    return run("RandomUniform", (), {"shape": dims, "minval": lo, "maxval": hi, "dtype": dtype,
                                     "seed": _seed(seed, op)})


def random_uniform_int(shape: Any, minval: int, maxval: int, seed: Any = None) -> Tensor:
    """int32 values: uniform reals in [minval, maxval) rounded to the nearest integer (TF.js's
    randomUniformInt, so minval and maxval are reached, each half as often as the values between)."""
    return random_uniform(shape, minval, maxval, "int32", seed)


def random_normal(shape: Any, mean: float = 0, stddev: float = 1, dtype: str = "float32",
                  seed: Any = None) -> Tensor:
    """Values from N(mean, stddev^2) (int32: rounded)."""
    op = "random_normal"
    dims = _shape(shape, op)
    return run("RandomNormal", (), {"shape": dims, "mean": _number(mean, op, "mean"),
                                    "stddev": _number(stddev, op, "stddev"), "dtype": _dtype(dtype, op),
                                    "seed": _seed(seed, op)})


def random_standard_normal(shape: Any, dtype: str = "float32", seed: Any = None) -> Tensor:
    """Values from N(0, 1)."""
    op = "random_standard_normal"
    return run("RandomNormal", (), {"shape": _shape(shape, op), "mean": 0.0, "stddev": 1.0,
                                    "dtype": _dtype(dtype, op), "seed": _seed(seed, op)})


def truncated_normal(shape: Any, mean: float = 0, stddev: float = 1, dtype: str = "float32",
                     seed: Any = None) -> Tensor:
    """Values from N(mean, stddev^2), redrawn until within 2 standard deviations of the mean."""
    op = "truncated_normal"
    dims = _shape(shape, op)
    sd = _number(stddev, op, "stddev")
    if sd < 0:
        raise InvalidArgumentError(f"{op}: stddev must be non-negative, got {stddev!r}")
    return run("TruncatedNormal", (), {"shape": dims, "mean": _number(mean, op, "mean"), "stddev": sd,
                                       "dtype": _dtype(dtype, op), "seed": _seed(seed, op)})


def random_gamma(shape: Any, alpha: float, beta: float = 1, dtype: str = "float32", seed: Any = None) -> Tensor:
    """Values from Gamma(alpha, rate=beta): mean alpha / beta, variance alpha / beta^2 (int32: rounded)."""
    op = "random_gamma"
    dims = _shape(shape, op)
    a = _number(alpha, op, "alpha")
    b = 1.0 if beta is None else _number(beta, op, "beta")
    if not a > 0:
        raise InvalidArgumentError(f"{op}: alpha must be positive, got {alpha!r}")
    if not b > 0:
        raise InvalidArgumentError(f"{op}: beta must be positive, got {beta!r}")
    return run("RandomGamma", (), {"shape": dims, "alpha": a, "beta": b, "dtype": _dtype(dtype, op),
                                   "seed": _seed(seed, op)})


def multinomial(logits: Any, num_samples: int, seed: Any = None, normalized: bool = False) -> Tensor:
    """num_samples event indices (int32) drawn per row of logits ([events] or [batch, events]); with
    normalized=True the values are probabilities, otherwise unnormalized log-probabilities."""
    from .transformation import reshape
    op = "multinomial"
    t = convert(logits, "logits", op)
    if t.dtype in ("complex64", "string"):
        raise DtypeError(f"{op}: logits must be a real numeric tensor, got a {t.dtype} tensor")
    if t.rank not in (1, 2):
        raise ShapeError(f"{op}: logits must be of rank 1 or 2, got rank {t.rank} (shape {list(t.shape)})")
    if t.shape[-1] < 2:
        raise InvalidArgumentError(f"{op}: needs at least 2 outcomes, got {t.shape[-1]} (shape {list(t.shape)})")
    if isinstance(num_samples, bool) or not isinstance(num_samples, numbers.Integral) or num_samples < 0:
        raise InvalidArgumentError(f"{op}: num_samples must be a non-negative integer, got {num_samples!r}")
    if t.dtype != "float32":
        t = run("Cast", (t,), {"dtype": "float32"})
    t2 = t if t.rank == 2 else reshape(t, (1, t.shape[0]))
    res = run("Multinomial", (t2,), {"num_samples": int(num_samples), "seed": _seed(seed, op),
                                     "normalized": bool(normalized)})
    return res if t.rank == 2 else reshape(res, (res.shape[1],))
