"""Creation: tensor, scalar, tensor1d..tensor6d, zeros, ones, fill, zeros_like, ones_like, eye,
linspace, range, one_hot, diag, clone, complex, real, imag, variable."""
from __future__ import annotations

import builtins
from typing import Any


from ..core import dtypes as _dt
from ..core.engine import ENGINE
from ..core.registry import gradient
from ..core.tensor import Tensor, Variable
from ..errors import DtypeError, InvalidArgumentError, ShapeError
from ._base import as_shape, convert, run, size_of

__all__ = ["tensor", "scalar", "fill", "zeros", "ones", "zeros_like", "ones_like", "eye", "linspace", "range", "one_hot", "diag", "clone", "identity", "complex", "real", "imag", "variable", "tensor1d", "tensor2d", "tensor3d", "tensor4d", "tensor5d", "tensor6d"]


def tensor(values: Any, shape: Any = None, dtype: str | None = None) -> Tensor:
    """A tensor from nested lists, a NumPy array or a scalar; `shape` reshapes the given values."""
    if isinstance(values, Tensor):
        t = values if dtype is None or values.dtype == dtype else run("Cast", (values,), {"dtype": dtype})
    else:
        t = ENGINE.to_tensor(values, dtype, where="tensor")
    if shape is not None:
        shape = as_shape(shape, "tensor")
        if size_of(shape) != t.size:
            raise ShapeError(f"tensor: based on the provided shape {list(shape)} the tensor should have "
                             f"{size_of(shape)} values but has {t.size}")
        if tuple(shape) != t.shape:
            t = run("Reshape", (t,), {"shape": tuple(shape)})
    return t


def scalar(value: Any, dtype: str | None = None) -> Tensor:
    t = tensor(value, dtype=dtype)
    if t.rank != 0:
        raise ShapeError(f"scalar: expects a single value, got shape {list(t.shape)}")
    return t


def _tensor_nd(rank: int):
    def make(values: Any, shape: Any = None, dtype: str | None = None) -> Tensor:
        t = tensor(values, shape, dtype)
        if t.rank != rank:
            raise ShapeError(f"tensor{rank}d: requires values of rank {rank}, got shape {list(t.shape)}")
        return t
    make.__name__ = f"tensor{rank}d"
    make.__doc__ = f"A rank-{rank} tensor (an error for any other rank)."
    return make


tensor1d, tensor2d, tensor3d, tensor4d, tensor5d, tensor6d = (_tensor_nd(r) for r in builtins.range(1, 7))


def fill(shape: Any, value: Any, dtype: str | None = None) -> Tensor:
    """A tensor of `shape` with every element `value` (dtype inferred from the value by default)."""
    shape = as_shape(shape, "fill")
    if any(d < 0 for d in shape):
        raise ShapeError(f"fill: shape {list(shape)} has a negative dimension")
    dtype = _dt.check_dtype(dtype, "fill") if dtype is not None else _dt.infer_dtype(value)
    return run("Fill", (), {"shape": shape, "value": value, "dtype": dtype})


def zeros(shape: Any, dtype: str = "float32") -> Tensor:
    return fill(shape, 0, dtype)


def ones(shape: Any, dtype: str = "float32") -> Tensor:
    return fill(shape, 1, dtype)


def zeros_like(x: Any) -> Tensor:
    return run("ZerosLike", (convert(x, "x", "zeros_like", "any"),))


def ones_like(x: Any) -> Tensor:
    return run("OnesLike", (convert(x, "x", "ones_like", "any"),))


def eye(num_rows: int, num_columns: int | None = None, batch_shape: Any = None,
        dtype: str = "float32") -> Tensor:
    """An identity matrix (ones on the main diagonal), optionally repeated over batch_shape."""
    num_columns = num_rows if num_columns is None else num_columns
    if num_rows < 0 or num_columns < 0:
        raise InvalidArgumentError(f"eye: sizes must be non-negative, got {num_rows}x{num_columns}")
    batch = as_shape(batch_shape, "eye", "batch_shape") if batch_shape is not None else ()
    return run("Eye", (), {"num_rows": int(num_rows), "num_columns": int(num_columns), "batch_shape": batch,
                           "dtype": _dt.check_dtype(dtype, "eye")})


