"""Reductions: sum, mean, prod, min, max, all, any, arg_max, arg_min, log_sum_exp; scans: cumsum,
cumprod; counts: bincount, dense_bincount (TF.js's dtype rules, NaN handling and gradients)."""
from __future__ import annotations

from typing import Any, Sequence

from ..core.registry import gradient
from ..core.tensor import Tensor
from ..errors import DtypeError, InvalidArgumentError, ShapeError
from ._base import cast_to, convert, normalize_axes, normalize_axis, run, size_of

__all__ = ["sum", "mean", "prod", "min", "max", "all", "any", "arg_max", "arg_min", "log_sum_exp",
           "cumsum", "cumprod", "bincount", "dense_bincount"]

Axis = int | Sequence[int] | None


def keep_dims_shape(shape: Sequence[int], axes: Sequence[int]) -> tuple[int, ...]:
    return tuple(1 if i in axes else d for i, d in enumerate(shape))


def _no_complex(t: Tensor, op: str) -> None:
    if t.dtype == "complex64":
        raise DtypeError(f"{op}: does not accept complex64 tensors")


def _reduce(kernel: str, op: str, x: Any, axis: Axis, keep_dims: bool, dtype: str = "numeric",
            bool_as_int: bool = False, complex_ok: bool = False) -> Tensor:
    t = convert(x, "x", op, dtype)
    if not complex_ok:
        _no_complex(t, op)
    if bool_as_int and t.dtype == "bool":
        t = cast_to(t, "int32")
    axes = normalize_axes(axis, t.rank, op)
    return run(kernel, (t,), {"axis": axes, "keep_dims": bool(keep_dims)})


def sum(x: Any, axis: Axis = None, keep_dims: bool = False) -> Tensor:  # noqa: A001
    """Sum over `axis` (all axes by default). bool sums as int32."""
    return _reduce("Sum", "sum", x, axis, keep_dims, bool_as_int=True, complex_ok=True)


def mean(x: Any, axis: Axis = None, keep_dims: bool = False) -> Tensor:
    """Mean over `axis` (all axes by default). As in TF.js, int32 and bool inputs give a float32 mean."""
    return _reduce("Mean", "mean", x, axis, keep_dims, complex_ok=True)


def prod(x: Any, axis: Axis = None, keep_dims: bool = False) -> Tensor:
    """Product over `axis` (all axes by default). bool multiplies as int32; int32 wraps on overflow."""
    return _reduce("Prod", "prod", x, axis, keep_dims, bool_as_int=True)


def max(x: Any, axis: Axis = None, keep_dims: bool = False) -> Tensor:  # noqa: A001
    """Maximum over `axis` (all axes by default); NaN anywhere in a reduced slice gives NaN."""
    return _reduce("Max", "max", x, axis, keep_dims)


def min(x: Any, axis: Axis = None, keep_dims: bool = False) -> Tensor:  # noqa: A001
    """Minimum over `axis` (all axes by default); NaN anywhere in a reduced slice gives NaN."""
    return _reduce("Min", "min", x, axis, keep_dims)


def all(x: Any, axis: Axis = None, keep_dims: bool = False) -> Tensor:  # noqa: A001
    """Logical AND over `axis`; x must be bool (a Python/NumPy value is converted to bool)."""
    return _reduce("All", "all", x, axis, keep_dims, dtype="bool")


def any(x: Any, axis: Axis = None, keep_dims: bool = False) -> Tensor:  # noqa: A001
    """Logical OR over `axis`; x must be bool (a Python/NumPy value is converted to bool)."""
    return _reduce("Any", "any", x, axis, keep_dims, dtype="bool")


