"""Arithmetic op mappers against the real TF.js graph executor (see math_cases.py)."""
from __future__ import annotations

import numpy as np

import tensorweb.graph.ops.arithmetic  # noqa: F401  (registers the mappers)

from .math_cases import Check, Inputs, f32, i32, tfjs_tests
from .single_op import OpCase

g = Inputs(101)
X, Y = g.f32(2, 3, 4), g.f32(4)
NEG = f32([-7.5, -3.0, -0.5, 0.0, 2.5, 7.0])
DEN = f32([2.0, -2.0, 0.0, 3.0, -0.5, 0.0])
IA, IB = i32([-7, -6, 5, 7, 0, 9]), i32([2, -4, 3, -2, 5, 4])
BIAS_X, BIAS_B = g.f32(2, 3, 4, 5), g.f32(3)

CHECKS = {
    "add_broadcast": Check(OpCase("Add", [X, Y], {"T": ("type", "float32")})),
    "add_int": Check(OpCase("Add", [IA, IB])),
    "addv2_scalar": Check(OpCase("AddV2", [X, f32(1.5)])),
    "addv2_bad_shapes": Check(OpCase("AddV2", [X, g.f32(3)])),
    "add_n_three": Check(OpCase("AddN", [X, X * 2, g.f32(2, 3, 4)], {"N": ("i", 3)})),
    "add_n_one": Check(OpCase("AddN", [Y])),
    "add_n_int": Check(OpCase("AddN", [IA, IB])),
    "bias_add": Check(OpCase("BiasAdd", [g.f32(2, 3, 4, 5), g.f32(5)], {"data_format": ("s", "NHWC")})),
    "bias_add_rank2": Check(OpCase("BiasAdd", [g.f32(3, 4), g.f32(4)], consts=(1,))),
    # TF.js broadcasts the bias along the last dim whatever data_format says; TF adds it along dim 1
    "bias_add_nchw": Check(OpCase("BiasAdd", [BIAS_X, BIAS_B], {"data_format": ("s", "NCHW")}),
                           hand=[(BIAS_X + BIAS_B[:, None, None], "float32")]),
    "sub": Check(OpCase("Sub", [X, Y])),
    "sub_int": Check(OpCase("Sub", [IA, IB])),
    "mul": Check(OpCase("Mul", [X, g.f32(3, 1)])),
    "mul_int": Check(OpCase("Mul", [IA, i32(3)])),
    "div": Check(OpCase("Div", [NEG, DEN])),
    "div_int_floors": Check(OpCase("Div", [IA, IB])),
    "real_div": Check(OpCase("RealDiv", [X, Y])),
    "div_no_nan": Check(OpCase("DivNoNan", [NEG, DEN])),
    # TF.js's FloorDiv kernel writes int32 even for floats (Inf/NaN -> 0); tensorweb keeps TF's float result
    "floor_div": Check(OpCase("FloorDiv", [NEG, DEN]), hand=[(np.array([-4.0, 1.0, -np.inf, 0.0, -5.0, np.inf]),
                                                             "float32")]),
    "floor_div_int": Check(OpCase("FloorDiv", [IA, IB])),
    "mod": Check(OpCase("Mod", [NEG, f32([2.0, -2.0, 1.5, 3.0, -0.75, 4.0])])),
    "floor_mod_int": Check(OpCase("FloorMod", [IA, IB])),
    "maximum": Check(OpCase("Maximum", [f32([1.0, np.nan, -2.0, 3.0]), f32([0.0, 1.0, np.nan, 3.0])])),
    "maximum_int": Check(OpCase("Maximum", [IA, i32(0)])),
    "minimum": Check(OpCase("Minimum", [X, Y])),
    "pow": Check(OpCase("Pow", [g.f32(3, 4, lo=0.1, hi=3.0), f32([-1.5, 0.0, 2.0, 0.5])])),
    "pow_int": Check(OpCase("Pow", [i32([2, -3, 4, 0]), i32([3, 2, 0, 5])])),
    "squared_difference": Check(OpCase("SquaredDifference", [X, Y])),
    "squared_difference_int": Check(OpCase("SquaredDifference", [IA, IB])),
}


want, test_matches_tfjs, test_every_op_is_mapped_and_checked = tfjs_tests("arithmetic", CHECKS)
