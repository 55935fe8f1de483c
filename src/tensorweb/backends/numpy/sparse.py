"""NumPy kernels: sparse (SparseFillEmptyRows, SparseReshape, SparseSegmentSum, SparseSegmentMean).

A sparse tensor is (indices [n, rank] int32, values [n], dense_shape [rank]); the first index column is
the row. Errors carry TF.js's messages (the ops above check ranks and dtypes)."""
from __future__ import annotations

import numpy as np

from ...errors import InvalidArgumentError
from ._base import kernel


def _first_bad(bad: np.ndarray) -> int:
    return int(np.flatnonzero(bad)[0])


@kernel("SparseFillEmptyRows")
def sparse_fill_empty_rows(indices, values, dense_shape, default_value):
    n, rank = indices.shape
    rows = int(dense_shape[0])
    if rows == 0:
        if n:
            raise InvalidArgumentError(f"sparse_fill_empty_rows: received a sparse tensor with dense_shape[0] = 0 "
                                       f"but indices.shape[0] = {n}")
        return indices, values, np.zeros(0, np.bool_), np.zeros(0, np.int32)
    row = indices[:, 0].astype(np.int64)
    for bad, rel in ((row < 0, "< 0"), (row >= rows, f">= {rows}")):
        if bad.any():
            i = _first_bad(bad)
            raise InvalidArgumentError(f"sparse_fill_empty_rows: indices({i}, 0) is invalid: {row[i]} {rel}")
    counts = np.bincount(row, minlength=rows)
    empty = counts == 0
    if not empty.any() and bool(np.all(row[1:] >= row[:-1])):
        return indices, values, empty, np.arange(n, dtype=np.int32)
    # Output rows in order, each keeping its entries in input order; an empty row gets one default entry.
    filled = np.maximum(counts, 1)
    starts = np.cumsum(filled) - filled
    order = np.argsort(row, kind="stable")
    rank_in_row = np.empty(n, np.int64)
    rank_in_row[order] = np.arange(n) - (np.cumsum(counts) - counts)[row[order]]
    pos = starts[row] + rank_in_row
    total = int(filled.sum())
    out_indices = np.zeros((total, rank), indices.dtype)
    out_indices[pos] = indices
    out_indices[starts[empty], 0] = np.flatnonzero(empty)
    out_values = np.full(total, default_value[()], dtype=values.dtype)
    out_values[pos] = values
    return out_indices, out_values, empty, pos.astype(np.int32)


@kernel("SparseReshape")
def sparse_reshape(input_indices, input_shape, new_shape):
    in_shape = [int(d) for d in input_shape]
    target = [int(d) for d in new_shape]
    dense_size = int(np.prod(in_shape, dtype=np.int64))
    unknown = [d for d, s in enumerate(target) if s == -1]
    if len(unknown) > 1:
        raise InvalidArgumentError(f"sparse_reshape: only one output dimension may be -1, not both "
                                   f"{unknown[0]} and {unknown[1]}")
    for d, s in enumerate(target):
        if s < -1:
            raise InvalidArgumentError(f"sparse_reshape: size {d} must be non-negative, not {s}")
    out_shape = [1 if s == -1 else s for s in target]
    product = int(np.prod(out_shape, dtype=np.int64))
    if unknown:
        if product <= 0:
            raise InvalidArgumentError("sparse_reshape: cannot infer the missing input size for an empty tensor "
                                       "unless all specified input sizes are non-zero")
        if dense_size % product:
            raise InvalidArgumentError(f"sparse_reshape: input to reshape is a sparse tensor with {dense_size} "
                                       f"dense values, but the requested shape requires a multiple of {product} "
                                       f"(input shape {in_shape}, new shape {target})")
        out_shape[unknown[0]] = dense_size // product
    if int(np.prod(out_shape, dtype=np.int64)) != dense_size:
        raise InvalidArgumentError(f"sparse_reshape: input to reshape is a tensor with {dense_size} dense values, "
                                   f"but the requested shape {out_shape} has {int(np.prod(out_shape))}")
    # Each entry's row-major offset in the dense tensor, re-expressed in the new shape.
    linear = input_indices.astype(np.int64) @ _strides(in_shape)
    out_indices = linear[:, None] // np.maximum(_strides(out_shape), 1)
    out_indices[:, 1:] %= np.maximum(np.array(out_shape[1:], np.int64), 1)
    return out_indices.astype(np.int32), np.array(out_shape, np.int32)


def _strides(shape: list[int]) -> np.ndarray:
    """Row-major strides (in elements) of a shape, as int64."""
    return np.cumprod([1] + shape[:0:-1], dtype=np.int64)[::-1][:len(shape)]


def _segment_reduce(data, indices, segment_ids, mean: bool):
    op = "sparse_segment_mean" if mean else "sparse_segment_sum"
    n = indices.shape[0]
    if segment_ids.shape[0] != n:
        raise InvalidArgumentError(f"{op}: segment_ids and indices should have the same size, got "
                                   f"{segment_ids.shape[0]} and {n}")
    rows = int(segment_ids[-1]) + 1 if n else 0
    out = np.zeros((rows,) + data.shape[1:], data.dtype)
    if n == 0:
        return out
    if rows <= 0 or segment_ids[0] < 0:
        raise InvalidArgumentError(f"{op}: segment ids must be >= 0")
    if (np.diff(segment_ids) < 0).any():
        raise InvalidArgumentError(f"{op}: segment ids are not increasing")
    bad = (indices < 0) | (indices >= data.shape[0])
    if bad.any():
        i = _first_bad(bad)
        raise InvalidArgumentError(f"{op}: indices[{i}] == {indices[i]} out of range [0, {data.shape[0]})")
    np.add.at(out, segment_ids, data[indices])
    if mean:
        counts = np.bincount(segment_ids, minlength=rows).reshape((rows,) + (1,) * (data.ndim - 1))
        counts = np.maximum(counts, 1).astype(data.dtype)
        out = np.trunc(out / counts).astype(data.dtype) if data.dtype.kind in "iu" else out / counts
    return out


@kernel("SparseSegmentSum")
def sparse_segment_sum(data, indices, segment_ids):
    return _segment_reduce(data, indices, segment_ids, mean=False)


@kernel("SparseSegmentMean")
def sparse_segment_mean(data, indices, segment_ids):
    return _segment_reduce(data, indices, segment_ids, mean=True)
