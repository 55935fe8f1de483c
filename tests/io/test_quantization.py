"""Quantization as TF.js's converter writes it (tfjs-converter/python/tensorflowjs/quantization.py):
hand-computed codes, the nudged zero, error bounds, and which weights get quantized."""
from __future__ import annotations

import numpy as np
import pytest

import tensorweb as tw
from tensorweb.errors import InvalidArgumentError
from tensorweb.io.quantization import affine_range, dequantize, quantize

rng = np.random.default_rng(7)


def roundtrip(values, dtype):
    codes, q = quantize(np.asarray(values, np.float32), dtype)
    return codes, q, dequantize(codes, q, "float32")


def test_converter_docstring_example_uint8():
    # write_weights._quantize_entry's docstring: [0, -0.1, 1.2] -> [20, 0, 255],
    # min -0.10196078817, scale 0.00509803940852.
    codes, q, _ = roundtrip([0, -0.1, 1.2], "uint8")
    assert codes.dtype == np.uint8 and codes.tolist() == [20, 0, 255]
    assert q["min"] == pytest.approx(-0.10196078817, abs=1e-11)
    assert q["scale"] == pytest.approx(0.00509803940852, abs=1e-14)


def test_uint8_by_hand_with_nudge():
    lo, hi = float(np.float32(-0.1)), float(np.float32(1.2))
    scale = (hi - lo) / 255                 # 0.0050980394...
    zero = 20                               # 0.1 / scale = 19.615... rounds to 20
    codes, q, _ = roundtrip([0, -0.1, 1.2], "uint8")
    assert q["scale"] == scale
    assert q["min"] == -zero * scale
    assert q["dtype"] == "uint8"


def test_uint16_by_hand():
    # [-1, 0.5, 3]: scale 4/65535; zero point 1/scale = 16383.75 -> 16384; min = -16384 * scale;
    # -1 -> (min + 1)/scale = 0.25 -> 0; 0.5 -> 24575.875 -> 24576; 3 is above the nudged max -> 65535.
    codes, q, _ = roundtrip([-1.0, 0.5, 3.0], "uint16")
    scale = 4 / 65535
    assert q["scale"] == scale and q["min"] == -16384 * scale
    assert codes.dtype == np.uint16 and codes.tolist() == [0, 24576, 65535]


def test_range_without_zero_is_not_nudged():
    codes, q, _ = roundtrip([2.0, 3.0, 4.5], "uint8")
    assert q["min"] == 2.0 and q["scale"] == 2.5 / 255
    assert codes.tolist() == [0, 102, 255]             # (3 - 2) / (2.5/255) = 102
    codes, q, _ = roundtrip([-3.0, -1.0], "uint8")
    assert q["min"] == -3.0 and q["scale"] == 2 / 255 and codes.tolist() == [0, 255]


def test_zero_point_rounds_half_to_even():
    # scale 1, zero point 1.5 -> 2 (np.round, half to even), so min = -2 and the range is [-2, 253];
    # 253.5 is clipped to 253 (code 255), -1.5 is (-1.5 + 2) = 0.5 -> 0 (even).
    codes, q, values = roundtrip([-1.5, 0.0, 253.5], "uint8")
    assert q["scale"] == 1.0 and q["min"] == -2.0
    assert codes.tolist() == [0, 2, 255]
    assert values.tolist() == [-2.0, 0.0, 253.0]


def test_single_value_weights_are_all_zero_codes():
    codes, q, values = roundtrip([0.5, 0.5, 0.5], "uint16")
    assert codes.tolist() == [0, 0, 0] and q == {"dtype": "uint16", "min": 0.5, "scale": 1.0}
    assert values.tolist() == [0.5, 0.5, 0.5]


def test_affine_range_helper_matches_formula():
    scale, lo, hi = affine_range(-0.3, 0.7, "uint8")
    assert scale == 1.0 / 255
    assert lo == -round(0.3 * 255) * scale       # 76.5 -> 76 (half to even)
    assert hi == 255 * scale + lo
    assert affine_range(1.0, 2.0, "uint16") == (1 / 65535, 1.0, 2.0)


@pytest.mark.parametrize("dtype", ["uint8", "uint16"])
@pytest.mark.parametrize("lo,hi", [(-1.0, 1.0), (-0.01, 3.0), (0.5, 9.0), (-7.0, -2.0), (-1e4, 3e4)])
def test_affine_error_is_at_most_half_a_step(dtype, lo, hi):
    x = rng.uniform(lo, hi, 2000).astype(np.float32)
    x[:2] = lo, hi
    if lo < 0 < hi:
        x[2] = 0.0
    codes, q, values = roundtrip(x, dtype)
    err = np.abs(values.astype(np.float64) - x)
    # half a step, plus the float32 rounding of the decoded value
    bound = q["scale"] / 2 + np.spacing(np.float32(max(abs(lo), abs(hi))))
    assert err.max() <= bound
    if lo < 0 < hi:
        assert values[2] == 0.0                 # the nudged zero is exactly representable


