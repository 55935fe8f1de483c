"""TF.js op calls as test truths, for the op tests of sparse, string and ragged (and the ragged graph mappers,
which TF.js's graph executor does not know).

    CASES = {"reshape": OpCall("sparse.sparseReshape", [i32(...), i32(...), i32(...)], tw.sparse.sparse_reshape)}
    want = tfjs_results(CASES)            # every call in one Node process
    check(CASES["reshape"], want["reshape"])

A case names the TF.js op path, its arguments (T for tensors, plain JSON otherwise) and the tensorweb
function that gets the same arguments (T -> tw.Tensor, also inside lists). Where TF.js departs from TF (each
such case says how), `hand` gives TF's result instead: a list of (array, dtype), or an Exception when
tensorweb must refuse the call. Where TF.js raises, tensorweb must raise a TensorwebError too.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import pytest

import tensorweb as tw
from tests.interop.tfjs import T, decode, harness_ready, run_tfjs


@dataclass
class OpCall:
    op: str
    args: list
    tw_fn: Callable
    hand: list | Exception | None = None
    rtol: float = 1e-6
    atol: float = 1e-6


def i32(values: Any) -> T:
    return T(np.array(values, np.int32))


def f32(values: Any) -> T:
    return T(np.array(values, np.float32))


def s(*values: str) -> T:
    return T(np.array(values, object), "string")


def tfjs_results(cases: dict[str, OpCall]) -> dict[str, Any]:
    """Each case's truth: its hand value, or TF.js's outputs as [(array, dtype)], or TF.js's error."""
    missing = harness_ready()
    if missing:
        pytest.fail(f"the TF.js interop harness is not installed: {missing}")
    runs = [{"id": k, "op": c.op, "args": c.args} for k, c in cases.items() if c.hand is None]
    results = run_tfjs(runs) if runs else {}
    out: dict[str, Any] = {}
    for k, c in cases.items():
        if c.hand is not None:
            out[k] = c.hand
        elif not results[k]["ok"]:
            out[k] = RuntimeError(results[k]["error"])
        else:
            out[k] = _flatten_expected(decode(results[k]["result"]))
    return out


def _flatten_expected(res: Any) -> list:
    if isinstance(res, tuple) and len(res) == 2 and isinstance(res[1], str):
        return [res]
    values = res.values() if isinstance(res, dict) else res
    return [t for v in values for t in _flatten_expected(v)]


def _flatten(res: Any) -> list:
    if isinstance(res, tw.Tensor):
        return [res]
    return [t for v in res for t in _flatten(v)]


def _to_tw(arg: Any) -> Any:
    if isinstance(arg, T):
        return arg.to_tw()
    if isinstance(arg, list):
        return [_to_tw(a) for a in arg]
    return arg


def _text(values: np.ndarray) -> list:
    return [v.decode("utf-8") if isinstance(v, bytes) else v for v in values.reshape(-1)]


def check(case: OpCall, want: Any) -> None:
    """tensorweb's outputs equal the truth (dtypes, shapes, values), or tensorweb raises where it should."""
    if isinstance(want, Exception):
        with pytest.raises(tw.errors.TensorwebError):
            case.tw_fn(*_to_tw(case.args))
        return
    got = _flatten(case.tw_fn(*_to_tw(case.args)))
    assert len(got) == len(want), f"{len(got)} outputs, expected {len(want)}"
    for k, (g, (w, dtype)) in enumerate(zip(got, want)):
        assert g.dtype == dtype, f"output {k}: dtype {g.dtype}, expected {dtype}"
        arr = g.numpy()
        assert arr.shape == w.shape, f"output {k}: shape {arr.shape}, expected {w.shape}"
        if dtype == "string":
            assert _text(arr) == _text(w), f"output {k}"
        elif dtype in ("float32", "complex64"):
            np.testing.assert_allclose(arr, w, rtol=case.rtol, atol=case.atol, err_msg=f"output {k}")
        else:
            np.testing.assert_array_equal(arr, w.astype(arr.dtype), err_msg=f"output {k}")


def tfjs_op_tests(cases: dict[str, OpCall]) -> tuple[Any, Any]:
    """A module's TF.js fixture and parametrized check, to bind at top level:

        want, test_matches_tfjs = tfjs_op_tests(CASES)"""
    @pytest.fixture(scope="module")
    def want():
        return tfjs_results(cases)

    @pytest.mark.interop
    @pytest.mark.parametrize("name", list(cases))
    def test_matches_tfjs(name, want):
        check(cases[name], want[name])
    return want, test_matches_tfjs
