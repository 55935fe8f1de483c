"""Sparse op mappers against the real TF.js graph executor (see math_cases.py)."""
from __future__ import annotations


import tensorweb.graph.ops.sparse  # noqa: F401  (registers the mappers)

from .math_cases import Check, Inputs, f32, i32, tfjs_tests
from .single_op import OpCase

g = Inputs(206)
DATA = g.f32(5, 3)


def fill(indices, values, shape, default) -> OpCase:
    return OpCase("SparseFillEmptyRows", [i32(indices), values, i32(shape), default], n_outputs=4)


def reshape(indices, shape, new_shape) -> OpCase:
    return OpCase("SparseReshape", [i32(indices), i32(shape), i32(new_shape)], n_outputs=2)


def segment(op: str, data, indices, ids) -> OpCase:
    return OpCase(op, [data, i32(indices), i32(ids)], {"Tidx": ("type", "int32")})


CHECKS = {
    "fill_empty_rows": Check(fill([[0, 0], [1, 0], [1, 3], [1, 4], [3, 2], [3, 3]], f32([0, 10, 13, 14, 32, 33]),
                                  [5, 6], f32(-1))),
    "fill_empty_rows_unordered": Check(fill([[2, 1], [0, 0], [2, 0]], i32([5, 6, 7]), [4, 3], i32(9))),
    "fill_empty_rows_all_full": Check(fill([[0, 1], [1, 0], [2, 2]], f32([1, 2, 3]), [3, 3], f32(0))),
    "fill_empty_rows_single": Check(fill([[0, 0]], f32([1]), [1, 1], f32(0))),
    "fill_empty_rows_empty": Check(OpCase("SparseFillEmptyRows", [i32([[0, 0]])[:0], f32([]), i32([3, 2]), f32(4)],
                                          n_outputs=4)),
    "fill_empty_rows_bad_row": Check(fill([[0, 0], [5, 0]], f32([1, 2]), [3, 2], f32(0))),
    "reshape": Check(reshape([[0, 0, 0], [0, 0, 1], [0, 1, 0], [1, 0, 0], [1, 2, 3]], [2, 3, 6], [9, -1])),
    "reshape_rank_up": Check(reshape([[0, 5], [1, 7], [3, 11]], [4, 12], [2, 2, 3, 4])),
    "reshape_same": Check(reshape([[0, 1], [1, 0]], [2, 2], [2, 2])),
    "reshape_two_unknown": Check(reshape([[0, 1]], [2, 2], [-1, -1])),
    "reshape_mismatch": Check(reshape([[0, 1]], [2, 3], [4, 2])),
    "segment_sum": Check(segment("SparseSegmentSum", DATA, [0, 1, 4, 2], [0, 0, 2, 2])),
    "segment_sum_gaps": Check(segment("SparseSegmentSum", g.i32(4, 2, 2), [3, 1, 1], [1, 3, 3])),
    "segment_sum_1d": Check(segment("SparseSegmentSum", f32([1, 2, 4, 8]), [3, 0, 2], [0, 1, 1])),
    "segment_sum_unsorted": Check(segment("SparseSegmentSum", DATA, [0, 1, 2], [1, 0, 1])),
    "segment_sum_bad_index": Check(segment("SparseSegmentSum", DATA, [0, 7], [0, 0])),
    "segment_mean": Check(segment("SparseSegmentMean", DATA, [0, 1, 4, 2, 3], [0, 0, 0, 2, 3])),
    "segment_mean_int": Check(segment("SparseSegmentMean", i32([[7, -7], [2, 3], [0, 1]]), [0, 1, 2], [0, 0, 1])),
    "segment_mean_empty": Check(segment("SparseSegmentMean", DATA, [], [])),
}


want, test_matches_tfjs, test_every_op_is_mapped_and_checked = tfjs_tests("sparse", CHECKS)
