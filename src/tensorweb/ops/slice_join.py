"""Slicing and joining: slice, strided_slice, gather, gather_nd, scatter_nd, tensor_scatter_update,
concat, stack, unstack, split, tile, reverse, mirror_pad, boolean_mask, sparse_to_dense — and `getitem`, the engine of
`Tensor.__getitem__` (NumPy-style indexing built on strided_slice, gather and boolean_mask)."""
from __future__ import annotations

import builtins
import operator
from typing import Any, Sequence

import numpy as np

from ..core import dtypes as _dt
from ..core.registry import gradient
from ..core.tensor import Tensor
from ..errors import DtypeError, InvalidArgumentError, ShapeError
from ._base import as_shape, convert, normalize_axes, normalize_axis, run, size_of

__all__ = ["slice", "strided_slice", "gather", "gather_nd", "scatter_nd", "tensor_scatter_update", "concat",
           "stack", "unstack", "split", "tile", "reverse", "mirror_pad", "boolean_mask", "sparse_to_dense"]

_pyslice = builtins.slice  # `slice` below is the op


def _int_list(value: Any, op: str, arg: str) -> list[int]:
    if isinstance(value, Tensor):
        value = value.tolist()
    if isinstance(value, (int, np.integer)):
        return [int(value)]
    try:
        return [operator.index(v) for v in value]
    except TypeError:
        raise InvalidArgumentError(f"{op}: {arg} must be a list of integers, got {value!r}") from None


# ---- slice --------------------------------------------------------------------------------------

def slice(x: Any, begin: Any, size: Any = None) -> Tensor:  # noqa: A001 (TF.js's name)
    """The block of `x` starting at `begin` with `size` elements per axis (-1: to the end of the axis).

    begin/size may be shorter than the rank (missing begins are 0, missing sizes -1) or a single int.
    """
    t = convert(x, "x", "slice", "any")
    if t.rank == 0:
        raise ShapeError("slice: cannot slice a scalar (rank 0) tensor")
    b = _int_list(begin, "slice", "begin")
    if len(b) > t.rank:
        raise ShapeError(f"slice: begin {b} has more entries than the tensor's rank {t.rank}")
    b = b + [0] * (t.rank - len(b))
    s = [-1] * t.rank if size is None else _int_list(size, "slice", "size")
    if len(s) > t.rank:
        raise ShapeError(f"slice: size {s} has more entries than the tensor's rank {t.rank}")
    s = s + [-1] * (t.rank - len(s))
    for i, (bi, si, d) in enumerate(zip(b, s, t.shape)):
        if bi < 0 or bi > d:
            raise InvalidArgumentError(f"slice: begin[{i}] = {bi} must be in [0, {d}] for shape {list(t.shape)}")
        if si < -1:
            raise InvalidArgumentError(f"slice: size[{i}] must be -1 or non-negative, got {si}")
        if si == -1:
            s[i] = d - bi
        elif bi + si > d:
            raise InvalidArgumentError(f"slice: begin[{i}] + size[{i}] ({bi + si}) would overflow the axis of "
                                       f"size {d} (shape {list(t.shape)})")
    return run("Slice", (t,), {"begin": tuple(b), "size": tuple(s)})


@gradient("Slice")
def _slice_grad(dy, inputs, outputs, attrs):
    from .transformation import pad
    x = inputs[0]
    paddings = [(b, d - b - s) for b, s, d in zip(attrs["begin"], attrs["size"], x.shape)]
    return (pad(dy, paddings),)


# ---- strided_slice -------------------------------------------------------------------------------

_NEW_AXIS, _SHRINK = -2, -1


