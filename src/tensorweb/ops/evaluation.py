"""Evaluation: top_k, in_top_k, unique, confusion_matrix, search_sorted, lower_bound, upper_bound."""
from __future__ import annotations

from typing import Any, NamedTuple

from ..core.registry import gradient
from ..core.tensor import Tensor
from ..errors import DtypeError, InvalidArgumentError, ShapeError
from ._base import convert, normalize_axis, run, size_of

__all__ = ["top_k", "topk", "in_top_k", "unique", "confusion_matrix", "search_sorted", "lower_bound",
           "upper_bound"]


class TopKResult(NamedTuple):
    values: Tensor
    indices: Tensor


class UniqueResult(NamedTuple):
    values: Tensor
    indices: Tensor


def _int_arg(value: Any, op: str, arg: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and value.is_integer():
            return int(value)
        raise InvalidArgumentError(f"{op}: {arg} must be an integer, got {value!r}")
    return value


def top_k(x: Any, k: int = 1, sorted: bool = True) -> TopKResult:  # noqa: A002 (TF.js's name)
    """The k largest entries along the last axis and their int32 indices: (values, indices).

    Values come largest first; equal values keep index order (lower index first), as in TF.js.
    With sorted=False any order is allowed; this backend still returns them sorted.
    """
    t = convert(x, "x", "top_k")
    if t.dtype == "complex64":
        raise DtypeError("top_k: does not accept complex64 tensors")
    if t.rank == 0:
        raise ShapeError("top_k: x must be of rank 1 or higher, got a scalar")
    k = _int_arg(k, "top_k", "k")
    last = t.shape[-1]
    if k < 0:
        raise InvalidArgumentError(f"top_k: k must be >= 0, got {k}")
    if k > last:
        raise InvalidArgumentError(f"top_k: k must be <= the last dimension ({last}), got {k}")
    values, indices = run("TopK", (t,), {"k": k, "sorted": bool(sorted)})
    return TopKResult(values, indices)


topk = top_k  # TF.js's spelling


def in_top_k(predictions: Any, targets: Any, k: int = 1) -> Tensor:
    """bool, shape of targets: whether targets[i] is among the k largest predictions of row i (ties go
    to the lower index, as TF.js's stable sort)."""
    from .logical import equal
    from .reduction import any as _any
    from .transformation import reshape
    p = convert(predictions, "predictions", "in_top_k")
    t = convert(targets, "targets", "in_top_k")
    if p.rank < 2:
        raise ShapeError(f"in_top_k: predictions must be of rank 2 or higher, got rank {p.rank}")
    if t.rank != p.rank - 1:
        raise ShapeError(f"in_top_k: targets must have rank {p.rank - 1} (one less than predictions), "
                         f"got rank {t.rank}")
    if tuple(p.shape[:-1]) != tuple(t.shape):
        raise ShapeError(f"in_top_k: targets shape {list(t.shape)} must match predictions shape "
                         f"{list(p.shape)} without its last dimension")
    k = _int_arg(k, "in_top_k", "k")
    last = p.shape[-1]
    if not 0 < k <= last:
        raise InvalidArgumentError(f"in_top_k: k must be > 0 and <= the last dimension of predictions "
                                   f"({last}), got {k}")
    indices = top_k(p, k).indices
    return _any(equal(indices, reshape(t, t.shape + (1,))), -1)


def unique(x: Any, axis: int = 0) -> UniqueResult:
    """The distinct entries (slices along `axis`) of x in order of first occurrence, and for each entry
    of x along `axis` the int32 index of its distinct value: (values, indices).

    Entries compare like TF.js's string keys: 0 equals -0 and NaN equals NaN.
    """
    t = convert(x, "x", "unique", "any")
    if t.rank == 0:
        raise ShapeError("unique: x must be of rank 1 or higher, got a scalar")
    ax = normalize_axis(axis, t.rank, "unique")
    values, indices = run("Unique", (t,), {"axis": ax})
    return UniqueResult(values, indices)


def confusion_matrix(labels: Any, predictions: Any, num_classes: int) -> Tensor:
    """int32 [num_classes, num_classes] counts: entry (i, j) counts examples with label i predicted j.

    labels and predictions are 1-D, cast to int32; values outside [0, num_classes) are not counted.
    """
    from .arithmetic import add, mul
    from .creation import zeros
    from .logical import greater_equal, less, logical_and, where
    from .reduction import bincount
    from .transformation import cast, reshape
    op = "confusion_matrix"
    lab = convert(labels, "labels", op)
    pred = convert(predictions, "predictions", op)
    if isinstance(num_classes, bool) or not isinstance(num_classes, int) or num_classes <= 0:
        raise InvalidArgumentError(f"{op}: num_classes must be a positive integer, got {num_classes!r}")
    if lab.rank != 1:
        raise ShapeError(f"{op}: labels must be of rank 1, got rank {lab.rank}")
    if pred.rank != 1:
        raise ShapeError(f"{op}: predictions must be of rank 1, got rank {pred.rank}")
    if lab.shape[0] != pred.shape[0]:
        raise ShapeError(f"{op}: labels and predictions must have the same number of elements, got "
                         f"{lab.shape[0]} and {pred.shape[0]}")
    n = num_classes
    lab, pred = cast(lab, "int32"), cast(pred, "int32")

    def in_range(v: Tensor) -> Tensor:
        return logical_and(greater_equal(v, 0), less(v, n))

    valid = logical_and(in_range(lab), in_range(pred))
    flat = where(valid, add(mul(lab, n), pred), n * n)  # n*n is past the last bin: dropped
    counts = bincount(flat, zeros((0,), "int32"), n * n)
    return reshape(counts, (n, n))


def search_sorted(sorted_sequence: Any, values: Any, side: str = "left") -> Tensor:
    """int32 insertion points of `values` in the innermost dimension of `sorted_sequence`.

    side='left': the first index i with sequence[i] >= value (lower bound); 'right': the first with
    sequence[i] > value (upper bound). Both are seen as 2-D, [rows, n] and [rows, m] (their leading
    dimensions flattened, a 1-D tensor being one row), and the rows must match. As in TF.js the result
    is that 2-D shape [rows, m] (a 1-D `values` gives [1, m]). A NaN value gives 0, as in TF.js.
    """
    op = "search_sorted"
    seq = convert(sorted_sequence, "sorted_sequence", op)
    vals = convert(values, "values", op)
    for name, t in (("sorted_sequence", seq), ("values", vals)):
        if t.dtype == "complex64":
            raise DtypeError(f"{op}: {name} must be real, got a complex64 tensor")
        if t.rank == 0:
            raise ShapeError(f"{op}: {name} must be of rank 1 or higher, got a scalar")
    if side not in ("left", "right"):
        raise InvalidArgumentError(f"{op}: side must be 'left' or 'right', got {side!r}")
    seq_rows, val_rows = size_of(seq.shape[:-1]), size_of(vals.shape[:-1])
    if seq_rows != val_rows:
        raise ShapeError(f"{op}: the leading dimensions of sorted_sequence {list(seq.shape)} and values "
                         f"{list(vals.shape)} must match ({seq_rows} vs {val_rows} rows)")
    from .transformation import reshape
    seq2 = reshape(seq, (seq_rows, seq.shape[-1]))
    vals2 = reshape(vals, (val_rows, vals.shape[-1]))
    return run("SearchSorted", (seq2, vals2), {"side": side})


def lower_bound(sorted_sequence: Any, values: Any) -> Tensor:
    """search_sorted with side='left'."""
    return search_sorted(sorted_sequence, values, "left")


def upper_bound(sorted_sequence: Any, values: Any) -> Tensor:
    """search_sorted with side='right'."""
    return search_sorted(sorted_sequence, values, "right")


# ---- gradients ------------------------------------------------------------------------------------

@gradient("TopK")
def _top_k_grad(dy, inputs, outputs, attrs):
    # Not in TF.js (TensorFlow has it): each value's gradient goes back to the position it came from.
    from .arithmetic import add, mul
    from .creation import range as _range
    from .segment import unsorted_segment_sum
    from .transformation import reshape
    x = inputs[0]
    d_values = dy[0]
    indices = outputs[1]
    n = x.shape[-1]
    rows = size_of(x.shape[:-1])
    k = indices.shape[-1]
    offsets = reshape(mul(_range(0, rows, 1, "int32"), n), (rows, 1))
    flat = reshape(add(reshape(indices, (rows, k)), offsets), (rows * k,))
    dx = unsorted_segment_sum(reshape(d_values, (rows * k,)), flat, rows * n)
    return (reshape(dx, x.shape),)
