"""Slice and join op mappers against the real TF.js graph executor (see math_cases.py)."""
from __future__ import annotations

import numpy as np

import tensorweb.graph.ops.slice_join  # noqa: F401  (registers the mappers)
from tensorweb.errors import InvalidArgumentError

from .math_cases import Check, Inputs, f32, i32, tfjs_tests
from .single_op import OpCase

g = Inputs(201)
X = g.f32(2, 3, 4)
XI = g.i32(2, 3, 4)
XB = g.b8(2, 3, 4)
MASKS = ("begin_mask", "end_mask", "ellipsis_mask", "new_axis_mask", "shrink_axis_mask")


def concat(tensors, axis, v2: bool = True, n: int | None = None) -> OpCase:
    attrs = {"N": ("i", len(tensors) if n is None else n)}
    inputs = [*tensors, i32(axis)] if v2 else [i32(axis), *tensors]
    return OpCase("ConcatV2" if v2 else "Concat", inputs, attrs)


def strided(x, begin, end, strides, **masks) -> OpCase:
    attrs = {k: ("i", masks.get(k, 0)) for k in MASKS}
    return OpCase("StridedSlice", [x, i32(begin), i32(end), i32(strides)], attrs)


def split(x, axis: int, num: int) -> OpCase:
    return OpCase("Split", [i32(axis), x], {"num_split": ("i", num)}, n_outputs=num)


def sparse_to_dense(indices, shape, values, default) -> OpCase:
    return OpCase("SparseToDense", [indices, i32(shape), values, default], {"validate_indices": ("b", True)})


