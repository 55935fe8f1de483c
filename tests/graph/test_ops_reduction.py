"""Reduction op mappers against the real TF.js graph executor (see math_cases.py)."""
from __future__ import annotations

import numpy as np

import tensorweb.graph.ops.reduction  # noqa: F401  (registers the mappers)

from tensorweb.errors import InvalidArgumentError

from .math_cases import Check, Inputs, assert_refuses, f32, i32, tfjs_tests
from .single_op import OpCase

g = Inputs(104)
X = g.f32(2, 3, 4)
B = g.b8(2, 3, 4)
I = g.i32(2, 3, 4)
SMALL = g.f32(2, 3, 4, lo=0.5, hi=1.5)


def keep(flag: bool) -> dict:
    return {"keep_dims": ("b", flag)}


EXCL_REV = {"exclusive": ("b", True), "reverse": ("b", True)}

CHECKS = {
    "sum_axis": Check(OpCase("Sum", [X, i32([1])], keep(False))),
    "sum_keep_dims_axes": Check(OpCase("Sum", [X, i32([0, 2])], keep(True))),
    "sum_scalar_negative_axis": Check(OpCase("Sum", [X, i32(-1)])),
    "sum_no_axes": Check(OpCase("Sum", [X, np.zeros(0, np.int32)], keep(False))),
    "sum_int": Check(OpCase("Sum", [I, i32([0, 1, 2])], keep(False))),
    "sum_bool": Check(OpCase("Sum", [B, i32([2])], keep(True))),
    "sum_const_axis": Check(OpCase("Sum", [X, i32([1, -1])], keep(False), consts=(1,))),
    # TF refuses an out-of-range axis; TF.js 4.22 returns a tensor of shape [undefined, 2, 3]
    "sum_bad_axis": Check(OpCase("Sum", [X, i32([3])], keep(False)), hand=ValueError("axis")),
    "mean": Check(OpCase("Mean", [X, i32([-2])], keep(True))),
    "mean_all": Check(OpCase("Mean", [X, i32([0, 1, 2])], keep(False))),
    "mean_int": Check(OpCase("Mean", [I, i32(1)])),
    "prod": Check(OpCase("Prod", [SMALL, i32([1, 2])], {**keep(False), "T": ("type", "float32")})),
    "prod_int": Check(OpCase("Prod", [I, i32(0)], keep(True))),
    "max": Check(OpCase("Max", [X, i32([2])], keep(False))),
    "max_int_keep": Check(OpCase("Max", [I, i32([0, 1])], keep(True))),
    "max_nan": Check(OpCase("Max", [f32([[1.0, np.nan], [2.0, 3.0]]), i32(1)])),
    "min": Check(OpCase("Min", [X, i32([0])], keep(True))),
    "min_int": Check(OpCase("Min", [I, i32(-1)])),
    "all": Check(OpCase("All", [B, i32([1])], keep(False))),
    "all_keep": Check(OpCase("All", [B, i32([0, 2])], keep(True))),
    "any": Check(OpCase("Any", [B, i32(-1)], keep(False))),
    "any_keep": Check(OpCase("Any", [B, i32([1, 2])], keep(True))),
    "arg_max": Check(OpCase("ArgMax", [X, i32(1)], {"output_type": ("type", "int32")})),
    "arg_max_negative_axis": Check(OpCase("ArgMax", [I, i32(-1)])),
    "arg_max_ties": Check(OpCase("ArgMax", [f32([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]]), i32(1)])),
    "arg_min": Check(OpCase("ArgMin", [X, i32(0)])),
    "arg_min_int": Check(OpCase("ArgMin", [I, i32(2)])),
    "cumsum": Check(OpCase("Cumsum", [X, i32(1)])),
    "cumsum_exclusive_reverse": Check(OpCase("Cumsum", [X, i32(2)], EXCL_REV)),
    # TF.js 4.22's cumsum does not normalize a negative axis (its output shape gets an undefined dim)
    "cumsum_negative_axis": Check(OpCase("Cumsum", [X, i32(-1)], EXCL_REV),
                                  ref=OpCase("Cumsum", [X, i32(2)], EXCL_REV)),
    "cumsum_int_exclusive": Check(OpCase("Cumsum", [I, i32(0)], {"exclusive": ("b", True)})),
    "cumprod": Check(OpCase("Cumprod", [SMALL, i32(2)])),
    "cumprod_reverse": Check(OpCase("Cumprod", [SMALL, i32(0)], {"reverse": ("b", True),
                                                                  "exclusive": ("b", False)})),
    "cumprod_exclusive": Check(OpCase("Cumprod", [SMALL, i32(1)], {"exclusive": ("b", True)})),
    "bincount": Check(OpCase("Bincount", [i32([1, 1, 2, 4, 0, 7]), i32(5), f32([])])),
    "bincount_weights": Check(OpCase("Bincount", [i32([1, 1, 2, 4, 0, 3]), i32(5),
                                                  f32([0.5, 1.0, 2.0, -1.0, 3.0, 0.25])])),
    "dense_bincount": Check(OpCase("DenseBincount", [i32([[1, 1, 2], [3, 0, 3]]), i32(4), f32([])],
                                   {"binary_output": ("b", False)})),
    "dense_bincount_binary_2d": Check(OpCase("DenseBincount", [i32([[1, 1, 2], [3, 0, 3]]), i32(4), f32([])],
                                             {"binary_output": ("b", True)})),
    # TF.js's cpu DenseBincount ignores binary_output for a rank-1 x; TF (and tensorweb) honour it
    "dense_bincount_binary_1d": Check(OpCase("DenseBincount", [i32([1, 1, 2, 3, 3]), i32(4), f32([])],
                                             {"binary_output": ("b", True)}), hand=[(f32([0, 1, 1, 1]), "float32")]),
    "dense_bincount_weights": Check(OpCase("DenseBincount", [i32([1, 1, 2, 3]), i32(5), f32([2.0, 1.0, 0.5, 4.0])])),
}


want, test_matches_tfjs, test_every_op_is_mapped_and_checked = tfjs_tests("reduction", CHECKS)


def test_refuses_malformed_axis_inputs():
    assert_refuses(OpCase("Sum", [X, i32([[0, 1]])]), InvalidArgumentError, "axis", "[1, 2]")
    assert_refuses(OpCase("ArgMax", [X, i32([0, 1])]), InvalidArgumentError, "axis", "one value")
    assert_refuses(OpCase("Cumsum", [X, f32(0.5)]), InvalidArgumentError, "axis", "integer")
