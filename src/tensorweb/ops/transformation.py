"""Transformations: reshape, cast (more in this group: pad, squeeze, expand_dims, depth_to_space,
space_to_batch_nd, batch_to_space_nd, broadcast_to, broadcast_args, ensure_shape, setdiff1d)."""
from __future__ import annotations

from typing import Any

from ..core import dtypes as _dt
from ..core.registry import gradient
from ..core.tensor import Tensor
from ..errors import DtypeError, InvalidArgumentError, ShapeError
from ._base import as_shape, convert, normalize_axes, run, size_of

__all__ = ["reshape", "cast", "pad", "squeeze", "expand_dims", "depth_to_space", "space_to_depth",
           "space_to_batch_nd", "batch_to_space_nd", "broadcast_to", "broadcast_args", "ensure_shape", "setdiff1d"]


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


# ---- pad / squeeze / expand_dims -----------------------------------------------------------------

def _int_pairs(pairs: Any, count: int, op: str, arg: str) -> tuple[tuple[int, int], ...]:
    import operator
    if isinstance(pairs, Tensor):
        pairs = pairs.tolist()
    try:
        if not all(len(p) == 2 for p in pairs):
            raise TypeError
        out = tuple((operator.index(p[0]), operator.index(p[1])) for p in pairs)
    except TypeError:
        raise InvalidArgumentError(f"{op}: {arg} must be a list of [before, after] integer pairs, "
                                   f"got {pairs!r}") from None
    if len(out) != count:
        raise ShapeError(f"{op}: {arg} must have {count} pairs, got {len(out)}")
    if any(a < 0 or b < 0 for a, b in out):
        raise InvalidArgumentError(f"{op}: {arg} must be non-negative, got {[list(p) for p in out]}")
    return out


def pad(x: Any, paddings: Any, constant_value: float = 0) -> Tensor:
    """Pads each axis with paddings[i] = [before, after] copies of `constant_value`."""
    t = convert(x, "x", "pad", "any")
    if t.rank == 0:
        raise ShapeError("pad: cannot pad a scalar (rank 0) tensor")
    pads = _int_pairs(paddings, t.rank, "pad", "paddings")
    if isinstance(constant_value, Tensor):
        constant_value = constant_value.item()
    return run("PadV2", (t,), {"paddings": pads, "constant_value": constant_value})


@gradient("PadV2")
def _pad_grad(dy, inputs, outputs, attrs):
    from .slice_join import slice as _slice
    x = inputs[0]
    return (_slice(dy, [a for a, _ in attrs["paddings"]], list(x.shape)),)


def squeeze(x: Any, axis: int | Any = None) -> Tensor:
    """Drops axes of size 1 (all of them, or those in `axis`, which must have size 1)."""
    t = convert(x, "x", "squeeze", "any")
    if axis is None:
        shape = tuple(d for d in t.shape if d != 1)
    else:
        axes = normalize_axes(axis, t.rank, "squeeze")
        for a in axes:
            if t.shape[a] != 1:
                raise InvalidArgumentError(f"squeeze: cannot squeeze axis {a}: its size is {t.shape[a]}, "
                                           f"not 1 (shape {list(t.shape)})")
        shape = tuple(d for i, d in enumerate(t.shape) if i not in axes)
    return reshape(t, shape)


def expand_dims(x: Any, axis: int = 0) -> Tensor:
    """Inserts an axis of size 1 at `axis` (-1 appends one)."""
    import operator
    t = convert(x, "x", "expand_dims", "any")
    try:
        a = operator.index(axis)
    except TypeError:
        raise InvalidArgumentError(f"expand_dims: axis must be an integer, got {axis!r}") from None
    if not -(t.rank + 1) <= a <= t.rank:
        raise InvalidArgumentError(f"expand_dims: axis {a} is out of range for a tensor of rank {t.rank} "
                                   f"(expected {-(t.rank + 1)} <= axis <= {t.rank})")
    if a < 0:
        a += t.rank + 1
    return run("ExpandDims", (t,), {"dim": a})


@gradient("ExpandDims")
def _expand_dims_grad(dy, inputs, outputs, attrs):
    return (reshape(dy, inputs[0].shape),)


# ---- depth_to_space / space_to_batch_nd / batch_to_space_nd --------------------------------------

