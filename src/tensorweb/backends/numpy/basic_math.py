"""NumPy kernels: basic math (TF.js's unary math ops, plus Atan2 and Prelu).

Most kernels are registered from tables instead of one function each:

- `_FLOAT_VALUED`: a float result. Float inputs compute in their own dtype (and honour `out=`). int32 and
  bool inputs keep their dtype, as in TF.js's cpu backend, which computes in JS doubles and stores the
  result in an Int32Array / Uint8Array: truncated toward zero, NaN and +-Infinity stored as 0, wrapped to
  32 (8) bits; a bool is true when that stored value is non-zero.
- `_INT_EXACT`: integer inputs compute exactly in their dtype (abs, neg, square, sign, relu, relu6, round).
- `_PREDICATES`: bool results (IsNan, IsInf, IsFinite).
"""
from __future__ import annotations

import math
from typing import Callable

import numpy as np

from ...core.dtypes import float_np
from ._base import channel_rows, kernel

# TF.js's constants (tfjs-core selu_util): scale and scale * alpha of SELU.
SELU_SCALE = 1.0507009873554804934193349852946
SELU_SCALEALPHA = 1.7580993408473768599402175208123
# Softplus switches to x or exp(x) where log(1 + exp(x)) equals them within float32 epsilon.
_SOFTPLUS_THRESHOLD = math.log(1.1920928955078125e-7) + 2.0


