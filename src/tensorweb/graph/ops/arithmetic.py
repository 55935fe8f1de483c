"""Arithmetic TF ops: Add, AddV2, AddN, BiasAdd, Sub, Mul, Div, RealDiv, DivNoNan, FloorDiv, Mod, FloorMod,
Maximum, Minimum, Pow, SquaredDifference (TF.js semantics: int32 Div / RealDiv divide with floor)."""
from __future__ import annotations

from typing import Any

import tensorweb as tw

from . import graph_op
from ._node_args import data_format, expect_inputs, node_error
from ...errors import ShapeError

BINARY = {
    "Add": tw.add, "AddV2": tw.add, "Sub": tw.sub, "Mul": tw.mul, "Div": tw.div, "RealDiv": tw.div,
    "DivNoNan": tw.div_no_nan, "FloorDiv": tw.floor_div, "Mod": tw.mod, "FloorMod": tw.mod,
    "Maximum": tw.maximum, "Minimum": tw.minimum, "Pow": tw.pow, "SquaredDifference": tw.squared_difference,
}


@graph_op(*BINARY)
def _binary(ctx: Any, inputs: list) -> tw.Tensor:
    a, b = expect_inputs(ctx, inputs, 2)
    return BINARY[ctx.op](a, b)


@graph_op("AddN")
def _add_n(ctx: Any, inputs: list) -> tw.Tensor:
    return tw.add_n(expect_inputs(ctx, inputs, 1, at_least=True))


@graph_op("BiasAdd")
def _bias_add(ctx: Any, inputs: list) -> tw.Tensor:
    """value + bias along the channel dim: the last one (NHWC), or dim 1 for NCHW."""
    x, bias = expect_inputs(ctx, inputs, 2)
    fmt = data_format(ctx, "NHWC", ("NHWC", "NCHW"))
    if fmt == "NCHW" and x.rank > 2:
        if bias.rank != 1 or bias.shape[0] != x.shape[1]:
            raise node_error(ctx, ShapeError, f"NCHW bias must have shape [{x.shape[1]}] (x's dim 1), "
                                              f"got {list(bias.shape)}")
        bias = tw.reshape(bias, (bias.shape[0],) + (1,) * (x.rank - 2))
    return tw.add(x, bias)