def _block_check(t: Tensor, block_size: Any, data_format: str, op: str) -> int:
    import operator
    if t.rank != 4:
        raise ShapeError(f"{op}: x must be of rank 4, got rank {t.rank} (shape {list(t.shape)})")
    if data_format not in ("NHWC", "NCHW"):
        raise InvalidArgumentError(f"{op}: data_format must be 'NHWC' or 'NCHW', got {data_format!r}")
    try:
        bs = operator.index(block_size)
    except TypeError:
        raise InvalidArgumentError(f"{op}: block_size must be an integer, got {block_size!r}") from None
    if bs < 2:
        raise InvalidArgumentError(f"{op}: block_size must be > 1, got {bs}")
    return bs


def depth_to_space(x: Any, block_size: int, data_format: str = "NHWC") -> Tensor:
    """Moves depth into blocks of space: [b, h, w, c] -> [b, h*bs, w*bs, c/(bs*bs)] (NHWC)."""
    t = convert(x, "x", "depth_to_space", "numeric")
    bs = _block_check(t, block_size, data_format, "depth_to_space")
    depth = t.shape[3] if data_format == "NHWC" else t.shape[1]
    if depth % (bs * bs):
        raise ShapeError(f"depth_to_space: the depth {depth} must be divisible by block_size**2 = {bs * bs} "
                         f"(shape {list(t.shape)})")
    return run("DepthToSpace", (t,), {"block_size": bs, "data_format": data_format})


def space_to_depth(x: Any, block_size: int, data_format: str = "NHWC") -> Tensor:
    """The inverse of depth_to_space: [b, h, w, c] -> [b, h/bs, w/bs, c*bs*bs] (NHWC)."""
    t = convert(x, "x", "space_to_depth", "numeric")
    bs = _block_check(t, block_size, data_format, "space_to_depth")
    h, w = (t.shape[1], t.shape[2]) if data_format == "NHWC" else (t.shape[2], t.shape[3])
    if h % bs or w % bs:
        raise ShapeError(f"space_to_depth: height {h} and width {w} must be divisible by block_size {bs}")
    return run("SpaceToDepth", (t,), {"block_size": bs, "data_format": data_format})


@gradient("DepthToSpace")
def _depth_to_space_grad(dy, inputs, outputs, attrs):
    return (run("SpaceToDepth", (dy,), dict(attrs)),)


@gradient("SpaceToDepth")
def _space_to_depth_grad(dy, inputs, outputs, attrs):
    return (run("DepthToSpace", (dy,), dict(attrs)),)


def _block_shape(block_shape: Any, op: str) -> tuple[int, ...]:
    bs = as_shape(block_shape, op, "block_shape")
    if not bs or any(b < 1 for b in bs):
        raise InvalidArgumentError(f"{op}: block_shape must be a non-empty list of positive integers, "
                                   f"got {list(bs)}")
    return bs


def space_to_batch_nd(x: Any, block_shape: Any, paddings: Any) -> Tensor:
    """Pads the spatial axes 1..M, then moves blocks of block_shape into the batch axis."""
    t = convert(x, "x", "space_to_batch_nd", "any")
    bs = _block_shape(block_shape, "space_to_batch_nd")
    if t.rank < 1 + len(bs):
        raise ShapeError(f"space_to_batch_nd: x must have rank at least {1 + len(bs)} for block_shape "
                         f"{list(bs)}, got rank {t.rank}")
    pads = _int_pairs(paddings, len(bs), "space_to_batch_nd", "paddings")
    for i, (b, (p0, p1)) in enumerate(zip(bs, pads)):
        if (t.shape[1 + i] + p0 + p1) % b:
            raise ShapeError(f"space_to_batch_nd: spatial dimension {1 + i} of size {t.shape[1 + i]} plus "
                             f"paddings {[p0, p1]} must be divisible by block_shape[{i}] = {b}")
    return run("SpaceToBatchND", (t,), {"block_shape": bs, "paddings": pads})


