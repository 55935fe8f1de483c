"""Arithmetic: add, sub, mul, div, div_no_nan, floor_div, mod, pow, maximum, minimum,
squared_difference, add_n (with broadcasting, TF.js's integer rules, and gradients)."""
from __future__ import annotations

from typing import Any, Sequence

from ..core.registry import gradient
from ..core.tensor import Tensor
from ..errors import DtypeError, InvalidArgumentError, ShapeError
from ._base import broadcast_shapes, convert, convert_pair, reduction_axes, run

__all__ = ["add", "sub", "mul", "div", "real_div", "div_no_nan", "floor_div", "mod", "pow", "maximum", "minimum", "squared_difference", "add_n"]


def _binary(kernel: str, a: Any, b: Any, op: str) -> Tensor:
    ta, tb = convert_pair(a, b, op)
    if ta.dtype == "string":
        raise DtypeError(f"{op}: does not accept string tensors")
    broadcast_shapes(ta.shape, tb.shape, op)
    return run(kernel, (ta, tb))


def add(a: Any, b: Any) -> Tensor:
    """a + b, elementwise with broadcasting."""
    ta, tb = convert_pair(a, b, "add")
    broadcast_shapes(ta.shape, tb.shape, "add")
    return run("Add", (ta, tb))


def sub(a: Any, b: Any) -> Tensor:
    return _binary("Sub", a, b, "sub")


def mul(a: Any, b: Any) -> Tensor:
    return _binary("Multiply", a, b, "mul")


def div(a: Any, b: Any) -> Tensor:
    """a / b. As in TF.js, two int32 tensors divide with floor division."""
    ta, tb = convert_pair(a, b, "div")
    if ta.dtype == "int32" and tb.dtype == "int32":
        return floor_div(ta, tb)
    return _binary("RealDiv", ta, tb, "div")


def real_div(a: Any, b: Any) -> Tensor:
    return div(a, b)


def div_no_nan(a: Any, b: Any) -> Tensor:
    """a / b, but 0 wherever b is 0."""
    from .logical import equal, where
    from .creation import zeros_like
    ta, tb = convert_pair(a, b, "div_no_nan")
    q = div(ta, tb)
    zero = equal(tb, 0)
    return where(zero, zeros_like(q), q)


def floor_div(a: Any, b: Any) -> Tensor:
    """floor(a / b); integer results for int32 inputs (division by zero gives 0, like TF.js's Int32Array)."""
    return _binary("FloorDiv", a, b, "floor_div")


def mod(a: Any, b: Any) -> Tensor:
    """a mod b with the sign of b (the result of floor division's remainder)."""
    return _binary("Mod", a, b, "mod")


def pow(base: Any, exp: Any) -> Tensor:  # noqa: A001 (TF.js's name)
    """base ** exp elementwise."""
    return _binary("Pow", base, exp, "pow")


def maximum(a: Any, b: Any) -> Tensor:
    ta, tb = convert_pair(a, b, "maximum")
    if ta.dtype == "bool":
        ta, tb = run("Cast", (ta,), {"dtype": "int32"}), run("Cast", (tb,), {"dtype": "int32"})
    return _binary("Maximum", ta, tb, "maximum")


def minimum(a: Any, b: Any) -> Tensor:
    ta, tb = convert_pair(a, b, "minimum")
    if ta.dtype == "bool":
        ta, tb = run("Cast", (ta,), {"dtype": "int32"}), run("Cast", (tb,), {"dtype": "int32"})
    return _binary("Minimum", ta, tb, "minimum")


def squared_difference(a: Any, b: Any) -> Tensor:
    """(a - b) ** 2."""
    return _binary("SquaredDifference", a, b, "squared_difference")


