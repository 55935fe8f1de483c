"""Convolution and pooling TF ops: Conv1D, Conv2D, Conv3D, DepthwiseConv2d(Native), Conv2DBackpropInput,
_FusedConv2D and FusedDepthwiseConv2dNative (BiasAdd or FusedBatchNorm, then an activation), AvgPool,
MaxPool, AvgPool3D, MaxPool3D, MaxPoolWithArgmax, Dilation2D.

strides / dilations / ksize attrs hold one entry per dimension of data_format; padding is SAME, VALID or
EXPLICIT (explicit_paddings: a [before, after] pair per dimension)."""
from __future__ import annotations

from typing import Any

import tensorweb as tw

from . import graph_op
from ._node_args import (data_format, expect_inputs, fused_ops, host_ints, node_error, padding, spatial)
from ...errors import UnsupportedOpError

# op -> (tw function, supported data formats, the default first)
CONV = {"Conv2D": (tw.conv2d, ("NHWC", "NCHW")), "DepthwiseConv2dNative": (tw.depthwise_conv2d, ("NHWC", "NCHW")),
        "DepthwiseConv2d": (tw.depthwise_conv2d, ("NHWC", "NCHW")), "Conv3D": (tw.conv3d, ("NDHWC",))}
FUSED_CONV = {"_FusedConv2D": tw.fused.conv2d, "FusedDepthwiseConv2dNative": tw.fused.depthwise_conv2d}
POOL = {"AvgPool": (tw.avg_pool, "NHWC"), "MaxPool": (tw.max_pool, "NHWC"), "AvgPool3D": (tw.avg_pool3d, "NDHWC"),
        "MaxPool3D": (tw.max_pool3d, "NDHWC")}


@graph_op(*CONV)
def _conv(ctx: Any, inputs: list) -> tw.Tensor:
    x, w = expect_inputs(ctx, inputs, 2)
    fn, formats = CONV[ctx.op]
    fmt = data_format(ctx, formats[0], formats)
    return fn(x, w, spatial(ctx, "strides", fmt), padding(ctx, fmt), fmt,
              spatial(ctx, "dilations", fmt, required=False))


@graph_op(*FUSED_CONV)
def _fused_conv(ctx: Any, inputs: list) -> tw.Tensor:
    """conv + (bias | batch norm) + activation. A batch norm (TF fuses it, TF.js refuses it) is folded
    into the filter and a bias: factor = scale / sqrt(variance + epsilon), bias = offset - mean * factor."""
    x, w, *args = expect_inputs(ctx, inputs, 2, at_least=True)
    fmt = data_format(ctx, "NHWC", ("NHWC",))
    f = fused_ops(ctx, args, allow_batch_norm=True)
    bias = f.bias
    if f.batch_norm is not None:
        scale, offset, mean, variance = f.batch_norm
        factor = tw.mul(scale, tw.rsqrt(tw.add(variance, f.epsilon)))
        if ctx.op == "FusedDepthwiseConv2dNative":  # output channel c * multiplier + m
            factor = tw.reshape(factor, w.shape[2:])
        w, bias = tw.mul(w, factor), tw.sub(offset, tw.mul(mean, tw.reshape(factor, (-1,))))
    return FUSED_CONV[ctx.op](x, w, spatial(ctx, "strides", fmt), padding(ctx, fmt), fmt,
                              spatial(ctx, "dilations", fmt, required=False), bias=bias, activation=f.activation,
                              prelu_activation_weights=f.prelu_weights, leakyrelu_alpha=f.leakyrelu_alpha)


@graph_op("Conv1D")
def _conv1d(ctx: Any, inputs: list) -> tw.Tensor:
    x, w = expect_inputs(ctx, inputs, 2)
    fmt = data_format(ctx, "NWC", ("NWC",))
    return tw.conv1d(x, w, int(ctx.attr("stride")), padding(ctx, fmt), fmt, int(ctx.attr("dilation", 1)))


@graph_op("Conv2DBackpropInput")
def _conv2d_backprop_input(ctx: Any, inputs: list) -> tw.Tensor:
    """The transposed convolution: inputs (input_sizes, filter, out_backprop)."""
    sizes, w, dy = expect_inputs(ctx, inputs, 3)
    fmt = data_format(ctx, "NHWC", ("NHWC",))
    if spatial(ctx, "dilations", fmt, required=False) != [1, 1]:
        raise node_error(ctx, UnsupportedOpError, f"dilations {ctx.attr('dilations')} are not supported "
                                                   f"(as in TF.js, only 1)")
    return tw.conv2d_transpose(dy, w, host_ints(ctx, sizes, "input_sizes"), spatial(ctx, "strides", fmt),
                               padding(ctx, fmt))


@graph_op(*POOL)
def _pool(ctx: Any, inputs: list) -> tw.Tensor:
    (x,) = expect_inputs(ctx, inputs, 1)
    fn, default = POOL[ctx.op]
    fmt = data_format(ctx, default, (default,))
    return fn(x, spatial(ctx, "ksize", fmt), spatial(ctx, "strides", fmt), padding(ctx, fmt))


@graph_op("MaxPoolWithArgmax")
def _max_pool_with_argmax(ctx: Any, inputs: list) -> tuple[tw.Tensor, tw.Tensor]:
    """(max values, flat int32 index of each max in x)."""
    (x,) = expect_inputs(ctx, inputs, 1)
    result, indexes = tw.max_pool_with_argmax(x, spatial(ctx, "ksize", "NHWC"), spatial(ctx, "strides", "NHWC"),
                                              padding(ctx, "NHWC"), bool(ctx.attr("include_batch_in_index", False)))
    return result, indexes


@graph_op("Dilation2D")
def _dilation2d(ctx: Any, inputs: list) -> tw.Tensor:
    x, w = expect_inputs(ctx, inputs, 2)
    return tw.dilation2d(x, w, spatial(ctx, "strides", "NHWC"), padding(ctx, "NHWC"), spatial(ctx, "rates", "NHWC"))
