"""Evaluation op mappers against the real TF.js graph executor (see math_cases.py)."""
from __future__ import annotations

import numpy as np

import tensorweb.graph.ops.evaluation  # noqa: F401  (registers the mappers)

from .math_cases import Check, Inputs, f32, i32, tfjs_tests
from .single_op import OpCase

g = Inputs(105)
X = g.f32(3, 6)
TIES = f32([[3.0, 1.0, 3.0, 2.0, 3.0], [0.0, 5.0, 5.0, -1.0, 2.0]])
SEQ = np.sort(g.f32(2, 6), axis=1)



def by_value(outs: list) -> list:
    """TF.js's (values, indices) reordered by decreasing value along the last axis."""
    (values, vdtype), (indices, idtype) = outs
    order = np.argsort(-values, axis=-1, kind="stable")
    return [(np.take_along_axis(values, order, -1), vdtype), (np.take_along_axis(indices, order, -1), idtype)]


CHECKS = {
    "top_k": Check(OpCase("TopKV2", [X, i32(3)], {"sorted": ("b", True)}, n_outputs=2)),
    "top_k_ties": Check(OpCase("TopKV2", [TIES, i32(4)], n_outputs=2)),
    # unsorted, TF.js returns the top k in selection order (TF leaves the order open); compare them sorted
    "top_k_unsorted": Check(OpCase("TopKV2", [X, i32(3)], {"sorted": ("b", False)}, n_outputs=2),
                            post=by_value),
    "top_k_int": Check(OpCase("TopKV2", [g.i32(2, 5), i32(5)], n_outputs=2)),
    "top_k_1d_const_k": Check(OpCase("TopKV2", [g.f32(7), i32(1)], n_outputs=2, consts=(1,))),
    "top_k_too_large": Check(OpCase("TopKV2", [X, i32(7)], n_outputs=2)),
    "unique": Check(OpCase("Unique", [f32([2.0, 1.0, 2.0, 3.0, 1.0, 1.0])], {"out_idx": ("type", "int32")},
                           n_outputs=2)),
    "unique_int": Check(OpCase("Unique", [i32([5, 5, -1, 0, 5, -1])], n_outputs=2)),
    "unique_string": Check(OpCase("Unique", [np.array(["a", "b", "a", "c"], dtype=object)], n_outputs=2)),
    "unique_v2_axis0": Check(OpCase("UniqueV2", [i32([[1, 2], [3, 4], [1, 2]]), i32([0])], n_outputs=2)),
    "unique_v2_axis1": Check(OpCase("UniqueV2", [i32([[1, 2, 1], [3, 4, 3]]), i32([1])], n_outputs=2)),
    "unique_v2_bool": Check(OpCase("UniqueV2", [np.array([True, False, True]), i32([0])], n_outputs=2)),
    "lower_bound": Check(OpCase("LowerBound", [SEQ, SEQ[:, ::2].copy()], {"out_type": ("type", "int32")})),
    "lower_bound_int": Check(OpCase("LowerBound", [i32([[1, 3, 3, 7]]), i32([[0, 3, 4, 8, 7]])])),
    "upper_bound": Check(OpCase("UpperBound", [SEQ, g.f32(2, 4)])),
    "upper_bound_int": Check(OpCase("UpperBound", [i32([[1, 3, 3, 7]]), i32([[0, 3, 4, 8, 7]])])),
}


want, test_matches_tfjs, test_every_op_is_mapped_and_checked = tfjs_tests("evaluation", CHECKS)