def _arg(kernel: str, op: str, x: Any, axis: int) -> Tensor:
    t = convert(x, "x", op)
    _no_complex(t, op)
    if t.rank == 0:
        raise ShapeError(f"{op}: x must be of rank 1 or higher, got a scalar")
    if isinstance(axis, (list, tuple)):
        if len(axis) != 1:
            raise InvalidArgumentError(f"{op}: axis must be a single integer, got {list(axis)}")
        axis = axis[0]
    ax = normalize_axis(axis, t.rank, op)
    return run(kernel, (t,), {"axis": ax})


def arg_max(x: Any, axis: int = 0) -> Tensor:
    """int32 indices of the maximum along `axis` (default 0); ties give the first index, NaN is
    skipped unless it comes first (TF.js's cpu kernel)."""
    return _arg("ArgMax", "arg_max", x, axis)


def arg_min(x: Any, axis: int = 0) -> Tensor:
    """int32 indices of the minimum along `axis` (default 0); ties give the first index."""
    return _arg("ArgMin", "arg_min", x, axis)


def log_sum_exp(x: Any, axis: Axis = None, keep_dims: bool = False) -> Tensor:
    """log(sum(exp(x))) over `axis`, computed stably by subtracting the maximum first."""
    from .arithmetic import add, sub
    from .basic_math import exp, log
    from .transformation import reshape
    t = convert(x, "x", "log_sum_exp")
    axes = normalize_axes(axis, t.rank, "log_sum_exp")
    x_max = max(t, axes, keep_dims=True)
    s = sum(exp(sub(t, x_max)), axes)
    res = add(reshape(x_max, s.shape), log(s))
    if keep_dims:
        res = reshape(res, keep_dims_shape(t.shape, axes))
    return res


def _scan(kernel: str, op: str, x: Any, axis: int, exclusive: bool, reverse: bool) -> Tensor:
    t = convert(x, "x", op)
    _no_complex(t, op)
    if t.rank == 0:
        raise ShapeError(f"{op}: x must be of rank 1 or higher, got a scalar")
    if t.dtype == "bool":
        t = cast_to(t, "int32")
    ax = normalize_axis(axis, t.rank, op)
    return run(kernel, (t,), {"axis": ax, "exclusive": bool(exclusive), "reverse": bool(reverse)})


def cumsum(x: Any, axis: int = 0, exclusive: bool = False, reverse: bool = False) -> Tensor:
    """Running sum along `axis`. exclusive: element i sums the elements before it (the first is 0);
    reverse: runs from the end. bool sums as int32."""
    return _scan("Cumsum", "cumsum", x, axis, exclusive, reverse)


def cumprod(x: Any, axis: int = 0, exclusive: bool = False, reverse: bool = False) -> Tensor:
    """Running product along `axis` (exclusive: the first is 1; reverse: runs from the end)."""
    return _scan("Cumprod", "cumprod", x, axis, exclusive, reverse)


def _bincount_args(x: Any, weights: Any, size: Any, op: str) -> tuple[Tensor, Tensor, int]:
    t = convert(x, "x", op)
    if t.dtype != "int32":
        raise DtypeError(f"{op}: x must be an int32 tensor, got a {t.dtype} tensor")
    w = convert(weights, "weights", op)
    _no_complex(w, op)
    if isinstance(size, bool) or not isinstance(size, int):
        if isinstance(size, float) and size.is_integer():
            size = int(size)
        else:
            raise InvalidArgumentError(f"{op}: size must be a non-negative integer, got {size!r}")
    if size < 0:
        raise InvalidArgumentError(f"{op}: size must be non-negative, got {size}")
    if w.size != t.size and w.size != 0:
        raise ShapeError(f"{op}: weights must have the same size as x or be empty, got x shape "
                         f"{list(t.shape)} and weights shape {list(w.shape)}")
    return t, w, size


def bincount(x: Any, weights: Any, size: int) -> Tensor:
    """Counts (or sums of `weights`) of each value 0..size-1 in the int32 tensor x; values >= size are
    ignored, negative values are an error. The result has weights' dtype and shape [size]."""
    t, w, size = _bincount_args(x, weights, size, "bincount")
    return run("Bincount", (t, w), {"size": size})


