"""Transformations: reshape, cast (more in this group: pad, squeeze, expand_dims, depth_to_space,
space_to_batch_nd, batch_to_space_nd, broadcast_to, broadcast_args)."""
from __future__ import annotations

from typing import Any

from ..core import dtypes as _dt
from ..core.registry import gradient
from ..core.tensor import Tensor
from ..errors import DtypeError, ShapeError
from ._base import as_shape, convert, run, size_of

__all__ = ["reshape", "cast"]


def reshape(x: Any, shape: Any) -> Tensor:
    """The same values in a new shape; one dimension may be -1 (inferred)."""
    t = convert(x, "x", "reshape", "any")
    shape = as_shape(shape, "reshape")
    if shape == t.shape:
        return t
    unknown = [i for i, d in enumerate(shape) if d == -1]
    if len(unknown) > 1 or any(d < -1 for d in shape):
        raise ShapeError(f"reshape: shape {list(shape)} may have at most one -1 and no other negative size")
    known = size_of(d for d in shape if d != -1)
    if unknown:
        if known == 0 or t.size % known:
            raise ShapeError(f"reshape: cannot reshape a tensor of {t.size} elements (shape {list(t.shape)}) "
                             f"into shape {list(shape)}")
        shape = tuple(t.size // known if d == -1 else d for d in shape)
    elif known != t.size:
        raise ShapeError(f"reshape: cannot reshape a tensor of {t.size} elements (shape {list(t.shape)}) "
                         f"into shape {list(shape)} ({known} elements)")
    return run("Reshape", (t,), {"shape": shape})


def cast(x: Any, dtype: str) -> Tensor:
    """Converts to `dtype` (floats to int32 truncate toward zero; anything to bool is `!= 0`)."""
    t = convert(x, "x", "cast", "any")
    _dt.check_dtype(dtype, "cast")
    if t.dtype == dtype:
        return t
    if (t.dtype == "string") != (dtype == "string"):
        raise DtypeError(f"cast: cannot cast between string and {dtype if t.dtype == 'string' else t.dtype}")
    return run("Cast", (t,), {"dtype": dtype})


@gradient("Reshape")
def _reshape_grad(dy, inputs, outputs, attrs):
    return (reshape(dy, inputs[0].shape),)


@gradient("Cast")
def _cast_grad(dy, inputs, outputs, attrs):
    return (dy,)
