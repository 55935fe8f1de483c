"""A broad sample of ops run in the real TF.js (Node, cpu backend) and in tensorweb on the same inputs.

All cases go to one Node process (TF.js starts once); each case is then its own test. A case names the
TF.js op path; the tensorweb op is the same path in snake_case (tf.image.resizeBilinear ->
tw.image.resize_bilinear) called with the same positional arguments, unless the case gives its own.
"""
from __future__ import annotations

import re
from typing import Any, Callable

import numpy as np
import pytest

import tensorweb as tw

from .tfjs import T, decode, harness_ready, run_tfjs

rng = np.random.default_rng(20261121)


def r(*shape, lo=-2.0, hi=2.0):
    return T(rng.uniform(lo, hi, shape).astype(np.float32))


def ri(*shape, lo=-5, hi=5):
    return T(rng.integers(lo, hi, shape).astype(np.int32))


def pos(*shape):
    return r(*shape, lo=0.1, hi=3.0)


def unit(*shape):
    return r(*shape, lo=-0.95, hi=0.95)


CASES: list[dict] = []


def case(op: str, *args: Any, tw_fn: Callable | None = None, rtol: float = 1e-5, atol: float = 1e-5,
         name: str | None = None) -> None:
    cid = name or op
    n = sum(1 for c in CASES if c["id"].split("#")[0] == cid)
    CASES.append({"id": f"{cid}#{n}", "op": op, "args": list(args), "tw_fn": tw_fn, "rtol": rtol, "atol": atol})


def snake(path: str) -> Callable:
    obj: Any = tw
    for part in path.split("."):
        obj = getattr(obj, re.sub(r"(?<!^)(?=[A-Z])", "_", part).lower())
    return obj


# ---- arithmetic -------------------------------------------------------------------------------------
for op in ["add", "sub", "mul", "div", "maximum", "minimum", "squaredDifference", "mod", "floorDiv"]:
    case(op, r(2, 3), r(3))
case("div", ri(6), T(np.array([2, -3, 4, 5, -2, 7], np.int32)), name="div_int")
case("floorDiv", ri(6), T(np.array([2, -3, 4, 5, -2, 7], np.int32)), name="floorDiv_int")
case("mod", ri(6), T(np.array([2, -3, 4, 5, -2, 7], np.int32)), name="mod_int")
case("pow", pos(2, 3), r(2, 3))
case("divNoNan", r(4), T(np.array([0.0, 2.0, 0.0, -1.0], np.float32)))
case("addN", [r(2, 2), r(2, 2), r(2, 2)])

# ---- basic math -------------------------------------------------------------------------------------
for op in ["abs", "atan", "ceil", "cos", "cosh", "elu", "erf", "exp", "expm1", "floor", "neg", "relu",
           "relu6", "round", "selu", "sigmoid", "sign", "sin", "sinh", "softplus", "square", "step", "tan",
           "tanh", "logSigmoid", "isNaN", "isInf", "isFinite"]:
    case(op, T(np.array([-2.5, -1.5, -0.5, 0.0, 0.3, 0.5, 1.5, 2.5, 7.0], np.float32)))
for op in ["acos", "asin", "atanh"]:
    case(op, unit(7))
for op in ["log", "log1p", "sqrt", "rsqrt", "reciprocal", "acosh"]:
    case(op, r(7, lo=1.1, hi=4.0))
case("asinh", r(7))
case("atan2", r(3, 2), r(3, 2))
case("clipByValue", r(8), -0.5, 0.7)
case("leakyRelu", r(8), 0.1)
case("prelu", r(2, 4), r(4))

# ---- matrices ---------------------------------------------------------------------------------------
case("matMul", r(3, 4), r(4, 5))
case("matMul", r(4, 3), r(5, 4), True, True)
case("matMul", r(2, 3, 4), r(2, 4, 2))
case("dot", r(3), r(3, 2))
case("outerProduct", r(3), r(4))
case("transpose", r(2, 3, 4), [2, 0, 1])
case("norm", r(3, 4))
case("norm", r(3, 4), 1, 0)
case("norm", r(3, 4), "fro", [0, 1])
case("einsum", "ij,jk->ik", r(2, 3), r(3, 4))
case("einsum", "bij,bjk->bik", r(2, 2, 3), r(2, 3, 2))

# ---- reductions and scans ---------------------------------------------------------------------------
for op in ["sum", "mean", "prod", "min", "max", "logSumExp"]:
    case(op, r(3, 4))
    case(op, r(3, 4), 1, True)
case("argMax", r(3, 4), 1)
case("argMin", r(3, 4), 0)
case("all", T(np.array([[True, False], [True, True]])), 1)
case("any", T(np.array([[True, False], [False, False]])), 1)
case("cumsum", r(2, 4), 1, True, True)
case("cumprod", r(2, 4), 1, False, True)
case("sum", ri(2, 3), 0)
case("mean", ri(2, 3), 0, name="mean_int")
case("bincount", T(np.array([1, 2, 2, 4, 1], np.int32)), T(np.zeros(0, np.float32)), 6)
case("denseBincount", T(np.array([1, 2, 2, 4, 1], np.int32)), T(np.zeros(0, np.float32)), 6)

