"""Creation op mappers against the real TF.js graph executor (see math_cases.py). Random ops are compared by
shape, dtype and distribution statistics, not values (the generators differ)."""
from __future__ import annotations

from typing import Callable

import numpy as np
import pytest

import tensorweb.graph.ops.creation  # noqa: F401  (registers the mappers)

from .math_cases import Check, Inputs, assert_covers, f32, i32, truths, verify
from .single_op import OpCase, run_mapper

g = Inputs(203)
X = g.f32(2, 3)
LOGITS = np.log(f32([[0.2, 0.3, 0.5], [0.7, 0.2, 0.1]]))
N = 4000


def one_hot(indices, depth: int, on, off, axis: int | None = None, dtype: str = "float32") -> OpCase:
    attrs = {"T": ("type", dtype), **({} if axis is None else {"axis": ("i", axis)})}
    return OpCase("OneHot", [indices, i32(depth), on, off], attrs)


def seeded(op: str, inputs: list, **attrs) -> OpCase:
    return OpCase(op, inputs, {"seed": ("i", attrs.pop("seed", 0)), "seed2": ("i", 0), **attrs})


CHECKS = {
    "fill": Check(OpCase("Fill", [i32([2, 3]), f32(1.5)], {"T": ("type", "float32")})),
    "fill_int": Check(OpCase("Fill", [i32([4]), i32(-7)], {"T": ("type", "int32")})),
    "fill_string": Check(OpCase("Fill", [i32([2, 2]), np.array("ab", object)], {"T": ("type", "string")})),
    "fill_bad_shape": Check(OpCase("Fill", [i32([2, -3]), f32(1.0)], {"T": ("type", "float32")})),
    "zeros": Check(OpCase("Zeros", [i32([2, 3])], {"T": ("type", "float32")})),
    "ones_int": Check(OpCase("Ones", [i32([3, 1])], {"T": ("type", "int32")})),
    "zeros_like": Check(OpCase("ZerosLike", [X], {"T": ("type", "float32")})),
    "zeros_like_int": Check(OpCase("ZerosLike", [g.i32(4)])),
    "ones_like": Check(OpCase("OnesLike", [X])),
    "ones_like_bool": Check(OpCase("OnesLike", [g.b8(3)])),
    "linspace": Check(OpCase("LinSpace", [f32(-1.0), f32(2.0), i32(7)], {"T": ("type", "float32")})),
    "linspace_one": Check(OpCase("LinSpace", [f32(3.0), f32(5.0), i32(1)])),
    "range": Check(OpCase("Range", [f32(0.5), f32(3.0), f32(0.5)], {"Tidx": ("type", "float32")})),
    "range_int_negative_step": Check(OpCase("Range", [i32(10), i32(1), i32(-3)], {"Tidx": ("type", "int32")})),
    # TF.js's range counts down with a step of 1 when limit < start (TF gives an empty range)
    "range_int_down": Check(OpCase("Range", [i32(5), i32(1), i32(1)], {"Tidx": ("type", "int32")})),
    "range_zero_step": Check(OpCase("Range", [i32(0), i32(3), i32(0)], {"Tidx": ("type", "int32")})),
    "one_hot": Check(one_hot(i32([0, 2, -1, 1]), 3, f32(1.0), f32(0.0))),
    "one_hot_values": Check(one_hot(i32([[1, 0], [3, 2]]), 4, f32(5.0), f32(-1.0), axis=-1)),
    "one_hot_int": Check(one_hot(i32([2, 0]), 3, i32(7), i32(1), dtype="int32")),
    # TF.js ignores the axis attr (always last); TF puts the new axis at `axis`
    "one_hot_axis0": Check(one_hot(i32([0, 2, 1, 2]), 3, f32(5.0), f32(-1.0), axis=0),
                           hand=[(np.where(np.arange(3)[:, None] == [0, 2, 1, 2], 5.0, -1.0), "float32")]),
    "one_hot_axis1": Check(one_hot(i32([[0, 1], [2, 0]]), 3, f32(1.0), f32(0.0), axis=1),
                           hand=[(np.moveaxis(np.eye(3)[[[0, 1], [2, 0]]], -1, 1), "float32")]),
    "one_hot_bad_depth": Check(one_hot(i32([0]), 0, f32(1.0), f32(0.0))),
}