def _slice_info(shape, begin, end, strides, begin_mask, end_mask, ellipsis_mask, new_axis_mask,
                shrink_axis_mask, op):
    """TF's strided-slice spec: (dense begin, end, strides, final shape)."""
    if ellipsis_mask & (ellipsis_mask - 1):
        raise InvalidArgumentError(f"{op}: at most one ellipsis is allowed, got ellipsis_mask {ellipsis_mask}")
    rank = len(shape)
    n = len(strides)
    add_after_ellipsis = 0
    seen = False
    for i in range(n):
        if seen and (new_axis_mask >> i) & 1:
            add_after_ellipsis += 1
        if (ellipsis_mask >> i) & 1:
            seen = True
    if not seen:
        ellipsis_mask |= 1 << n
        n += 1
    d_begin, d_end, d_strides = [0] * rank, [0] * rank, [1] * rank
    d_bmask = d_emask = d_shrink = 0
    gather: list[int] = []
    full = 0
    for i in range(n):
        if (ellipsis_mask >> i) & 1:
            stop = min(rank - (n - i) + 1 + add_after_ellipsis, rank)
            while full < stop:
                d_bmask |= 1 << full
                d_emask |= 1 << full
                gather.append(full)
                full += 1
        elif (new_axis_mask >> i) & 1:
            gather.append(_NEW_AXIS)
        else:
            if full == rank:
                raise InvalidArgumentError(f"{op}: index out of range using input dim {full}; the input has "
                                           f"only {rank} dims (shape {list(shape)})")
            d_begin[full], d_end[full], d_strides[full] = begin[i], end[i], strides[i]
            if (begin_mask >> i) & 1:
                d_bmask |= 1 << full
            if (end_mask >> i) & 1:
                d_emask |= 1 << full
            if (shrink_axis_mask >> i) & 1:
                gather.append(_SHRINK)
                d_shrink |= 1 << full
            else:
                gather.append(full)
            full += 1
    sizes = []
    for i, dim in enumerate(shape):
        s = d_strides[i]
        if s == 0:
            raise InvalidArgumentError(f"{op}: strides[{i}] must be non-zero")
        if (d_shrink >> i) & 1:
            if s <= 0:
                raise InvalidArgumentError(f"{op}: a shrunk axis (index) needs a positive stride, got {s}")
            b = d_begin[i] + dim if d_begin[i] < 0 else d_begin[i]
            if b < 0 or b >= dim:
                raise InvalidArgumentError(f"{op}: slice index {d_begin[i]} of dimension {i} is out of bounds "
                                           f"for size {dim}")
            d_begin[i], d_end[i] = b, b + 1
        else:
            lo, hi = (0, dim) if s > 0 else (-1, dim - 1)

            def canon(v, which, masked):
                if masked:
                    return (lo, hi)[which] if s > 0 else (lo, hi)[1 - which]
                v = v + dim if v < 0 else v
                return min(max(v, lo), hi)
            d_begin[i] = canon(d_begin[i], 0, (d_bmask >> i) & 1)
            d_end[i] = canon(d_end[i], 1, (d_emask >> i) & 1)
        interval = d_end[i] - d_begin[i]
        if interval == 0 or (interval < 0) != (s < 0):
            sizes.append(0)
        else:
            q, r = divmod(abs(interval), abs(s))
            sizes.append(q + (r != 0))
    final = tuple(1 if g == _NEW_AXIS else sizes[g] for g in gather if g != _SHRINK)
    return tuple(d_begin), tuple(d_end), tuple(d_strides), final


def strided_slice(x: Any, begin: Sequence[int], end: Sequence[int], strides: Sequence[int] | None = None,
                  begin_mask: int = 0, end_mask: int = 0, ellipsis_mask: int = 0, new_axis_mask: int = 0,
                  shrink_axis_mask: int = 0) -> Tensor:
    """TF's strided slice: x[begin:end:strides] per axis, with bit masks (bit i refers to entry i):
    begin_mask/end_mask ignore begin[i]/end[i] (take from the start/to the end), ellipsis_mask marks an
    entry standing for all remaining axes, new_axis_mask inserts an axis of size 1, shrink_axis_mask
    takes the single index begin[i] and drops the axis."""
    t = convert(x, "x", "strided_slice", "any")
    b = _int_list(begin, "strided_slice", "begin")
    e = _int_list(end, "strided_slice", "end")
    s = [1] * len(b) if strides is None else _int_list(strides, "strided_slice", "strides")
    if not len(b) == len(e) == len(s):
        raise InvalidArgumentError(f"strided_slice: begin, end and strides must have the same length, got "
                                   f"{len(b)}, {len(e)} and {len(s)}")
    masks = [int(m) for m in (begin_mask, end_mask, ellipsis_mask, new_axis_mask, shrink_axis_mask)]
    db, de, ds, final = _slice_info(t.shape, b, e, s, *masks, "strided_slice")
    return run("StridedSlice", (t,), {"begin": db, "end": de, "strides": ds, "final_shape": final})


