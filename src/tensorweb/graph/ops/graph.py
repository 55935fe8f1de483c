"""TF.js's "graph" op category: PlaceholderWithDefault, Identity, IdentityN, Snapshot, StopGradient,
FakeQuantWithMinMaxVars, Rank, Size, Shape, ShapeN, Print, NoOp. Const and Placeholder are sources the
executor fills itself (weights, inline values, fed inputs), so they have no mapper here.

Semantics follow TF.js's converter (operations/executors/graph_executor.ts): FakeQuantWithMinMaxVars passes
its input through unchanged, as TF.js does. Where TF.js deviates from TF, TF is followed: ShapeN gives int32
shapes (TF.js gives float32) and NoOp gives no outputs (TF.js gives a scalar 1; only control edges read it).
"""
from __future__ import annotations

import sys
from typing import Any

import numpy as np

from ...core.tensor import Tensor
from ...ops.creation import tensor
from . import graph_op
from ._node_args import expect_inputs, node_error
from ...errors import DtypeError


def _tensor_input(ctx: Any, value: Any) -> Tensor:
    if not isinstance(value, Tensor):
        raise node_error(ctx, DtypeError, f"expected a tensor input, got {type(value).__name__}")
    return value


def _shape(t: Tensor) -> Tensor:
    return tensor(np.array(t.shape, dtype=np.int32), dtype="int32")


@graph_op("Identity", "Snapshot", "StopGradient", "FakeQuantWithMinMaxVars")
def _identity(ctx: Any, inputs: list) -> Any:
    """The input itself (tensors are immutable, so no copy); resources such as TensorArrays pass too."""
    return expect_inputs(ctx, inputs, 1)[0]


@graph_op("PlaceholderWithDefault")
def _placeholder_with_default(ctx: Any, inputs: list) -> Any:
    """Runs only when the node is not fed: its default input."""
    return expect_inputs(ctx, inputs, 1)[0]


@graph_op("IdentityN")
def _identity_n(ctx: Any, inputs: list) -> list:
    return list(inputs)


@graph_op("Rank")
def _rank(ctx: Any, inputs: list) -> Tensor:
    return tensor(_tensor_input(ctx, expect_inputs(ctx, inputs, 1)[0]).rank, dtype="int32")


@graph_op("Size")
def _size(ctx: Any, inputs: list) -> Tensor:
    return tensor(_tensor_input(ctx, expect_inputs(ctx, inputs, 1)[0]).size, dtype="int32")


@graph_op("Shape")
def _shape_op(ctx: Any, inputs: list) -> Tensor:
    return _shape(_tensor_input(ctx, expect_inputs(ctx, inputs, 1)[0]))


@graph_op("ShapeN")
def _shape_n(ctx: Any, inputs: list) -> list[Tensor]:
    return [_shape(_tensor_input(ctx, x)) for x in inputs]


@graph_op("Print")
def _print(ctx: Any, inputs: list) -> Any:
    """Writes the message and the first `summarize` values of each data input to stderr; passes input 0."""
    x = expect_inputs(ctx, inputs, 1, at_least=True)[0]
    summarize = int(ctx.attr("summarize", 3))
    lines = [str(ctx.attr("message", ""))]
    lines += [str(_tensor_input(ctx, t).numpy().reshape(-1)[:summarize].tolist()) for t in inputs[1:]]
    print("\n".join(lines), file=sys.stderr)
    return x


@graph_op("NoOp")
def _no_op(ctx: Any, inputs: list) -> tuple:
    return ()
