"""Weight initializers, Keras 3-compatible: `init(shape, dtype="float32") -> Tensor`.

Class names, defaults, config keys and formulas are Keras 3's (keras.initializers); TF.js's names for the
same classes (LeCunNormal, LeCunUniform) and its camelCase string identifiers (glorotUniform, heNormal, ...)
are read too. Seeds: an initializer given an integer seed returns the same values on every call; an
unseeded one draws fresh values on every call (from the process-wide generator).

`get(identifier)` takes None, a name ("glorot_uniform", "GlorotUniform", "glorotUniform"), a serialized
dict (Keras 3's {"module", "class_name", "config", "registered_name"} or TF.js's {"class_name", "config"}),
an Initializer class or instance, or any callable `f(shape, dtype)`.
"""
from __future__ import annotations

import math
import numbers
from typing import Any

from .. import ops as _ops
from ..core.engine import ENGINE
from ..core.tensor import Tensor
from ..errors import DtypeError, InvalidArgumentError, ShapeError
from . import serialization as _ser

__all__ = ["Initializer", "Zeros", "Ones", "Constant", "RandomUniform", "RandomNormal", "TruncatedNormal",
           "Identity", "IdentityInitializer", "VarianceScaling", "GlorotUniform", "GlorotNormal", "HeUniform",
           "HeNormal", "LecunUniform", "LecunNormal", "Orthogonal", "OrthogonalInitializer", "compute_fans",
           "get", "serialize", "deserialize",
           "zeros", "ones", "constant", "random_uniform", "random_normal", "truncated_normal", "identity",
           "variance_scaling", "glorot_uniform", "glorot_normal", "he_uniform", "he_normal", "lecun_uniform",
           "lecun_normal", "orthogonal"]

_MODULE = "keras.initializers"
# Keras' correction so that a normal truncated at 2 standard deviations has the requested stddev:
# the standard deviation of a standard normal truncated to (-2, 2).
_TRUNCATION_STDDEV = 0.87962566103423978


# --------------------------------------------------------------------------------------------- helpers
def _shape(shape: Any, who: str) -> tuple[int, ...]:
    if isinstance(shape, numbers.Integral) and not isinstance(shape, bool):
        shape = (shape,)
    try:
        dims = tuple(shape)
    except TypeError:
        raise ShapeError(f"{who}: shape must be a sequence of non-negative integers, got {shape!r}") from None
    for d in dims:
        if isinstance(d, bool) or not isinstance(d, numbers.Integral) or d < 0:
            raise ShapeError(f"{who}: shape must be a sequence of non-negative integers, got {shape!r}")
    return tuple(int(d) for d in dims)


def _float_dtype(dtype: Any, who: str) -> str:
    dtype = "float32" if dtype is None else dtype
    if dtype != "float32":
        raise DtypeError(f"{who}: random initializers make float32 tensors only, got dtype={dtype!r}")
    return dtype


def _check_seed(seed: Any, who: str) -> Any:
    if seed is None or (isinstance(seed, numbers.Integral) and not isinstance(seed, bool)):
        return None if seed is None else int(seed)
    raise InvalidArgumentError(f"{who}: seed must be an integer or None, got {seed!r}")


def compute_fans(shape: Any, input_axes: Any = None, output_axes: Any = None) -> tuple[int, int]:
    """(fan_in, fan_out) of a weight shape as Keras computes them: with input_axes and output_axes, the
    products of those dims; else rank 0 -> (1, 1); rank 1 -> (n, n); rank 2 (dense kernel, (in, out)) ->
    (in, out); rank >= 3 (conv kernel, (*spatial, in, out)) -> (in * receptive field, out * receptive
    field), the receptive field being the product of the spatial dims."""
    shape = _shape(shape, "compute_fans")
    if input_axes is not None and output_axes is not None:
        return math.prod(shape[a] for a in input_axes), math.prod(shape[a] for a in output_axes)
    if len(shape) < 1:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    receptive = math.prod(shape[:-2])
    return shape[-2] * receptive, shape[-1] * receptive


# --------------------------------------------------------------------------------------------- classes
class Initializer:
    """Base class: `__call__(shape, dtype="float32") -> Tensor`, `get_config()`, `from_config(config)`."""

    def __call__(self, shape: Any, dtype: str | None = "float32") -> Tensor:
        raise NotImplementedError(f"{type(self).__name__} must implement __call__(shape, dtype)")

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config: dict) -> "Initializer":
        return _ser.checked_from_config(cls, config, "initializer")

    def clone(self) -> "Initializer":
        return type(self).from_config(self.get_config())

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


