"""Transformation TF ops: Cast, ExpandDims, Squeeze, Reshape, EnsureShape, Pad(V2), MirrorPad, SpaceToBatchND,
BatchToSpaceND, DepthToSpace, BroadcastTo, BroadcastArgs."""
from __future__ import annotations

from typing import Any

import tensorweb as tw

from . import graph_op
from ._node_args import data_format, expect_inputs, host_array, host_int, host_ints, host_number


def _pairs(ctx: Any, value: Any, what: str) -> list[list[int]]:
    """A [n, 2] input (paddings, crops) as [before, after] pairs."""
    return host_array(ctx, value, what).astype(int).reshape(-1, 2).tolist()


@graph_op("Cast")
def _cast(ctx: Any, inputs: list) -> tw.Tensor:
    (x,) = expect_inputs(ctx, inputs, 1)
    return tw.cast(x, ctx.attr("DstT"))


@graph_op("ExpandDims")
def _expand_dims(ctx: Any, inputs: list) -> tw.Tensor:
    x, axis = expect_inputs(ctx, inputs, 2)
    return tw.expand_dims(x, host_int(ctx, axis, "axis"))


@graph_op("Squeeze")
def _squeeze(ctx: Any, inputs: list) -> tw.Tensor:
    """squeeze_dims (TF.js also reads `axis`); an empty list squeezes every size-1 axis."""
    (x,) = expect_inputs(ctx, inputs, 1)
    axes = ctx.attr("squeeze_dims", ctx.attr("axis", []))
    return tw.squeeze(x, axes or None)


@graph_op("Reshape")
def _reshape(ctx: Any, inputs: list) -> tw.Tensor:
    x, shape = expect_inputs(ctx, inputs, 2)
    return tw.reshape(x, host_ints(ctx, shape, "shape"))


@graph_op("EnsureShape")
def _ensure_shape(ctx: Any, inputs: list) -> tw.Tensor:
    """TF's `shape` attr (-1: any size; unknown rank: anything); TF.js reads the shape from a second input
    instead, which is taken too when present."""
    x, *given = expect_inputs(ctx, inputs, 1, at_least=True)
    shape = host_ints(ctx, given[0], "shape") if given else ctx.attr("shape")
    return x if shape is None else tw.ensure_shape(x, [None if d < 0 else d for d in shape])


@graph_op("MirrorPad")
def _mirror_pad(ctx: Any, inputs: list) -> tw.Tensor:
    x, paddings = expect_inputs(ctx, inputs, 2)
    return tw.mirror_pad(x, _pairs(ctx, paddings, "paddings"), str(ctx.attr("mode")).lower())


@graph_op("Pad", "PadV2")
def _pad(ctx: Any, inputs: list) -> tw.Tensor:
    x, paddings, *value = expect_inputs(ctx, inputs, 3 if ctx.op == "PadV2" else 2)
    constant = host_number(ctx, value[0], "constant_values") if value else ctx.attr("constant_value", 0)
    return tw.pad(x, _pairs(ctx, paddings, "paddings"), constant)


@graph_op("SpaceToBatchND")
def _space_to_batch_nd(ctx: Any, inputs: list) -> tw.Tensor:
    x, block_shape, paddings = expect_inputs(ctx, inputs, 3)
    return tw.space_to_batch_nd(x, host_ints(ctx, block_shape, "block_shape"), _pairs(ctx, paddings, "paddings"))


@graph_op("BatchToSpaceND")
def _batch_to_space_nd(ctx: Any, inputs: list) -> tw.Tensor:
    x, block_shape, crops = expect_inputs(ctx, inputs, 3)
    return tw.batch_to_space_nd(x, host_ints(ctx, block_shape, "block_shape"), _pairs(ctx, crops, "crops"))


@graph_op("DepthToSpace")
def _depth_to_space(ctx: Any, inputs: list) -> tw.Tensor:
    """NHWC only, as TF's and TF.js's CPU kernels."""
    (x,) = expect_inputs(ctx, inputs, 1)
    return tw.depth_to_space(x, int(ctx.attr("block_size")), data_format(ctx, "NHWC", ("NHWC",)))


@graph_op("BroadcastTo")
def _broadcast_to(ctx: Any, inputs: list) -> tw.Tensor:
    x, shape = expect_inputs(ctx, inputs, 2)
    return tw.broadcast_to(x, host_ints(ctx, shape, "shape"))


@graph_op("BroadcastArgs")
def _broadcast_args(ctx: Any, inputs: list) -> tw.Tensor:
    return tw.broadcast_args(*expect_inputs(ctx, inputs, 2))
