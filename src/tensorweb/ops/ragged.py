"""Ragged ops (flat, as TF.js exports them): ragged_gather, ragged_range, ragged_tensor_to_tensor.

A ragged tensor is held as dense values plus row partitions (see ragged_tensor_to_tensor); the splits
form is nested_splits [splits_0, ..., splits_k]: row i of dimension d spans splits_d[i]:splits_d[i+1]
of the next dimension (the values, for the last one)."""
from __future__ import annotations

from typing import Any, NamedTuple, Sequence

from ..core.tensor import Tensor
from ..errors import DtypeError, InvalidArgumentError, ShapeError
from ._base import check_rank, convert, run

__all__ = ["ragged_gather", "ragged_range", "ragged_tensor_to_tensor"]

ROW_PARTITION_TYPES = ("FIRST_DIM_SIZE", "VALUE_ROWIDS", "ROW_SPLITS")


class RaggedGatherResult(NamedTuple):
    output_nested_splits: list[Tensor]
    output_dense_values: Tensor


class RaggedRangeResult(NamedTuple):
    rt_nested_splits: Tensor
    rt_dense_values: Tensor


def _int32_list(tensors: Sequence[Any], arg: str, op: str) -> list[Tensor]:
    if isinstance(tensors, Tensor) or not isinstance(tensors, (list, tuple)):
        raise InvalidArgumentError(f"{op}: {arg} must be a list of tensors, got {type(tensors).__name__}")
    return [convert(t, f"{arg}[{i}]", op, "int32") for i, t in enumerate(tensors)]


def ragged_gather(params_nested_splits: Sequence[Any], params_dense_values: Any, indices: Any,
                  output_ragged_rank: int | None = None) -> RaggedGatherResult:
    """Gathers rows of a ragged tensor (params_nested_splits, params_dense_values) at int32 `indices` (any
    shape: its leading dimensions become uniform ragged dimensions). Returns (output_nested_splits,
    output_dense_values); output_ragged_rank, when given, must be indices.rank - 1 + len(splits)."""
    op = "ragged_gather"
    splits = _int32_list(params_nested_splits, "params_nested_splits", op)
    values = convert(params_dense_values, "params_dense_values", op, "any")
    idx = convert(indices, "indices", op, "int32")
    if not splits:
        raise InvalidArgumentError(f"{op}: params_nested_splits must not be empty")
    for i, s in enumerate(splits):
        check_rank(s, 1, op, f"params_nested_splits[{i}]")
    if values.rank == 0:
        raise ShapeError(f"{op}: params_dense_values must not be a scalar")
    rank = idx.rank - 1 + len(splits)
    if output_ragged_rank is not None and output_ragged_rank != rank:
        raise InvalidArgumentError(f"{op}: output_ragged_rank must be indices.rank - 1 + the number of splits "
                                   f"= {rank}, got {output_ragged_rank}")
    out = run("RaggedGather", (*splits, values, idx))
    return RaggedGatherResult(list(out[:-1]), out[-1])


def ragged_range(starts: Any, limits: Any, deltas: Any = 1) -> RaggedRangeResult:
    """A ragged tensor of ranges: row i is range(starts[i], limits[i], deltas[i]) (scalars broadcast).
    Returns (rt_nested_splits int32, rt_dense_values of starts' dtype, float32 or int32)."""
    op = "ragged_range"
    s = convert(starts, "starts", op)
    if s.dtype not in ("float32", "int32"):
        raise DtypeError(f"{op}: starts must be a float32 or int32 tensor, got a {s.dtype} tensor")
    lim = convert(limits, "limits", op, s.dtype)
    d = convert(deltas, "deltas", op, s.dtype)
    for t, arg in ((s, "starts"), (lim, "limits"), (d, "deltas")):
        check_rank(t, (0, 1), op, arg)
    return RaggedRangeResult(*run("RaggedRange", (s, lim, d)))


def ragged_tensor_to_tensor(shape: Any, values: Any, default_value: Any, row_partition_tensors: Sequence[Any],
                            row_partition_types: Sequence[str]) -> Tensor:
    """The dense tensor of a ragged tensor: rows padded with default_value (broadcast to the values' element
    shape) and cropped to `shape` (int32; -1 entries or a scalar -1: the ragged tensor's own size).

    row_partition_types name each partition tensor: 'ROW_SPLITS' or 'VALUE_ROWIDS' per ragged dimension,
    optionally after a leading 'FIRST_DIM_SIZE' (a scalar, the number of rows)."""
    op = "ragged_tensor_to_tensor"
    shp = convert(shape, "shape", op, "int32")
    vals = convert(values, "values", op, "any")
    default = convert(default_value, "default_value", op, vals.dtype)
    parts = _int32_list(row_partition_tensors, "row_partition_tensors", op)
    types = [str(t).upper() for t in row_partition_types]
    if not types or len(types) != len(parts):
        raise InvalidArgumentError(f"{op}: needs one row partition type per row partition tensor (at least "
                                   f"one), got types {types} for {len(parts)} tensors")
    for i, t in enumerate(types):
        if t not in ROW_PARTITION_TYPES or (t == "FIRST_DIM_SIZE" and i > 0):
            raise InvalidArgumentError(f"{op}: row partition type {t!r} is not supported at position {i}; "
                                       f"expected an optional leading FIRST_DIM_SIZE, then ROW_SPLITS or "
                                       f"VALUE_ROWIDS, got {types}")
    if types[0] == "VALUE_ROWIDS":
        raise InvalidArgumentError(f"{op}: cannot handle VALUE_ROWIDS in the first dimension")
    if types == ["FIRST_DIM_SIZE"]:
        raise InvalidArgumentError(f"{op}: FIRST_DIM_SIZE needs a ROW_SPLITS or VALUE_ROWIDS partition after it")
    check_rank(shp, (0, 1), op, "shape")
    if vals.rank == 0:
        raise ShapeError(f"{op}: values must not be a scalar")
    if default.rank >= vals.rank:
        raise ShapeError(f"{op}: default_value (shape {list(default.shape)}) must have a lower rank than values "
                         f"(shape {list(vals.shape)})")
    for t, p in zip(types, parts):
        check_rank(p, 0 if t == "FIRST_DIM_SIZE" else 1, op, f"row partition {t}")
    if types[0] == "ROW_SPLITS" and parts[0].shape[0] == 0:
        raise ShapeError(f"{op}: the first row partition tensor needs at least one element")
    return run("RaggedTensorToTensor", (shp, vals, default, *parts), {"row_partition_types": tuple(types)})