@_ser.builtin(_MODULE)
class Zeros(Initializer):
    """All zeros (any dtype)."""

    def __call__(self, shape: Any, dtype: str | None = "float32") -> Tensor:
        return _ops.zeros(_shape(shape, "Zeros"), dtype or "float32")


@_ser.builtin(_MODULE)
class Ones(Initializer):
    """All ones (any dtype)."""

    def __call__(self, shape: Any, dtype: str | None = "float32") -> Tensor:
        return _ops.ones(_shape(shape, "Ones"), dtype or "float32")


@_ser.builtin(_MODULE)
class Constant(Initializer):
    """All elements equal to `value` (a number; an array broadcasting to the shape also works)."""

    def __init__(self, value: Any = 0.0):
        if isinstance(value, Tensor):
            value = value.tolist()
        elif hasattr(value, "tolist"):
            value = value.tolist()
        if isinstance(value, bool) or not isinstance(value, (numbers.Real, list)):
            raise InvalidArgumentError(f"Constant: value must be a number, got {value!r}")
        self.value = value

    def __call__(self, shape: Any, dtype: str | None = "float32") -> Tensor:
        dims = _shape(shape, "Constant")
        dtype = dtype or "float32"
        if isinstance(self.value, numbers.Real):
            return _ops.fill(dims, self.value, dtype)
        def make():
            v = _ops.tensor(self.value, dtype=dtype)
            try:
                return _ops.broadcast_to(v, dims)
            except Exception as e:  # noqa: BLE001 - reported with the initializer's name
                raise ShapeError(f"Constant: value of shape {v.shape} does not broadcast to shape {dims}") from e
        return ENGINE.tidy(make)

    def get_config(self) -> dict:
        return {"value": self.value}


@_ser.builtin(_MODULE)
class RandomUniform(Initializer):
    """Uniform in [minval, maxval)."""

    def __init__(self, minval: float = -0.05, maxval: float = 0.05, seed: int | None = None):
        self.minval, self.maxval = minval, maxval
        self.seed = _check_seed(seed, "RandomUniform")

    def __call__(self, shape: Any, dtype: str | None = "float32") -> Tensor:
        return _ops.random_uniform(_shape(shape, "RandomUniform"), self.minval, self.maxval,
                                   _float_dtype(dtype, "RandomUniform"), self.seed)

    def get_config(self) -> dict:
        return {"seed": self.seed, "minval": self.minval, "maxval": self.maxval}


@_ser.builtin(_MODULE)
class RandomNormal(Initializer):
    """Normal with the given mean and stddev."""

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: int | None = None):
        self.mean, self.stddev = mean, stddev
        self.seed = _check_seed(seed, "RandomNormal")

    def __call__(self, shape: Any, dtype: str | None = "float32") -> Tensor:
        return _ops.random_normal(_shape(shape, "RandomNormal"), self.mean, self.stddev,
                                  _float_dtype(dtype, "RandomNormal"), self.seed)

    def get_config(self) -> dict:
        return {"seed": self.seed, "mean": self.mean, "stddev": self.stddev}


@_ser.builtin(_MODULE)
class TruncatedNormal(Initializer):
    """Normal with the given mean and stddev, values beyond 2 stddev from the mean redrawn."""

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: int | None = None):
        self.mean, self.stddev = mean, stddev
        self.seed = _check_seed(seed, "TruncatedNormal")

    def __call__(self, shape: Any, dtype: str | None = "float32") -> Tensor:
        return _ops.truncated_normal(_shape(shape, "TruncatedNormal"), self.mean, self.stddev,
                                     _float_dtype(dtype, "TruncatedNormal"), self.seed)

    def get_config(self) -> dict:
        return {"seed": self.seed, "mean": self.mean, "stddev": self.stddev}


@_ser.builtin(_MODULE, "IdentityInitializer")
class Identity(Initializer):
    """gain * the identity matrix (rank-2 shapes only; non-square shapes get eye(rows, cols))."""

    def __init__(self, gain: float = 1.0):
        self.gain = gain

    def __call__(self, shape: Any, dtype: str | None = "float32") -> Tensor:
        dims = _shape(shape, "Identity")
        if len(dims) != 2:
            raise ShapeError(f"Identity: the identity initializer makes 2D matrices only, got shape {dims} "
                             f"of rank {len(dims)}")
        dtype = dtype or "float32"
        return ENGINE.tidy(lambda: _ops.mul(_ops.eye(dims[0], dims[1], dtype=dtype),
                                            _ops.scalar(self.gain, dtype)))

    def get_config(self) -> dict:
        return {"gain": self.gain}


IdentityInitializer = Identity

_MODES = {"fan_in": "fan_in", "fan_out": "fan_out", "fan_avg": "fan_avg",
          "fanIn": "fan_in", "fanOut": "fan_out", "fanAvg": "fan_avg"}
