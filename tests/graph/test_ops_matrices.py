"""Matrix op mappers against the real TF.js graph executor (see math_cases.py)."""
from __future__ import annotations

import numpy as np

import tensorweb.graph.ops.matrices  # noqa: F401  (registers the mappers)

from tensorweb.errors import ModelFormatError, UnsupportedOpError

from .math_cases import Check, Inputs, assert_refuses, attr_specs, i32, tfjs_tests
from .single_op import OpCase

g = Inputs(107)
A, B = g.f32(3, 4), g.f32(4, 5)
BIAS, ALPHA = g.f32(5), g.f32(5, lo=0.0, hi=0.5)
M = g.f32(2, 4, 5)
BA, BB = g.f32(2, 1, 3, 4), g.f32(3, 4, 2)


def fused(ops: list[str], *args: np.ndarray, a: np.ndarray = A, b: np.ndarray = B, **attrs) -> OpCase:
    """A _FusedMatMul node with its extra args."""
    spec = {"fused_ops": ("list_s", ops), "num_args": ("i", len(args)), **attr_specs(**attrs)}
    return OpCase("_FusedMatMul", [a, b, *args], spec, consts=tuple(range(1, 2 + len(args))))


def band(x: np.ndarray, lower: int, upper: int) -> np.ndarray:
    """TF's band part by its definition: keep (i, j) when (lower < 0 or i - j <= lower) and
    (upper < 0 or j - i <= upper)."""
    i, j = np.indices(x.shape[-2:])
    keep = ((lower < 0) | (i - j <= lower)) & ((upper < 0) | (j - i <= upper))
    return np.where(keep, x, 0).astype(x.dtype)


