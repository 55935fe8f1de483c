"""Logical TF ops: Equal, NotEqual, Greater, GreaterEqual, Less, LessEqual, LogicalAnd, LogicalOr,
LogicalNot, Select, SelectV2, BitwiseAnd."""
from __future__ import annotations

from typing import Any

import tensorweb as tw

from . import graph_op
from ._node_args import expect_inputs

BINARY = {
    "Equal": tw.equal, "NotEqual": tw.not_equal, "Greater": tw.greater, "GreaterEqual": tw.greater_equal,
    "Less": tw.less, "LessEqual": tw.less_equal, "LogicalAnd": tw.logical_and, "LogicalOr": tw.logical_or,
    "BitwiseAnd": tw.bitwise_and,
}


@graph_op(*BINARY)
def _binary(ctx: Any, inputs: list) -> tw.Tensor:
    a, b = expect_inputs(ctx, inputs, 2)
    return BINARY[ctx.op](a, b)


@graph_op("LogicalNot")
def _logical_not(ctx: Any, inputs: list) -> tw.Tensor:
    (x,) = expect_inputs(ctx, inputs, 1)
    return tw.logical_not(x)


@graph_op("Select", "SelectV2")
def _select(ctx: Any, inputs: list) -> tw.Tensor:
    """a where condition else b. SelectV2 broadcasts; TF's Select with a vector condition and
    higher-rank branches picks whole rows (TF.js would broadcast it along the last dim instead)."""
    cond, a, b = expect_inputs(ctx, inputs, 3)
    if ctx.op == "Select" and cond.rank == 1 and a.rank > 1:
        cond = tw.reshape(cond, (cond.shape[0],) + (1,) * (a.rank - 1))
    return tw.where(cond, a, b)
