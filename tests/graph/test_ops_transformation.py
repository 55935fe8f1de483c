"""Transformation op mappers against the real TF.js graph executor (see math_cases.py)."""
from __future__ import annotations


import tensorweb.graph.ops.transformation  # noqa: F401  (registers the mappers)
from tensorweb.errors import ShapeError

from .math_cases import Check, Inputs, f32, i32, tfjs_tests
from .single_op import OpCase

g = Inputs(202)
X = g.f32(2, 3, 4)
XI = g.i32(2, 3, 4)
SPECIAL = f32([-2.7, -0.5, 0.0, 0.4, 1.5, 3.9])
IMG = g.f32(2, 4, 6, 8)
D2S = g.f32(1, 2, 3, 9)


def cast(x, dtype: str) -> OpCase:
    return OpCase("Cast", [x], {"DstT": ("type", dtype), "Truncate": ("b", False)})


def squeeze(x, dims) -> OpCase:
    return OpCase("Squeeze", [x], {"squeeze_dims": ("list_i", dims)})


def ensure_shape(x, shape) -> OpCase:
    return OpCase("EnsureShape", [x], {"shape": ("shape", shape)})


CHECKS = {
    "cast_float_int": Check(cast(SPECIAL, "int32")),
    "cast_int_float": Check(cast(XI, "float32")),
    "cast_float_bool": Check(cast(SPECIAL, "bool")),
    "cast_bool_int": Check(cast(g.b8(5), "int32")),
    "expand_dims": Check(OpCase("ExpandDims", [X, i32(1)])),
    "expand_dims_negative": Check(OpCase("ExpandDims", [XI, i32(-1)])),
    "expand_dims_scalar": Check(OpCase("ExpandDims", [f32(2.5), i32(0)])),
    "squeeze_dims": Check(squeeze(g.f32(1, 3, 1, 2), [2])),
    "squeeze_all": Check(squeeze(g.f32(1, 3, 1, 2), [])),
    "squeeze_negative": Check(squeeze(g.i32(2, 1, 1), [-1, 1])),
    "squeeze_bad_dim": Check(squeeze(X, [1])),
    "reshape": Check(OpCase("Reshape", [X, i32([4, -1])])),
    "reshape_int": Check(OpCase("Reshape", [XI, i32([2, 12])])),
    "reshape_bad": Check(OpCase("Reshape", [X, i32([5, -1])])),
    # TF's EnsureShape has a `shape` attr; TF.js's op list reads a second input instead and fails
    "ensure_shape": Check(ensure_shape(X, [2, -1, 4]), hand=[(X, "float32")]),
    "ensure_shape_unknown_rank": Check(ensure_shape(XI, None), hand=[(XI, "int32")]),
    "ensure_shape_mismatch": Check(ensure_shape(X, [2, 4, -1]), hand=ShapeError("shape")),
    "ensure_shape_rank_mismatch": Check(ensure_shape(X, [2, 3]), hand=ShapeError("rank")),
    "ensure_shape_tfjs_input": Check(OpCase("EnsureShape", [X, i32([2, 3, 4])])),
    "mirror_pad_reflect": Check(OpCase("MirrorPad", [X, i32([[1, 1], [2, 0], [0, 3]])], {"mode": ("s", "REFLECT")})),
    "mirror_pad_symmetric": Check(OpCase("MirrorPad", [XI, i32([[0, 2], [3, 1], [1, 1]])],
                                         {"mode": ("s", "SYMMETRIC")})),
    "mirror_pad_too_wide": Check(OpCase("MirrorPad", [X, i32([[2, 0], [0, 0], [0, 0]])], {"mode": ("s", "REFLECT")})),
    "pad": Check(OpCase("Pad", [X, i32([[1, 0], [0, 2], [1, 1]])])),
    "pad_int": Check(OpCase("Pad", [XI, i32([[0, 0], [1, 1], [2, 0]])])),
    "pad_v2": Check(OpCase("PadV2", [X, i32([[0, 1], [1, 0], [2, 2]]), f32(-1.5)])),
    "pad_v2_int": Check(OpCase("PadV2", [XI, i32([[1, 1], [0, 0], [0, 1]]), i32(9)])),
    "space_to_batch_nd": Check(OpCase("SpaceToBatchND", [IMG, i32([2, 3]), i32([[0, 0], [0, 0]])])),
    "space_to_batch_nd_padded": Check(OpCase("SpaceToBatchND", [g.f32(1, 3, 5, 2), i32([2, 2]),
                                                                i32([[1, 0], [0, 1]])])),
    "batch_to_space_nd": Check(OpCase("BatchToSpaceND", [g.f32(6, 2, 2, 3), i32([2, 3]), i32([[0, 0], [1, 2]])])),
    "batch_to_space_nd_int": Check(OpCase("BatchToSpaceND", [g.i32(4, 1, 2, 1), i32([2, 2]), i32([[0, 1], [0, 0]])])),
    "depth_to_space": Check(OpCase("DepthToSpace", [IMG], {"block_size": ("i", 2), "data_format": ("s", "NHWC")})),
    # TF's default data_format is NHWC; TF.js fails without the attr
    "depth_to_space_default_format": Check(OpCase("DepthToSpace", [D2S], {"block_size": ("i", 3)}),
                                           ref=OpCase("DepthToSpace", [D2S], {"block_size": ("i", 3),
                                                                              "data_format": ("s", "NHWC")})),
    "depth_to_space_nchw": Check(OpCase("DepthToSpace", [IMG], {"block_size": ("i", 2), "data_format": ("s", "NCHW")})),
    "depth_to_space_bad_depth": Check(OpCase("DepthToSpace", [g.f32(1, 2, 2, 6)], {"block_size": ("i", 2),
                                                                                 "data_format": ("s", "NHWC")})),
    "broadcast_to": Check(OpCase("BroadcastTo", [g.f32(3, 1), i32([2, 3, 4])])),
    "broadcast_to_int": Check(OpCase("BroadcastTo", [i32(5), i32([2, 2])])),
    "broadcast_to_bad": Check(OpCase("BroadcastTo", [g.f32(3, 2), i32([3, 4])])),
    "broadcast_args": Check(OpCase("BroadcastArgs", [i32([2, 1, 4]), i32([3, 1])])),
    "broadcast_args_bad": Check(OpCase("BroadcastArgs", [i32([2, 3]), i32([4])])),
}


want, test_matches_tfjs, test_every_op_is_mapped_and_checked = tfjs_tests("transformation", CHECKS)