def dense_bincount(x: Any, weights: Any, size: int, binary_output: bool = False) -> Tensor:
    """bincount of a 1-D x, or row by row of a 2-D x (result [rows, size]); binary_output records
    presence (1) instead of counts."""
    t, w, size = _bincount_args(x, weights, size, "dense_bincount")
    if t.rank not in (1, 2):
        raise ShapeError(f"dense_bincount: x must be of rank 1 or 2, got rank {t.rank} "
                         f"(shape {list(t.shape)})")
    if w.size and w.shape != t.shape:
        from .transformation import reshape
        w = reshape(w, t.shape)
    return run("DenseBincount", (t, w), {"size": size, "binary_output": bool(binary_output)})


# ---- gradients ------------------------------------------------------------------------------------

@gradient("Sum")
def _sum_grad(dy, inputs, outputs, attrs):
    from .arithmetic import mul
    from .creation import ones_like
    from .transformation import reshape
    x = inputs[0]
    dy = reshape(dy, keep_dims_shape(x.shape, attrs["axis"]))
    return (mul(dy, ones_like(x)),)


@gradient("Mean")
def _mean_grad(dy, inputs, outputs, attrs):
    from .arithmetic import div, mul
    from .creation import ones
    from .transformation import reshape
    x = inputs[0]
    axes = attrs["axis"]
    n = size_of(x.shape[a] for a in axes)
    dy = reshape(dy, keep_dims_shape(x.shape, axes))
    return (div(mul(dy, ones(x.shape, "float32")), float(n or 1)),)


def _min_max_grad(dy, inputs, outputs, attrs):
    # The gradient flows to every position equal to the extreme value (TF.js's gradForMinAndMax).
    from .arithmetic import mul
    from .logical import equal
    from .transformation import cast, reshape
    x, y = inputs[0], outputs[0]
    shape = keep_dims_shape(x.shape, attrs["axis"])
    y, dy = reshape(y, shape), reshape(dy, shape)
    return (mul(dy, cast(equal(x, y), dy.dtype)),)


gradient("Max")(_min_max_grad)
gradient("Min")(_min_max_grad)


@gradient("Prod")
def _prod_grad(dy, inputs, outputs, attrs):
    # d prod / d x_i is the product of the other elements of its group. Over several axes it is the
    # product, axis by axis, of the exclusive products along that axis of the partial products so far
    # (no division, so zeros are handled exactly).
    from .arithmetic import mul
    from .transformation import reshape
    x = inputs[0]
    axes = attrs["axis"]
    dy = reshape(dy, keep_dims_shape(x.shape, axes))
    if not axes:
        return (dy,)
    partial, others = x, None
    for a in axes:
        excl = mul(cumprod(partial, a, exclusive=True), cumprod(partial, a, exclusive=True, reverse=True))
        others = excl if others is None else mul(others, excl)
        partial = prod(partial, a, keep_dims=True)
    return (mul(dy, others),)


@gradient("Cumsum")
def _cumsum_grad(dy, inputs, outputs, attrs):
    return (cumsum(dy, attrs["axis"], attrs["exclusive"], not attrs["reverse"]),)


@gradient("Cumprod")
def _cumprod_grad(dy, inputs, outputs, attrs):
    # Not in TF.js; TensorFlow's formula: sum over later outputs of dy*y, divided by x (x must be
    # nonzero for a finite gradient).
    from .arithmetic import div, mul
    x, y = inputs[0], outputs[0]
    s = cumsum(mul(dy, y), attrs["axis"], attrs["exclusive"], not attrs["reverse"])
    return (div(s, x),)


def _arg_grad(dy, inputs, outputs, attrs):
    from .creation import zeros_like
    return (zeros_like(inputs[0]),)


gradient("ArgMax")(_arg_grad)
gradient("ArgMin")(_arg_grad)
