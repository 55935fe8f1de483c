"""TF.js's "control" op category, except TensorArray*/TensorList* (tensor_lists.py).

v1 control flow (Switch, Merge, Enter, Exit, NextIteration, LoopCond): these mappers compute the values;
the executor's DynamicPlan gives them their meaning for execution contexts (Enter/Exit/NextIteration change
the loop frame and iteration) and for dead tensors (a Switch's untaken output is None; Merge forwards its
first live input).

v2 control flow runs library functions through ctx.call_function: If/StatelessIf (then_branch or
else_branch on the inputs after the condition), While/StatelessWhile (body while cond holds) and
PartitionedCall/StatefulPartitionedCall (function f; TF.js's converter inlines these, tensorweb runs them).
A condition holds when its first element is true/non-zero, as in TF.js (an empty tensor is false).
"""
from __future__ import annotations

from typing import Any

from ...core.tensor import Tensor
from ...errors import DtypeError, InvalidArgumentError
from ...ops.creation import tensor
from . import graph_op
from ._node_args import expect_inputs, node_error


def _holds(ctx: Any, cond: Any) -> bool:
    if not isinstance(cond, Tensor):
        raise node_error(ctx, DtypeError, f"the condition must be a tensor, got {type(cond).__name__}")
    values = cond.numpy().reshape(-1)
    return bool(values[0]) if values.size else False


@graph_op("Enter", "Exit", "NextIteration", "LoopCond")
def _forward(ctx: Any, inputs: list) -> Any:
    return expect_inputs(ctx, inputs, 1)[0]


@graph_op("Switch")
def _switch(ctx: Any, inputs: list) -> tuple:
    """(output_false, output_true): the data on the side the predicate picks, None (dead) on the other."""
    data, pred = expect_inputs(ctx, inputs, 2)
    return (None, data) if _holds(ctx, pred) else (data, None)


@graph_op("Merge")
def _merge(ctx: Any, inputs: list) -> tuple:
    """(output, value_index): the first live input and its position."""
    for i, v in enumerate(inputs):
        if v is not None:
            return v, tensor(i, dtype="int32")
    raise node_error(ctx, InvalidArgumentError, "none of its inputs is live")


@graph_op("If", "StatelessIf")
def _if(ctx: Any, inputs: list) -> list:
    cond, *args = expect_inputs(ctx, inputs, 1, at_least=True)
    branch = ctx.attr("then_branch") if _holds(ctx, cond) else ctx.attr("else_branch")
    return ctx.call_function(branch, args)


@graph_op("While", "StatelessWhile")
def _while(ctx: Any, inputs: list) -> list:
    cond, body = ctx.attr("cond"), ctx.attr("body")
    args = list(inputs)
    while _holds(ctx, ctx.call_function(cond, args)[0]):
        out = ctx.call_function(body, args)
        if len(out) != len(args):
            raise node_error(ctx, InvalidArgumentError, f"body {body!r} returned {len(out)} values for "
                                                        f"{len(args)} loop variables")
        args = list(out)
    return args


@graph_op("PartitionedCall", "StatefulPartitionedCall")
def _call(ctx: Any, inputs: list) -> list:
    return ctx.call_function(ctx.attr("f"), list(inputs))
