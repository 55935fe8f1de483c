"""What every op uses: input conversion with TF.js's dtype rules, shape and axis checks, run_kernel.

An op converts and checks its inputs, computes the output shape (raising an error that names the op,
what it expected and what it got), then calls `run(KERNEL, inputs, attrs)`.
"""
from __future__ import annotations

from typing import Any, Sequence

from ..core import dtypes as _dt
from ..core.engine import ENGINE
from ..core.tensor import Tensor
from ..errors import DtypeError, InvalidArgumentError, ShapeError

run = ENGINE.run_kernel
Shape = tuple[int, ...]


def convert(x: Any, arg: str, op: str, dtype: str = "numeric") -> Tensor:
    """TF.js's convertToTensor: a Tensor must already have an acceptable dtype; a Python/NumPy value is
    converted (to `dtype` when it names one, else to its inferred dtype).

    dtype: 'any', 'numeric' (anything but string), 'float32' (float32 only), or another exact dtype.
    """
    if isinstance(x, Tensor):
        x._check()
        _assert_dtype(x.dtype, dtype, arg, op)
        return x
    if dtype in ("any", "numeric"):
        t = ENGINE.to_tensor(x, where=f"{op}: argument '{arg}'")
    else:
        t = ENGINE.to_tensor(x, dtype=dtype, where=f"{op}: argument '{arg}'")
    _assert_dtype(t.dtype, dtype, arg, op)
    return t


def _assert_dtype(actual: str, expected: str, arg: str, op: str) -> None:
    if expected == "any":
        return
    if expected == "numeric":
        if actual == "string":
            raise DtypeError(f"{op}: argument '{arg}' must be a numeric tensor, got a string tensor")
        return
    if actual != expected:
        raise DtypeError(f"{op}: argument '{arg}' must be a {expected} tensor, got a {actual} tensor")


def convert_pair(a: Any, b: Any, op: str) -> tuple[Tensor, Tensor]:
    """TF.js's makeTypesMatch: converts both and upcasts them to a common dtype (bool<int32<float32<complex64).

    A Python scalar beside a tensor takes the tensor's kind when it fits (2 * int_tensor stays int32,
    0.5 * int_tensor becomes float32), as TF.js's number conversion does.
    """
    ta = a if isinstance(a, Tensor) else None
    tb = b if isinstance(b, Tensor) else None
    if ta is None:
        ta = ENGINE.to_tensor(a, dtype=_scalar_dtype(a, tb), where=f"{op}: argument 'a'")
    if tb is None:
        tb = ENGINE.to_tensor(b, dtype=_scalar_dtype(b, ta), where=f"{op}: argument 'b'")
    ta._check(), tb._check()
    if ta.dtype != tb.dtype:
        try:
            common = _dt.upcast(ta.dtype, tb.dtype)
        except DtypeError as e:
            raise DtypeError(f"{op}: {e}") from None
        if ta.dtype != common:
            ta = run("Cast", (ta,), {"dtype": common})
        if tb.dtype != common:
            tb = run("Cast", (tb,), {"dtype": common})
    return ta, tb


def _scalar_dtype(value: Any, other: Tensor | None) -> str | None:
    inferred = _dt.infer_dtype(value) if not isinstance(value, (list, tuple)) else None
    if other is None or inferred is None:
        return None
    if inferred == "int32" and other.dtype in ("float32", "complex64"):
        return other.dtype
    if inferred == "bool" and other.dtype != "string":
        return other.dtype
    return None


def cast_to(x: Tensor, dtype: str) -> Tensor:
    return x if x.dtype == dtype else run("Cast", (x,), {"dtype": dtype})


def broadcast_shapes(a: Sequence[int], b: Sequence[int], op: str) -> Shape:
    """NumPy/TF broadcasting of two shapes, or a ShapeError naming the op and both shapes."""
    if tuple(a) == tuple(b):
        return tuple(a)
    n = max(len(a), len(b))
    pa = (1,) * (n - len(a)) + tuple(a)
    pb = (1,) * (n - len(b)) + tuple(b)
    out = []
    for x, y in zip(pa, pb):
        if x == y or y == 1:
            out.append(x)
        elif x == 1:
            out.append(y)
        else:
            raise ShapeError(f"{op}: operands could not be broadcast together with shapes "
                             f"{list(a)} and {list(b)}")
    return tuple(out)


def reduction_axes(in_shape: Sequence[int], out_shape: Sequence[int]) -> list[int]:
    """The axes of `out_shape` that broadcasting stretched `in_shape` along (TF.js getReductionAxes)."""
    lead = len(out_shape) - len(in_shape)
    return [i for i in range(len(out_shape))
            if i < lead or (in_shape[i - lead] == 1 and out_shape[i] != 1)]


def normalize_axis(axis: int, rank: int, op: str, arg: str = "axis") -> int:
    if not isinstance(axis, (int,)) or isinstance(axis, bool):
        try:
            axis = int(axis)
        except (TypeError, ValueError):
            raise InvalidArgumentError(f"{op}: {arg} must be an integer, got {axis!r}") from None
    if not -rank <= axis < max(rank, 1) or (rank == 0 and axis not in (0, -1)):
        raise InvalidArgumentError(f"{op}: {arg} {axis} is out of range for a tensor of rank {rank} "
                                   f"(expected {-rank} <= {arg} < {rank})")
    return axis + rank if axis < 0 else axis


def normalize_axes(axis: int | Sequence[int] | None, rank: int, op: str) -> tuple[int, ...]:
    """None -> every axis; ints may be negative; duplicates are an error."""
    if axis is None:
        return tuple(range(rank))
    if isinstance(axis, Tensor):
        axis = axis.tolist()
    items = [axis] if isinstance(axis, int) else list(axis)
    out = tuple(normalize_axis(a, rank, op) for a in items)
    if len(set(out)) != len(out):
        raise InvalidArgumentError(f"{op}: axis {list(items)} has duplicates")
    return out


def check_rank(x: Tensor, ranks: int | Sequence[int], op: str, arg: str = "x") -> None:
    allowed = (ranks,) if isinstance(ranks, int) else tuple(ranks)
    if x.rank not in allowed:
        want = " or ".join(str(r) for r in allowed)
        raise ShapeError(f"{op}: {arg} must be of rank {want}, got rank {x.rank} (shape {list(x.shape)})")


def as_shape(shape: Any, op: str, arg: str = "shape") -> Shape:
    if isinstance(shape, Tensor):
        shape = shape.tolist()
    if isinstance(shape, int):
        shape = (shape,)
    try:
        out = tuple(int(d) for d in shape)
    except (TypeError, ValueError):
        raise InvalidArgumentError(f"{op}: {arg} must be a list of integers, got {shape!r}") from None
    return out


def size_of(shape: Sequence[int]) -> int:
    n = 1
    for d in shape:
        n *= d
    return n