def uniform(lo: float, hi: float) -> Callable[[np.ndarray], None]:
    def check(a: np.ndarray) -> None:
        assert a.min() >= lo and a.max() < hi
        assert abs(a.mean() - (lo + hi) / 2) < 0.05 * (hi - lo)
    return check


def normal(std: float, bound: float = np.inf) -> Callable[[np.ndarray], None]:
    def check(a: np.ndarray) -> None:
        assert abs(a).max() <= bound
        assert abs(a.mean()) < 0.1 and abs(a.std() - std) < 0.1
    return check


def integers(lo: int, hi: int) -> Callable[[np.ndarray], None]:
    def check(a: np.ndarray) -> None:
        assert set(np.unique(a)) == set(range(lo, hi)), "every integer in [lo, hi) appears, nothing else"
    return check


def categorical(probs: np.ndarray) -> Callable[[np.ndarray], None]:
    def check(a: np.ndarray) -> None:
        freq = np.stack([np.bincount(row.astype(int), minlength=probs.shape[1]) / row.size for row in a])
        np.testing.assert_allclose(freq, probs, atol=0.04)
    return check


# id -> (case, a check of the drawn values' distribution, which TF.js's numbers pass too)
RANDOM = {
    "random_uniform": (seeded("RandomUniform", [i32([N])], dtype=("type", "float32")), uniform(0.0, 1.0)),
    "random_uniform_seeded": (seeded("RandomUniform", [i32([40, 100])], dtype=("type", "float32"), seed=7),
                              uniform(0.0, 1.0)),
    "random_standard_normal": (seeded("RandomStandardNormal", [i32([N])], dtype=("type", "float32")), normal(1.0)),
    # TF's truncated normal has stddev about 0.88 (cut at 2 standard deviations)
    "truncated_normal": (seeded("TruncatedNormal", [i32([2, N // 2])], dtype=("type", "float32")), normal(0.88, 2.0)),
    # TF.js reads minval/maxval from attrs; TF's RandomUniformInt has them as inputs 1 and 2
    "random_uniform_int_attrs": (seeded("RandomUniformInt", [i32([N])], minval=("i", 3), maxval=("i", 7)),
                                 integers(3, 7)),
    "multinomial": (seeded("Multinomial", [LOGITS, i32(N)], T=("type", "float32"), output_dtype=("type", "int32")),
                    categorical(np.exp(LOGITS))),
}
# TF's input form of RandomUniformInt (TF.js gives zeros for it: its attrs are missing)
RUI_INPUTS = seeded("RandomUniformInt", [i32([N]), i32(-2), i32(3)], Tout=("type", "int32"))


@pytest.fixture(scope="module")
def want():
    return truths({**CHECKS, **{k: Check(case) for k, (case, _) in RANDOM.items()}})


@pytest.mark.interop
@pytest.mark.parametrize("name", list(CHECKS))
def test_matches_tfjs(name, want):
    verify(CHECKS[name], want[name])


@pytest.mark.interop
@pytest.mark.parametrize("name", list(RANDOM))
def test_random_matches_tfjs_in_distribution(name, want):
    case, check = RANDOM[name]
    (got,), ((tfjs, dtype),) = run_mapper(case), want[name]
    assert got.dtype == dtype and got.shape == tfjs.shape
    check(tfjs)  # the check itself holds for TF.js's numbers
    check(got.numpy())


def test_random_uniform_int_inputs():
    (got,) = run_mapper(RUI_INPUTS)
    assert got.dtype == "int32" and got.shape == (N,)
    integers(-2, 3)(got.numpy())


def test_random_seeds():
    """seed = seed2 = 0 draws fresh numbers on each run; a set seed repeats them."""
    fresh = [run_mapper(RANDOM["random_uniform"][0])[0].numpy() for _ in range(2)]
    assert not np.array_equal(*fresh)
    seeded_runs = [run_mapper(RANDOM["random_uniform_seeded"][0])[0].numpy() for _ in range(2)]
    np.testing.assert_array_equal(*seeded_runs)


def test_every_op_is_mapped_and_checked():
    assert_covers("creation", {**CHECKS, **{k: Check(case) for k, (case, _) in RANDOM.items()}})
