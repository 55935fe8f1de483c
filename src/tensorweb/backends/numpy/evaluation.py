"""NumPy kernels: evaluation (top_k, unique, search_sorted)."""
from __future__ import annotations

import numpy as np

from ._base import kernel


def _descending_key(x):
    """A key whose ascending order is x's descending order (no integer overflow)."""
    if x.dtype.kind == "b":
        return -x.astype(np.int8)
    if x.dtype.kind in "iu":
        return -x.astype(np.int64)
    return -x


@kernel("TopK")
def top_k(x, *, k, sorted):  # noqa: A002 (TF.js's attr name)
    # Largest first; equal values keep their order (lower index first), as TF.js's comparator.
    # Unsorted output is returned sorted too (any order is allowed then).
    order = np.argsort(_descending_key(x), axis=-1, kind="stable")[..., :k]
    values = np.take_along_axis(x, order, axis=-1)
    return values, order.astype(np.int32)


def _row_codes(rows):
    """Maps each row of a 2-D array to an id such that equal rows (by TF.js's string comparison:
    0 == -0, NaN == NaN) share it."""
    if rows.dtype == object:
        _, codes = np.unique(rows.reshape(-1).astype(str), return_inverse=True)
        rows = codes.reshape(rows.shape).astype(np.int64)
    elif rows.dtype.kind in "fc":
        rows = np.where(rows == 0, np.zeros((), rows.dtype), rows)
        rows = np.where(np.isnan(rows), np.array(np.nan, rows.dtype), rows)
    if rows.shape[1] == 0:
        return np.zeros(rows.shape[0], dtype=np.int64)
    if rows.shape[1] == 1:
        _, inverse = np.unique(rows[:, 0], return_inverse=True)  # NaNs compare equal here
        return inverse.reshape(-1)
    rows = np.ascontiguousarray(rows)
    void = rows.view(np.dtype((np.void, rows.dtype.itemsize * rows.shape[1]))).reshape(-1)
    _, inverse = np.unique(void, return_inverse=True)
    return inverse.reshape(-1)


@kernel("Unique")
def unique(x, *, axis):
    n = x.shape[axis]
    moved = np.moveaxis(x, axis, 0)
    rows = moved.reshape(n, int(np.prod(moved.shape[1:], dtype=np.int64)))
    codes = _row_codes(rows)
    if n == 0:
        return x, np.zeros(0, dtype=np.int32)
    first = np.full(int(codes.max()) + 1, n, dtype=np.int64)
    np.minimum.at(first, codes, np.arange(n))      # first occurrence of each distinct row
    order = np.argsort(first, kind="stable")         # distinct rows in order of first occurrence
    rank = np.empty(order.size, dtype=np.int64)
    rank[order] = np.arange(order.size)
    indices = rank[codes].astype(np.int32)  # codes are already dense ids 0..m-1
    values = np.take(x, first[order], axis=axis)
    return values, indices


@kernel("SearchSorted")
def search_sorted(sorted_sequence, values, *, side):
    # Row b of values is searched in row b of sorted_sequence (both 2-D).
    out = np.empty(values.shape, dtype=np.int32)
    if sorted_sequence.shape[1] == 0:
        out[...] = 0
        return out
    for b in range(values.shape[0]):  # one vectorized search per row
        out[b] = np.searchsorted(sorted_sequence[b], values[b], side=side)
    if values.dtype.kind == "f":
        out[np.isnan(values)] = 0  # TF.js's binary search: every comparison with NaN is false
    return out