@gradient("StridedSlice")
def _strided_slice_grad(dy, inputs, outputs, attrs):
    from .transformation import reshape
    from .creation import zeros_like
    x = inputs[0]
    if 0 in attrs["final_shape"]:
        return (zeros_like(x),)
    index = tuple(_pyslice(b, e if e >= 0 else None, s)
                  for b, e, s in zip(attrs["begin"], attrs["end"], attrs["strides"]))
    flat = np.arange(x.size, dtype=np.int32).reshape(x.shape)[index].reshape(-1, 1)
    dx = scatter_nd(flat, reshape(dy, [-1]), [x.size])
    return (reshape(dx, x.shape),)


# ---- gather / scatter ----------------------------------------------------------------------------

def gather(x: Any, indices: Any, axis: int = 0, batch_dims: int = 0) -> Tensor:
    """Slices of `x` along `axis` at `indices` (int32); the output's shape is
    x.shape[:axis] + indices.shape[batch_dims:] + x.shape[axis+1:]. With batch_dims, the first
    batch_dims axes of x and indices are matched (each batch gathers with its own indices)."""
    t = convert(x, "x", "gather", "any")
    idx = convert(indices, "indices", "gather", "int32")
    if t.rank == 0:
        raise ShapeError("gather: x must be at least rank 1, got a scalar")
    ax = normalize_axis(axis, t.rank, "gather")
    bd = int(batch_dims)
    if bd < -idx.rank or bd > idx.rank:
        raise InvalidArgumentError(f"gather: batch_dims must be in [{-idx.rank}, {idx.rank}], got {batch_dims}")
    if bd < 0:
        bd += idx.rank
    if bd > t.rank:
        raise InvalidArgumentError(f"gather: batch_dims ({bd}) must be at most the rank of x ({t.rank})")
    if ax < bd:
        raise InvalidArgumentError(f"gather: batch_dims ({bd}) must be less than or equal to axis ({ax})")
    for i in range(bd):
        if t.shape[i] != idx.shape[i]:
            raise ShapeError(f"gather: x.shape[{i}] ({t.shape[i]}) must equal indices.shape[{i}] "
                             f"({idx.shape[i]}) for batch_dims {bd}")
    return run("GatherV2", (t, idx), {"axis": ax, "batch_dims": bd})


@gradient("GatherV2")
def _gather_grad(dy, inputs, outputs, attrs):
    from .creation import range as _range
    from .transformation import broadcast_to, reshape
    x, idx = inputs
    ax, bd = attrs["axis"], attrs["batch_dims"]
    nb, p = size_of(x.shape[:bd]), size_of(x.shape[bd:ax])
    dim, q, n = x.shape[ax], size_of(x.shape[ax + 1:]), size_of(idx.shape[bd:])
    shape = [nb, p, n]
    bi = broadcast_to(reshape(_range(0, nb, 1, "int32"), [nb, 1, 1]), shape)
    pi = broadcast_to(reshape(_range(0, p, 1, "int32"), [1, p, 1]), shape)
    ii = broadcast_to(reshape(idx, [nb, 1, n]), shape)
    coords = stack([bi, pi, ii], -1)
    dx = scatter_nd(coords, reshape(dy, [nb, p, n, q]), [nb, p, dim, q])
    return reshape(dx, x.shape), None


def _nd_indices(indices: Any, op: str) -> Tensor:
    idx = convert(indices, "indices", op, "int32")
    if idx.rank < 1:
        raise ShapeError(f"{op}: indices must be at least rank 1, got a scalar")
    return idx


def gather_nd(x: Any, indices: Any) -> Tensor:
    """Slices of `x` at the index vectors in the last axis of `indices`: the output's shape is
    indices.shape[:-1] + x.shape[indices.shape[-1]:]."""
    t = convert(x, "x", "gather_nd", "any")
    idx = _nd_indices(indices, "gather_nd")
    if idx.shape[-1] > t.rank:
        raise ShapeError(f"gather_nd: indices.shape[-1] ({idx.shape[-1]}) must be at most the rank of x "
                         f"({t.rank})")
    return run("GatherNd", (t, idx))


@gradient("GatherNd")
def _gather_nd_grad(dy, inputs, outputs, attrs):
    x, idx = inputs
    return scatter_nd(idx, dy, x.shape), None


def _check_updates(idx: Tensor, updates: Tensor, shape: tuple, op: str) -> None:
    k = idx.shape[-1]
    if k > len(shape):
        raise ShapeError(f"{op}: indices.shape[-1] ({k}) must be at most the output rank ({len(shape)})")
    want = idx.shape[:-1] + tuple(shape[k:])
    if updates.shape != want:
        raise ShapeError(f"{op}: updates must have shape indices.shape[:-1] + shape[{k}:] = {list(want)}, "
                         f"got {list(updates.shape)}")


