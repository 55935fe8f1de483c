"""The graph executor: constant folding, plans (order, liveness, intermediate fetches, feeds that override
nodes), usage records, errors, and the "graph" op category (ops/graph.py). Graphs are hand-built; results are
checked against hand-computed values and against the real TF.js graph executor on the same JSON."""
from __future__ import annotations

import weakref

import numpy as np
import pytest

import tensorweb as tw
from tensorweb.errors import GraphExecutionError, InvalidArgumentError, ModelFormatError
from tensorweb.graph.executor import import_mappers
from tensorweb.graph.ops import MAPPERS
from tensorweb.runtime import TensorUsageRecord
from tests.interop.tfjs import T

from .graph_builder import GraphBuilder, GraphCase, graph_case_tests

X = np.array([[1.0, -2.0, 3.0], [0.5, 4.0, -1.0]], np.float32)
C3 = np.array([1.0, 2.0, 3.0], np.float32)


def chain() -> GraphBuilder:
    """k2 = 2 * c3 + 2 (constants only: folded); y = x + k2; z = y * y; w = z - x."""
    g = GraphBuilder()
    g.placeholder("x", "float32", [-1, 3])
    g.const("c2", np.float32(2))
    g.const("c3", C3)
    g.node("k", "Mul", ["c2", "c3"])
    g.node("k2", "AddV2", ["k", "c2"])
    g.node("y", "AddV2", ["x", "k2"])
    g.node("z", "Mul", ["y", "y"])
    g.node("w", "Sub", ["z", "x"])
    return g


def graph_ops() -> GraphBuilder:
    """The graph category's ops on one input (and a NoOp reached by a control edge)."""
    g = GraphBuilder()
    g.placeholder("x", "float32", [2, 3])
    g.node("noop", "NoOp", ["^x"])
    g.node("ident", "Identity", ["x", "^noop"])
    g.node("snap", "Snapshot", ["ident"])
    g.node("stop", "StopGradient", ["snap"])
    g.node("fq", "FakeQuantWithMinMaxVars", ["stop"], min=("f", -1.0), max=("f", 1.0))
    g.node("idn", "IdentityN", ["fq", "x"])
    g.node("shape", "Shape", ["idn:1"])
    g.node("rank", "Rank", ["x"])
    g.node("size", "Size", ["x"])
    g.node("def", "PlaceholderWithDefault", ["x"], dtype=("type", "float32"), shape=("shape", [2, 3]))
    g.node("split", "Split", ["axis", "x"], num_split=("i", 3))
    g.const("axis", np.int32(1))
    return g


def expected_chain(x: np.ndarray) -> tuple:
    y = x + (2 * C3 + 2)
    return y, y * y, y * y - x


CASES: dict[str, tuple[GraphCase, list]] = {
    "chain": (chain().case({"x": T(X)}, ["y", "z", "w"]),
              [(v, "float32") for v in expected_chain(X)]),
    "chain_fetch_folded": (chain().case({"x": T(X)}, ["k2", "k"]), [(2 * C3 + 2, "float32"), (2 * C3, "float32")]),
    "chain_feed_intermediate": (chain().case({"y": T(X)}, ["z"]), [(X * X, "float32")]),
    "chain_feed_constant": (chain().case({"x": T(X), "c2": T(np.float32(-1))}, ["w"]),
                            [((X + (-C3 - 1)) ** 2 - X, "float32")]),
    # c3 reaches the kept folded k2 only through k, a folded value dropped at load
    "chain_feed_constant_far": (chain().case({"x": T(X), "c3": T(-C3)}, ["y"]), [(X - 2 * C3 + 2, "float32")]),
    "graph_ops": (graph_ops().case({"x": T(X)}, ["idn:0", "idn:1", "shape", "rank", "size", "def", "split:0",
                                                 "split:2"]),
                  [(X, "float32"), (X, "float32"), (np.array([2, 3]), "int32"), (np.int32(2), "int32"),
                   (np.int32(6), "int32"), (X, "float32"), (X[:, :1], "float32"), (X[:, 2:], "float32")]),
    "default_fed": (graph_ops().case({"x": T(X), "def": T(-X)}, ["def"]), [(-X, "float32")]),
}


