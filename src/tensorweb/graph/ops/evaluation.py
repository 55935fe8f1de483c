"""Evaluation TF ops: TopKV2, Unique, UniqueV2, LowerBound, UpperBound."""
from __future__ import annotations

from typing import Any

import tensorweb as tw

from . import graph_op
from ._node_args import expect_inputs, host_int

SEARCH = {"LowerBound": tw.lower_bound, "UpperBound": tw.upper_bound}


@graph_op("TopKV2")
def _top_k(ctx: Any, inputs: list) -> tuple[tw.Tensor, tw.Tensor]:
    x, k = expect_inputs(ctx, inputs, 2)
    values, indices = tw.top_k(x, host_int(ctx, k, "k"), bool(ctx.attr("sorted", True)))
    return values, indices


@graph_op("Unique", "UniqueV2")
def _unique(ctx: Any, inputs: list) -> tuple[tw.Tensor, tw.Tensor]:
    """(values, indices); UniqueV2's axis input holds one axis."""
    args = expect_inputs(ctx, inputs, 2 if ctx.op == "UniqueV2" else 1)
    axis = host_int(ctx, args[1], "axis") if ctx.op == "UniqueV2" else 0
    values, indices = tw.unique(args[0], axis)
    return values, indices


@graph_op(*SEARCH)
def _search(ctx: Any, inputs: list) -> tw.Tensor:
    sorted_sequence, values = expect_inputs(ctx, inputs, 2)
    return SEARCH[ctx.op](sorted_sequence, values)