def scatter_nd(indices: Any, updates: Any, shape: Any) -> Tensor:
    """A zero tensor of `shape` with `updates` added at `indices` (duplicates add up)."""
    idx = _nd_indices(indices, "scatter_nd")
    u = convert(updates, "updates", "scatter_nd")
    shp = as_shape(shape, "scatter_nd")
    if any(d < 0 for d in shp):
        raise InvalidArgumentError(f"scatter_nd: shape {list(shp)} has a negative dimension")
    _check_updates(idx, u, shp, "scatter_nd")
    return run("ScatterNd", (idx, u), {"shape": shp})


@gradient("ScatterNd")
def _scatter_nd_grad(dy, inputs, outputs, attrs):
    idx, _ = inputs
    return None, gather_nd(dy, idx)


def tensor_scatter_update(tensor: Any, indices: Any, updates: Any) -> Tensor:
    """A copy of `tensor` with the slices at `indices` replaced by `updates`."""
    t = convert(tensor, "tensor", "tensor_scatter_update", "any")
    idx = _nd_indices(indices, "tensor_scatter_update")
    u = convert(updates, "updates", "tensor_scatter_update", "any")
    if u.dtype != t.dtype:
        raise DtypeError(f"tensor_scatter_update: updates must have the tensor's dtype {t.dtype}, got {u.dtype}")
    _check_updates(idx, u, t.shape, "tensor_scatter_update")
    return run("TensorScatterUpdate", (t, idx, u))


@gradient("TensorScatterUpdate")
def _tensor_scatter_update_grad(dy, inputs, outputs, attrs):
    from .creation import zeros_like
    _, idx, u = inputs
    return tensor_scatter_update(dy, idx, zeros_like(u)), None, gather_nd(dy, idx)


def sparse_to_dense(sparse_indices: Any, sparse_values: Any, output_shape: Any, default_value: Any = 0) -> Tensor:
    """A dense tensor of `output_shape` filled with default_value, with sparse_values (one per index, or a
    scalar for all) at sparse_indices (int32: a scalar or vector for a 1-D output, else [n, rank]); a
    repeated index keeps its last value."""
    op = "sparse_to_dense"
    idx = convert(sparse_indices, "sparse_indices", op, "int32")
    vals = convert(sparse_values, "sparse_values", op, "any")
    default = convert(default_value, "default_value", op, vals.dtype)
    shp = as_shape(output_shape, op, "output_shape")
    if any(d < 0 for d in shp):
        raise InvalidArgumentError(f"{op}: output_shape {list(shp)} has a negative dimension")
    if idx.rank > 2:
        raise ShapeError(f"{op}: sparse_indices must be a scalar, vector or matrix, got shape {list(idx.shape)}")
    count = idx.shape[0] if idx.rank > 0 else 1
    dims = idx.shape[1] if idx.rank > 1 else 1
    if len(shp) != dims:
        raise ShapeError(f"{op}: output_shape {list(shp)} must have {dims} entries (sparse_indices.shape[-1])")
    if not (vals.rank == 0 or (vals.rank == 1 and vals.shape[0] == count)):
        raise ShapeError(f"{op}: sparse_values must be a scalar or of shape [{count}], got {list(vals.shape)}")
    if default.rank != 0:
        raise ShapeError(f"{op}: default_value must be a scalar, got shape {list(default.shape)}")
    return run("SparseToDense", (idx, vals, default), {"output_shape": shp})


# ---- concat / stack / split ----------------------------------------------------------------------

def _tensor_list(tensors: Any, op: str) -> list[Tensor]:
    if isinstance(tensors, Tensor) or not isinstance(tensors, (list, tuple)):
        raise InvalidArgumentError(f"{op}: expects a list of tensors, got {type(tensors).__name__}")
    if not tensors:
        raise InvalidArgumentError(f"{op}: expects at least one tensor, got an empty list")
    return [convert(t, f"tensors[{i}]", op, "any") for i, t in enumerate(tensors)]