CHECKS = {
    "mat_mul": Check(OpCase("MatMul", [A, B], {"transpose_a": ("b", False), "transpose_b": ("b", False)})),
    "mat_mul_transposed": Check(OpCase("MatMul", [A.T.copy(), B.T.copy()], {"transpose_a": ("b", True),
                                                                            "transpose_b": ("b", True)})),
    "mat_mul_const_weights": Check(OpCase("MatMul", [A, B], consts=(1,))),
    "mat_mul_int": Check(OpCase("MatMul", [g.i32(2, 3), g.i32(3, 2)])),
    "mat_mul_bad_inner": Check(OpCase("MatMul", [A, A])),
    "batch_mat_mul": Check(OpCase("BatchMatMul", [g.f32(2, 3, 4), g.f32(2, 4, 5)])),
    "batch_mat_mul_adj": Check(OpCase("BatchMatMul", [g.f32(2, 4, 3), g.f32(2, 5, 4)], {"adj_x": ("b", True),
                                                                                        "adj_y": ("b", True)})),
    "batch_mat_mul_v2_broadcast": Check(OpCase("BatchMatMulV2", [g.f32(1, 3, 4), g.f32(2, 4, 5)])),
    # TF.js 4.22's cpu BatchMatMul fills only part of the output when both operands broadcast; the truth
    # is TF.js on the operands broadcast beforehand
    "batch_mat_mul_v2_broadcast_both": Check(OpCase("BatchMatMulV2", [BA, BB]),
                                             ref=OpCase("BatchMatMulV2", [np.broadcast_to(BA, (2, 3, 3, 4)).copy(),
                                                                          np.broadcast_to(BB, (2, 3, 4, 2)).copy()])),
    "batch_mat_mul_v2_adj_y": Check(OpCase("BatchMatMulV2", [M, g.f32(2, 3, 5)], {"adj_y": ("b", True)})),
    "fused_none": Check(fused([])),
    "fused_bias": Check(fused(["BiasAdd"], BIAS)),
    "fused_bias_relu": Check(fused(["BiasAdd", "Relu"], BIAS)),
    "fused_bias_relu6": Check(fused(["BiasAdd", "Relu6"], BIAS * 8)),
    "fused_bias_elu": Check(fused(["BiasAdd", "Elu"], BIAS)),
    "fused_bias_leakyrelu": Check(fused(["BiasAdd", "LeakyRelu"], BIAS, leakyrelu_alpha=0.3)),
    "fused_bias_leakyrelu_default": Check(fused(["BiasAdd", "LeakyRelu"], BIAS)),
    "fused_bias_prelu": Check(fused(["BiasAdd", "Prelu"], BIAS, ALPHA)),
    "fused_bias_sigmoid": Check(fused(["BiasAdd", "Sigmoid"], BIAS)),
    # TF.js's cpu backend has no fused tanh; TF does: the truth is TF.js's MatMul, then bias and tanh
    "fused_bias_tanh": Check(fused(["BiasAdd", "Tanh"], BIAS), ref=OpCase("MatMul", [A, B]),
                             post=lambda outs: [(np.tanh(outs[0][0] + BIAS), "float32")]),
    "fused_transposed": Check(fused(["BiasAdd", "Relu"], BIAS, a=A.T.copy(), b=B.T.copy(), transpose_a=True,
                                    transpose_b=True)),
    "fused_batched": Check(fused(["BiasAdd", "Relu"], BIAS, a=g.f32(2, 3, 4), b=g.f32(2, 4, 5))),
    "fused_bias_missing_arg": Check(fused(["BiasAdd"])),
    "fused_prelu_missing_alpha": Check(fused(["BiasAdd", "Prelu"], BIAS)),
    "einsum_matmul": Check(OpCase("Einsum", [A, B], {"equation": ("s", "ij,jk->ik"), "N": ("i", 2)})),
    "einsum_batched": Check(OpCase("Einsum", [g.f32(2, 3, 4), g.f32(2, 4, 5)], {"equation": ("s", "bij,bjk->bik")})),
    "einsum_dot": Check(OpCase("Einsum", [g.f32(6), g.f32(6)], {"equation": ("s", "i,i->")})),
    "einsum_transpose": Check(OpCase("Einsum", [A], {"equation": ("s", "ij->ji"), "N": ("i", 1)})),
    "einsum_outer": Check(OpCase("Einsum", [g.f32(3), g.f32(4)], {"equation": ("s", "i,j->ij")})),
    "transpose": Check(OpCase("Transpose", [M, i32([2, 0, 1])], {"Tperm": ("type", "int32")})),
    "transpose_const_perm": Check(OpCase("Transpose", [M, i32([1, 0, 2])], consts=(1,))),
    "transpose_int": Check(OpCase("Transpose", [g.i32(2, 3), i32([1, 0])])),
    "transpose_bool": Check(OpCase("Transpose", [g.b8(2, 3, 2), i32([2, 1, 0])])),
    "transpose_bad_perm": Check(OpCase("Transpose", [M, i32([0, 1])])),
    "band_part_symmetric": Check(OpCase("MatrixBandPart", [g.f32(2, 4, 5), i32(1), i32(1)])),
    "band_part_all": Check(OpCase("MatrixBandPart", [g.f32(4, 4), i32(-1), i32(-1)])),
    # TF.js 4.22 reads num_upper from input 1 as well (its op list says so); TF reads input 2
    "band_part_lower_triangle": Check(OpCase("MatrixBandPart", [M, i32(-1), i32(0)]),
                                      hand=[(band(M, -1, 0), "float32")]),
    "band_part_upper_triangle": Check(OpCase("MatrixBandPart", [M, i32(0), i32(-1)]),
                                      hand=[(band(M, 0, -1), "float32")]),
    "band_part_asymmetric": Check(OpCase("MatrixBandPart", [M, i32(2), i32(1)]), hand=[(band(M, 2, 1), "float32")]),
}


want, test_matches_tfjs, test_every_op_is_mapped_and_checked = tfjs_tests("matrices", CHECKS)


def test_refuses_batch_norm_and_unknown_fused_ops():
    assert_refuses(fused(["FusedBatchNorm"], BIAS, BIAS, BIAS, BIAS), UnsupportedOpError, "FusedBatchNorm")
    assert_refuses(fused(["BiasAdd", "Gelu"], BIAS), UnsupportedOpError, "Gelu")
    assert_refuses(OpCase("MatMul", [A]), ModelFormatError, "expected 2 inputs, got 1")
