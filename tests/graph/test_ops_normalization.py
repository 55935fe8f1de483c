"""Normalization op mappers against the real TF.js graph executor (see math_cases.py)."""
from __future__ import annotations

import numpy as np

import tensorweb.graph.ops.normalization  # noqa: F401  (registers the mappers)

from .math_cases import Check, Inputs, attr_specs, i32, tfjs_tests
from .single_op import OpCase

g = Inputs(106)
X = g.f32(2, 4, 5, 3)
SCALE, OFFSET, MEAN, VAR = g.f32(3), g.f32(3), g.f32(3), g.f32(3, lo=0.1, hi=2.0)
XC = g.f32(2, 3, 4, 5)  # NCHW


def bn(op: str, x: np.ndarray, **attrs) -> OpCase:
    return OpCase(op, [x, SCALE, OFFSET, MEAN, VAR], attr_specs(**attrs), consts=(1, 2, 3, 4))


def nchw_to_nhwc(outs: list) -> list:
    return [(np.transpose(a, (0, 3, 1, 2)), d) for a, d in outs]


CHECKS = {
    "fused_batch_norm": Check(bn("FusedBatchNorm", X, epsilon=0.001)),
    "fused_batch_norm_v2": Check(bn("FusedBatchNormV2", X, epsilon=0.01, data_format="NHWC")),
    "fused_batch_norm_v3": Check(bn("FusedBatchNormV3", X, epsilon=1e-5)),
    "fused_batch_norm_v3_default_epsilon": Check(bn("FusedBatchNormV3", X)),
    "fused_batch_norm_rank2": Check(bn("FusedBatchNormV3", g.f32(4, 3), epsilon=1e-3)),
    # TF.js applies NCHW parameters along the last dim; TF (and tensorweb) along dim 1: the truth is TF.js's
    # NHWC result on the transposed input, transposed back
    "fused_batch_norm_nchw": Check(bn("FusedBatchNormV3", XC, epsilon=1e-3, data_format="NCHW"),
                                   ref=bn("FusedBatchNormV3", np.ascontiguousarray(XC.transpose(0, 2, 3, 1)),
                                          epsilon=1e-3),
                                   post=nchw_to_nhwc),
    "euclidean_norm": Check(OpCase("EuclideanNorm", [X, i32([1, 2])], {"keep_dims": ("b", False)})),
    "euclidean_norm_keep_dims": Check(OpCase("EuclideanNorm", [X, i32(-1)], {"keep_dims": ("b", True)})),
    # TF.js's norm takes at most two axes; TF any number
    "euclidean_norm_all": Check(OpCase("EuclideanNorm", [X, i32([0, 1, 2, 3])]),
                                hand=[(np.sqrt(np.sum(X.astype(np.float64) ** 2)), "float32")]),
    "euclidean_norm_three_axes": Check(OpCase("EuclideanNorm", [X, i32([0, 2, 3])], {"keep_dims": ("b", True)}),
                                       hand=[(np.sqrt(np.sum(X.astype(np.float64) ** 2, axis=(0, 2, 3),
                                                             keepdims=True)), "float32")]),
    "euclidean_norm_int": Check(OpCase("EuclideanNorm", [g.i32(3, 4), i32([0])])),
    "lrn_defaults": Check(OpCase("LRN", [g.f32(1, 3, 3, 8)])),
    "lrn": Check(OpCase("LRN", [g.f32(2, 3, 3, 6)], {"depth_radius": ("i", 2), "bias": ("f", 2.0),
                                                      "alpha": ("f", 1e-4), "beta": ("f", 0.75)})),
    "lrn_rank3_refused": Check(OpCase("LRN", [g.f32(3, 3, 6)], {"depth_radius": ("i", 1)})),
    "softmax": Check(OpCase("Softmax", [g.f32(3, 7, lo=-10.0, hi=10.0)])),
    "softmax_rank3": Check(OpCase("Softmax", [g.f32(2, 3, 4)])),
    "log_softmax": Check(OpCase("LogSoftmax", [g.f32(3, 7, lo=-10.0, hi=10.0)])),
    "log_softmax_rank1": Check(OpCase("LogSoftmax", [g.f32(5)])),
}


want, test_matches_tfjs, test_every_op_is_mapped_and_checked = tfjs_tests("normalization", CHECKS)