def store_as(r: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """A float result stored into `dtype` the way a JS typed array stores a double (see module doc)."""
    dtype = np.dtype(dtype)
    if dtype.kind in "fc":
        return r.astype(dtype, copy=False)
    r = np.array(r, dtype=np.float64)  # a private copy (float64 only inside this function)
    with np.errstate(invalid="ignore"):
        np.trunc(r, out=r)
        r[~np.isfinite(r)] = 0.0
    if dtype.kind == "b":
        return np.mod(r, 256.0) != 0
    np.mod(r, 2.0 ** 32, out=r)
    r[r >= 2.0 ** 31] -= 2.0 ** 32
    return r.astype(dtype)


def _into(r: np.ndarray, out: np.ndarray | None) -> np.ndarray:
    if out is None:
        return r
    np.copyto(out, r)
    return out


# ---- float-valued functions f(x, out=None) on float arrays ----------------------------------------

def _rsqrt(x, out=None):
    r = np.sqrt(x, out=out)
    return np.reciprocal(r, out=r)


def _sigmoid(x, out=None):
    r = np.negative(x, out=out)
    np.exp(r, out=r)
    r += 1
    return np.reciprocal(r, out=r)


def _elu(x, out=None):
    return _into(np.where(x >= 0, x, np.expm1(x)), out)


def _selu(x, out=None):
    r = np.expm1(x)
    r *= SELU_SCALEALPHA
    np.multiply(x, SELU_SCALE, out=r, where=x >= 0)
    return _into(r, out)


def _softplus(x, out=None):
    e = np.exp(x)
    r = np.log1p(e)
    r = np.where(x > -_SOFTPLUS_THRESHOLD, x, r)  # NaN falls through to log1p(exp(NaN)) = NaN
    r = np.where(x < _SOFTPLUS_THRESHOLD, e, r)
    return _into(r.astype(x.dtype, copy=False), out)


def erf_f64(x: np.ndarray) -> np.ndarray:
    """erf to about 1e-15 in float64, vectorized without SciPy.

    |x| < 2.5: the series erf(x) = 2/sqrt(pi) exp(-x^2) sum_n (2x^2)^n x / (1*3*...*(2n+1)) (all terms
    positive, no cancellation); |x| >= 2.5: erfc from its continued fraction, evaluated bottom-up.
    TF.js's cpu kernel uses Abramowitz-Stegun 7.1.26 (error up to 1.5e-7); this agrees with it to that.
    """
    x = np.asarray(x, dtype=np.float64)
    a = np.abs(x)
    r = np.empty_like(a)
    small = a < 2.5
    xs = a[small]
    x2 = xs * xs
    c = 2.0 * x2
    term = xs.copy()
    s = xs.copy()
    for n in range(1, 40):
        term *= c
        term /= 2 * n + 1
        s += term
    r[small] = (2.0 / math.sqrt(math.pi)) * np.exp(-x2) * s
    big = ~small  # includes NaN, restored below
    xl = a[big]
    with np.errstate(all="ignore"):
        f = xl.copy()
        for k in range(40, 0, -1):
            f = xl + (k / 2.0) / f
        r[big] = 1.0 - np.exp(-xl * xl) / (math.sqrt(math.pi) * f)
    r[np.isnan(a)] = np.nan
    return np.copysign(r, x)


def _erf(x, out=None):
    return _into(erf_f64(x).astype(x.dtype), out)


_FLOAT_VALUED: dict[str, Callable] = {
    "Acos": np.arccos, "Acosh": np.arccosh, "Asin": np.arcsin, "Asinh": np.arcsinh,
    "Atan": np.arctan, "Atanh": np.arctanh, "Ceil": np.ceil, "Cos": np.cos, "Cosh": np.cosh,
    "Expm1": np.expm1, "Floor": np.floor, "Log": np.log, "Log1p": np.log1p, "Reciprocal": np.reciprocal,
    "Rsqrt": _rsqrt, "Sigmoid": _sigmoid, "Sin": np.sin, "Sinh": np.sinh, "Sqrt": np.sqrt, "Tan": np.tan,
    "Tanh": np.tanh, "Elu": _elu, "Selu": _selu, "Softplus": _softplus, "Erf": _erf,
}


def _float_valued(fn: Callable) -> Callable:
    def k(x, out=None):
        with np.errstate(all="ignore"):
            if x.dtype.kind in "fc":
                return fn(x, out=out)
            # int32/bool: JS computes in doubles and stores into the input's typed array.
            return _into(store_as(fn(x.astype(np.float64)), x.dtype), out)
    k.__name__ = k.__qualname__ = getattr(fn, "__name__", "kernel").lstrip("_")
    return k


# ---- exact on integers --------------------------------------------------------------------------

def _sign(x, out=None):
    if x.dtype.kind != "f":
        return np.sign(x, out=out)
    nan = np.isnan(x)
    r = np.sign(x, out=out)
    r += 0  # -0 -> +0, as TF.js returns 0
    if nan.any():
        r[nan] = 0  # TF.js: NaN is neither < 0 nor > 0
    return r


def _relu(x, out=None):
    return np.maximum(x, 0, out=out)


def _relu6(x, out=None):
    return np.clip(x, 0, 6, out=out)  # one pass; NaN stays NaN


def _round(x, out=None):
    if x.dtype.kind != "f":
        return _into(x.copy(), out)
    return np.rint(x, out=out)  # round half to even, as TF.js's banker's rounding


_INT_EXACT: dict[str, Callable] = {
    "Abs": np.abs, "Neg": np.negative, "Square": np.square, "Sign": _sign, "Relu": _relu,
    "Relu6": _relu6, "Round": _round,
}


def _int_exact(fn: Callable) -> Callable:
    def k(x, out=None):
        with np.errstate(all="ignore"):
            if x.dtype.kind == "b":  # computed as 0/1 integers, stored back as bool
                return _into(store_as(fn(x.astype(np.int32)), x.dtype), out)
            return fn(x, out=out)
    k.__name__ = k.__qualname__ = getattr(fn, "__name__", "kernel").lstrip("_")
    return k


_PREDICATES: dict[str, Callable] = {"IsNan": np.isnan, "IsInf": np.isinf, "IsFinite": np.isfinite}


def _predicate(fn: Callable) -> Callable:
    def k(x, out=None):
        return fn(x, out=out)
    k.__name__ = k.__qualname__ = fn.__name__
    return k


for _name, _fn in _FLOAT_VALUED.items():
    kernel(_name)(_float_valued(_fn))
for _name, _fn in _INT_EXACT.items():
    kernel(_name)(_int_exact(_fn))
for _name, _fn in _PREDICATES.items():
    kernel(_name)(_predicate(_fn))


# ---- the rest -----------------------------------------------------------------------------------

def _as_float(x: np.ndarray) -> np.ndarray:
    return x if x.dtype.kind == "f" else x.astype(float_np())


@kernel("Exp")
def exp(x, out=None):
    """Always float32 (TF.js's cpu Exp), also for int32 and bool inputs."""
    with np.errstate(over="ignore"):
        return np.exp(_as_float(x), out=out)


@kernel("ComplexAbs")
def complex_abs(x, out=None):
    """|re + i im| as float32."""
    return np.abs(x, out=out)


@kernel("ClipByValue")
def clip_by_value(x, *, clip_value_min, clip_value_max, out=None):
    if x.dtype.kind == "f":
        return np.clip(x, clip_value_min, clip_value_max, out=out)
    r = np.clip(x.astype(np.float64), clip_value_min, clip_value_max)
    return _into(store_as(r, x.dtype), out)


@kernel("Step")
def step(x, *, alpha=0.0, out=None):
    """1 where x > 0, alpha elsewhere, NaN stays NaN; in x's dtype."""
    if x.dtype.kind == "f":  # (x > 0) as 0/1 then mapped to alpha/1: ~15x faster than np.where on scalars
        r = np.greater(x, 0).astype(x.dtype)
        if alpha:
            r *= x.dtype.type(1 - alpha)
            r += x.dtype.type(alpha)
        nan = np.isnan(x)
        if nan.any():
            np.copyto(r, x, where=nan)
        return _into(r, out)
    return _into(store_as(np.where(x > 0, 1.0, float(alpha)), x.dtype), out)


def _negative_part_scaled(x, alpha, out=None):
    """x where x >= 0, alpha * x where x < 0, as min(x, 0) * alpha + max(x, 0): plain element-wise passes
    (NumPy's masked and np.where forms are several times slower); exact for finite alpha. A per-channel
    alpha runs as long rows (channel_rows). `out` may be x itself (in-place planning)."""
    rows = channel_rows(x, alpha.reshape(-1)) if alpha.ndim and alpha.size == alpha.shape[-1] else None
    if rows is not None and (out is None or out.flags.c_contiguous):
        (xr, ar), shape = rows, x.shape
        out_r = None if out is None else out.reshape(xr.shape)
    else:
        xr, ar, shape, out_r = x, alpha, None, out
    with np.errstate(invalid="ignore"):   # 0 * -Infinity: NaN, silently, as TF.js's alpha * x
        neg = np.multiply(np.minimum(xr, 0), ar)
    if out_r is None:
        r = np.add(neg, np.maximum(xr, 0), out=neg)
        return r if shape is None else r.reshape(shape)
    np.maximum(xr, 0, out=out_r)
    np.add(out_r, neg, out=out_r)
    return out


@kernel("LeakyRelu")
def leaky_relu(x, *, alpha=0.2, out=None):
    """x where x >= 0, alpha * x where x < 0; float32 for every input dtype."""
    xf = _as_float(x)
    if 0 < alpha <= 1:  # then the larger of x and alpha * x is the answer: two passes
        r = np.multiply(xf, xf.dtype.type(alpha))
        return np.maximum(r, xf, out=r if out is None else out)
    return _negative_part_scaled(xf, np.asarray(alpha, dtype=xf.dtype), out)


@kernel("Prelu")
def prelu(x, alpha, out=None):
    """x where x >= 0, alpha * x where x < 0 (alpha broadcasts); float32."""
    return _negative_part_scaled(_as_float(x), _as_float(alpha), out)


@kernel("Atan2")
def atan2(a, b, out=None):
    with np.errstate(all="ignore"):
        if a.dtype.kind == "f":
            return np.arctan2(a, b, out=out)
        return _into(store_as(np.arctan2(a.astype(np.float64), b.astype(np.float64)), a.dtype), out)