_DISTRIBUTIONS = {"uniform": "uniform", "truncated_normal": "truncated_normal",
                  "untruncated_normal": "untruncated_normal", "normal": "truncated_normal",
                  "truncatednormal": "truncated_normal", "untruncatednormal": "untruncated_normal"}


@_ser.builtin(_MODULE)
class VarianceScaling(Initializer):
    """Scale-aware random values: with n = fan_in, fan_out or (fan_in + fan_out) / 2 (mode), 'uniform' draws
    from [-limit, limit] with limit = sqrt(3 * scale / n); 'truncated_normal' (also 'normal') draws a normal
    truncated at 2 stddev whose stddev after truncation is sqrt(scale / n); 'untruncated_normal' a plain
    normal with that stddev."""

    def __init__(self, scale: float = 1.0, mode: str = "fan_in", distribution: str = "truncated_normal",
                 seed: int | None = None, input_axes: Any = None, output_axes: Any = None):
        who = type(self).__name__
        if isinstance(scale, bool) or not isinstance(scale, numbers.Real) or not scale > 0:
            raise InvalidArgumentError(f"{who}: scale must be a positive number, got {scale!r}")
        if mode not in _MODES:
            raise InvalidArgumentError(f"{who}: mode must be one of 'fan_in', 'fan_out', 'fan_avg', got {mode!r}")
        dist = distribution.lower() if isinstance(distribution, str) else distribution
        if dist not in _DISTRIBUTIONS:
            raise InvalidArgumentError(f"{who}: distribution must be one of 'uniform', 'truncated_normal', "
                                       f"'untruncated_normal' (or 'normal'), got {distribution!r}")
        self.scale = scale
        self.mode = _MODES[mode]
        self.distribution = _DISTRIBUTIONS[dist]
        self.seed = _check_seed(seed, who)
        self.input_axes, self.output_axes = input_axes, output_axes

    def __call__(self, shape: Any, dtype: str | None = "float32") -> Tensor:
        who = type(self).__name__
        dims = _shape(shape, who)
        dtype = _float_dtype(dtype, who)
        fan_in, fan_out = compute_fans(dims, self.input_axes, self.output_axes)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        scale = self.scale / max(1.0, n)
        if self.distribution == "truncated_normal":
            return _ops.truncated_normal(dims, 0.0, math.sqrt(scale) / _TRUNCATION_STDDEV, dtype, self.seed)
        if self.distribution == "untruncated_normal":
            return _ops.random_normal(dims, 0.0, math.sqrt(scale), dtype, self.seed)
        limit = math.sqrt(3.0 * scale)
        return _ops.random_uniform(dims, -limit, limit, dtype, self.seed)

    def get_config(self) -> dict:
        return {"seed": self.seed, "scale": self.scale, "mode": self.mode, "distribution": self.distribution,
                "input_axes": self.input_axes, "output_axes": self.output_axes}


class _FixedVarianceScaling(VarianceScaling):
    _args: tuple[float, str, str] = (1.0, "fan_in", "truncated_normal")

    def __init__(self, seed: int | None = None, input_axes: Any = None, output_axes: Any = None):
        scale, mode, distribution = self._args
        super().__init__(scale, mode, distribution, seed, input_axes, output_axes)

    def get_config(self) -> dict:
        return {"seed": self.seed, "input_axes": self.input_axes, "output_axes": self.output_axes}


@_ser.builtin(_MODULE)
class GlorotUniform(_FixedVarianceScaling):
    """Uniform in [-limit, limit], limit = sqrt(6 / (fan_in + fan_out)) (Xavier uniform)."""
    _args = (1.0, "fan_avg", "uniform")


@_ser.builtin(_MODULE)
class GlorotNormal(_FixedVarianceScaling):
    """Truncated normal with stddev sqrt(2 / (fan_in + fan_out)) (Xavier normal)."""
    _args = (1.0, "fan_avg", "truncated_normal")


@_ser.builtin(_MODULE)
class HeUniform(_FixedVarianceScaling):
    """Uniform in [-limit, limit], limit = sqrt(6 / fan_in)."""
    _args = (2.0, "fan_in", "uniform")


@_ser.builtin(_MODULE)
class HeNormal(_FixedVarianceScaling):
    """Truncated normal with stddev sqrt(2 / fan_in)."""
    _args = (2.0, "fan_in", "truncated_normal")


@_ser.builtin(_MODULE, "LeCunUniform")
class LecunUniform(_FixedVarianceScaling):
    """Uniform in [-limit, limit], limit = sqrt(3 / fan_in)."""
    _args = (1.0, "fan_in", "uniform")


