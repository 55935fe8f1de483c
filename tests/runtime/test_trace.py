"""Usage records traced from real runs, checked against records worked out by hand, and MobileNetV2's
footprints against the numbers of "Optimizing TensorFlow Lite Runtime Memory" / Pisarchyk & Lee 2020."""
import json

import numpy as np
import pytest

import tensorweb as tw
from tensorweb.cli import main as cli_main
from tensorweb.layers.applications import mobilenet_v2
from tensorweb.runtime import TensorUsageRecord as R


def f(x):
    return tw.relu(x * 2.0) + x


def test_records_of_a_small_function_by_hand():
    x = tw.tensor(np.arange(4, dtype=np.float32) - 2)
    y, trace = tw.runtime.trace(f, x)
    np.testing.assert_array_equal(y.numpy(), [-2, -1, 0, 3])
    assert [s.kernel for s in trace.steps] == ["Multiply", "Relu", "Add"]
    # without in-place reuse: x lives 0..2; x*2 0..1; relu 1..2; the sum (the result) 2..2 — 16 bytes each
    assert sorted(trace.usage_records(in_place=False), key=lambda r: (r.first_op, r.last_op)) == \
        [R(16, 0, 1), R(16, 0, 2), R(16, 1, 2), R(16, 2, 2)]
    # in place: relu writes over x*2 (dead after step 1), the add over relu's output: one buffer 0..2, plus x
    assert sorted(trace.usage_records(), key=lambda r: (r.first_op, r.last_op)) == [R(16, 0, 2), R(16, 0, 2)]


def test_reshape_shares_its_input_buffer():
    x = tw.tensor(np.ones((2, 3), np.float32))
    _, trace = tw.runtime.trace(lambda x: tw.reshape(x * 3.0, (3, 2)) - 1.0, x)
    kernels = [s.kernel for s in trace.steps]
    assert kernels == ["Multiply", "Reshape", "Sub"]
    # x is read at step 0 only; the reshape aliases x*3 (no record of its own, but it extends that buffer's
    # life to the sub at step 2); in place, the sub writes over that buffer
    assert trace.usage_records(in_place=False) == [R(24, 0, 0), R(24, 0, 2), R(24, 2, 2)]
    assert trace.usage_records() == [R(24, 0, 0), R(24, 0, 2)]


def test_values_computed_from_weights_alone_are_constants():
    w = tw.tensor(np.full((3, 2), 0.5, np.float32))   # made outside the trace: a weight
    x = tw.tensor(np.ones((1, 3), np.float32))
    _, trace = tw.runtime.trace(lambda x: tw.mat_mul(x, w * 2.0), x)
    assert [s.kernel for s in trace.steps] == ["Multiply", "BatchMatMul"]
    # w*2 depends on the weight only: not planned. Planned: x (12 bytes, 0..1) and the product (8 bytes)
    assert trace.usage_records() == [R(12, 0, 1), R(8, 1, 1)]


def test_tracing_stops_after_the_block():
    x = tw.tensor([1.0, 2.0])
    with tw.runtime.tracing() as trace:
        tw.add(x, 1.0)
    tw.add(x, 1.0)
    assert [s.kernel for s in trace.steps] == ["Add"]


@pytest.fixture(scope="module")
def mobilenet_records():
    model = mobilenet_v2()
    x = tw.tensor(np.random.default_rng(0).random((1, 224, 224, 3), dtype=np.float32))
    _, trace = tw.runtime.trace(model, x)
    return trace.usage_records()


def test_mobilenet_v2_bounds(mobilenet_records):
    bounds = tw.runtime.lower_bounds(mobilenet_records)
    # The widest step is block 1's depthwise convolution: its input (the expansion, 112×112×96 float32) and
    # its output (56×56×96) are alive together: 4,816,896 + 1,204,224 bytes = 5.742 MiB — the paper's 5.74.
    assert bounds.offsets == 112 * 112 * 96 * 4 + 56 * 56 * 96 * 4
    assert round(bounds.offsets / 2 ** 20, 2) == 5.74
    # Naive: every intermediate its own buffer. The paper reports 26.3 MiB for TFLite's graph; ours (input
    # included, batch norm and ReLU6 written in place over their convolution) is 26.06 MiB.
    assert 26.0 < bounds.naive / 2 ** 20 < 26.4
    assert len(mobilenet_records) == 56


def test_mobilenet_v2_best_offsets_reach_the_bound(mobilenet_records):
    bounds = tw.runtime.lower_bounds(mobilenet_records)
    for strategy in tw.runtime.OFFSET_STRATEGIES:
        assert tw.runtime.plan_offsets(mobilenet_records, strategy).total_bytes == bounds.offsets
    # The blog: greedy by breadth performs best on MobileNetV2 among shared-object strategies
    best = tw.runtime.plan_shared_objects(mobilenet_records, "best")
    assert best.strategy == "greedy_by_breadth" and best.total_bytes == bounds.shared_objects


def test_plan_cli_json(capsys):
    assert cli_main(["plan", "mobilenet_v2", "--json"]) == 0
    table = json.loads(capsys.readouterr().out)
    assert table["lower_bound_bytes"] == 6021120
    assert table["naive_bytes"] > table["lower_bound_bytes"]
    s = table["strategies"]
    assert s["offsets:greedy_by_size"] == {**s["offsets:greedy_by_size"], "kind": "offsets", "total_bytes": 6021120}
    assert {v["kind"] for v in s.values()} == {"offsets", "shared_objects"}
    assert s["shared_objects:naive"]["objects"] == table["records"]
