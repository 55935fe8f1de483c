"""Keras 3 operation layers: Keras inserts ops such as NotEqual and Any (the masks of
Embedding(mask_zero=True) and Masking) into functional model configs as layers of module
keras.src.ops.numpy; these read and run them."""
from __future__ import annotations

from typing import Any, Callable

from .. import ops
from .base import Layer
from .serialization import builtin

__all__: list[str] = []


class _OpLayer(Layer):
    """A Keras operation recorded in a model config; `_fn` is the op, `_attrs` its config arguments."""
    _fn: Callable[..., Any]
    _attrs: tuple[str, ...] = ()

    def __init__(self, name: str | None = None, **attrs: Any) -> None:
        super().__init__(name=name)
        for key in self._attrs:
            setattr(self, key, attrs.pop(key, None))
        if attrs:
            raise TypeError(f"{type(self).__name__}: unexpected argument(s) {sorted(attrs)}")

    def call(self, *args: Any) -> Any:
        return type(self)._fn(*args, **{k: getattr(self, k) for k in self._attrs})

    def get_config(self) -> dict:
        return {"name": self.name, **{k: getattr(self, k) for k in self._attrs}}


def _reduction(fn: Callable[..., Any]) -> Callable[..., Any]:
    return lambda x, axis=None, keepdims=False: fn(x, axis, keepdims)


_ELEMENTWISE = {"NotEqual": ops.not_equal, "Equal": ops.equal, "Greater": ops.greater, "Less": ops.less,
                "GreaterEqual": ops.greater_equal, "LessEqual": ops.less_equal, "LogicalAnd": ops.logical_and,
                "LogicalOr": ops.logical_or, "LogicalNot": ops.logical_not, "Add": ops.add, "Subtract": ops.sub,
                "Multiply": ops.mul, "Divide": ops.div, "Maximum": ops.maximum, "Minimum": ops.minimum}
_REDUCTIONS = {"Any": ops.any, "All": ops.all, "Sum": ops.sum, "Mean": ops.mean, "Max": ops.max,
               "Min": ops.min}

OP_LAYERS = {name: builtin("keras.src.ops.numpy")(type(name, (_OpLayer,), {"_fn": staticmethod(fn)}))
             for name, fn in _ELEMENTWISE.items()}
OP_LAYERS.update({name: builtin("keras.src.ops.numpy")(type(name, (_OpLayer,), {
    "_fn": staticmethod(_reduction(fn)), "_attrs": ("axis", "keepdims")})) for name, fn in _REDUCTIONS.items()})
