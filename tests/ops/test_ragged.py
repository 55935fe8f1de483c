"""tw.ragged_gather, tw.ragged_range and tw.ragged_tensor_to_tensor against the real TF.js ops, plus input checks.

Where TF.js gets TF's semantics wrong (string values, a scalar -1 shape, inner dimensions of multi-dimensional
values, a non-scalar default), the truth is TF's, computed by hand."""
from __future__ import annotations

import numpy as np
import pytest

import tensorweb as tw
from tensorweb.errors import DtypeError, InvalidArgumentError, ShapeError

from .tfjs_ops import OpCall, f32, i32, s, tfjs_op_tests

SPLITS = i32([0, 2, 3, 5])
VALUES = f32([1, 2, 3, 4, 5])
PAIRS = f32(np.arange(10).reshape(5, 2))


def gather(splits: list, values, indices, rank: int) -> OpCall:
    return OpCall("raggedGather", [splits, values, indices, rank], tw.ragged_gather)


def ragged_range(starts, limits, deltas) -> OpCall:
    return OpCall("raggedRange", [starts, limits, deltas], tw.ragged_range)


def to_tensor(shape, values, default, partitions: list, types: list[str], hand=None) -> OpCall:
    return OpCall("raggedTensorToTensor", [shape, values, default, partitions, types], tw.ragged_tensor_to_tensor,
                  hand=hand)


CASES = {
    "gather": gather([SPLITS], VALUES, i32([2, 0, 2]), 1),
    "gather_2d_indices": gather([SPLITS], VALUES, i32([[2, 0], [1, 1]]), 2),
    "gather_nested": gather([i32([0, 1, 3]), SPLITS], VALUES, i32([1, 0]), 2),
    "gather_nested_scalar_index": gather([i32([0, 1, 3]), SPLITS], VALUES, i32(1), 1),
    "gather_pair_values": gather([SPLITS], PAIRS, i32([1, 2]), 1),
    "gather_int_values": gather([i32([0, 0, 3])], i32([7, 8, 9]), i32([0, 1, 0]), 1),
    "gather_empty_indices": gather([SPLITS], VALUES, i32(np.zeros(0)), 1),
    # TF.js refuses string values; TF gathers them
    "gather_string_values": OpCall("raggedGather", [[i32([0, 1, 3])], s("a", "bc", "d"), i32([1, 0]), 1],
                                   tw.ragged_gather, hand=[(np.array([0, 2, 3]), "int32"),
                                                           (np.array(["bc", "d", "a"], object), "string")]),
    "gather_bad_index": gather([SPLITS], VALUES, i32([3]), 1),
    "gather_unsorted_splits": gather([i32([0, 3, 2, 5])], VALUES, i32([0]), 1),
    "gather_splits_past_values": gather([i32([0, 2, 7])], VALUES, i32([0]), 1),
    "range": ragged_range(i32([0, 5, 3]), i32([3, 8, 3]), i32([1, 2, 1])),
    "range_scalars": ragged_range(i32(2), i32([5, 3, 0]), i32(1)),
    "range_all_scalars": ragged_range(i32(0), i32(7), i32(3)),
    "range_negative": ragged_range(i32([5, 0]), i32([0, 5]), i32([-2, -1])),
    "range_float": ragged_range(f32([0.5, -1.0]), f32([2.0, 1.0]), f32([0.25, 0.7])),
    "range_zero_delta": ragged_range(i32([0]), i32([3]), i32([0])),
    "range_sizes": ragged_range(i32([0, 1]), i32([3, 4, 5]), i32(1)),
    "to_tensor": to_tensor(i32([-1, -1]), VALUES, f32(0), [SPLITS], ["ROW_SPLITS"]),
    "to_tensor_crop": to_tensor(i32([2, 1]), VALUES, f32(9), [SPLITS], ["ROW_SPLITS"]),
    "to_tensor_grow": to_tensor(i32([5, 4]), VALUES, f32(9), [SPLITS], ["ROW_SPLITS"]),
    "to_tensor_int": to_tensor(i32([-1, 3]), i32([1, 2, 3, 4, 5]), i32(-1), [SPLITS], ["ROW_SPLITS"]),
    # TF pads with a non-scalar default; TF.js's CPU kernel writes it into a copy and leaves zeros
    "to_tensor_pairs": to_tensor(i32([-1, -1, 2]), PAIRS, f32([7, 8]), [SPLITS], ["ROW_SPLITS"],
                                 hand=[(np.array([[[0, 1], [2, 3]], [[4, 5], [7, 8]], [[6, 7], [8, 9]]]),
                                        "float32")]),
    "to_tensor_pairs_scalar_default": to_tensor(i32([-1, 4, 2]), PAIRS, f32(-1), [SPLITS], ["ROW_SPLITS"]),
    "to_tensor_rowids": to_tensor(i32([-1, -1]), VALUES, f32(0), [i32(4), i32([0, 0, 2, 3, 3])],
                                  ["FIRST_DIM_SIZE", "VALUE_ROWIDS"]),
    "to_tensor_rowids_crop": to_tensor(i32([3, 1]), VALUES, f32(6), [i32(4), i32([0, 0, 2, 3, 3])],
                                       ["FIRST_DIM_SIZE", "VALUE_ROWIDS"]),
    "to_tensor_nested": to_tensor(i32([-1, -1, -1]), VALUES, f32(0), [i32([0, 1, 3]), SPLITS],
                                  ["ROW_SPLITS", "ROW_SPLITS"]),
    "to_tensor_nested_mixed": to_tensor(i32([-1, 2, -1]), VALUES, f32(0), [i32(2), i32([0, 1, 1]),
                                                                           i32([0, 0, 1, 2, 2])],
                                        ["FIRST_DIM_SIZE", "VALUE_ROWIDS", "VALUE_ROWIDS"]),
    # TF takes a scalar -1 for "shape unknown"; TF.js refuses it
    "to_tensor_scalar_shape": to_tensor(i32(-1), VALUES, f32(0), [SPLITS], ["ROW_SPLITS"],
                                        hand=[(np.array([[1, 2], [3, 0], [4, 5]]), "float32")]),
    # TF fills a -1 inner dimension from the values' shape; TF.js's shape merge looks at the wrong entry
    "to_tensor_pairs_unknown_inner": to_tensor(i32([-1, -1, -1]), PAIRS, f32(0), [SPLITS], ["ROW_SPLITS"],
                                               hand=[(np.array([[[0, 1], [2, 3]], [[4, 5], [0, 0]],
                                                                [[6, 7], [8, 9]]]), "float32")]),
    "to_tensor_row_lengths": to_tensor(i32([-1, -1]), VALUES, f32(0), [i32([2, 1, 2])], ["ROW_LENGTHS"]),
    "to_tensor_rowids_first": to_tensor(i32([-1, -1]), VALUES, f32(0), [i32([0, 0, 1, 1, 1])], ["VALUE_ROWIDS"]),
    # TF refuses an inner dimension that differs from the values'; TF.js's shape merge misses it
    "to_tensor_bad_inner_shape": to_tensor(i32([-1, -1, 3]), PAIRS, f32(0), [SPLITS], ["ROW_SPLITS"],
                                           hand=InvalidArgumentError("shape [-1, -1, 3]")),
    "to_tensor_bad_rank": to_tensor(i32([-1, -1, -1]), VALUES, f32(0), [SPLITS], ["ROW_SPLITS"]),
}


