"""Weight constraints, Keras 3-compatible: `constraint(w) -> Tensor`, a projection applied after each update.

With norms = sqrt(sum(w^2, axis, keepdims)) and epsilon = 1e-7 (Keras' backend.epsilon()):
MaxNorm(max_value=2, axis=0): w * clip(norms, 0, max_value) / (epsilon + norms);
UnitNorm(axis=0): w / (epsilon + norms); NonNeg: max(w, 0);
MinMaxNorm(min_value=0.0, max_value=1.0, rate=1.0, axis=0):
w * (rate * clip(norms, min_value, max_value) + (1 - rate) * norms) / (epsilon + norms).
`axis` is an int or a list of ints (e.g. [0, 1, 2] for a Conv2D kernel's filters).
`get(identifier)` takes None, a name ("max_norm", "MaxNorm", TF.js's "maxNorm"), a serialized dict in
Keras 3's or TF.js's form, a Constraint class or instance, or any callable `f(w) -> Tensor`.
"""
from __future__ import annotations

import numbers
from typing import Any

from .. import ops as _ops
from ..core.engine import ENGINE
from ..core.tensor import Tensor
from ..errors import InvalidArgumentError
from . import serialization as _ser

__all__ = ["Constraint", "MaxNorm", "UnitNorm", "NonNeg", "MinMaxNorm", "max_norm", "unit_norm", "non_neg",
           "min_max_norm", "EPSILON", "get", "serialize", "deserialize"]

_MODULE = "keras.constraints"
EPSILON = 1e-7


def _axis(axis: Any, who: str) -> Any:
    if isinstance(axis, numbers.Integral) and not isinstance(axis, bool):
        return int(axis)
    if isinstance(axis, (list, tuple)) and axis and all(
            isinstance(a, numbers.Integral) and not isinstance(a, bool) for a in axis):
        return [int(a) for a in axis]
    raise InvalidArgumentError(f"{who}: axis must be an integer or a non-empty list of integers, got {axis!r}")


def _number(v: Any, name: str, who: str) -> float:
    if isinstance(v, bool) or not isinstance(v, numbers.Real):
        raise InvalidArgumentError(f"{who}: {name} must be a number, got {v!r}")
    return v


def _weight(w: Any, who: str) -> Tensor:
    t = w if isinstance(w, Tensor) else _ops.tensor(w)
    if t.dtype != "float32":
        raise InvalidArgumentError(f"{who}: the weight must be a float32 tensor, got dtype {t.dtype}")
    return t


def _norms(w: Tensor, axis: Any) -> Tensor:
    return _ops.sqrt(_ops.sum(_ops.square(w), axis, True))


class Constraint:
    """Base class: `__call__(w) -> Tensor` (the identity here), `get_config()`, `from_config(config)`."""

    def __call__(self, w: Any) -> Tensor:
        return w

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config: dict) -> "Constraint":
        return _ser.checked_from_config(cls, config, "constraint")

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


@_ser.builtin(_MODULE)
class MaxNorm(Constraint):
    """Rescales each slice along `axis` whose L2 norm exceeds max_value down to max_value."""

    def __init__(self, max_value: float = 2, axis: Any = 0):
        self.max_value = _number(max_value, "max_value", "MaxNorm")
        self.axis = _axis(axis, "MaxNorm")

    def __call__(self, w: Any) -> Tensor:
        def compute() -> Tensor:
            t = _weight(w, "MaxNorm")
            norms = _norms(t, self.axis)
            desired = _ops.clip_by_value(norms, 0, self.max_value)
            return _ops.mul(t, _ops.div(desired, _ops.add(norms, EPSILON)))
        return ENGINE.tidy(compute)

    def get_config(self) -> dict:
        return {"max_value": self.max_value, "axis": self.axis}


@_ser.builtin(_MODULE)
class UnitNorm(Constraint):
    """Divides each slice along `axis` by its L2 norm (plus epsilon)."""

    def __init__(self, axis: Any = 0):
        self.axis = _axis(axis, "UnitNorm")

    def __call__(self, w: Any) -> Tensor:
        def compute() -> Tensor:
            t = _weight(w, "UnitNorm")
            return _ops.div(t, _ops.add(_norms(t, self.axis), EPSILON))
        return ENGINE.tidy(compute)

    def get_config(self) -> dict:
        return {"axis": self.axis}


@_ser.builtin(_MODULE)
class NonNeg(Constraint):
    """max(w, 0)."""

    def __call__(self, w: Any) -> Tensor:
        return ENGINE.tidy(lambda: _ops.maximum(_weight(w, "NonNeg"), 0.0))


@_ser.builtin(_MODULE)
class MinMaxNorm(Constraint):
    """Moves each slice's L2 norm along `axis` toward [min_value, max_value] by `rate` (1.0: exactly into it)."""

    def __init__(self, min_value: float = 0.0, max_value: float = 1.0, rate: float = 1.0, axis: Any = 0):
        self.min_value = _number(min_value, "min_value", "MinMaxNorm")
        self.max_value = _number(max_value, "max_value", "MinMaxNorm")
        if self.min_value > self.max_value:
            raise InvalidArgumentError(f"MinMaxNorm: min_value must not exceed max_value, got "
                                       f"min_value={min_value!r}, max_value={max_value!r}")
        self.rate = _number(rate, "rate", "MinMaxNorm")
        self.axis = _axis(axis, "MinMaxNorm")

    def __call__(self, w: Any) -> Tensor:
        def compute() -> Tensor:
            t = _weight(w, "MinMaxNorm")
            norms = _norms(t, self.axis)
            clipped = _ops.clip_by_value(norms, self.min_value, self.max_value)
            desired = _ops.add(_ops.mul(clipped, self.rate), _ops.mul(norms, 1.0 - self.rate))
            return _ops.mul(t, _ops.div(desired, _ops.add(norms, EPSILON)))
        return ENGINE.tidy(compute)

    def get_config(self) -> dict:
        return {"min_value": self.min_value, "max_value": self.max_value, "rate": self.rate, "axis": self.axis}


max_norm, unit_norm, non_neg, min_max_norm = MaxNorm, UnitNorm, NonNeg, MinMaxNorm

_IDENTIFIERS: dict[str, type] = dict(_ser.builtins_of("constraint"))
_IDENTIFIERS.update({"max_norm": MaxNorm, "unit_norm": UnitNorm, "non_neg": NonNeg, "min_max_norm": MinMaxNorm,
                     # TF.js identifiers
                     "maxNorm": MaxNorm, "unitNorm": UnitNorm, "nonNeg": NonNeg, "minMaxNorm": MinMaxNorm})


def serialize(constraint: Any) -> Any:
    """Keras 3's form: {"module": "keras.constraints", "class_name", "config", "registered_name"}."""
    return _ser.serialize(constraint)


def deserialize(config: Any, custom_objects: dict | None = None) -> Constraint:
    """A constraint from a name or a serialized dict (Keras 3's or TF.js's form)."""
    return _ser.deserialize(config, "constraint", custom_objects, by_name=get)


def get(identifier: Any) -> Any:
    """A constraint from None (-> None), a name, a serialized dict, a class, an instance or a callable."""
    return _ser.get_object(identifier, "constraint", _IDENTIFIERS, Constraint, deserialize)