CHECKS = {
    "concat_v2_three": Check(concat([X, g.f32(2, 1, 4), g.f32(2, 2, 4)], 1)),
    "concat_v2_negative_axis": Check(concat([X, X], -1)),
    "concat_v2_int": Check(concat([XI, XI], 0)),
    "concat_v2_bool": Check(concat([XB, XB], 2)),
    "concat_v2_n_fewer": Check(concat([X, X, g.f32(2, 3, 1)], 2, n=2)),
    "concat_v2_bad_shapes": Check(concat([X, g.f32(3, 3, 4)], 1)),
    "concat_v1": Check(concat([X, g.f32(1, 3, 4)], 0, v2=False)),
    "gather_v1": Check(OpCase("Gather", [X, i32([1, 0, 1])])),
    "gather_v2_axis1": Check(OpCase("GatherV2", [X, i32([[2, 0], [1, 1]]), i32(1)])),
    "gather_v2_negative_axis": Check(OpCase("GatherV2", [XI, i32([3, 0]), i32(-1)])),
    "gather_v2_batch_dims": Check(OpCase("GatherV2", [X, i32([[0, 2], [1, 1]]), i32(1)], {"batch_dims": ("i", 1)})),
    "gather_v2_bad_index": Check(OpCase("GatherV2", [X, i32([0, 3]), i32(1)])),
    "gather_nd": Check(OpCase("GatherNd", [X, i32([[0, 2], [1, 0]])])),
    "gather_nd_full": Check(OpCase("GatherNd", [XI, i32([[1, 2, 3], [0, 0, 0]])])),
    "reverse_v1": Check(OpCase("Reverse", [X, np.array([True, False, True])])),
    "reverse_v2": Check(OpCase("ReverseV2", [X, i32([1])])),
    "reverse_v2_negative_axes": Check(OpCase("ReverseV2", [XB, i32([0, -1])])),
    "slice": Check(OpCase("Slice", [X, i32([0, 1, 1]), i32([2, -1, 2])])),
    "slice_int": Check(OpCase("Slice", [XI, i32([1, 0, 0]), i32([1, 2, -1])])),
    "strided_slice": Check(strided(X, [0, 1, 0], [2, 3, 4], [1, 1, 2])),
    "strided_slice_masks": Check(strided(X, [1, 0, 3], [0, 2, 0], [1, 1, -1], begin_mask=2, end_mask=5)),
    "strided_slice_shrink": Check(strided(X, [1, 0, 2], [2, 3, 3], [1, 1, 1], shrink_axis_mask=5)),
    "strided_slice_new_axis": Check(strided(XI, [0, 0, 1], [0, 2, 3], [1, 1, 1], new_axis_mask=1)),
    "strided_slice_ellipsis": Check(strided(X, [0, 1], [0, 3], [1, 1], ellipsis_mask=1)),
    "strided_slice_negative": Check(strided(X, [-1, -1, -2], [-3, 0, -5], [-1, -2, -1])),
    "pack": Check(OpCase("Pack", [g.f32(3, 2), g.f32(3, 2), g.f32(3, 2)], {"axis": ("i", 0), "N": ("i", 3)})),
    "pack_axis": Check(OpCase("Pack", [g.i32(3, 2), g.i32(3, 2)], {"axis": ("i", -1)})),
    # TF.js reshapes inputs that differ from the first only in size-1 axes
    "pack_reshapes": Check(OpCase("Pack", [g.f32(3, 2), g.f32(3, 1, 2)], {"axis": ("i", 1)})),
    "pack_bad_shapes": Check(OpCase("Pack", [g.f32(3, 2), g.f32(2, 3)])),
    "unpack": Check(OpCase("Unpack", [X], {"axis": ("i", 1), "num": ("i", 3)}, n_outputs=3)),
    "unpack_negative_axis": Check(OpCase("Unpack", [XB], {"axis": ("i", -3), "num": ("i", 2)}, n_outputs=2)),
    "tile": Check(OpCase("Tile", [X, i32([2, 1, 3])])),
    "tile_bool": Check(OpCase("Tile", [XB, i32([1, 2, 1])])),
    "split": Check(split(X, 2, 2)),
    "split_negative_axis": Check(split(XI, -2, 3)),
    "split_uneven": Check(split(X, 1, 2)),
    "split_v": Check(OpCase("SplitV", [X, i32([1, -1, 2]), i32(2)], n_outputs=3)),
    "split_v_axis0": Check(OpCase("SplitV", [XI, i32([1, 1]), i32(0)], n_outputs=2)),
    "scatter_nd": Check(OpCase("ScatterNd", [i32([[0], [2], [0]]), g.f32(3, 4), i32([3, 4])])),
    "scatter_nd_elements": Check(OpCase("ScatterNd", [i32([[0, 1], [2, 3]]), i32([5, 7]), i32([3, 4])])),
    "tensor_scatter_update": Check(OpCase("TensorScatterUpdate", [X, i32([[1, 2], [0, 0]]), g.f32(2, 4)])),
    "tensor_scatter_update_int": Check(OpCase("TensorScatterUpdate", [XI, i32([[1]]), g.i32(1, 3, 4)])),
    "sparse_to_dense": Check(sparse_to_dense(i32([[0, 1], [2, 3]]), [3, 4], f32([1.5, -2.0]), f32(0.5))),
    "sparse_to_dense_scalar_value": Check(sparse_to_dense(i32([[0, 0], [1, 2]]), [2, 3], i32(7), i32(-1))),
    "sparse_to_dense_vector": Check(sparse_to_dense(i32([4, 1]), [6], i32([3, 9]), i32(0))),
    "sparse_to_dense_cast_default": Check(sparse_to_dense(i32([[1], [0]]), [3], f32([2.5, 1.0]), i32(4))),
    "sparse_to_dense_bad_index": Check(sparse_to_dense(i32([[0, 5]]), [2, 3], f32([1.0]), f32(0.0)),
                                       hand=InvalidArgumentError("TF.js wraps [0, 5] into [1, 2]; TF refuses it")),
}


want, test_matches_tfjs, test_every_op_is_mapped_and_checked = tfjs_tests("slice_join", CHECKS)