@_ser.builtin(_MODULE, "LeCunNormal")
class LecunNormal(_FixedVarianceScaling):
    """Truncated normal with stddev sqrt(1 / fan_in)."""
    _args = (1.0, "fan_in", "truncated_normal")


@_ser.builtin(_MODULE, "OrthogonalInitializer")
class Orthogonal(Initializer):
    """gain * an orthogonal matrix from the QR decomposition of a normal random matrix (signs fixed by
    diag(R)). Shapes of rank > 2 are made as (prod(shape[:-1]), shape[-1]) and reshaped. Rows are orthonormal
    when there are fewer rows than columns, columns otherwise."""

    def __init__(self, gain: float = 1.0, seed: int | None = None):
        self.gain = gain
        self.seed = _check_seed(seed, "Orthogonal")

    def __call__(self, shape: Any, dtype: str | None = "float32") -> Tensor:
        dims = _shape(shape, "Orthogonal")
        dtype = _float_dtype(dtype, "Orthogonal")
        if len(dims) < 2:
            raise ShapeError(f"Orthogonal: the tensor to initialize must be at least 2D, got shape {dims} of "
                             f"rank {len(dims)}")
        rows, cols = math.prod(dims[:-1]), dims[-1]

        def make() -> Tensor:
            if rows == 0 or cols == 0:
                return _ops.zeros(dims, dtype)
            a = _ops.random_normal((max(rows, cols), min(rows, cols)), 0.0, 1.0, dtype, self.seed)
            q, r = _ops.linalg.qr(a)
            d = _ops.sum(_ops.mul(r, _ops.eye(min(rows, cols), dtype=dtype)), 0)
            signs = _ops.where(_ops.less(d, 0), _ops.fill(d.shape, -1.0, dtype), _ops.ones(d.shape, dtype))
            q = _ops.mul(q, signs)
            if rows < cols:
                q = _ops.transpose(q)
            return _ops.mul(_ops.reshape(q, dims), _ops.scalar(self.gain, dtype))
        return ENGINE.tidy(make)

    def get_config(self) -> dict:
        return {"seed": self.seed, "gain": self.gain}


OrthogonalInitializer = Orthogonal

# ----------------------------------------------------------------------------------- names and functions
# every string identifier get() accepts: class names, Keras' snake_case names and aliases, TF.js's camelCase
_IDENTIFIERS: dict[str, type] = dict(_ser.builtins_of("initializer"))
_IDENTIFIERS.update({
    "zeros": Zeros, "zero": Zeros, "ones": Ones, "one": Ones, "constant": Constant,
    "random_uniform": RandomUniform, "uniform": RandomUniform, "random_normal": RandomNormal,
    "normal": RandomNormal, "truncated_normal": TruncatedNormal, "identity": Identity,
    "identity_initializer": Identity, "variance_scaling": VarianceScaling, "glorot_uniform": GlorotUniform,
    "glorot_normal": GlorotNormal, "he_uniform": HeUniform, "he_normal": HeNormal,
    "lecun_uniform": LecunUniform, "lecun_normal": LecunNormal, "orthogonal": Orthogonal,
    "orthogonal_initializer": Orthogonal,
    # TF.js identifiers
    "randomUniform": RandomUniform, "randomNormal": RandomNormal, "truncatedNormal": TruncatedNormal,
    "varianceScaling": VarianceScaling, "glorotUniform": GlorotUniform, "glorotNormal": GlorotNormal,
    "heUniform": HeUniform, "heNormal": HeNormal, "leCunUniform": LecunUniform, "leCunNormal": LecunNormal,
})

zeros, ones, constant, identity, orthogonal = Zeros, Ones, Constant, Identity, Orthogonal
random_uniform, random_normal, truncated_normal = RandomUniform, RandomNormal, TruncatedNormal
variance_scaling, glorot_uniform, glorot_normal = VarianceScaling, GlorotUniform, GlorotNormal
he_uniform, he_normal, lecun_uniform, lecun_normal = HeUniform, HeNormal, LecunUniform, LecunNormal


def serialize(initializer: Any) -> Any:
    """Keras 3's form: {"module": "keras.initializers", "class_name", "config", "registered_name"}."""
    return _ser.serialize(initializer)


def deserialize(config: Any, custom_objects: dict | None = None) -> Initializer:
    """An initializer from a name or a serialized dict (Keras 3's or TF.js's form)."""
    return _ser.deserialize(config, "initializer", custom_objects, by_name=get)


def get(identifier: Any) -> Any:
    """An initializer from None (-> None), a name, a serialized dict, a class, an instance or a callable."""
    return _ser.get_object(identifier, "initializer", _IDENTIFIERS, Initializer, deserialize)
