"""Matrix TF ops: MatMul, BatchMatMul, BatchMatMulV2, _FusedMatMul (BiasAdd + activation), Einsum,
Transpose, MatrixBandPart."""
from __future__ import annotations

from typing import Any

import tensorweb as tw

from . import graph_op
from ._node_args import expect_inputs, fused_ops, host_int, host_ints

# the attrs that say whether each operand is transposed
_TRANSPOSE_ATTRS = {"MatMul": ("transpose_a", "transpose_b"), "_FusedMatMul": ("transpose_a", "transpose_b"),
                    "BatchMatMul": ("adj_x", "adj_y"), "BatchMatMulV2": ("adj_x", "adj_y")}


def _transposes(ctx: Any) -> tuple[bool, bool]:
    ka, kb = _TRANSPOSE_ATTRS[ctx.op]
    return bool(ctx.attr(ka, False)), bool(ctx.attr(kb, False))


@graph_op("MatMul", "BatchMatMul", "BatchMatMulV2")
def _mat_mul(ctx: Any, inputs: list) -> tw.Tensor:
    a, b = expect_inputs(ctx, inputs, 2)
    return tw.mat_mul(a, b, *_transposes(ctx))


@graph_op("_FusedMatMul")
def _fused_mat_mul(ctx: Any, inputs: list) -> tw.Tensor:
    a, b, *args = expect_inputs(ctx, inputs, 2, at_least=True)
    f = fused_ops(ctx, args, allow_batch_norm=False)
    return tw.fused.mat_mul(a, b, *_transposes(ctx), bias=f.bias, activation=f.activation,
                            prelu_activation_weights=f.prelu_weights, leakyrelu_alpha=f.leakyrelu_alpha)


@graph_op("Einsum")
def _einsum(ctx: Any, inputs: list) -> tw.Tensor:
    return tw.einsum(str(ctx.attr("equation")), *expect_inputs(ctx, inputs, 1, at_least=True))


@graph_op("Transpose")
def _transpose(ctx: Any, inputs: list) -> tw.Tensor:
    x, perm = expect_inputs(ctx, inputs, 2)
    return tw.transpose(x, host_ints(ctx, perm, "perm"))


@graph_op("MatrixBandPart")
def _band_part(ctx: Any, inputs: list) -> tw.Tensor:
    """TF's MatrixBandPart(input, num_lower, num_upper). TF.js 4.22's op list reads num_upper from input 1
    too (so its band is always symmetric); this follows TF and reads input 2."""
    x, lower, upper = expect_inputs(ctx, inputs, 3)
    return tw.linalg.band_part(x, host_int(ctx, lower, "num_lower"), host_int(ctx, upper, "num_upper"))
