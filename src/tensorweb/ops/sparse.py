"""Sparse ops (tw.sparse, TF.js's tf.sparse.*): sparse_fill_empty_rows, sparse_reshape, sparse_segment_sum,
sparse_segment_mean.

A sparse tensor is given as indices (int32 [n, rank], one row per stored value), values ([n]) and its
dense shape (int32 [rank])."""
from __future__ import annotations

from typing import Any, NamedTuple

from ..core.registry import gradient
from ..core.tensor import Tensor
from ..errors import DtypeError, ShapeError
from ._base import check_rank, convert, run

__all__ = ["sparse_fill_empty_rows", "sparse_reshape", "sparse_segment_sum", "sparse_segment_mean"]


class SparseFillEmptyRowsResult(NamedTuple):
    output_indices: Tensor
    output_values: Tensor
    empty_row_indicator: Tensor
    reverse_index_map: Tensor


class SparseReshapeResult(NamedTuple):
    output_indices: Tensor
    output_shape: Tensor


def sparse_fill_empty_rows(indices: Any, values: Any, dense_shape: Any,
                           default_value: Any) -> SparseFillEmptyRowsResult:
    """Gives every empty row of a 2-D (or higher) sparse tensor one entry [row, 0, ...] = default_value.

    Returns (output_indices, output_values, empty_row_indicator bool [rows], reverse_index_map int32 [n]:
    where each input entry went). Entries come out grouped by row, in input order within a row."""
    op = "sparse_fill_empty_rows"
    idx = convert(indices, "indices", op, "int32")
    vals = convert(values, "values", op, "any")
    shape = convert(dense_shape, "dense_shape", op, "int32")
    default = convert(default_value, "default_value", op, vals.dtype)
    check_rank(idx, 2, op, "indices")
    check_rank(vals, 1, op, "values")
    check_rank(shape, 1, op, "dense_shape")
    check_rank(default, 0, op, "default_value")
    if vals.shape[0] != idx.shape[0]:
        raise ShapeError(f"{op}: values must have one entry per row of indices ({idx.shape[0]}), "
                         f"got {vals.shape[0]}")
    if shape.shape[0] != idx.shape[1] or shape.shape[0] == 0:
        raise ShapeError(f"{op}: dense_shape must have one entry per column of indices ({idx.shape[1]}) "
                         f"and at least one, got shape {list(shape.shape)}")
    return SparseFillEmptyRowsResult(*run("SparseFillEmptyRows", (idx, vals, shape, default)))


def sparse_reshape(input_indices: Any, input_shape: Any, new_shape: Any) -> SparseReshapeResult:
    """The indices of a sparse tensor of dense shape input_shape reshaped to new_shape (one entry may be -1).
    Returns (output_indices int32 [n, len(new_shape)], output_shape int32)."""
    op = "sparse_reshape"
    idx = convert(input_indices, "input_indices", op, "int32")
    shape = convert(input_shape, "input_shape", op, "int32")
    new = convert(new_shape, "new_shape", op, "int32")
    check_rank(idx, 2, op, "input_indices")
    check_rank(shape, 1, op, "input_shape")
    check_rank(new, 1, op, "new_shape")
    if idx.shape[1] != shape.shape[0]:
        raise ShapeError(f"{op}: input_indices must have one column per entry of input_shape "
                         f"({shape.shape[0]}), got shape {list(idx.shape)}")
    return SparseReshapeResult(*run("SparseReshape", (idx, shape, new)))


def _segment_args(data: Any, indices: Any, segment_ids: Any, op: str) -> tuple[Tensor, Tensor, Tensor]:
    d = convert(data, "data", op)
    if d.dtype not in ("float32", "int32"):
        raise DtypeError(f"{op}: data must be a float32 or int32 tensor, got a {d.dtype} tensor")
    idx = convert(indices, "indices", op, "int32")
    seg = convert(segment_ids, "segment_ids", op, "int32")
    if d.rank < 1:
        raise ShapeError(f"{op}: data must be at least 1-D, got a scalar")
    check_rank(idx, 1, op, "indices")
    check_rank(seg, 1, op, "segment_ids")
    return d, idx, seg


def sparse_segment_sum(data: Any, indices: Any, segment_ids: Any) -> Tensor:
    """Sums of the rows data[indices[i]] grouped by segment_ids (sorted, may skip ids: those rows are 0);
    the output has segment_ids[-1] + 1 rows."""
    return run("SparseSegmentSum", _segment_args(data, indices, segment_ids, "sparse_segment_sum"))


def sparse_segment_mean(data: Any, indices: Any, segment_ids: Any) -> Tensor:
    """Means of the rows data[indices[i]] grouped by segment_ids (int32 data: truncated toward zero)."""
    return run("SparseSegmentMean", _segment_args(data, indices, segment_ids, "sparse_segment_mean"))


def _segment_grad(dy: Tensor, inputs: tuple, mean: bool) -> tuple:
    from .arithmetic import div
    from .creation import ones
    from .segment import unsorted_segment_sum
    from .slice_join import gather
    from .transformation import reshape
    data, idx, seg = inputs
    rows = gather(dy, seg)
    if mean:
        counts = unsorted_segment_sum(ones(seg.shape), seg, dy.shape[0])
        rows = div(rows, reshape(gather(counts, seg), (-1,) + (1,) * (data.rank - 1)))
    return unsorted_segment_sum(rows, idx, data.shape[0]), None, None


@gradient("SparseSegmentSum")
def _sparse_segment_sum_grad(dy, inputs, outputs, attrs):
    return _segment_grad(dy, inputs, mean=False)


@gradient("SparseSegmentMean")
def _sparse_segment_mean_grad(dy, inputs, outputs, attrs):
    return _segment_grad(dy, inputs, mean=True)
