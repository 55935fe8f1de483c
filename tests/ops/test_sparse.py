"""tw.sparse (sparse_fill_empty_rows, sparse_reshape, sparse_segment_sum/mean) and tw.sparse_to_dense against
the real TF.js ops, plus input checks and gradients."""
from __future__ import annotations

import numpy as np
import pytest

import tensorweb as tw
from tensorweb.errors import DtypeError, InvalidArgumentError, ShapeError
from tensorweb.testing import check_gradients

from tests.interop.tfjs import T

from .tfjs_ops import OpCall, f32, i32, s, tfjs_op_tests

fill = tw.sparse.sparse_fill_empty_rows
reshape = tw.sparse.sparse_reshape
seg_sum, seg_mean = tw.sparse.sparse_segment_sum, tw.sparse.sparse_segment_mean
rng = np.random.default_rng(301)
DATA = f32(rng.uniform(-2, 2, (6, 2, 3)))


def fill_call(indices, values, shape, default) -> OpCall:
    return OpCall("sparse.sparseFillEmptyRows", [i32(indices), values, i32(shape), default], fill)


def reshape_call(indices, shape, new_shape) -> OpCall:
    return OpCall("sparse.sparseReshape", [i32(indices), i32(shape), i32(new_shape)], reshape)


def seg_call(mean: bool, data, indices, ids) -> OpCall:
    op = "sparse.sparseSegmentMean" if mean else "sparse.sparseSegmentSum"
    return OpCall(op, [data, i32(indices), i32(ids)], seg_mean if mean else seg_sum)


def to_dense_call(indices, values, shape, default) -> OpCall:
    return OpCall("sparseToDense", [indices, values, shape, default], tw.sparse_to_dense)


CASES = {
    "fill": fill_call([[0, 0], [1, 0], [1, 3], [1, 4], [3, 2], [3, 3]], f32([0, 10, 13, 14, 32, 33]), [5, 6], f32(-1)),
    "fill_unordered_rows": fill_call([[3, 1], [1, 0], [3, 0], [1, 2]], i32([1, 2, 3, 4]), [5, 3], i32(0)),
    "fill_rank3": fill_call([[1, 0, 1], [1, 1, 0]], f32([7, 8]), [3, 2, 2], f32(0.5)),
    "fill_ordered_full": fill_call([[0, 0], [1, 1], [1, 0]], f32([1, 2, 3]), [2, 2], f32(0)),
    "fill_no_rows": fill_call(np.zeros((0, 2)), f32([]), [0, 4], f32(1)),
    "fill_rows_without_shape": fill_call([[0, 0]], f32([1]), [0, 4], f32(1)),
    "fill_negative_row": fill_call([[-1, 0]], f32([1]), [2, 2], f32(0)),
    "fill_default_dtype": fill_call([[0, 0]], f32([1]), [2, 2], i32(0)),
    "reshape": reshape_call([[0, 0, 0], [0, 0, 1], [0, 1, 0], [1, 0, 0], [1, 2, 3]], [2, 3, 6], [9, -1]),
    "reshape_to_1d": reshape_call([[0, 1], [1, 2]], [2, 3], [-1]),
    "reshape_up": reshape_call([[0, 5], [1, 7], [3, 11]], [4, 12], [2, -1, 3, 4]),
    "reshape_empty_infer": reshape_call(np.zeros((0, 2)), [0, 3], [-1, 0]),
    "reshape_not_multiple": reshape_call([[0, 1]], [2, 3], [4, -1]),
    "reshape_negative": reshape_call([[0, 1]], [2, 3], [3, -2]),
    "segment_sum": seg_call(False, DATA, [0, 3, 5, 1, 1], [0, 0, 1, 3, 3]),
    "segment_sum_int": seg_call(False, i32(rng.integers(-9, 9, (4, 3))), [3, 2, 0], [0, 1, 1]),
    "segment_sum_gap_start": seg_call(False, f32([1, 2, 3]), [0, 2], [2, 4]),
    "segment_sum_negative_id": seg_call(False, f32([1, 2, 3]), [0, 1], [-1, 0]),
    "segment_sum_bad_index": seg_call(False, f32([1, 2, 3]), [0, -1], [0, 1]),
    "segment_sum_size_mismatch": seg_call(False, f32([1, 2, 3]), [0, 1], [0]),
    "segment_mean": seg_call(True, DATA, [0, 3, 5, 1, 1, 4], [0, 0, 0, 2, 2, 5]),
    "segment_mean_int_truncates": seg_call(True, i32([[7, -7], [2, -2], [0, 1]]), [0, 1, 2, 0], [0, 0, 1, 1]),
    "segment_mean_no_indices": seg_call(True, DATA, [], []),
    "segment_mean_decreasing": seg_call(True, DATA, [0, 1], [1, 0]),
    "to_dense": to_dense_call(i32([[0, 1], [2, 3]]), f32([1.5, -2.0]), [3, 4], f32(0.5)),
    "to_dense_scalar_value": to_dense_call(i32([[0, 0], [1, 2]]), i32(7), [2, 3], i32(-1)),
    "to_dense_vector_indices": to_dense_call(i32([4, 1]), i32([3, 9]), [6], i32(0)),
    "to_dense_scalar_index": to_dense_call(i32(2), f32(5), [4], f32(0)),
    "to_dense_duplicates_keep_last": to_dense_call(i32([1, 1, 0]), f32([4, 6, 8]), [3], f32(0)),
    "to_dense_bool": to_dense_call(i32([[1, 0]]), T(np.array([True])), [2, 2], T(np.array(False))),
    "to_dense_string": to_dense_call(i32([0, 2]), s("a", "bc"), [3], T(np.array("-", object), "string")),
    "to_dense_wrong_rank": to_dense_call(i32([[0, 1]]), f32([1]), [4], f32(0)),
    "to_dense_values_size": to_dense_call(i32([0, 1]), f32([1, 2, 3]), [4], f32(0)),
}


