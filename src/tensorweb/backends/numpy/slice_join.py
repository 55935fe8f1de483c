"""NumPy kernels: slicing and joining (Slice, StridedSlice, GatherV2, GatherNd, ScatterNd,
TensorScatterUpdate, SparseToDense, Concat, Pack, Unpack, SplitV, Tile, Reverse, MirrorPad)."""
from __future__ import annotations

import numpy as np

from ...errors import InvalidArgumentError
from ._base import kernel


@kernel("Slice")
def slice_(x, *, begin, size):
    return x[tuple(slice(b, b + s) for b, s in zip(begin, size))]


@kernel("StridedSlice")
def strided_slice(x, *, begin, end, strides, final_shape):
    # begin/end/strides are the op's canonical dense values: end -1 with a negative stride means
    # "through index 0", which a Python slice spells as None.
    if 0 in final_shape:
        return np.zeros(final_shape, dtype=x.dtype)
    index = tuple(slice(b, e if e >= 0 else None, s) for b, e, s in zip(begin, end, strides))
    return x[index].reshape(final_shape)


@kernel("GatherV2")
def gather_v2(x, indices, *, axis, batch_dims):
    dim = x.shape[axis]
    if indices.size and (indices.min() < 0 or indices.max() >= dim):
        bad = indices[(indices < 0) | (indices >= dim)].flat[0]
        raise InvalidArgumentError(f"gather: the index value {int(bad)} is not in [0, {dim - 1}]")
    if batch_dims == 0:
        return np.take(x, indices, axis=axis)
    b = batch_dims
    batch_shape, outer, inner = x.shape[:b], x.shape[b:axis], x.shape[axis + 1:]
    idx_shape = indices.shape[b:]
    nb, p = int(np.prod(batch_shape, dtype=np.int64)), int(np.prod(outer, dtype=np.int64))
    q, n = int(np.prod(inner, dtype=np.int64)), int(np.prod(idx_shape, dtype=np.int64))
    xr, ir = x.reshape(nb, p, dim, q), indices.reshape(nb, n)
    out = xr[np.arange(nb)[:, None, None], np.arange(p)[None, :, None], ir[:, None, :]]
    return out.reshape(batch_shape + outer + idx_shape + inner)


def _check_nd_indices(indices, shape, op):
    k = indices.shape[-1]
    if indices.size == 0 or k == 0:
        return
    limits = np.asarray(shape[:k])
    bad = (indices < 0) | (indices >= limits)
    if bad.any():
        row = indices.reshape(-1, k)[bad.reshape(-1, k).any(axis=1)][0]
        raise InvalidArgumentError(f"{op}: index {row.tolist()} does not index into shape {list(shape)}")


@kernel("GatherNd")
def gather_nd(x, indices):
    _check_nd_indices(indices, x.shape, "gather_nd")
    k = indices.shape[-1]
    out_shape = indices.shape[:-1] + x.shape[k:]
    if k == 0:
        return np.broadcast_to(x, out_shape).copy()
    flat = indices.reshape(-1, k)
    return x[tuple(flat[:, j] for j in range(k))].reshape(out_shape)


@kernel("ScatterNd")
def scatter_nd(indices, updates, *, shape):
    _check_nd_indices(indices, shape, "scatter_nd")
    k = indices.shape[-1]
    out = np.zeros(shape, dtype=updates.dtype)
    flat = indices.reshape(-1, k)
    upd = updates.reshape((flat.shape[0],) + tuple(shape[k:]))
    if updates.dtype == np.bool_:
        np.logical_or.at(out, tuple(flat[:, j] for j in range(k)), upd)
    else:
        np.add.at(out, tuple(flat[:, j] for j in range(k)), upd)
    return out


@kernel("TensorScatterUpdate")
def tensor_scatter_update(x, indices, updates):
    _check_nd_indices(indices, x.shape, "tensor_scatter_update")
    k = indices.shape[-1]
    out = x.copy()
    flat = indices.reshape(-1, k)
    out[tuple(flat[:, j] for j in range(k))] = updates.reshape((flat.shape[0],) + x.shape[k:])
    return out


@kernel("SparseToDense")
def sparse_to_dense(indices, values, default_value, *, output_shape):
    out = np.full(output_shape, default_value[()], dtype=values.dtype)
    flat = indices.reshape(-1, indices.shape[1] if indices.ndim == 2 else 1)
    _check_nd_indices(flat, output_shape, "sparse_to_dense")
    if out.size:
        out[tuple(flat.T)] = values  # a repeated index keeps its last value
    return out


@kernel("Concat")
def concat(*xs, axis):
    return np.concatenate(xs, axis=axis)


@kernel("Pack")
def pack(*xs, axis):
    return np.stack(xs, axis=axis)


@kernel("Unpack")
def unpack(x, *, axis):
    return tuple(np.take(x, i, axis=axis) for i in range(x.shape[axis]))


@kernel("SplitV")
def split_v(x, *, size_splits, axis):
    cuts = np.cumsum(size_splits)[:-1]
    return tuple(np.split(x, cuts, axis=axis))


@kernel("Tile")
def tile(x, *, reps):
    return np.tile(x, reps)


@kernel("Reverse")
def reverse(x, *, dims):
    return np.flip(x, axis=tuple(dims)).copy() if dims else x.copy()


@kernel("MirrorPad")
def mirror_pad(x, *, paddings, mode):
    return np.pad(x, paddings, mode=mode)