def test_nudged_zero_is_exact_after_json_roundtrip():
    import json
    x = np.array([-0.37, 0.0, 0.0, 1.91], np.float32)
    specs, data, _ = tw.io.encode_weights({"w": x}, quantize="uint8")
    specs = json.loads(json.dumps(specs))       # what a loader reads from model.json
    out = tw.io.decode_weights(data, specs)["w"]
    assert out[1] == 0.0 and out[2] == 0.0


def test_float16_relative_error():
    mags = np.exp(rng.uniform(np.log(6.2e-5), np.log(6e4), 3000))
    x = (mags * rng.choice([-1, 1], 3000)).astype(np.float32)
    codes, q, values = roundtrip(x, "float16")
    assert codes.dtype == np.float16 and q == {"dtype": "float16"}
    rel = np.abs(values.astype(np.float64) - x) / np.abs(x.astype(np.float64))
    assert rel.max() <= 2.0 ** -11


def test_float16_bits_are_ieee_half():
    codes, _, _ = roundtrip([1.0, -2.0, 0.5, 65504.0, 1e6], "float16")
    assert codes.view(np.uint16).tolist() == [0x3C00, 0xC000, 0x3800, 0x7BFF, 0x7C00]


def test_affine_refuses_non_finite():
    with pytest.raises(InvalidArgumentError, match="'w'.*NaN or Inf"):
        quantize(np.array([1.0, np.nan], np.float32), "uint8", "w")
    with pytest.raises(InvalidArgumentError, match="quantization dtype"):
        quantize(np.array([1.0], np.float32), "int8", "w")


def test_int32_dequantization_rounds_half_up():
    codes = np.array([0, 1, 2, 3], np.uint8)
    q = {"dtype": "uint8", "min": -3.5, "scale": 0.5}     # -3.5, -3, -2.5, -2
    assert dequantize(codes, q, "int32").tolist() == [-3, -3, -2, -2]   # Math.round: half toward +inf


# ---- which weights encode_weights quantizes, and its report ----

def test_only_float32_weights_are_quantized():
    named = {"f": np.linspace(-1, 1, 6, dtype=np.float32), "i": np.arange(6, dtype=np.int32),
             "b": np.array([True, False]), "s": np.array(["a"]), "c": np.array([1 + 2j], np.complex64)}
    specs, data, report = tw.io.encode_weights(named, quantize="uint8")
    by = {s["name"]: s for s in specs}
    assert by["f"]["quantization"]["dtype"] == "uint8" and by["f"]["dtype"] == "float32"
    assert all("quantization" not in by[n] for n in "ibsc")
    assert list(report.max_abs_error) == ["f"]
    assert report.bytes_before == 6 * 4 + 6 * 4 + 2 + (4 + 1) + 8
    assert report.bytes_after == len(data) == 6 + 6 * 4 + 2 + (4 + 1) + 8


def test_quantize_only_patterns():
    named = [("dense/kernel", np.ones((2, 2), np.float32) * [[1, 2], [3, 4]]),
             ("dense/bias", np.array([0.5, -0.5], np.float32)),
             ("conv/kernel", np.array([1.0, 3.0], np.float32))]
    specs, _, report = tw.io.encode_weights(named, quantize="float16", quantize_only=["*/kernel"])
    assert [("quantization" in s) for s in specs] == [True, False, True]
    assert sorted(report.max_abs_error) == ["conv/kernel", "dense/kernel"]
    specs, _, _ = tw.io.encode_weights(named, quantize="uint16", quantize_only=["dense/*"])
    assert [("quantization" in s) for s in specs] == [True, True, False]


def test_report_errors_are_the_decoded_errors():
    a = rng.normal(size=(30,)).astype(np.float32)
    b = rng.uniform(-5, 1, size=(4, 5)).astype(np.float32)
    specs, data, report = tw.io.encode_weights({"a": a, "b": b}, quantize="uint8")
    out = tw.io.decode_weights(data, specs)
    want = {n: float(np.max(np.abs(out[n].astype(np.float64) - v))) for n, v in (("a", a), ("b", b))}
    assert report.max_abs_error == pytest.approx(want, rel=0, abs=0)
    assert report.overall_max_abs_error == max(want.values())
    assert report.bytes_before == 50 * 4 and report.bytes_after == 50
    assert "uint8" in str(report) and "200 -> 50 bytes" in str(report)


def test_no_quantization_report_is_empty():
    _, data, report = tw.io.encode_weights({"a": np.zeros(3, np.float32)})
    assert report.max_abs_error == {} and report.overall_max_abs_error == 0.0
    assert report.bytes_before == report.bytes_after == len(data) == 12


def test_bad_quantize_arguments():
    with pytest.raises(InvalidArgumentError, match="quantize must be"):
        tw.io.encode_weights({"a": np.zeros(2, np.float32)}, quantize="int4")
    with pytest.raises(InvalidArgumentError, match="quantize_only was given without"):
        tw.io.encode_weights({"a": np.zeros(2, np.float32)}, quantize_only=["a"])
    with pytest.raises(InvalidArgumentError, match="list of wildcard patterns"):
        tw.io.encode_weights({"a": np.zeros(2, np.float32)}, quantize="uint8", quantize_only="a*")