tfjs, test_matches_hand_values_and_tfjs = graph_case_tests(CASES)


def _plan(model: tw.GraphModel, inputs: dict, outputs: list[str]):
    feeds, fetches = model._prepare(inputs, outputs)
    return model._executor.plan(frozenset(feeds), fetches)


def test_constants_fold_at_load_and_plans_run_only_the_rest() -> None:
    model = chain().load()
    ex = model._executor
    # k2 is folded and kept (y reads it); k is folded too but dropped, as only folded nodes read it
    assert {ex.nodes[i].name for i in ex.folded} == {"k2"}
    np.testing.assert_array_equal(ex.constants[ex.index["k2"]][0].numpy(), 2 * C3 + 2)
    plan = _plan(model, {"x": X}, ["w"])
    assert [ex.nodes[i].name for i in plan.order] == ["y", "z", "w"]
    assert plan is _plan(model, {"x": X}, ["w"])                  # cached per (feeds, outputs)
    assert plan is not _plan(model, {"x": X}, ["z"])
    # fetching the dropped constant recomputes it from the kept ones
    assert [ex.nodes[i].name for i in _plan(model, {"x": X}, ["k"]).order] == ["k"]


def test_liveness_frees_each_intermediate_after_its_last_reader() -> None:
    model = chain().load()
    ex = model._executor
    plan = _plan(model, {"x": X}, ["w"])
    freed = {ex.nodes[i].name: [ex.nodes[j].name for j in step[4]] for i, step in zip(plan.order, plan.steps)}
    assert freed == {"y": [], "z": ["y"], "w": ["x", "z"]}


PROBE: list = []


@pytest.fixture
def probe_ops():
    """Two test-only mappers: TwTestRecord (negates, remembering a weakref to its output) and
    TwTestAssertReleased (passes its input on after checking the recorded tensor is gone)."""
    import_mappers()

    def record(ctx, inputs):
        out = tw.neg(inputs[0])
        PROBE.append(weakref.ref(out))
        return out

    def check(ctx, inputs):
        PROBE.append(PROBE[-1]() is None)
        return inputs[0]
    MAPPERS["TwTestRecord"], MAPPERS["TwTestAssertReleased"] = record, check
    yield
    del MAPPERS["TwTestRecord"], MAPPERS["TwTestAssertReleased"]
    PROBE.clear()


def test_intermediates_are_released_during_the_run(probe_ops) -> None:
    g = GraphBuilder()
    g.placeholder("x", "float32", [3])
    g.node("a", "TwTestRecord", ["x"])
    g.node("b", "Neg", ["a"])
    g.node("c", "TwTestAssertReleased", ["b"])
    out = g.load().execute({"x": C3}, "c")
    np.testing.assert_array_equal(out.numpy(), C3)
    assert PROBE[-1] is True          # 'a' was gone when c ran


def test_a_long_chain_runs_and_keeps_only_live_values() -> None:
    g = GraphBuilder()
    g.placeholder("x", "float32", [3])
    g.const("one", np.float32(1))
    prev = "x"
    for i in range(2000):
        prev = g.node(f"n{i}", "AddV2", [prev, "one"])
    model = g.load()
    np.testing.assert_array_equal(model.predict(C3).numpy(), C3 + 2000)
    plan = _plan(model, {"x": C3}, ["n1999"])
    assert len(plan.steps) == 2000 and all(len(step[4]) == 1 for step in plan.steps[1:-1])


