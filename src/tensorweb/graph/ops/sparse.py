"""Sparse TF ops: SparseFillEmptyRows, SparseReshape, SparseSegmentSum, SparseSegmentMean."""
from __future__ import annotations

from typing import Any

import tensorweb as tw

from . import graph_op
from ._node_args import expect_inputs

SEGMENT = {"SparseSegmentSum": tw.sparse.sparse_segment_sum, "SparseSegmentMean": tw.sparse.sparse_segment_mean}


@graph_op("SparseFillEmptyRows")
def _sparse_fill_empty_rows(ctx: Any, inputs: list) -> tuple:
    return tuple(tw.sparse.sparse_fill_empty_rows(*expect_inputs(ctx, inputs, 4)))


@graph_op("SparseReshape")
def _sparse_reshape(ctx: Any, inputs: list) -> tuple:
    return tuple(tw.sparse.sparse_reshape(*expect_inputs(ctx, inputs, 3)))


@graph_op(*SEGMENT)
def _sparse_segment(ctx: Any, inputs: list) -> tw.Tensor:
    return SEGMENT[ctx.op](*expect_inputs(ctx, inputs, 3))