def concat(tensors: Sequence[Any], axis: int = 0) -> Tensor:
    """Joins tensors along an existing axis; dtypes are upcast to a common one (bool<int32<float32)."""
    ts = _tensor_list(tensors, "concat")
    rank = ts[0].rank
    if rank == 0:
        raise ShapeError("concat: cannot concatenate scalars (rank 0); use stack")
    ax = normalize_axis(axis, rank, "concat")
    dtype = ts[0].dtype
    for i, t in enumerate(ts):
        if t.rank != rank:
            raise ShapeError(f"concat: all tensors must have the same rank; tensors[0] has rank {rank}, "
                             f"tensors[{i}] has rank {t.rank}")
        for r in range(rank):
            if r != ax and t.shape[r] != ts[0].shape[r]:
                raise ShapeError(f"concat: tensors[{i}] has shape {list(t.shape)}, which does not match "
                                 f"{list(ts[0].shape)} outside axis {ax}")
        if (t.dtype == "complex64") != (dtype == "complex64") and t.dtype != dtype:
            other = t.dtype if dtype == "complex64" else dtype
            raise DtypeError(f"concat: cannot concatenate complex64 tensors with {other} tensors")
        try:
            dtype = _dt.upcast(dtype, t.dtype)
        except DtypeError as e:
            raise DtypeError(f"concat: {e}") from None
    ts = [t if t.dtype == dtype else run("Cast", (t,), {"dtype": dtype}) for t in ts]
    if len(ts) == 1:
        return run("Identity", (ts[0],))
    return run("Concat", tuple(ts), {"axis": ax})


@gradient("Concat")
def _concat_grad(dy, inputs, outputs, attrs):
    return tuple(split(dy, [t.shape[attrs["axis"]] for t in inputs], attrs["axis"]))


def stack(tensors: Sequence[Any], axis: int = 0) -> Tensor:
    """Joins tensors of one shape and dtype along a new axis."""
    ts = _tensor_list(tensors, "stack")
    ax = normalize_axis(axis, ts[0].rank + 1, "stack")
    for i, t in enumerate(ts):
        if t.shape != ts[0].shape:
            raise ShapeError(f"stack: all tensors must have the same shape; tensors[0] has "
                             f"{list(ts[0].shape)}, tensors[{i}] has {list(t.shape)}")
        if t.dtype != ts[0].dtype:
            raise DtypeError(f"stack: all tensors must have the same dtype; tensors[0] is {ts[0].dtype}, "
                             f"tensors[{i}] is {t.dtype}")
    return run("Pack", tuple(ts), {"axis": ax})


@gradient("Pack")
def _pack_grad(dy, inputs, outputs, attrs):
    return tuple(unstack(dy, attrs["axis"]))


def unstack(x: Any, axis: int = 0) -> list[Tensor]:
    """The slices of `x` along `axis`, each without that axis."""
    t = convert(x, "x", "unstack", "any")
    if t.rank == 0:
        raise ShapeError("unstack: cannot unstack a scalar (rank 0) tensor")
    ax = normalize_axis(axis, t.rank, "unstack")
    out = run("Unpack", (t,), {"axis": ax})
    return list(out) if isinstance(out, tuple) else [out]


@gradient("Unpack")
def _unpack_grad(dy, inputs, outputs, attrs):
    return (stack(list(dy), attrs["axis"]),)