def test_usage_records_follow_steps_aliases_and_skip_weights() -> None:
    g = GraphBuilder()
    g.placeholder("x", "float32", [2, 3])
    g.const("two", np.full((2, 3), 2, np.float32))
    g.node("a", "Neg", ["x"])                  # step 0
    g.node("b", "Mul", ["a", "two"])           # step 1
    g.node("c", "AddV2", ["b", "x"])           # step 2
    g.node("d", "Identity", ["c"])             # step 3: an alias of c, the output
    g.node("e", "Identity", ["two"])           # folded: a constant, no step and no record
    g.node("f", "Mul", ["e", "a"])             # step 4
    model = g.load()
    records = model.usage_records({"x": X}, ["d", "f"])
    assert records == [TensorUsageRecord(24, 0, 2),    # x: fed, read last by c
                       TensorUsageRecord(24, 0, 4),    # a
                       TensorUsageRecord(24, 1, 2),    # b
                       TensorUsageRecord(24, 2, 4),    # c (and d): an output, alive to the last step
                       TensorUsageRecord(24, 4, 4)]    # f


def test_node_failure_names_node_and_op_and_chains_the_cause() -> None:
    g = GraphBuilder()
    g.placeholder("x", "float32", [-1])
    g.const("shape", np.array([4, 4], np.int32))
    g.node("r", "Reshape", ["x", "shape"])
    model = g.load()
    with pytest.raises(GraphExecutionError, match=r"node 'r' \(op Reshape\) failed") as err:
        model.predict(np.ones(3, np.float32))
    assert err.value.__cause__ is not None


def test_reading_an_output_a_node_does_not_have_is_named() -> None:
    g = GraphBuilder()
    g.placeholder("x", "float32", [3])
    g.node("y", "Neg", ["x:2"])
    with pytest.raises(GraphExecutionError, match=r"node 'y' \(op Neg\): its input x:2 does not exist"):
        g.load().predict(C3)


def test_missing_inputs_are_listed() -> None:
    g = GraphBuilder()
    g.placeholder("x", "float32", [3])
    g.placeholder("u", "float32", [3])
    g.node("y", "AddV2", ["x", "u"])
    with pytest.raises(InvalidArgumentError, match=r"missing inputs \['u'\]"):
        g.load().execute({"x": C3}, "y")


def test_a_cycle_without_loop_control_flow_is_refused() -> None:
    g = GraphBuilder()
    g.placeholder("x", "float32", [3])
    g.node("a", "AddV2", ["x", "b"])
    g.node("b", "Neg", ["a"])
    with pytest.raises(ModelFormatError, match="cycle"):
        g.load().execute({"x": C3}, "b")


def test_random_ops_are_not_folded_and_inline_consts_are_used() -> None:
    g = GraphBuilder()
    g.const("shape", np.array([64], np.int32), inline=True)
    g.node("r", "RandomUniform", ["shape"], dtype=("type", "float32"), seed=("i", 0), seed2=("i", 0))
    model = g.load()
    assert not model._executor.folded
    a, b = model.execute({}, "r").numpy(), model.execute({}, "r").numpy()
    assert a.shape == (64,) and not np.array_equal(a, b)


def test_print_writes_message_and_values_to_stderr(capsys) -> None:
    g = GraphBuilder()
    g.placeholder("x", "float32", [3])
    g.node("p", "Print", ["x", "x"], message=("s", "values:"), summarize=("i", 2))
    out = g.load().predict(C3)
    np.testing.assert_array_equal(out.numpy(), C3)
    assert capsys.readouterr().err == "values:\n[1.0, 2.0]\n"


def test_shape_n_gives_int32_shapes() -> None:
    # TF's ShapeN gives out_type (int32) shapes; TF.js gives float32 ones (tensor1d without a dtype)
    g = GraphBuilder()
    g.placeholder("x", "float32", [2, 3])
    g.placeholder("v", "float32", [4])
    g.node("s", "ShapeN", ["x", "v"])
    a, b = g.load().execute({"x": X, "v": np.zeros(4, np.float32)}, ["s:0", "s:1"])
    assert a.dtype == b.dtype == "int32"
    assert a.numpy().tolist() == [2, 3] and b.numpy().tolist() == [4]
