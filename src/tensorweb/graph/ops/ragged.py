"""Ragged TF ops: RaggedGather, RaggedRange, RaggedTensorToTensor."""
from __future__ import annotations

from typing import Any

import tensorweb as tw

from . import graph_op
from ._node_args import expect_inputs


@graph_op("RaggedGather")
def _ragged_gather(ctx: Any, inputs: list) -> list:
    """Inputs: the params' nested splits, their dense values, the indices; outputs: the nested splits, then
    the dense values."""
    *splits, values, indices = expect_inputs(ctx, inputs, 3, at_least=True)
    out = tw.ragged_gather(splits, values, indices, int(ctx.attr("OUTPUT_RAGGED_RANK")))
    return [*out.output_nested_splits, out.output_dense_values]


@graph_op("RaggedRange")
def _ragged_range(ctx: Any, inputs: list) -> tuple:
    return tuple(tw.ragged_range(*expect_inputs(ctx, inputs, 3)))


@graph_op("RaggedTensorToTensor")
def _ragged_tensor_to_tensor(ctx: Any, inputs: list) -> tw.Tensor:
    """row_partition_types as TF writes them (upper case; TF.js's converter lower-cases them and then fails)."""
    shape, values, default, *partitions = expect_inputs(ctx, inputs, 4, at_least=True)
    return tw.ragged_tensor_to_tensor(shape, values, default, partitions, ctx.attr("row_partition_types"))
