"""Weight regularizers, Keras 3-compatible: `reg(weight) -> scalar Tensor`, written with ops (differentiable).

L1(l1=0.01): l1 * sum(|w|); L2(l2=0.01): l2 * sum(w^2); L1L2(l1=0.0, l2=0.0): both (Keras 3's defaults;
the string identifiers "l1_l2"/"l1l2" give l1 = l2 = 0.01, as Keras documents and TF.js does).
`get(identifier)` takes None, a name ("l1", "L2", "l1_l2", TF.js's "l1l2"), a serialized dict in Keras 3's or
TF.js's form, a Regularizer class or instance, or any callable `f(weight) -> scalar`.
"""
from __future__ import annotations

import math
import numbers
from typing import Any

from .. import ops as _ops
from ..core.engine import ENGINE
from ..core.tensor import Tensor
from ..errors import InvalidArgumentError
from . import serialization as _ser

__all__ = ["Regularizer", "L1", "L2", "L1L2", "l1", "l2", "l1_l2", "get", "serialize", "deserialize"]

_MODULE = "keras.regularizers"


def _factor(value: Any, name: str, who: str, default: float) -> float:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value) or value < 0:
        raise InvalidArgumentError(f"{who}: {name} must be a non-negative finite number, got {value!r}")
    return float(value)


def _weight(x: Any, who: str) -> Tensor:
    t = x if isinstance(x, Tensor) else _ops.tensor(x)
    if t.dtype != "float32":
        raise InvalidArgumentError(f"{who}: the weight must be a float32 tensor, got dtype {t.dtype}")
    return t


class Regularizer:
    """Base class: `__call__(weight) -> scalar Tensor`, `get_config()`, `from_config(config)`."""

    def __call__(self, x: Any) -> Tensor:
        return _ops.scalar(0.0)

    def get_config(self) -> dict:
        raise NotImplementedError(f"{type(self).__name__} does not implement get_config()")

    @classmethod
    def from_config(cls, config: dict) -> "Regularizer":
        return _ser.checked_from_config(cls, config, "regularizer")

    def __repr__(self) -> str:
        try:
            args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        except NotImplementedError:
            args = ""
        return f"{type(self).__name__}({args})"


@_ser.builtin(_MODULE)
class L1L2(Regularizer):
    """l1 * sum(|w|) + l2 * sum(w^2)."""

    def __init__(self, l1: float = 0.0, l2: float = 0.0):
        self.l1 = _factor(l1, "l1", "L1L2", 0.0)
        self.l2 = _factor(l2, "l2", "L1L2", 0.0)

    def __call__(self, x: Any) -> Tensor:
        def compute() -> Tensor:
            w = _weight(x, "L1L2")
            total = _ops.scalar(0.0)
            if self.l1:
                total = _ops.add(total, _ops.mul(_ops.scalar(self.l1), _ops.sum(_ops.abs(w))))
            if self.l2:
                total = _ops.add(total, _ops.mul(_ops.scalar(self.l2), _ops.sum(_ops.square(w))))
            return total
        return ENGINE.tidy(compute)

    def get_config(self) -> dict:
        return {"l1": self.l1, "l2": self.l2}


@_ser.builtin(_MODULE)
class L1(Regularizer):
    """l1 * sum(|w|)."""

    def __init__(self, l1: float = 0.01):
        self.l1 = _factor(l1, "l1", "L1", 0.01)

    def __call__(self, x: Any) -> Tensor:
        return ENGINE.tidy(lambda: _ops.mul(_ops.scalar(self.l1), _ops.sum(_ops.abs(_weight(x, "L1")))))

    def get_config(self) -> dict:
        return {"l1": self.l1}


@_ser.builtin(_MODULE)
class L2(Regularizer):
    """l2 * sum(w^2)."""

    def __init__(self, l2: float = 0.01):
        self.l2 = _factor(l2, "l2", "L2", 0.01)

    def __call__(self, x: Any) -> Tensor:
        return ENGINE.tidy(lambda: _ops.mul(_ops.scalar(self.l2), _ops.sum(_ops.square(_weight(x, "L2")))))

    def get_config(self) -> dict:
        return {"l2": self.l2}


def l1(l1: float = 0.01) -> L1:  # noqa: D103 - Keras' lower-case alias
    return L1(l1)


def l2(l2: float = 0.01) -> L2:  # noqa: D103
    return L2(l2)


def l1_l2(l1: float = 0.01, l2: float = 0.01) -> L1L2:
    """L1L2 with Keras' string-identifier defaults (0.01 each)."""
    return L1L2(l1, l2)


_IDENTIFIERS: dict[str, Any] = {**_ser.builtins_of("regularizer"), "l1": L1, "l2": L2,
                                "l1_l2": l1_l2, "l1l2": l1_l2}


def serialize(regularizer: Any) -> Any:
    """Keras 3's form: {"module": "keras.regularizers", "class_name", "config", "registered_name"}."""
    return _ser.serialize(regularizer)


def deserialize(config: Any, custom_objects: dict | None = None) -> Regularizer:
    """A regularizer from a name or a serialized dict (Keras 3's or TF.js's form)."""
    return _ser.deserialize(config, "regularizer", custom_objects, by_name=get)


def get(identifier: Any) -> Any:
    """A regularizer from None (-> None), a name, a serialized dict, a class, an instance or a callable."""
    return _ser.get_object(identifier, "regularizer", _IDENTIFIERS, Regularizer, deserialize)