# ---- normalization ----------------------------------------------------------------------------------
case("softmax", r(2, 5))
case("logSoftmax", r(2, 5))
case("batchNorm", r(2, 3), r(3), pos(3), r(3), r(3), 0.001)
case("localResponseNormalization", r(1, 2, 2, 6), 2, 1.0, 0.5, 0.75)
case("moments", r(3, 4), [0])

# ---- convolution and pooling ------------------------------------------------------------------------
case("conv2d", r(1, 5, 5, 2), r(3, 3, 2, 3), 1, "same")
case("conv2d", r(2, 7, 6, 3), r(3, 2, 3, 4), [2, 2], "same")
case("conv2d", r(1, 6, 6, 2), r(3, 3, 2, 2), 1, "valid", "NHWC", [2, 2])
case("conv2d", r(1, 5, 5, 1), r(2, 2, 1, 1), 1, [[0, 0], [1, 2], [2, 1], [0, 0]])
case("conv1d", r(2, 8, 3), r(3, 3, 4), 2, "same")
case("conv3d", r(1, 4, 4, 4, 2), r(2, 2, 2, 2, 3), 1, "same")
case("depthwiseConv2d", r(1, 6, 6, 3), r(3, 3, 3, 2), 2, "same")
case("separableConv2d", r(1, 5, 5, 2), r(3, 3, 2, 2), r(1, 1, 4, 3), 1, "valid")
case("conv2dTranspose", r(1, 3, 3, 2), r(3, 3, 4, 2), [1, 6, 6, 4], 2, "same")
case("dilation2d", r(1, 5, 5, 2), r(2, 2, 2), 1, "same")
case("maxPool", r(1, 5, 5, 2), 3, 2, "same")
case("avgPool", r(1, 5, 5, 2), 3, 2, "same")
case("avgPool", r(1, 6, 6, 1), 2, 2, "valid")
case("maxPool3d", r(1, 4, 4, 4, 1), 2, 2, "valid")
case("avgPool3d", r(1, 4, 4, 4, 1), 3, 1, "same")

# ---- slicing, joining, transformations ---------------------------------------------------------------
case("slice", r(3, 4, 5), [1, 0, 2], [2, -1, 2])
case("stridedSlice", r(5, 6), [1, -1], [4, 0], [2, -2])
case("stridedSlice", r(3, 4, 5), [0, 1], [2, 3], [1, 1], 0, 0, 0, 0, 1)
case("gather", r(4, 3), T(np.array([3, 0, 2], np.int32)), 0)
case("gather", r(2, 5), T(np.array([[4, 1], [0, 0]], np.int32)), 1)
case("gatherND", r(3, 4), T(np.array([[0, 1], [2, 3]], np.int32)))
case("scatterND", T(np.array([[1], [3]], np.int32)), r(2, 3), [5, 3])
case("concat", [r(2, 3), r(2, 1)], 1)
case("stack", [r(2, 3), r(2, 3)], 1)
case("tile", r(2, 3), [2, 2])
case("reverse", r(2, 3, 4), [0, 2])
case("mirrorPad", r(3, 4), [[1, 2], [2, 1]], "reflect")
case("mirrorPad", r(3, 4), [[1, 2], [2, 1]], "symmetric")
case("pad", r(2, 3), [[1, 0], [2, 1]], 0.5)
case("depthToSpace", r(1, 2, 2, 8), 2)
case("spaceToBatchND", r(1, 4, 4, 1), [2, 2], [[0, 0], [0, 0]])
case("batchToSpaceND", r(4, 2, 2, 1), [2, 2], [[0, 0], [0, 0]])
case("broadcastTo", r(1, 3), [2, 3])
case("expandDims", r(2, 3), 1)
case("squeeze", r(1, 3, 1), [0])
case("cast", T(np.array([-1.7, -0.5, 0.0, 0.6, 2.9], np.float32)), "int32")
case("oneHot", T(np.array([0, 2, -1, 1], np.int32)), 3)
case("linspace", 0, 1, 7)
case("range", 0, 7, 1.5)
case("eye", 3, 4)

# ---- logical ------------------------------------------------------------------------------------------
for op in ["equal", "notEqual", "greater", "greaterEqual", "less", "lessEqual"]:
    case(op, ri(6, lo=0, hi=3), ri(6, lo=0, hi=3))
case("logicalXor", T(np.array([True, False, True])), T(np.array([True, True, False])))
case("where", T(np.array([True, False, True])), r(3), r(3))

