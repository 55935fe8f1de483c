"""Segment ops: unsorted_segment_sum (with its gradient)."""
from __future__ import annotations

from typing import Any

from ..core.registry import gradient
from ..core.tensor import Tensor
from ..errors import DtypeError, InvalidArgumentError, ShapeError
from ._base import cast_to, convert, run

__all__ = ["unsorted_segment_sum"]


def unsorted_segment_sum(x: Any, segment_ids: Any, num_segments: int) -> Tensor:
    """Sums the slices of x that share a segment id: out[s] = sum of x[i] where segment_ids[i] == s.

    segment_ids (int32) has the shape of x's leading dimensions (usually 1-D, of length x.shape[0]);
    the result has shape [num_segments] + x.shape[segment_ids.rank:]. Ids that are negative or
    >= num_segments are dropped. bool x sums as int32.
    """
    op = "unsorted_segment_sum"
    t = convert(x, "x", op)
    if t.dtype == "complex64":
        raise DtypeError(f"{op}: does not accept complex64 tensors")
    if t.dtype == "bool":
        t = cast_to(t, "int32")
    ids = convert(segment_ids, "segment_ids", op, "int32")
    if isinstance(num_segments, bool) or not isinstance(num_segments, int):
        if isinstance(num_segments, float) and num_segments.is_integer():
            num_segments = int(num_segments)
        else:
            raise InvalidArgumentError(f"{op}: num_segments must be an integer, got {num_segments!r}")
    if num_segments < 0:
        raise InvalidArgumentError(f"{op}: num_segments must be non-negative, got {num_segments}")
    if ids.rank == 0 or tuple(t.shape[:ids.rank]) != tuple(ids.shape):
        raise ShapeError(f"{op}: segment_ids shape {list(ids.shape)} must be a non-empty prefix of "
                         f"x's shape {list(t.shape)}")
    return run("UnsortedSegmentSum", (t, ids), {"num_segments": num_segments})


def _gather_drop_negatives(x: Tensor, ids: Tensor) -> Tensor:
    return run("GatherDropNegatives", (x, ids))


@gradient("UnsortedSegmentSum")
def _unsorted_segment_sum_grad(dy, inputs, outputs, attrs):
    return _gather_drop_negatives(dy, inputs[1]), None


@gradient("GatherDropNegatives")
def _gather_drop_negatives_grad(dy, inputs, outputs, attrs):
    x, ids = inputs
    return run("UnsortedSegmentSum", (dy, ids), {"num_segments": x.shape[0]}), None