def add_n(tensors: Sequence[Any]) -> Tensor:
    """The sum of a list of tensors of one shape and dtype."""
    if not isinstance(tensors, (list, tuple)) or not tensors:
        raise InvalidArgumentError("add_n: expects a non-empty list of tensors")
    ts = [convert(t, f"tensors[{i}]", "add_n") for i, t in enumerate(tensors)]
    for i, t in enumerate(ts[1:], 1):
        if t.shape != ts[0].shape:
            raise ShapeError(f"add_n: all tensors must have the same shape; tensors[0] has "
                             f"{list(ts[0].shape)}, tensors[{i}] has {list(t.shape)}")
        if t.dtype != ts[0].dtype:
            raise DtypeError(f"add_n: all tensors must have the same dtype; tensors[0] is {ts[0].dtype}, "
                             f"tensors[{i}] is {t.dtype}")
    return run("AddN", tuple(ts))


# ---- gradients ------------------------------------------------------------------------------------

def unbroadcast(dx: Tensor, shape: tuple[int, ...]) -> Tensor:
    """Sums a broadcast gradient back down to `shape` (the shape of the input it flows to)."""
    if tuple(dx.shape) == tuple(shape):
        return dx
    from .reduction import sum as _sum
    from .transformation import reshape
    axes = reduction_axes(shape, dx.shape)
    if axes:
        dx = _sum(dx, axes)
    return reshape(dx, shape)


def _neg(x: Tensor) -> Tensor:
    return run("Neg", (x,))


@gradient("Add")
def _add_grad(dy, inputs, outputs, attrs):
    a, b = inputs
    return unbroadcast(dy, a.shape), unbroadcast(dy, b.shape)


@gradient("AddN")
def _add_n_grad(dy, inputs, outputs, attrs):
    return tuple(dy for _ in inputs)


@gradient("Sub")
def _sub_grad(dy, inputs, outputs, attrs):
    a, b = inputs
    return unbroadcast(dy, a.shape), unbroadcast(_neg(dy), b.shape)


@gradient("Multiply")
def _mul_grad(dy, inputs, outputs, attrs):
    a, b = inputs
    return unbroadcast(mul(dy, b), a.shape), unbroadcast(mul(dy, a), b.shape)


def _div_grad(dy, inputs, outputs, attrs):
    a, b = inputs
    da = div(dy, b)
    db = _neg(div(mul(dy, a), mul(b, b)))
    return unbroadcast(da, a.shape), unbroadcast(db, b.shape)


gradient("RealDiv")(_div_grad)
gradient("FloorDiv")(_div_grad)  # TF.js differentiates floor division as division


@gradient("Mod")
def _mod_grad(dy, inputs, outputs, attrs):
    from .basic_math import floor
    a, b = inputs
    return unbroadcast(dy, a.shape), unbroadcast(mul(dy, _neg(floor(div(a, b)))), b.shape)


@gradient("Pow")
def _pow_grad(dy, inputs, outputs, attrs):
    from .basic_math import log
    from .creation import zeros_like
    from .logical import greater, where
    a, b = inputs
    y = outputs[0]
    da = mul(dy, mul(b, pow(a, sub(b, 1.0))))
    positive = greater(a, 0)
    log_a = where(positive, log(where(positive, a, zeros_like(a) + 1.0)), zeros_like(a))
    db = mul(dy, mul(y, log_a))
    return unbroadcast(da, a.shape), unbroadcast(db, b.shape)


def _select_grad(dy, a, b, take_a):
    from .transformation import cast
    mask = cast(take_a, "float32")
    return unbroadcast(mul(dy, mask), a.shape), unbroadcast(mul(dy, sub(1.0, mask)), b.shape)


@gradient("Maximum")
def _maximum_grad(dy, inputs, outputs, attrs):
    from .logical import greater_equal
    a, b = inputs
    return _select_grad(dy, a, b, greater_equal(a, b))


@gradient("Minimum")
def _minimum_grad(dy, inputs, outputs, attrs):
    from .logical import less_equal
    a, b = inputs
    return _select_grad(dy, a, b, less_equal(a, b))


@gradient("SquaredDifference")
def _squared_difference_grad(dy, inputs, outputs, attrs):
    a, b = inputs
    two_diff = mul(sub(a, b), 2.0)
    return unbroadcast(mul(dy, two_diff), a.shape), unbroadcast(_neg(mul(dy, two_diff)), b.shape)
