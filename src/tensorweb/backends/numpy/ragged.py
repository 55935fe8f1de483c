"""NumPy kernels: ragged tensors (RaggedGather, RaggedRange, RaggedTensorToTensor).

A ragged tensor is dense values plus row partitions: row_splits [rows + 1] (row i is
values[splits[i]:splits[i+1]]), value_rowids (the row of each value, sorted) or a first-dimension size.
"""
from __future__ import annotations

import numpy as np

from ...errors import InvalidArgumentError
from ._base import kernel


def _ranges(starts: np.ndarray, limits: np.ndarray) -> np.ndarray:
    """concatenate([arange(s, l) for s, l in zip(starts, limits)]), vectorized."""
    lengths = np.maximum(limits - starts, 0)
    offsets = np.cumsum(lengths) - lengths
    return np.repeat(starts - offsets, lengths) + np.arange(int(lengths.sum()))


# ---- RaggedGather --------------------------------------------------------------------------------

def _check_splits(splits: list[np.ndarray], num_values: int) -> None:
    for dim, s in enumerate(splits):
        limit = splits[dim + 1].size if dim + 1 < len(splits) else num_values
        if s.size == 0:
            raise InvalidArgumentError("ragged_gather: ragged splits may not be empty")
        if s[0] < 0:
            raise InvalidArgumentError("ragged_gather: ragged splits must be non-negative")
        if s[-1] > limit:
            raise InvalidArgumentError("ragged_gather: ragged splits must not point past values")
        if (np.diff(s) < 0).any():
            raise InvalidArgumentError("ragged_gather: ragged splits must be sorted in ascending order")


@kernel("RaggedGather")
def ragged_gather(*inputs):
    *splits, values, indices = inputs
    splits = [s.astype(np.int64) for s in splits]
    num_params = splits[0].size - 1
    bad = (indices < 0) | (indices >= num_params)
    if bad.any():
        loc = ",".join(str(int(i)) for i in np.argwhere(bad)[0])
        raise InvalidArgumentError(f"ragged_gather: indices[{loc}] = {indices[bad][0]} is not in "
                                   f"[0, {num_params})")
    _check_splits(splits, values.shape[0])
    out_splits = []
    # The dense leading dimensions of indices become uniform row partitions.
    for dim in range(indices.ndim - 1):
        rows = int(np.prod(indices.shape[:dim + 1]))
        out_splits.append(np.arange(rows + 1, dtype=np.int64) * indices.shape[dim + 1])
    # Each ragged dimension: the lengths of the selected rows make the new splits; their spans select the
    # rows of the next dimension (finally: the values).
    starts = indices.reshape(-1).astype(np.int64)
    limits = starts + 1
    for dim, s in enumerate(splits):
        if indices.ndim - 1 + dim >= 0:
            rows = _ranges(starts, limits)
            out_splits.append(np.concatenate([[0], np.cumsum(s[rows + 1] - s[rows])]))
        starts, limits = s[starts], s[limits]
    out_values = values[_ranges(starts, limits)]
    return tuple(o.astype(np.int32) for o in out_splits) + (out_values,)


# ---- RaggedRange ---------------------------------------------------------------------------------

@kernel("RaggedRange")
def ragged_range(starts, limits, deltas):
    sizes = [a.size for a in (starts, limits, deltas) if a.ndim == 1]
    if len(set(sizes)) > 1:
        raise InvalidArgumentError("ragged_range: starts, limits, and deltas must have the same shape")
    rows = sizes[0] if sizes else 1
    start, limit, delta = (np.broadcast_to(a.reshape(-1), (rows,)).astype(np.float64)
                           for a in (starts, limits, deltas))
    if (delta == 0).any():
        raise InvalidArgumentError("ragged_range: requires delta != 0")
    empty = ((delta > 0) & (limit < start)) | ((delta < 0) & (limit > start))
    size = np.where(empty, 0, np.ceil(np.abs((limit - start) / delta)))
    if (size > 2 ** 31 - 1).any():
        raise InvalidArgumentError("ragged_range: requires ((limit - start) / delta) <= 2147483647")
    size = size.astype(np.int64)
    splits = np.concatenate([[0], np.cumsum(size)])
    row = np.repeat(np.arange(rows), size)
    step = np.arange(int(splits[-1])) - splits[row]
    return splits.astype(np.int32), (start[row] + step * delta[row]).astype(starts.dtype)


# ---- RaggedTensorToTensor ------------------------------------------------------------------------

def _run_starts(ids: np.ndarray) -> np.ndarray:
    """For each position, where its run of equal consecutive ids starts."""
    new_run = np.concatenate([[True], ids[1:] != ids[:-1]])
    return np.maximum.accumulate(np.where(new_run, np.arange(ids.size), 0))