def linspace(start: float, stop: float, num: int) -> Tensor:
    """`num` evenly spaced float32 values from start to stop, both included."""
    if num <= 0:
        raise InvalidArgumentError(f"linspace: num must be positive, got {num}")
    return run("LinSpace", (), {"start": float(start), "stop": float(stop), "num": int(num)})


def range(start: float, stop: float | None = None, step: float = 1, dtype: str = "float32") -> Tensor:  # noqa: A001
    """Values from start (inclusive) to stop (exclusive) by step; range(n) counts from 0.

    Like TF.js, a step of 1 (the default) counts down when stop < start: range(4, 0) is [4, 3, 2, 1].
    """
    if stop is None:
        start, stop = 0, start
    if step == 0:
        raise InvalidArgumentError("range: step cannot be 0")
    if step == 1 and stop < start:
        step = -1
    if dtype not in ("float32", "int32"):
        raise DtypeError(f"range: dtype must be float32 or int32, got {dtype!r}")
    return run("Range", (), {"start": start, "stop": stop, "step": step, "dtype": dtype})


def one_hot(indices: Any, depth: int, on_value: float = 1, off_value: float = 0,
            dtype: str = "int32") -> Tensor:
    """Indices (int32) to one-hot vectors along a new last axis of size `depth`."""
    t = convert(indices, "indices", "one_hot", "int32")
    if depth < 1:
        raise InvalidArgumentError(f"one_hot: depth must be >= 1, got {depth}")
    return run("OneHot", (t,), {"depth": int(depth), "on_value": on_value, "off_value": off_value,
                                "dtype": _dt.check_dtype(dtype, "one_hot")})


def diag(x: Any) -> Tensor:
    """A tensor of shape x.shape + x.shape with x on its diagonal."""
    t = convert(x, "x", "diag")
    return run("Diag", (t,))


def clone(x: Any) -> Tensor:
    """A new tensor sharing x's data (tensors are immutable, so this is free)."""
    return run("Identity", (convert(x, "x", "clone", "any"),))


def identity(x: Any) -> Tensor:
    return clone(x)


def complex(real: Any, imag: Any) -> Tensor:  # noqa: A001
    """A complex64 tensor from float32 real and imaginary parts of one shape."""
    r = convert(real, "real", "complex", "float32")
    i = convert(imag, "imag", "complex", "float32")
    if r.shape != i.shape:
        raise ShapeError(f"complex: real and imag must have the same shape, got {list(r.shape)} and "
                         f"{list(i.shape)}")
    return run("Complex", (r, i))


def real(x: Any) -> Tensor:
    t = convert(x, "x", "real", "any")
    return run("Real", (t,)) if t.dtype == "complex64" else clone(t)


def imag(x: Any) -> Tensor:
    t = convert(x, "x", "imag", "any")
    return run("Imag", (t,)) if t.dtype == "complex64" else zeros_like(t)


def variable(initial_value: Any, trainable: bool = True, name: str | None = None,
             dtype: str | None = None) -> Variable:
    """A mutable tensor; `assign` replaces its value. Names are unique among live variables."""
    return ENGINE.make_variable(initial_value, trainable, name, dtype)


# ---- gradients ------------------------------------------------------------------------------------

@gradient("Identity")
def _identity_grad(dy, inputs, outputs, attrs):
    return (dy,)


@gradient("ZerosLike")
def _zeros_like_grad(dy, inputs, outputs, attrs):
    return (zeros_like(dy),)


gradient("OnesLike")(_zeros_like_grad)


@gradient("Complex")
def _complex_grad(dy, inputs, outputs, attrs):
    return real(dy), imag(dy)



