"""Logical op mappers against the real TF.js graph executor (see math_cases.py)."""
from __future__ import annotations

import numpy as np

import tensorweb.graph.ops.logical  # noqa: F401  (registers the mappers)

from .math_cases import Check, Inputs, f32, i32, tfjs_tests
from .single_op import OpCase

g = Inputs(103)
A = f32([[1.0, np.nan, -2.0, 3.0], [0.0, 5.0, -1.0, np.inf]])
B = f32([1.0, 2.0, -2.0, np.inf])
IA, IB = g.i32(3, 4), g.i32(4)
BA, BB = g.b8(2, 3), g.b8(3)
COND, TA, TB = g.b8(3), g.f32(3, 2), g.f32(3, 2)

CHECKS = {op.lower(): Check(OpCase(op, [A, B], {"T": ("type", "float32")}))
          for op in ("Equal", "NotEqual", "Greater", "GreaterEqual", "Less", "LessEqual")}
CHECKS.update({
    "equal_int": Check(OpCase("Equal", [IA, IB])),
    "greater_int": Check(OpCase("Greater", [IA, i32(0)])),
    "less_equal_bool": Check(OpCase("LessEqual", [BA, BB])),
    "not_equal_bad_shapes": Check(OpCase("NotEqual", [IA, g.i32(3)])),
    "logical_and": Check(OpCase("LogicalAnd", [BA, BB])),
    "logical_or": Check(OpCase("LogicalOr", [BA, BB])),
    "logical_or_scalar": Check(OpCase("LogicalOr", [BA, np.array(False)])),
    "logical_not": Check(OpCase("LogicalNot", [BA])),
    "select_v2_broadcast": Check(OpCase("SelectV2", [g.b8(2, 1), g.f32(2, 3), g.f32(3)])),
    "select_v2_int": Check(OpCase("SelectV2", [g.b8(4), g.i32(4), g.i32(4)])),
    "select_same_shape": Check(OpCase("Select", [g.b8(2, 3), g.f32(2, 3), g.f32(2, 3)])),
    # TF's Select with a vector condition picks whole rows; TF.js broadcasts it along the last dim instead
    "select_rows": Check(OpCase("Select", [COND, TA, TB]), hand=[(np.where(COND[:, None], TA, TB), "float32")]),
    "select_bad_shapes": Check(OpCase("SelectV2", [g.b8(3), g.f32(2, 4), g.f32(2, 4)])),
    # TF.js 4.22 cannot run BitwiseAnd in a graph (its op list names the inputs x, y; its executor reads a, b),
    # so these follow tf.bitwiseAnd's rules: int32 only, equal shapes
    "bitwise_and": Check(OpCase("BitwiseAnd", [i32([12, -1, 7, 0, -8]), i32([10, 5, -3, 9, 6])]),
                         hand=[(i32([8, 5, 5, 0, 0]), "int32")]),
    "bitwise_and_float_refused": Check(OpCase("BitwiseAnd", [g.f32(3), g.f32(3)]), hand=TypeError("float32")),
    "bitwise_and_shapes_refused": Check(OpCase("BitwiseAnd", [g.i32(2, 3), g.i32(3)]), hand=ValueError("shape")),
})


want, test_matches_tfjs, test_every_op_is_mapped_and_checked = tfjs_tests("logical", CHECKS)
