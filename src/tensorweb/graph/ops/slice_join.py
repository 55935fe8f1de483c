"""Slice and join TF ops: Concat(V2), Gather(V2), GatherNd, Pack, Unpack, Reverse(V2), Slice, StridedSlice,
Split(V), Tile, ScatterNd, TensorScatterUpdate, SparseToDense."""
from __future__ import annotations

from typing import Any

import tensorweb as tw

from ...errors import ShapeError
from . import graph_op
from ._node_args import expect_inputs, host_array, host_int, host_ints, node_error


@graph_op("ConcatV2", "Concat")
def _concat(ctx: Any, inputs: list) -> tw.Tensor:
    expect_inputs(ctx, inputs, 2, at_least=True)
    axis, tensors = (inputs[-1], inputs[:-1]) if ctx.op == "ConcatV2" else (inputs[0], inputs[1:])
    return tw.concat(tensors[:int(ctx.attr("N", len(tensors)))], host_int(ctx, axis, "axis"))


@graph_op("Gather", "GatherV2")
def _gather(ctx: Any, inputs: list) -> tw.Tensor:
    x, indices, *axis = expect_inputs(ctx, inputs, 3 if ctx.op == "GatherV2" else 2)
    ax = host_int(ctx, axis[0], "axis") if axis else 0
    return tw.gather(x, tw.cast(indices, "int32"), ax, int(ctx.attr("batch_dims", 0)))


@graph_op("GatherNd")
def _gather_nd(ctx: Any, inputs: list) -> tw.Tensor:
    return tw.gather_nd(*expect_inputs(ctx, inputs, 2))


@graph_op("Reverse")
def _reverse(ctx: Any, inputs: list) -> tw.Tensor:
    x, dims = expect_inputs(ctx, inputs, 2)
    return tw.reverse(x, [i for i, flag in enumerate(host_array(ctx, dims, "dims").reshape(-1)) if flag])


@graph_op("ReverseV2")
def _reverse_v2(ctx: Any, inputs: list) -> tw.Tensor:
    x, axis = expect_inputs(ctx, inputs, 2)
    return tw.reverse(x, host_ints(ctx, axis, "axis"))


@graph_op("Slice")
def _slice(ctx: Any, inputs: list) -> tw.Tensor:
    x, begin, size = expect_inputs(ctx, inputs, 3)
    return tw.slice(x, host_ints(ctx, begin, "begin"), host_ints(ctx, size, "size"))


@graph_op("StridedSlice")
def _strided_slice(ctx: Any, inputs: list) -> tw.Tensor:
    x, begin, end, strides = expect_inputs(ctx, inputs, 4)
    masks = (int(ctx.attr(k, 0)) for k in ("begin_mask", "end_mask", "ellipsis_mask", "new_axis_mask",
                                          "shrink_axis_mask"))
    return tw.strided_slice(x, host_ints(ctx, begin, "begin"), host_ints(ctx, end, "end"),
                            host_ints(ctx, strides, "strides"), *masks)


@graph_op("Pack")
def _pack(ctx: Any, inputs: list) -> tw.Tensor:
    """Stacks the inputs; like TF.js, inputs whose shapes differ from the first only in size-1 axes are
    reshaped to the first's shape."""
    tensors = expect_inputs(ctx, inputs, 1, at_least=True)
    shape = tensors[0].shape
    squeezed = [d for d in shape if d != 1]
    for i, t in enumerate(tensors):
        if t.shape != shape and [d for d in t.shape if d != 1] != squeezed:
            raise node_error(ctx, ShapeError, f"input {i} has shape {list(t.shape)}, which does not "
                                                f"match input 0's {list(shape)}")
    return tw.stack([t if t.shape == shape else tw.reshape(t, shape) for t in tensors], int(ctx.attr("axis", 0)))


@graph_op("Unpack")
def _unpack(ctx: Any, inputs: list) -> list:
    (x,) = expect_inputs(ctx, inputs, 1)
    return tw.unstack(x, int(ctx.attr("axis", 0)))


@graph_op("Tile")
def _tile(ctx: Any, inputs: list) -> tw.Tensor:
    x, reps = expect_inputs(ctx, inputs, 2)
    return tw.tile(x, host_ints(ctx, reps, "multiples"))


@graph_op("Split")
def _split(ctx: Any, inputs: list) -> list:
    axis, x = expect_inputs(ctx, inputs, 2)
    return tw.split(x, int(ctx.attr("num_split", 1)), host_int(ctx, axis, "axis"))


@graph_op("SplitV")
def _split_v(ctx: Any, inputs: list) -> list:
    x, sizes, axis = expect_inputs(ctx, inputs, 3)
    return tw.split(x, host_ints(ctx, sizes, "size_splits"), host_int(ctx, axis, "axis"))


@graph_op("ScatterNd")
def _scatter_nd(ctx: Any, inputs: list) -> tw.Tensor:
    indices, updates, shape = expect_inputs(ctx, inputs, 3)
    return tw.scatter_nd(indices, updates, host_ints(ctx, shape, "shape"))


@graph_op("TensorScatterUpdate")
def _tensor_scatter_update(ctx: Any, inputs: list) -> tw.Tensor:
    return tw.tensor_scatter_update(*expect_inputs(ctx, inputs, 3))


@graph_op("SparseToDense")
def _sparse_to_dense(ctx: Any, inputs: list) -> tw.Tensor:
    indices, shape, values, default = expect_inputs(ctx, inputs, 4)
    return tw.sparse_to_dense(indices, values, host_ints(ctx, shape, "output_shape"), tw.cast(default, values.dtype))