def _max_width(kind: str, partition: np.ndarray) -> int:
    if kind == "ROW_SPLITS":
        return int(np.diff(partition).max(initial=0))
    if partition.size == 0:
        return 0
    cols = np.arange(partition.size) - _run_starts(partition)
    return int(cols.max()) + 1


def _output_shape(shape, value_shape: tuple[int, ...], ragged_rank: int) -> list[int]:
    """TF's partial output shape (-1: unknown), merged with the values' inner dimensions."""
    rank = ragged_rank + len(value_shape)
    if shape.ndim == 0:
        if shape != -1:
            raise InvalidArgumentError("ragged_tensor_to_tensor: the only valid scalar shape is -1 (unknown)")
        out = [-1] * rank
    else:
        out = [int(d) for d in shape]
        if any(d < -1 for d in out):
            raise InvalidArgumentError(f"ragged_tensor_to_tensor: shape {out} has a dimension < -1")
        if len(out) != rank:
            raise InvalidArgumentError(f"ragged_tensor_to_tensor: shape {out} is incompatible with the ragged "
                                       f"tensor, whose rank is {rank}")
    for i in range(1, len(value_shape)):
        j = rank - len(value_shape) + i
        if out[j] == -1:
            out[j] = value_shape[i]
        elif out[j] != value_shape[i]:
            raise InvalidArgumentError(f"ragged_tensor_to_tensor: shape {out} is incompatible with the values' "
                                       f"shape {list(value_shape)} in dimension {j}")
    return out


def _positions(kind: str, partition: np.ndarray, parent: np.ndarray, stride: int, width: int) -> np.ndarray:
    """Each child's flat output position (-1: cropped) from its parent row's position."""
    if kind == "ROW_SPLITS":
        if partition.size - 1 > parent.size:
            raise InvalidArgumentError(f"ragged_tensor_to_tensor: row partition size is greater than the output "
                                       f"size: {partition.size - 1} > {parent.size}")
        lengths = np.diff(partition)
        if partition.size and (lengths < 0).any():
            raise InvalidArgumentError("ragged_tensor_to_tensor: row splits must be sorted")
        row = np.repeat(np.arange(lengths.size), lengths)
        col = np.arange(row.size) - np.repeat(partition[:-1] - partition[0], lengths)
        if partition.size and row.size != partition[-1]:
            raise InvalidArgumentError("ragged_tensor_to_tensor: invalid row split size")
    else:  # VALUE_ROWIDS
        if partition.size and ((partition < 0).any() or (partition >= parent.size).any()):
            bad = partition[(partition < 0) | (partition >= parent.size)][0]
            raise InvalidArgumentError(f"ragged_tensor_to_tensor: value row id {bad} is not in [0, {parent.size})")
        row, col = partition, np.arange(partition.size) - _run_starts(partition)
    base = parent[row]
    return np.where((base >= 0) & (col < width), base + col * stride, -1)


@kernel("RaggedTensorToTensor")
def ragged_tensor_to_tensor(shape, values, default_value, *partitions, row_partition_types):
    types = list(row_partition_types)
    first_size = types[0] == "FIRST_DIM_SIZE"
    ragged_rank = len(types) - first_size
    if first_size:
        nrows = int(partitions[0].reshape(-1)[0])
    elif types[0] == "ROW_SPLITS":
        nrows = partitions[0].size - 1
    else:
        raise InvalidArgumentError(f"ragged_tensor_to_tensor: cannot handle {types[0]} in the first dimension")
    inner = list(zip(types[first_size:], partitions[first_size:]))
    out_shape = _output_shape(shape, values.shape, ragged_rank)
    if out_shape[0] < 0:
        out_shape[0] = nrows
    for i, (kind, part) in enumerate(inner, start=1):
        if out_shape[i] < 0:
            out_shape[i] = _max_width(kind, part)
    elem = tuple(out_shape[ragged_rank + 1:])
    slots = int(np.prod(out_shape[:ragged_rank + 1]))
    try:
        fill = np.broadcast_to(default_value, elem)
    except ValueError:
        raise InvalidArgumentError(f"ragged_tensor_to_tensor: default_value of shape {list(default_value.shape)} "
                                   f"does not broadcast to the values' element shape {list(elem)}") from None
    out = np.empty((slots,) + elem, dtype=values.dtype)
    out[...] = fill
    strides = np.cumprod([1] + out_shape[ragged_rank:0:-1])[::-1]
    pos = np.where(np.arange(nrows) < out_shape[0], np.arange(nrows) * strides[0], -1)
    for i, (kind, part) in enumerate(inner, start=1):
        pos = _positions(kind, part.astype(np.int64), pos, int(strides[i]), out_shape[i])
    if slots and pos.size:
        if pos.size != values.shape[0]:
            raise InvalidArgumentError(f"ragged_tensor_to_tensor: the row partitions describe {pos.size} values, "
                                       f"got {values.shape[0]}")
        keep = pos >= 0
        out[pos[keep]] = values[keep]
    return out.reshape(out_shape)
