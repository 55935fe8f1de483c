"""The weight format against the real TF.js (Node): tf.io.decodeWeights on tensorweb's bytes (quantized
float16/uint8/uint16, string, bool, int32, complex64) gives what tw.io.decode_weights gives, and
tf.io.encodeWeights writes the same bytes as tw.io.encode_weights."""
from __future__ import annotations

import base64
import math

import numpy as np
import pytest

import tensorweb as tw
from tests.interop.tfjs import T, decode, harness_ready, run_tfjs

pytestmark = pytest.mark.interop
rng = np.random.default_rng(11)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _quantized(name: str, values, quantize: str):
    specs, data, _ = tw.io.encode_weights({name: np.asarray(values, np.float32)}, quantize=quantize)
    return specs, data


_F16_SPECIALS = [0.0, -0.0, 1.0, -2.5, 65504.0, 70000.0, -1e9, 6.1e-5, 1e-7, -3e-8, math.inf, -math.inf, math.nan,
                 0.1, 1 / 3]


def _int32_affine():
    # int32 weights stored as uint8 codes: -3.5, -3, -2.5, ... rounded as Math.round does.
    spec = {"name": "iq", "shape": [2, 4], "dtype": "int32", "quantization": {"dtype": "uint8", "min": -3.5,
                                                                             "scale": 0.5}}
    return [spec], bytes([0, 1, 2, 3, 4, 5, 250, 255])


def _plain():
    return tw.io.encode_weights([
        ("f", rng.normal(size=(3, 4)).astype(np.float32)), ("i", np.array([-2**31, -1, 0, 2**31 - 1], np.int32)),
        ("b", np.array([[True, False], [False, True]])), ("s", np.array(["", "héllo", "日本", "x" * 300])),
        ("c", (rng.normal(size=5) + 1j * rng.normal(size=5)).astype(np.complex64))])[:2]


DECODE_CASES = {
    "float16": _quantized("h", _F16_SPECIALS + list(rng.normal(scale=100, size=40)), "float16"),
    "uint8": _quantized("q8", rng.uniform(-0.7, 2.3, size=(5, 7)), "uint8"),
    "uint8_no_zero": _quantized("q8p", rng.uniform(1.0, 2.0, size=33), "uint8"),
    "uint16": _quantized("q16", rng.normal(size=(64,)) * 3, "uint16"),
    "uint8_int32": _int32_affine(),
    "plain": _plain(),
}

ENCODE_TENSORS = {
    "f": T(rng.normal(size=(2, 3)).astype(np.float32)), "i": T(np.array([[5, -7]], np.int32)),
    "b": T(np.array([True, False, True])), "s": T(np.array(["a", "", "ünï"]), "string"),
    "c": T(np.array([1 + 2j, -0.5j]), "complex64"),
}

_RESULTS: dict | None = None


def tfjs_results() -> dict:
    global _RESULTS
    if _RESULTS is None:
        missing = harness_ready()
        if missing:
            pytest.fail(f"the TF.js interop harness is not installed: {missing}")
        cases = [{"id": k, "op": "harness.decodeWeights", "args": [specs, b64(data)]}
                 for k, (specs, data) in DECODE_CASES.items()]
        cases.append({"id": "encode", "op": "harness.encodeWeights", "args": [ENCODE_TENSORS]})
        _RESULTS = run_tfjs(cases)
    return _RESULTS


def same_values(ours: np.ndarray, theirs: np.ndarray) -> bool:
    a = np.asarray(ours, np.complex128 if ours.dtype.kind == "c" else np.float64)
    b = np.asarray(theirs, a.dtype)
    return a.shape == b.shape and bool(np.all((a == b) | (np.isnan(a) & np.isnan(b))))


@pytest.mark.parametrize("case", list(DECODE_CASES))
def test_decode_matches_tfjs(case):
    res = tfjs_results()[case]
    assert res["ok"], res.get("error")
    specs, data = DECODE_CASES[case]
    ours = tw.io.decode_weights(data, specs)
    theirs = decode(res["result"])
    assert list(theirs) == list(ours)
    for name, value in ours.items():
        their_value, their_dtype = theirs[name]
        spec = next(s for s in specs if s["name"] == name)
        assert their_dtype == spec["dtype"]
        if spec["dtype"] == "string":
            assert [v.decode("utf-8") for v in value.reshape(-1)] == list(their_value.reshape(-1))
            assert value.shape == their_value.shape
        else:
            assert same_values(value, their_value), name


def test_float16_specials_decode_like_tfjs():
    # the table-driven half decoder of TF.js and NumPy's agree on inf, nan, subnormals and overflow
    res = tfjs_results()["float16"]
    ours = tw.io.decode_weights(*DECODE_CASES["float16"][::-1])["h"]
    theirs = decode(res["result"])["h"][0]
    assert np.isinf(theirs[10]) and np.isnan(theirs[12]) and theirs[5] == math.inf  # 70000 overflows
    assert same_values(ours, theirs)


def test_encode_matches_tfjs_bytes():
    res = tfjs_results()["encode"]
    assert res["ok"], res.get("error")
    theirs = res["result"]
    named = {k: (t.array if t.dtype != "string" else t.array.astype(object)) for k, t in ENCODE_TENSORS.items()}
    specs, data, _ = tw.io.encode_weights(named)
    assert base64.b64decode(theirs["data"]) == data
    assert specs == theirs["specs"]
