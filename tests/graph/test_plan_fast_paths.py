"""The executor's fast paths, checked against NumPy references written here:

- Replay: a node whose mapper ran exactly one kernel on its own inputs reruns that kernel directly for
  inputs of the same shapes and dtypes; nodes that read input values on the host, take one tensor twice or
  change shapes go through their mapper;
- zero Pads read only by VALID convolutions become the convolutions' own EXPLICIT padding.
"""
import numpy as np
import pytest

import tensorweb as tw
from tensorweb.graph.executor import Replay, StaticPlan, import_mappers
from tensorweb.graph.ops import MAPPERS

from .graph_builder import GraphBuilder

rng = np.random.default_rng(3)


def counting(monkeypatch, *ops):
    """Counts the calls of the mappers of `ops` (patched before any plan is compiled)."""
    import_mappers()
    calls = dict.fromkeys(ops, 0)
    for op in ops:
        fn = MAPPERS[op]

        def wrapped(ctx, args, fn=fn, op=op):
            calls[op] += 1
            return fn(ctx, args)
        monkeypatch.setitem(MAPPERS, op, wrapped)
    return calls


def plans(model):
    return list(model._executor._plans.values())


def test_replay_skips_the_mapper_for_the_same_shapes(monkeypatch):
    calls = counting(monkeypatch, "Relu", "AddV2", "Reshape", "Mul")
    g = GraphBuilder()
    g.placeholder("x", "float32", [-1, 6])
    g.placeholder("shape", "int32", [2])
    g.node("r", "Relu", ["x"])
    g.node("twice", "AddV2", ["r", "r"])            # one tensor twice: always through the mapper
    g.node("sq", "Mul", ["twice", "x"])
    g.node("y", "Reshape", ["sq", "shape"])          # reads `shape` on the host: always through the mapper
    model = g.load()
    try:
        for step, (rows, shape) in enumerate([(2, [3, 4]), (2, [4, 3]), (2, [6, 2]), (3, [9, 2]), (3, [2, 9])]):
            x = rng.standard_normal((rows, 6)).astype(np.float32)
            y = model.execute({"x": x, "shape": np.array(shape, np.int32)}, "y")
            np.testing.assert_array_equal(y.numpy(), (2 * np.maximum(x, 0) * x).reshape(shape))
            tw.dispose(y)
            learned = step in (0, 3)                 # a first run and a new shape call the mappers
            assert calls == {"Relu": step // 3 + 1, "Mul": step // 3 + 1, "AddV2": step + 1,
                             "Reshape": step + 1}, (step, learned, calls)
        (plan,) = plans(model)
        replays = {ctx.op: fn for fn, ctx, *_ in plan.steps if isinstance(fn, Replay)}
        assert replays["Relu"].kernel == "Relu" and replays["Mul"].kernel == "Multiply"
        assert replays["AddV2"].sig is None and replays["Reshape"].sig is None
    finally:
        model.dispose()


def test_replay_of_a_fused_conv_keeps_argument_order(monkeypatch):
    calls = counting(monkeypatch, "_FusedConv2D")
    g = GraphBuilder()
    g.placeholder("x", "float32", [1, -1, -1, 3])
    w = rng.standard_normal((3, 3, 3, 4)).astype(np.float32)
    b = rng.standard_normal(4).astype(np.float32)
    g.const("w", w)
    g.const("b", b)
    g.node("y", "_FusedConv2D", ["x", "w", "b"], strides=("list_i", [1, 1, 1, 1]), padding=("s", "SAME"),
           fused_ops=("list_s", ["BiasAdd", "Relu"]), num_args=("i", 1), T=("type", "float32"))
    model = g.load()
    try:
        for size in (8, 8, 8, 5):
            x = rng.standard_normal((1, size, size, 3)).astype(np.float32)
            got = model.execute({"x": x}, "y")
            want = tw.relu(tw.add(tw.conv2d(x, w, 1, "same"), b))
            np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-5, atol=1e-5)
            tw.dispose([got, want])
        assert calls["_FusedConv2D"] == 2
    finally:
        model.dispose()


def conv_valid(x, w):
    """NHWC 'valid' correlation of x [1, H, W, C] with an HWIO filter, in float64."""
    kh, kw = w.shape[:2]
    oh, ow = x.shape[1] - kh + 1, x.shape[2] - kw + 1
    out = np.zeros((1, oh, ow, w.shape[-1]))
    for i in range(kh):
        for j in range(kw):
            out += x[:, i:i + oh, j:j + ow].astype(np.float64) @ w[i, j].astype(np.float64)
    return out


def pad_graph(pad_value: float, extra_reader: bool) -> GraphBuilder:
    g = GraphBuilder()
    g.placeholder("x", "float32", [1, 40, 41, 4])
    g.const("paddings", np.array([[0, 0], [1, 2], [0, 3], [0, 0]], np.int32))
    g.const("value", np.float32(pad_value))
    g.const("w", rng.standard_normal((3, 3, 4, 5)).astype(np.float32))
    g.const("dw", rng.standard_normal((3, 3, 4, 1)).astype(np.float32))
    g.node("p", "PadV2", ["x", "paddings", "value"])
    g.node("conv", "Conv2D", ["p", "w"], strides=("list_i", [1, 1, 1, 1]), padding=("s", "VALID"))
    g.node("depthwise", "DepthwiseConv2dNative", ["p", "dw"], strides=("list_i", [1, 1, 1, 1]),
           padding=("s", "VALID"))
    if extra_reader:
        g.node("neg", "Neg", ["p"])
    return g


@pytest.mark.parametrize("pad_value,extra_reader,folded", [(0.0, False, True), (1.5, False, False),
                                                           (0.0, True, False)])
def test_zero_pads_fold_into_valid_convolutions(pad_value, extra_reader, folded):
    g = pad_graph(pad_value, extra_reader)
    weights = {name: t.array for name, t in g._weights}
    model = g.load()
    try:
        x = rng.standard_normal((1, 40, 41, 4)).astype(np.float32)
        conv, dw, *neg = model.execute({"x": x}, ["conv", "depthwise"] + ["neg"] * extra_reader)
        xp = np.pad(x, [(0, 0), (1, 2), (0, 3), (0, 0)], constant_values=pad_value)
        if extra_reader:                     # a reader other than a convolution needs the padded tensor
            np.testing.assert_array_equal(neg[0].numpy(), -xp)
        np.testing.assert_allclose(conv.numpy(), conv_valid(xp, weights["w"]), rtol=1e-4, atol=1e-4)
        depthwise = np.stack([conv_valid(xp[..., c:c + 1], weights["dw"][:, :, c:c + 1])[..., 0]
                              for c in range(4)], -1)
        np.testing.assert_allclose(dw.numpy(), depthwise, rtol=1e-4, atol=1e-4)
        tw.dispose([conv, dw, *neg])
        (plan,) = plans(model)
        assert isinstance(plan, StaticPlan)
        ops = [model._executor.nodes[i].op for i in plan.order]
        assert ("PadV2" not in ops) == folded
        pads = {ctx.name: ctx.attr("padding") for _, ctx, *_ in plan.steps if "Conv" in ctx.op}
        assert pads["conv"] == ("EXPLICIT" if folded else "VALID")
        # fetching the Pad itself keeps it
        p = model.execute({"x": x}, "p")
        np.testing.assert_array_equal(p.numpy(), xp)
        tw.dispose(p)
    finally:
        model.dispose()