# ---- image ------------------------------------------------------------------------------------------
for align, half in [(False, False), (True, False), (False, True)]:
    case("image.resizeBilinear", r(1, 3, 4, 2), [5, 7], align, half)
    case("image.resizeNearestNeighbor", r(1, 3, 4, 2), [5, 7], align, half)
    case("image.resizeBilinear", r(1, 6, 5, 1), [4, 2], align, half)
case("image.cropAndResize", r(1, 6, 6, 2), T(np.array([[0.1, 0.2, 0.8, 0.9], [0.5, 0.0, 1.0, 0.6]],
                                                    np.float32)), T(np.array([0, 0], np.int32)), [3, 4])
case("image.flipLeftRight", r(2, 3, 4, 1))
case("image.rgbToGrayscale", r(2, 3, 3))
case("image.rotateWithOffset", r(1, 5, 5, 1), 0.7, 0.0)
case("image.nonMaxSuppression",
     T(np.array([[0, 0, 1, 1], [0, 0.1, 1, 1.1], [0, -0.1, 1, 0.9], [0, 10, 1, 11], [0, 10.1, 1, 11.1],
                 [0, 100, 1, 101]], np.float32)), T(np.array([0.9, 0.75, 0.6, 0.95, 0.5, 0.3], np.float32)),
     3, 0.5, 0.0)

# ---- evaluation, segment, linalg, spectral ------------------------------------------------------------
case("topk", r(2, 6), 3)
case("unsortedSegmentSum", r(4, 2), T(np.array([0, 2, 0, 1], np.int32)), 3)
case("linalg.bandPart", r(4, 4), 1, 0)
case("spectral.fft", T(np.array([[1 + 2j, 2 - 1j, 0.5j, -1.0], [3, -2j, 1, 1 + 1j]])))
case("spectral.ifft", T(np.array([1 + 2j, 2 - 1j, 0.5j, -1.0, 2.0])))
case("spectral.rfft", r(2, 8))

# ---- losses --------------------------------------------------------------------------------------------
case("losses.meanSquaredError", r(3, 2), r(3, 2))
case("losses.absoluteDifference", r(3, 2), r(3, 2))
case("losses.huberLoss", r(3, 2), r(3, 2))
case("losses.hingeLoss", r(3, 2, lo=0, hi=1), r(3, 2))
case("losses.sigmoidCrossEntropy", r(3, 2, lo=0, hi=1), r(3, 2))
case("losses.softmaxCrossEntropy", T(np.eye(3, 4, dtype=np.float32)), r(3, 4))
case("losses.logLoss", r(3, 2, lo=0, hi=1), r(3, 2, lo=0.05, hi=0.95))
case("losses.cosineDistance", r(3, 4), r(3, 4), 1)


# tfjs case args as JSON, without the tw-only function
_RESULTS: dict[str, dict] | None = None


def tfjs_results() -> dict[str, dict]:
    global _RESULTS
    if _RESULTS is None:
        missing = harness_ready()
        if missing:
            pytest.fail(f"the TF.js interop harness is not installed: {missing}")
        _RESULTS = run_tfjs([{"id": c["id"], "op": c["op"], "args": c["args"]} for c in CASES])
    return _RESULTS


def to_tw(arg: Any) -> Any:
    if isinstance(arg, T):
        return arg.to_tw()
    if isinstance(arg, list):
        return [to_tw(a) for a in arg]
    return arg


def flatten(res: Any) -> list:
    if isinstance(res, tw.Tensor):
        return [res]
    if isinstance(res, dict):
        return [t for v in res.values() for t in flatten(v)]
    if isinstance(res, (list, tuple)):
        return [t for v in res for t in flatten(v)]
    return [res]


def flatten_expected(res: Any) -> list:
    if isinstance(res, tuple) and len(res) == 2 and isinstance(res[1], str):
        return [res]
    if isinstance(res, dict):
        return [t for v in res.values() for t in flatten_expected(v)]
    if isinstance(res, list):
        return [t for v in res for t in flatten_expected(v)]
    return [res]


@pytest.mark.interop
@pytest.mark.parametrize("c", CASES, ids=[c["id"] for c in CASES])
def test_matches_tfjs(c):
    expected = tfjs_results()[c["id"]]
    assert expected["ok"], f"TF.js raised: {expected['error']}"
    fn = c["tw_fn"] or snake(c["op"])
    got = flatten(fn(*to_tw(c["args"])))
    want = flatten_expected(decode(expected["result"]))
    assert len(got) == len(want), f"{len(got)} outputs, TF.js gave {len(want)}"
    for g, (values, dtype) in zip(got, want):
        assert list(g.shape) == list(values.shape), f"shape {list(g.shape)} != TF.js {list(values.shape)}"
        assert g.dtype == dtype, f"dtype {g.dtype} != TF.js {dtype}"
        if dtype in ("int32", "bool"):
            np.testing.assert_array_equal(g.numpy().astype(np.float64), values)
        else:
            np.testing.assert_allclose(g.numpy(), values, rtol=c["rtol"], atol=c["atol"], equal_nan=True)
