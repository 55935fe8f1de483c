"""Logical and comparison: equal, not_equal, greater, greater_equal, less, less_equal, logical_and,
logical_or, logical_not, logical_xor, bitwise_and, where, where_indices (the synchronous twin of TF.js's
whereAsync)."""
from __future__ import annotations

from typing import Any

from ..core.registry import gradient
from ..core.tensor import Tensor
from ..errors import DtypeError, ShapeError
from ._base import broadcast_shapes, convert, convert_pair, run

__all__ = ["equal", "not_equal", "greater", "greater_equal", "less", "less_equal", "logical_and", "logical_or", "logical_xor", "logical_not", "where", "where_indices", "bitwise_and"]


def _compare(kernel: str, a: Any, b: Any, op: str) -> Tensor:
    ta, tb = convert_pair(a, b, op)
    broadcast_shapes(ta.shape, tb.shape, op)
    return run(kernel, (ta, tb))


def equal(a: Any, b: Any) -> Tensor:
    return _compare("Equal", a, b, "equal")


def not_equal(a: Any, b: Any) -> Tensor:
    return _compare("NotEqual", a, b, "not_equal")


def greater(a: Any, b: Any) -> Tensor:
    return _compare("Greater", a, b, "greater")


def greater_equal(a: Any, b: Any) -> Tensor:
    return _compare("GreaterEqual", a, b, "greater_equal")


def less(a: Any, b: Any) -> Tensor:
    return _compare("Less", a, b, "less")


def less_equal(a: Any, b: Any) -> Tensor:
    return _compare("LessEqual", a, b, "less_equal")


def _logical(kernel: str, a: Any, b: Any, op: str) -> Tensor:
    ta = convert(a, "a", op, "bool")
    tb = convert(b, "b", op, "bool")
    broadcast_shapes(ta.shape, tb.shape, op)
    return run(kernel, (ta, tb))


def logical_and(a: Any, b: Any) -> Tensor:
    return _logical("LogicalAnd", a, b, "logical_and")


def logical_or(a: Any, b: Any) -> Tensor:
    return _logical("LogicalOr", a, b, "logical_or")


def logical_xor(a: Any, b: Any) -> Tensor:
    return _logical("LogicalXor", a, b, "logical_xor")


def logical_not(x: Any) -> Tensor:
    return run("LogicalNot", (convert(x, "x", "logical_not", "bool"),))


def bitwise_and(x: Any, y: Any) -> Tensor:
    """x & y, bit by bit, for two int32 tensors of the same shape (as TF.js: no broadcasting)."""
    tx = convert(x, "x", "bitwise_and", "numeric")
    ty = convert(y, "y", "bitwise_and", "numeric")
    if tx.shape != ty.shape:
        raise ShapeError(f"bitwise_and: x and y must have the same shape, got {list(tx.shape)} and {list(ty.shape)}")
    if tx.dtype != "int32" or ty.dtype != "int32":
        raise DtypeError(f"bitwise_and: x and y must be int32 tensors, got {tx.dtype} and {ty.dtype}")
    return run("BitwiseAnd", (tx, ty))


def where(condition: Any, a: Any, b: Any) -> Tensor:
    """Elementwise a where condition is true, else b; the three broadcast together."""
    c = convert(condition, "condition", "where", "bool")
    ta, tb = convert_pair(a, b, "where")
    broadcast_shapes(broadcast_shapes(c.shape, ta.shape, "where"), tb.shape, "where")
    return run("Select", (c, ta, tb))


def where_indices(condition: Any) -> Tensor:
    """The coordinates (int32, shape [n, rank]) of the true elements, in row-major order."""
    c = convert(condition, "condition", "where_indices", "bool")
    return run("Where", (c,))


@gradient("Select")
def _select_grad(dy, inputs, outputs, attrs):
    from .arithmetic import unbroadcast
    from .creation import zeros_like
    c, a, b = inputs
    zero = zeros_like(dy)
    return None, unbroadcast(where(c, dy, zero), a.shape), unbroadcast(where(c, zero, dy), b.shape)
