"""Normalization TF ops: FusedBatchNorm / V2 / V3 (inference form; like TF.js only y is returned),
EuclideanNorm, LRN, Softmax, LogSoftmax."""
from __future__ import annotations

from typing import Any

import tensorweb as tw

from . import graph_op
from ._node_args import data_format, expect_inputs, host_axes


@graph_op("FusedBatchNorm", "FusedBatchNormV2", "FusedBatchNormV3")
def _fused_batch_norm(ctx: Any, inputs: list) -> tw.Tensor:
    """(x - mean) / sqrt(variance + epsilon) * scale + offset over the channel dim (last, or dim 1 in
    NCHW). TF's extra outputs (batch statistics, reserve spaces) are not produced, as in TF.js."""
    x, scale, offset, mean, variance = expect_inputs(ctx, inputs, 5)
    params = [mean, variance, offset, scale]
    if data_format(ctx, "NHWC", ("NHWC", "NCHW")) == "NCHW" and x.rank > 2:
        params = [tw.reshape(p, (p.size,) + (1,) * (x.rank - 2)) for p in params]
    return tw.batch_norm(x, *params, float(ctx.attr("epsilon", 0.001)))


@graph_op("EuclideanNorm")
def _euclidean_norm(ctx: Any, inputs: list) -> tw.Tensor:
    """sqrt(sum(x * x)) over the axes, as TF.js's euclideanNorm computes it, but (as TF) over any number
    of axes, where TF.js's norm takes at most two."""
    x, axis = expect_inputs(ctx, inputs, 2)
    return tw.sqrt(tw.sum(tw.square(x), host_axes(ctx, axis), bool(ctx.attr("keep_dims", False))))


@graph_op("LRN")
def _lrn(ctx: Any, inputs: list) -> tw.Tensor:
    (x,) = expect_inputs(ctx, inputs, 1)
    return tw.local_response_normalization(x, int(ctx.attr("depth_radius", 5)), float(ctx.attr("bias", 1.0)),
                                           float(ctx.attr("alpha", 1.0)), float(ctx.attr("beta", 0.5)))


@graph_op("Softmax", "LogSoftmax")
def _softmax(ctx: Any, inputs: list) -> tw.Tensor:
    (x,) = expect_inputs(ctx, inputs, 1)
    return tw.softmax(x) if ctx.op == "Softmax" else tw.log_softmax(x)