def split(x: Any, num_or_size_splits: int | Sequence[int], axis: int = 0) -> list[Tensor]:
    """Splits `x` along `axis` into `num` equal parts, or parts of the given sizes (one may be -1)."""
    t = convert(x, "x", "split", "any")
    if t.rank == 0:
        raise ShapeError("split: cannot split a scalar (rank 0) tensor")
    ax = normalize_axis(axis, t.rank, "split")
    dim = t.shape[ax]
    if isinstance(num_or_size_splits, (int, np.integer)) and not isinstance(num_or_size_splits, bool):
        num = int(num_or_size_splits)
        if num <= 0 or dim % num:
            raise InvalidArgumentError(f"split: the number of splits ({num}) must be positive and evenly divide "
                                       f"the axis size {dim} (shape {list(t.shape)}, axis {ax})")
        sizes = [dim // num] * num
    else:
        sizes = _int_list(num_or_size_splits, "split", "num_or_size_splits")
        if not sizes:
            raise InvalidArgumentError("split: num_or_size_splits must not be empty")
        unknown = [i for i, s in enumerate(sizes) if s == -1]
        if len(unknown) > 1 or any(s < -1 for s in sizes):
            raise InvalidArgumentError(f"split: size splits {sizes} may contain at most one -1 and no other "
                                       f"negative size")
        known = sum(s for s in sizes if s != -1)
        if unknown:
            if known > dim:
                raise InvalidArgumentError(f"split: size splits {sizes} exceed the axis size {dim}")
            sizes[unknown[0]] = dim - known
        elif known != dim:
            raise InvalidArgumentError(f"split: size splits {sizes} must sum to the axis size {dim} "
                                       f"(shape {list(t.shape)}, axis {ax}), got {known}")
    out = run("SplitV", (t,), {"size_splits": tuple(sizes), "axis": ax})
    return list(out) if isinstance(out, tuple) else [out]


@gradient("SplitV")
def _split_grad(dy, inputs, outputs, attrs):
    return (concat(list(dy), attrs["axis"]),)


# ---- tile / reverse / mirror_pad -----------------------------------------------------------------

def tile(x: Any, reps: Sequence[int]) -> Tensor:
    """Repeats `x` reps[i] times along axis i."""
    t = convert(x, "x", "tile", "any")
    r = _int_list(reps, "tile", "reps")
    if len(r) != t.rank:
        raise ShapeError(f"tile: reps {r} must have one entry per axis of x (rank {t.rank})")
    if any(v < 0 for v in r):
        raise InvalidArgumentError(f"tile: reps {r} must be non-negative")
    return run("Tile", (t,), {"reps": tuple(r)})


@gradient("Tile")
def _tile_grad(dy, inputs, outputs, attrs):
    from .reduction import sum as _sum
    from .transformation import reshape
    x = inputs[0]
    if x.rank == 0:
        return (dy,)
    split_shape = [v for r, d in zip(attrs["reps"], x.shape) for v in (r, d)]
    return (reshape(_sum(reshape(dy, split_shape), list(range(0, 2 * x.rank, 2))), x.shape),)


def reverse(x: Any, axis: int | Sequence[int] | None = None) -> Tensor:
    """Reverses `x` along the given axes (all axes by default)."""
    t = convert(x, "x", "reverse", "any")
    dims = normalize_axes(axis, t.rank, "reverse") if t.rank else ()
    return run("Reverse", (t,), {"dims": tuple(sorted(dims))})


@gradient("Reverse")
def _reverse_grad(dy, inputs, outputs, attrs):
    return (reverse(dy, list(attrs["dims"])),)


def _paddings(paddings: Any, rank: int, op: str) -> tuple[tuple[int, int], ...]:
    if isinstance(paddings, Tensor):
        paddings = paddings.tolist()
    try:
        pads = tuple((operator.index(p[0]), operator.index(p[1])) for p in paddings)
        ok = all(len(p) == 2 for p in paddings)
    except (TypeError, IndexError):
        ok = False
    if not ok:
        raise InvalidArgumentError(f"{op}: paddings must be a list of [before, after] integer pairs, "
                                   f"got {paddings!r}")
    if len(pads) != rank:
        raise ShapeError(f"{op}: paddings must have one pair per axis ({rank}), got {len(pads)}")
    return pads


def mirror_pad(x: Any, paddings: Any, mode: str) -> Tensor:
    """Pads with mirrored copies of `x`: 'reflect' leaves out the edge, 'symmetric' repeats it."""
    if mode not in ("reflect", "symmetric"):
        raise InvalidArgumentError(f"mirror_pad: mode must be 'reflect' or 'symmetric', got {mode!r}")
    t = convert(x, "x", "mirror_pad", "any")
    if t.rank == 0:
        raise ShapeError("mirror_pad: cannot pad a scalar (rank 0) tensor")
    pads = _paddings(paddings, t.rank, "mirror_pad")
    off = 1 if mode == "reflect" else 0
    for i, ((a, b), d) in enumerate(zip(pads, t.shape)):
        if not (0 <= a <= d - off and 0 <= b <= d - off):
            raise InvalidArgumentError(f"mirror_pad: paddings[{i}] = {[a, b]} must be in [0, {d - off}] for "
                                       f"axis {i} of size {d} in mode {mode!r}")
    return run("MirrorPad", (t,), {"paddings": pads, "mode": mode})


@gradient("MirrorPad")
def _mirror_pad_grad(dy, inputs, outputs, attrs):
    # Every output element copies one input element along each axis: fold the copies back (sum).
    from .transformation import reshape
    x = inputs[0]
    g = dy
    for ax, ((a, b), d) in enumerate(zip(attrs["paddings"], x.shape)):
        if a == 0 and b == 0:
            continue
        src = np.pad(np.arange(d, dtype=np.int32), (a, b), mode=attrs["mode"])
        shape = g.shape
        p, q, m = size_of(shape[:ax]), size_of(shape[ax + 1:]), shape[ax]
        coords = np.stack(np.broadcast_arrays(np.arange(p, dtype=np.int32)[:, None], src[None, :]), -1)
        g = scatter_nd(coords, reshape(g, [p, m, q]), [p, d, q])
        g = reshape(g, shape[:ax] + (d,) + shape[ax + 1:])
    return (g,)


# ---- boolean_mask --------------------------------------------------------------------------------

def boolean_mask(tensor: Any, mask: Any, axis: int = 0) -> Tensor:
    """The slices of `tensor` where `mask` (bool, matching tensor.shape[axis:axis+mask.rank]) is true,
    flattened into one axis (TF.js's booleanMaskAsync, run synchronously)."""
    from .logical import where_indices
    from .transformation import reshape
    t = convert(tensor, "tensor", "boolean_mask", "any")
    m = convert(mask, "mask", "boolean_mask", "bool")
    if m.rank == 0:
        raise ShapeError("boolean_mask: mask cannot be a scalar")
    ax = normalize_axis(axis, max(t.rank, 1), "boolean_mask")
    if t.shape[ax:ax + m.rank] != m.shape:
        raise ShapeError(f"boolean_mask: mask's shape {list(m.shape)} must match tensor's shape "
                         f"{list(t.shape)} from axis {ax} on ({list(t.shape[ax:ax + m.rank])})")
    lead = size_of(m.shape)
    flat = reshape(t, t.shape[:ax] + (lead,) + t.shape[ax + m.rank:])
    positions = where_indices(reshape(m, [-1]))
    return gather(flat, reshape(positions, [-1]), ax)


# ---- indexing: Tensor.__getitem__ ----------------------------------------------------------------

def _is_bool_mask(k: Any) -> bool:
    if isinstance(k, Tensor):
        return k.dtype == "bool"
    if isinstance(k, np.ndarray):
        return k.dtype == np.bool_
    if isinstance(k, list):
        arr = np.asarray(k)
        return arr.dtype == np.bool_ and arr.ndim > 0
    return False


def _as_int_array(k: Any) -> np.ndarray | None:
    """The integer array of an advanced index, or None for a basic one (int, slice, None, Ellipsis)."""
    if isinstance(k, Tensor):
        if k.dtype != "int32":
            raise DtypeError(f"getitem: a tensor index must be int32 or bool, got {k.dtype}")
        return k.numpy().astype(np.int64)
    if isinstance(k, (list, tuple, np.ndarray)):
        arr = np.asarray(k)
        if arr.size == 0:
            arr = arr.astype(np.int64)
        if arr.dtype.kind not in "iu":
            raise InvalidArgumentError(f"getitem: index arrays must hold integers, got {k!r}")
        return arr.astype(np.int64)
    return None


def getitem(x: Tensor, key: Any) -> Tensor:
    """NumPy-style indexing: ints, slices (any step), Ellipsis, None; an int array/list/int32 tensor
    gathers; a bool mask selects (boolean_mask). Differentiable through the ops it uses."""
    from .transformation import reshape
    if not isinstance(key, tuple):
        key = (key,)
    # A boolean mask: the whole key.
    if any(_is_bool_mask(k) for k in key):
        if len(key) != 1:
            raise InvalidArgumentError("getitem: a boolean mask index must be the only index")
        m = key[0]
        mshape = tuple(m.shape) if isinstance(m, (Tensor, np.ndarray)) else np.asarray(m).shape
        if mshape != x.shape[:len(mshape)]:
            raise ShapeError(f"getitem: boolean mask of shape {list(mshape)} does not match the tensor's "
                             f"shape {list(x.shape)}")
        return boolean_mask(x, m)
    if sum(k is Ellipsis for k in key) > 1:
        raise InvalidArgumentError("getitem: an index can only have a single ellipsis ('...')")
    # Classify each entry; advanced (array) indices are replaced by full slices and gathered after.
    items: list[Any] = []
    advanced: list[tuple[int, np.ndarray]] = []  # (position in key, int array)
    for k in key:
        if isinstance(k, (bool, np.bool_)):
            raise InvalidArgumentError(f"getitem: a bool scalar is not a valid index, got {k!r}")
        arr = _as_int_array(k)
        if arr is not None and arr.ndim > 0:
            advanced.append((len(items), arr))
            items.append(_pyslice(None))
        elif arr is not None:
            items.append(int(arr))
        elif k is None or k is Ellipsis or isinstance(k, _pyslice):
            items.append(k)
        else:
            try:
                items.append(operator.index(k))
            except TypeError:
                raise InvalidArgumentError(f"getitem: unsupported index {k!r} (expected an int, slice, None, "
                                           f"Ellipsis, an int list/array/tensor or a bool mask)") from None
    n_axes = sum(1 for k in items if k is not None and k is not Ellipsis)
    if n_axes > x.rank:
        raise InvalidArgumentError(f"getitem: too many indices for a tensor of rank {x.rank}: {key!r}")
    # Which input axis each entry refers to, and where its result axis lands in the output.
    n_ell = x.rank - n_axes
    in_axis, out_axis, in_pos, out_pos = {}, {}, 0, 0
    for i, k in enumerate(items):
        if k is Ellipsis:
            in_pos += n_ell
            out_pos += n_ell
        elif k is None:
            out_pos += 1
        else:
            in_axis[i], out_axis[i] = in_pos, out_pos
            in_pos += 1
            out_pos += 0 if isinstance(k, int) else 1
    begin, end, strides = [], [], []
    bmask = emask = emask_ell = nmask = smask = 0
    for i, k in enumerate(items):
        bit = 1 << i
        if k is Ellipsis:
            emask_ell |= bit
            begin.append(0), end.append(0), strides.append(1)
        elif k is None:
            nmask |= bit
            begin.append(0), end.append(0), strides.append(1)
        elif isinstance(k, int):
            d = x.shape[in_axis[i]]
            if not -d <= k < d:
                raise InvalidArgumentError(f"getitem: index {k} is out of bounds for axis {in_axis[i]} with "
                                           f"size {d}")
            smask |= bit
            begin.append(k), end.append(k + 1), strides.append(1)
        else:
            step = 1 if k.step is None else operator.index(k.step)
            if step == 0:
                raise InvalidArgumentError("getitem: slice step cannot be zero")
            if k.start is None:
                bmask |= bit
            if k.stop is None:
                emask |= bit
            begin.append(0 if k.start is None else operator.index(k.start))
            end.append(0 if k.stop is None else operator.index(k.stop))
            strides.append(step)
    y = x
    trivial = (not smask and not nmask and all(isinstance(k, _pyslice) and k == _pyslice(None) or k is Ellipsis
                                               for k in items))
    if not trivial or not advanced:
        y = strided_slice(x, begin, end, strides, bmask, emask, emask_ell, nmask, smask)
    if not advanced:
        return y
    # Advanced indices: normalize negatives, check bounds, then gather.
    positions = [p for p, _ in advanced]
    arrays = []
    for p, arr in advanced:
        d = x.shape[in_axis[p]]
        if arr.size and (arr.min() < -d or arr.max() >= d):
            bad = arr[(arr < -d) | (arr >= d)].flat[0]
            raise InvalidArgumentError(f"getitem: index {int(bad)} is out of bounds for axis {in_axis[p]} "
                                       f"with size {d}")
        arrays.append(np.where(arr < 0, arr + d, arr))
    # NumPy: int scalars beside index arrays are advanced indices too; when the advanced entries are not
    # contiguous in the key, the broadcast index dims go first in the result.
    group = sorted(positions + [i for i, k in enumerate(items) if isinstance(k, int)])
    arr_axes = [out_axis[p] for p in positions]
    if group != list(range(group[0], group[0] + len(group))):
        from . import matrices
        if not hasattr(matrices, "transpose"):
            raise InvalidArgumentError("getitem: index arrays separated by other indices need transpose")
        perm = arr_axes + [a for a in range(y.rank) if a not in arr_axes]
        y = matrices.transpose(y, perm)
        arr_axes = list(range(len(arr_axes)))
    if len(arrays) == 1:
        return gather(y, arrays[0].astype(np.int32), arr_axes[0])
    try:
        arrays = np.broadcast_arrays(*arrays)
    except ValueError:
        raise ShapeError(f"getitem: index arrays of shapes {[list(a.shape) for a in arrays]} cannot be "
                         f"broadcast together") from None
    first = arr_axes[0]
    dims = [y.shape[a] for a in arr_axes]
    flat_idx = np.ravel_multi_index(tuple(arrays), dims) if size_of(dims) else np.zeros(arrays[0].shape, np.int64)
    merged = reshape(y, y.shape[:first] + (size_of(dims),) + y.shape[first + len(arrays):])
    return gather(merged, flat_idx.astype(np.int32), first)