want, test_matches_tfjs = tfjs_op_tests(CASES)


def test_fill_empty_rows_by_hand():
    out = fill(tw.tensor([[2, 1], [0, 0], [2, 0]]), tw.tensor([5.0, 6.0, 7.0]), tw.tensor([4, 3]), 9.0)
    assert out.output_indices.tolist() == [[0, 0], [1, 0], [2, 1], [2, 0], [3, 0]]
    assert out.output_values.tolist() == [6.0, 9.0, 5.0, 7.0, 9.0]
    assert out.empty_row_indicator.tolist() == [False, True, False, True]
    assert out.reverse_index_map.tolist() == [2, 0, 3]


def test_fill_empty_rows_string_values():
    out = fill(tw.tensor([[1, 0]]), tw.tensor(["x"]), tw.tensor([2, 1]), "empty")
    assert [v.decode() if isinstance(v, bytes) else v for v in out.output_values.tolist()] == ["empty", "x"]


def test_input_checks_name_the_op():
    with pytest.raises(ShapeError, match="sparse_fill_empty_rows: values"):
        fill(tw.tensor([[0, 0]]), tw.tensor([[1.0]]), tw.tensor([2, 2]), 0.0)
    with pytest.raises(ShapeError, match="sparse_fill_empty_rows: values must have one entry per row"):
        fill(tw.tensor([[0, 0]]), tw.tensor([1.0, 2.0]), tw.tensor([2, 2]), 0.0)
    with pytest.raises(DtypeError, match="sparse_fill_empty_rows"):
        fill(tw.tensor([[0.0, 0.0]]), tw.tensor([1.0]), tw.tensor([2, 2]), 0.0)
    with pytest.raises(ShapeError, match="sparse_reshape: input_indices must have one column"):
        reshape(tw.tensor([[0, 0, 0]]), tw.tensor([2, 3]), tw.tensor([6]))
    with pytest.raises(DtypeError, match="sparse_segment_sum: data must be a float32 or int32"):
        seg_sum(tw.tensor([True, False]), tw.tensor([0]), tw.tensor([0]))
    with pytest.raises(ShapeError, match="sparse_segment_mean: data must be at least 1-D"):
        seg_mean(tw.tensor(1.0), tw.tensor([0]), tw.tensor([0]))
    with pytest.raises(InvalidArgumentError, match="sparse_to_dense: output_shape"):
        tw.sparse_to_dense(tw.tensor([0]), tw.tensor([1.0]), [-2], 0.0)
    with pytest.raises(InvalidArgumentError, match="sparse_to_dense: index \\[3\\]"):
        tw.sparse_to_dense(tw.tensor([3]), tw.tensor([1.0]), [3], 0.0)


def test_segment_gradients():
    data = rng.uniform(-1, 1, (5, 3)).astype(np.float32)
    idx, ids = tw.tensor([0, 4, 4, 2, 1]), tw.tensor([0, 0, 1, 3, 3])
    check_gradients(lambda d: seg_sum(d, idx, ids), [data])
    check_gradients(lambda d: seg_mean(d, idx, ids), [data])