want, test_matches_tfjs = tfjs_op_tests(CASES)


def test_gather_by_hand():
    out = tw.ragged_gather([tw.tensor([0, 2, 3, 5])], tw.tensor([1.0, 2.0, 3.0, 4.0, 5.0]), tw.tensor([[2, 0], [1, 1]]))
    assert [t.tolist() for t in out.output_nested_splits] == [[0, 2, 4], [0, 2, 4, 5, 6]]
    assert out.output_dense_values.tolist() == [4.0, 5.0, 1.0, 2.0, 3.0, 3.0]


def test_to_tensor_by_hand():
    out = tw.ragged_tensor_to_tensor([-1, 3], [1, 2, 3], 0, [tw.tensor([0, 1, 1, 3])], ["ROW_SPLITS"])
    assert out.tolist() == [[1, 0, 0], [0, 0, 0], [2, 3, 0]]


def test_input_checks_name_the_op():
    splits, values = tw.tensor([0, 2, 3, 5]), tw.tensor([1.0, 2.0, 3.0, 4.0, 5.0])
    with pytest.raises(InvalidArgumentError, match="ragged_gather: output_ragged_rank must be"):
        tw.ragged_gather([splits], values, tw.tensor([0, 1]), 2)
    with pytest.raises(InvalidArgumentError, match="ragged_gather: params_nested_splits must not be empty"):
        tw.ragged_gather([], values, tw.tensor([0]))
    with pytest.raises(DtypeError, match="ragged_range: starts must be a float32 or int32"):
        tw.ragged_range(tw.tensor([True]), tw.tensor([True]), tw.tensor([True]))
    with pytest.raises(DtypeError, match="ragged_range: argument 'limits' must be a int32"):
        tw.ragged_range(tw.tensor([0]), tw.tensor([1.0]), 1)
    with pytest.raises(InvalidArgumentError, match="ragged_tensor_to_tensor: needs one row partition type"):
        tw.ragged_tensor_to_tensor(-1, values, 0.0, [splits], [])
    with pytest.raises(InvalidArgumentError, match="ragged_tensor_to_tensor: row partition type 'FIRST_DIM_SIZE'"):
        tw.ragged_tensor_to_tensor(-1, values, 0.0, [splits, tw.tensor(3)], ["ROW_SPLITS", "FIRST_DIM_SIZE"])
    with pytest.raises(ShapeError, match="ragged_tensor_to_tensor: default_value"):
        tw.ragged_tensor_to_tensor(-1, values, [0.0], [splits], ["ROW_SPLITS"])
    with pytest.raises(DtypeError, match="ragged_tensor_to_tensor: argument 'default_value'"):
        tw.ragged_tensor_to_tensor(-1, values, tw.tensor(0), [splits], ["ROW_SPLITS"])
