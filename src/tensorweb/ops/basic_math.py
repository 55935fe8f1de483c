"""Basic math (TF.js's 42 unary ops): neg, floor, log (more in this group)."""
from __future__ import annotations

from typing import Any

from ..core.registry import gradient
from ..core.tensor import Tensor
from ._base import convert, run

__all__ = ["neg", "floor", "log"]


def neg(x: Any) -> Tensor:
    return run("Neg", (convert(x, "x", "neg"),))


def floor(x: Any) -> Tensor:
    return run("Floor", (convert(x, "x", "floor", "float32"),))


def log(x: Any) -> Tensor:
    return run("Log", (convert(x, "x", "log", "float32"),))


@gradient("Neg")
def _neg_grad(dy, inputs, outputs, attrs):
    return (neg(dy),)


@gradient("Floor")
def _floor_grad(dy, inputs, outputs, attrs):
    from .creation import zeros_like
    return (zeros_like(dy),)


@gradient("Log")
def _log_grad(dy, inputs, outputs, attrs):
    from .arithmetic import div
    return (div(dy, inputs[0]),)
