"""Ragged op mappers (RaggedGather, RaggedRange, RaggedTensorToTensor).

TF.js 4.22's graph executor has executors for these ops but its op mapper never loads the ragged op list,
so a graph model using them fails there ("Unknown op"). The truth for each graph case is therefore the
TF.js op called directly on the same inputs (tests/ops/tfjs_ops.py), or TF's result by hand where the TF.js
op is wrong (see tests/ops/test_ragged.py)."""
from __future__ import annotations

import numpy as np
import pytest

import tensorweb as tw
import tensorweb.graph.ops.ragged  # noqa: F401  (registers the mappers)
from tests.interop.tfjs import T
from tests.ops.tfjs_ops import OpCall, tfjs_results

from .math_cases import Check, assert_covers, f32, i32
from .single_op import OpCase, assert_matches, run_mapper

SPLITS, VALUES = i32([0, 2, 3, 5]), f32([1, 2, 3, 4, 5])
INT = {"Tsplits": ("type", "int32"), "Tindices": ("type", "int32")}


def gather(splits: list, values, indices, hand=None) -> tuple[OpCase, OpCall]:
    rank = np.ndim(indices) - 1 + len(splits)
    attrs = {"OUTPUT_RAGGED_RANK": ("i", rank), "PARAMS_RAGGED_RANK": ("i", len(splits)), **INT}
    case = OpCase("RaggedGather", [*splits, values, indices], attrs, n_outputs=rank + 1)
    return case, OpCall("raggedGather", [[T(s) for s in splits], T(values), T(indices), rank], tw.ragged_gather,
                        hand=hand)


def ragged_range(starts, limits, deltas) -> tuple[OpCase, OpCall]:
    case = OpCase("RaggedRange", [starts, limits, deltas], {"Tsplits": ("type", "int32")}, n_outputs=2)
    return case, OpCall("raggedRange", [T(starts), T(limits), T(deltas)], tw.ragged_range)


def to_tensor(shape, values, default, partitions: list, types: list[str], hand=None) -> tuple[OpCase, OpCall]:
    case = OpCase("RaggedTensorToTensor", [shape, values, default, *partitions],
                  {"row_partition_types": ("list_s", types), "num_row_partition_tensors": ("i", len(partitions))})
    return case, OpCall("raggedTensorToTensor", [T(shape), T(values), T(default), [T(p) for p in partitions], types],
                        tw.ragged_tensor_to_tensor, hand=hand)


CASES = {
    "gather": gather([SPLITS], VALUES, i32([2, 0, 2])),
    "gather_2d_indices": gather([SPLITS], VALUES, i32([[2, 0], [1, 1]])),
    "gather_nested": gather([i32([0, 1, 3]), SPLITS], VALUES, i32([1, 0])),
    "gather_pairs": gather([SPLITS], f32(np.arange(10).reshape(5, 2)), i32([1, 2])),
    "gather_bad_index": gather([SPLITS], VALUES, i32([4])),
    "range": ragged_range(i32([0, 5, 3]), i32([3, 8, 3]), i32([1, 2, 1])),
    "range_float_scalars": ragged_range(f32(0.5), f32([2.0, 1.0, -1.0]), f32(0.25)),
    "range_zero_delta": ragged_range(i32([0]), i32([3]), i32([0])),
    "to_tensor": to_tensor(i32([-1, -1]), VALUES, f32(0), [SPLITS], ["ROW_SPLITS"]),
    "to_tensor_crop": to_tensor(i32([2, 1]), VALUES, f32(9), [SPLITS], ["ROW_SPLITS"]),
    "to_tensor_rowids": to_tensor(i32([-1, -1]), i32([1, 2, 3, 4, 5]), i32(-1), [i32(4), i32([0, 0, 2, 3, 3])],
                                  ["FIRST_DIM_SIZE", "VALUE_ROWIDS"]),
    "to_tensor_nested": to_tensor(i32([-1, -1, -1]), VALUES, f32(0), [i32([0, 1, 3]), SPLITS],
                                  ["ROW_SPLITS", "ROW_SPLITS"]),
    # TF's "unknown shape" scalar -1, which the TF.js op refuses
    "to_tensor_scalar_shape": to_tensor(i32(-1), VALUES, f32(7), [SPLITS], ["ROW_SPLITS"],
                                        hand=[(np.array([[1, 2], [3, 7], [4, 5]]), "float32")]),
    "to_tensor_row_lengths": to_tensor(i32([-1, -1]), VALUES, f32(0), [i32([2, 1, 2])], ["ROW_LENGTHS"]),
}


@pytest.fixture(scope="module")
def want():
    return tfjs_results({k: call for k, (_, call) in CASES.items()})


@pytest.mark.interop
@pytest.mark.parametrize("name", list(CASES))
def test_matches_tfjs(name, want):
    case, truth = CASES[name][0], want[name]
    if isinstance(truth, Exception):
        with pytest.raises(tw.errors.TensorwebError):
            run_mapper(case)
        return
    assert_matches(run_mapper(case), truth)


def test_every_op_is_mapped_and_checked():
    assert_covers("ragged", {k: Check(case) for k, (case, _) in CASES.items()})
