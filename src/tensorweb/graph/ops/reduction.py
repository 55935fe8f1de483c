"""Reduction TF ops: Sum, Mean, Prod, Max, Min, All, Any (axis input + keep_dims), ArgMax, ArgMin, Cumsum,
Cumprod, Bincount, DenseBincount."""
from __future__ import annotations

from typing import Any

import tensorweb as tw

from . import graph_op
from ._node_args import expect_inputs, host_axes, host_int

REDUCE = {"Sum": tw.sum, "Mean": tw.mean, "Prod": tw.prod, "Max": tw.max, "Min": tw.min, "All": tw.all,
          "Any": tw.any}
ARG = {"ArgMax": tw.arg_max, "ArgMin": tw.arg_min}
SCAN = {"Cumsum": tw.cumsum, "Cumprod": tw.cumprod}


@graph_op(*REDUCE)
def _reduce(ctx: Any, inputs: list) -> tw.Tensor:
    x, axis = expect_inputs(ctx, inputs, 2)
    return REDUCE[ctx.op](x, host_axes(ctx, axis), bool(ctx.attr("keep_dims", False)))


@graph_op(*ARG)
def _arg(ctx: Any, inputs: list) -> tw.Tensor:
    x, axis = expect_inputs(ctx, inputs, 2)
    return ARG[ctx.op](x, host_int(ctx, axis, "axis"))


@graph_op(*SCAN)
def _scan(ctx: Any, inputs: list) -> tw.Tensor:
    x, axis = expect_inputs(ctx, inputs, 2)
    return SCAN[ctx.op](x, host_int(ctx, axis, "axis"), bool(ctx.attr("exclusive", False)),
                        bool(ctx.attr("reverse", False)))


@graph_op("Bincount")
def _bincount(ctx: Any, inputs: list) -> tw.Tensor:
    x, size, weights = expect_inputs(ctx, inputs, 3)
    return tw.bincount(x, weights, host_int(ctx, size, "size"))


@graph_op("DenseBincount")
def _dense_bincount(ctx: Any, inputs: list) -> tw.Tensor:
    x, size, weights = expect_inputs(ctx, inputs, 3)
    return tw.dense_bincount(x, weights, host_int(ctx, size, "size"), bool(ctx.attr("binary_output", False)))