def batch_to_space_nd(x: Any, block_shape: Any, crops: Any) -> Tensor:
    """The inverse of space_to_batch_nd: moves batch blocks back into space, then crops."""
    t = convert(x, "x", "batch_to_space_nd", "any")
    bs = _block_shape(block_shape, "batch_to_space_nd")
    if t.rank < 1 + len(bs):
        raise ShapeError(f"batch_to_space_nd: x must have rank at least {1 + len(bs)} for block_shape "
                         f"{list(bs)}, got rank {t.rank}")
    cr = _int_pairs(crops, len(bs), "batch_to_space_nd", "crops")
    prod = size_of(bs)
    if t.shape[0] % prod:
        raise ShapeError(f"batch_to_space_nd: the batch size {t.shape[0]} must be divisible by the product "
                         f"of block_shape {list(bs)} = {prod}")
    for i, (b, (c0, c1)) in enumerate(zip(bs, cr)):
        if c0 + c1 > t.shape[1 + i] * b:
            raise InvalidArgumentError(f"batch_to_space_nd: crops[{i}] = {[c0, c1]} exceed the spatial size "
                                       f"{t.shape[1 + i] * b}")
    return run("BatchToSpaceND", (t,), {"block_shape": bs, "crops": cr})


@gradient("SpaceToBatchND")
def _space_to_batch_grad(dy, inputs, outputs, attrs):
    return (batch_to_space_nd(dy, attrs["block_shape"], attrs["paddings"]),)


@gradient("BatchToSpaceND")
def _batch_to_space_grad(dy, inputs, outputs, attrs):
    return (space_to_batch_nd(dy, attrs["block_shape"], attrs["crops"]),)


# ---- broadcasting --------------------------------------------------------------------------------

def broadcast_to(x: Any, shape: Any) -> Tensor:
    """`x` repeated along its size-1 (or missing leading) axes to `shape`."""
    t = convert(x, "x", "broadcast_to", "any")
    shp = as_shape(shape, "broadcast_to")
    if any(d < 0 for d in shp):
        raise InvalidArgumentError(f"broadcast_to: shape {list(shp)} has a negative dimension")
    if len(shp) < t.rank:
        raise ShapeError(f"broadcast_to: shape {list(shp)} has fewer axes than x (rank {t.rank})")
    padded = (1,) * (len(shp) - t.rank) + t.shape
    if any(a != b and a != 1 for a, b in zip(padded, shp)):
        raise ShapeError(f"broadcast_to: a tensor of shape {list(t.shape)} cannot be broadcast to {list(shp)}")
    if padded == shp:
        return reshape(t, shp) if t.shape != shp else run("Identity", (t,))
    return run("BroadcastTo", (t,), {"shape": shp})


@gradient("BroadcastTo")
def _broadcast_to_grad(dy, inputs, outputs, attrs):
    from .arithmetic import unbroadcast
    return (unbroadcast(dy, inputs[0].shape),)


def broadcast_args(s0: Any, s1: Any) -> Tensor:
    """The broadcast shape (int32 vector) of two shapes given as int32 vectors."""
    a = convert(s0, "s0", "broadcast_args", "int32")
    b = convert(s1, "s1", "broadcast_args", "int32")
    for name, v in (("s0", a), ("s1", b)):
        if v.rank != 1:
            raise ShapeError(f"broadcast_args: {name} must be a vector (rank 1), got rank {v.rank}")
    return run("BroadcastArgs", (a, b))


# ---- ensure_shape / setdiff1d --------------------------------------------------------------------

def ensure_shape(x: Any, shape: Any) -> Tensor:
    """`x` itself, after checking that its shape is `shape` (None entries match any size)."""
    t = convert(x, "x", "ensure_shape", "any")
    want = list(shape)
    if len(want) != t.rank or any(w is not None and w != d for w, d in zip(want, t.shape)):
        raise ShapeError(f"ensure_shape: the tensor's shape {list(t.shape)} is not compatible with the expected "
                         f"shape {want}")
    return t


def setdiff1d(x: Any, y: Any) -> tuple[Tensor, Tensor]:
    """The values of 1-D `x` that are not in 1-D `y`, in x's order, and their positions in x (int32):
    (out, indices). TF.js's setdiff1dAsync, run synchronously; NaN matches NaN."""
    op = "setdiff1d"
    a = convert(x, "x", op, "any")
    b = convert(y, "y", op, "any")
    if a.dtype != b.dtype:
        raise DtypeError(f"{op}: x and y must have the same dtype, got x {a.dtype} and y {b.dtype}")
    for name, t in (("x", a), ("y", b)):
        if t.rank != 1:
            raise ShapeError(f"{op}: {name} must be a 1-D tensor, got shape {list(t.shape)}")
    return run("ListDiff", (a, b))
