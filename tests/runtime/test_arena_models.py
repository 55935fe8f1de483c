"""Arena execution of real TF.js graph models (human-models): planned outputs equal the unplanned
executor's exactly, the arena reaches the offsets lower bound, and data-dependent models say why they run
unplanned."""
import numpy as np
import pytest

import tensorweb as tw
from tests.interop import human_models as hm


def compiled(name):
    model = tw.load_graph_model(hm.model_path(name))
    feeds = hm.inputs(name)
    keys, names = list(feeds), hm.output_names(name)

    def run(*xs):
        return model.execute(dict(zip(keys, xs)), names)
    return run, tw.runtime.compile(run), [tw.tensor(v) for v in feeds.values()]


@pytest.mark.parametrize("name", ["blazeface", "iris", "movenet-lightning", "selfie"])
def test_planned_equals_unplanned(name):
    run, fast, xs = compiled(name)
    want = run(*xs)
    fast(*xs)
    got = fast(*xs)
    assert not fast.fallbacks
    for g, w in zip(got if isinstance(got, list) else [got], want if isinstance(want, list) else [want]):
        np.testing.assert_array_equal(g.numpy(), w.numpy())
    plan = next(iter(fast.plans.values()))
    bounds = tw.runtime.lower_bounds(plan.records)
    assert plan.assignment.total_bytes == bounds.offsets < bounds.naive / 3


def test_data_dependent_model_runs_unplanned_and_says_why():
    run, fast, xs = compiled("handtrack")
    want = run(*xs)
    got = fast(*xs)
    reason = next(iter(fast.fallbacks.values()))
    assert "NonMaxSuppressionV5" in reason and not fast.plans
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g.numpy(), w.numpy())
