"""Shared machinery of the math op-mapper tests (tests/graph/test_ops_{arithmetic, basic_math, logical,
reduction, evaluation, normalization, matrices, image, convolution}.py).

Each test module lists its checks by id; all TF.js runs of a module happen in one Node call (a module-scoped
fixture), then each check is its own test:

    CHECKS = {"add_broadcast": Check(OpCase("AddV2", [f32(2, 3), f32(3)]))}

A Check compares our mapper on `case` with TF.js running the same case; where TF.js refuses or gets a form
wrong that TF defines (a missing default attr, NCHW, TF.js op-list bugs), `ref` names equivalent case(s)
TF.js does run and `post` turns their outputs into the truth, or `hand` gives the truth computed in the test
(an Exception there: the mapper must refuse the case). Where TF.js raises on the case itself, our mapper must
raise a TensorwebError too.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pytest

import tensorweb as tw
from tensorweb.graph.ops import MAPPERS
from tests.interop.tfjs import harness_ready

from .single_op import OpCase, assert_matches, run_mapper, run_tfjs_cases

OP_LIST = json.loads((Path(__file__).parent / "tfjs_op_list.json").read_text())


@dataclass
class Check:
    case: OpCase
    ref: OpCase | list[OpCase] | None = None        # the case(s) TF.js runs for the truth (default: case)
    post: Callable[..., list] | None = None         # TF.js's [(array, dtype)] (one per ref) -> the truth
    hand: list | Exception | None = None            # expected [(array, dtype)] or an error, without TF.js
    rtol: float = 1e-5
    atol: float = 1e-6


def truths(checks: dict[str, Check]) -> dict[str, Any]:
    """Each check's expected outputs (or TF.js's exception), running every TF.js case in one Node call."""
    missing = harness_ready()
    if missing:
        pytest.fail(f"the TF.js interop harness is not installed: {missing}")
    runs = {k: c.ref if isinstance(c.ref, list) else [c.ref or c.case] for k, c in checks.items() if c.hand is None}
    flat = iter(run_tfjs_cases([case for cases in runs.values() for case in cases]))
    out: dict[str, Any] = {}
    for k, c in checks.items():
        results = [next(flat) for _ in runs[k]] if c.hand is None else []
        errors = [r for r in results if isinstance(r, Exception)]
        if c.hand is not None:
            out[k] = c.hand
        elif errors or c.post is None:
            out[k] = errors[0] if errors else results[0]
        else:
            out[k] = c.post(*results)
    return out


def verify(check: Check, want: Any) -> None:
    """Our mapper's outputs match the truth; where TF.js raised, our mapper raises too."""
    if isinstance(want, Exception):
        with pytest.raises(tw.errors.TensorwebError) as info:
            run_mapper(check.case)
        if check.hand is want:  # a truth of our own also says which kind of error
            assert isinstance(info.value, type(want)), f"raised {info.value!r}, expected a {type(want).__name__}"
        return
    assert_matches(run_mapper(check.case), want, rtol=check.rtol, atol=check.atol)


def assert_refuses(case: OpCase, error: type[Exception], *words: str) -> None:
    """Our mapper refuses the case with `error`, naming the op, the node ('op' in single-op cases) and words."""
    with pytest.raises(error) as info:
        run_mapper(case)
    message = str(info.value)
    for word in (case.op, "'op'", *words):
        assert word in message, f"{word!r} missing from the error: {message}"


def assert_covers(category: str, checks: dict[str, Check]) -> None:
    """Every TF op of the category has a mapper and at least one check."""
    ops = set(OP_LIST[category])
    assert ops <= set(MAPPERS), f"no mapper for {sorted(ops - set(MAPPERS))}"
    checked = {c.case.op for c in checks.values()}
    assert ops <= checked, f"no check for {sorted(ops - checked)}"


def tfjs_tests(category: str, checks: dict[str, Check]) -> tuple[Any, Any, Any]:
    """A category's three tests, for its module to bind at top level:

        want, test_matches_tfjs, test_every_op_is_mapped_and_checked = tfjs_tests("arithmetic", CHECKS)

    `want` runs every TF.js case of the module in one Node call; each check is then a parametrized test."""
    @pytest.fixture(scope="module")
    def want():
        return truths(checks)

    @pytest.mark.interop
    @pytest.mark.parametrize("name", list(checks))
    def test_matches_tfjs(name, want):
        verify(checks[name], want[name])

    def test_every_op_is_mapped_and_checked():
        assert_covers(category, checks)
    return want, test_matches_tfjs, test_every_op_is_mapped_and_checked


class Inputs:
    """Seeded random inputs: f32 (uniform floats), i32 (ints), b8 (bools)."""

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)

    def f32(self, *shape: int, lo: float = -2.0, hi: float = 2.0) -> np.ndarray:
        return self.rng.uniform(lo, hi, shape).astype(np.float32)

    def i32(self, *shape: int, lo: int = -5, hi: int = 5) -> np.ndarray:
        return self.rng.integers(lo, hi, shape).astype(np.int32)

    def b8(self, *shape: int) -> np.ndarray:
        return self.rng.random(shape) < 0.5


def attr_specs(**values: Any) -> dict:
    """OpCase attrs from plain Python values: bool, int, float, str, or a list of ints or of strs."""
    kinds = {bool: "b", int: "i", float: "f", str: "s"}

    def kind(v: Any) -> str:
        return ("list_s" if any(isinstance(e, str) for e in v) else "list_i") if isinstance(v, list) else kinds[type(v)]
    return {k: (kind(v), v) for k, v in values.items()}


def i32(values: Any) -> np.ndarray:
    return np.array(values, np.int32)


def f32(values: Any) -> np.ndarray:
    return np.array(values, np.float32)
