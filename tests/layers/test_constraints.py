import numpy as np
import pytest

import tensorweb as tw
from tensorweb.errors import InvalidArgumentError
from tensorweb.layers import constraints as C

EPS = 1e-7
RNG = np.random.default_rng(0)
W2 = RNG.normal(size=(4, 3)).astype(np.float32) * 2
W4 = RNG.normal(size=(3, 3, 2, 4)).astype(np.float32)


def _norms(w, axis):
    axis = tuple(axis) if isinstance(axis, list) else axis
    return np.sqrt(np.sum(w.astype(np.float64) ** 2, axis=axis, keepdims=True))


def ref_max_norm(w, m, axis):
    n = _norms(w, axis)
    return w * (np.clip(n, 0, m) / (EPS + n))


def ref_unit_norm(w, axis):
    return w / (EPS + _norms(w, axis))


def ref_min_max_norm(w, lo, hi, rate, axis):
    n = _norms(w, axis)
    desired = rate * np.clip(n, lo, hi) + (1 - rate) * n
    return w * (desired / (EPS + n))


@pytest.mark.parametrize("w, axis", [(W2, 0), (W2, 1), (W4, [0, 1, 2]), (W4, -1)])
def test_max_norm(w, axis):
    for m in (2, 1.0, 0.5):
        out = C.MaxNorm(m, axis)(tw.tensor(w))
        np.testing.assert_allclose(out.numpy(), ref_max_norm(w, m, axis), rtol=1e-5, atol=1e-6)
        assert np.all(_norms(out.numpy(), axis) <= m + 1e-5)


def test_max_norm_leaves_small_weights_nearly_alone():
    w = np.array([[0.3, 0.1], [0.4, 0.2]], np.float32)
    out = C.MaxNorm()(tw.tensor(w)).numpy()
    np.testing.assert_allclose(out, w * (_norms(w, 0) / (EPS + _norms(w, 0))), rtol=1e-6)


@pytest.mark.parametrize("w, axis", [(W2, 0), (W2, 1), (W4, [0, 1, 2])])
def test_unit_norm(w, axis):
    out = C.UnitNorm(axis)(tw.tensor(w)).numpy()
    np.testing.assert_allclose(out, ref_unit_norm(w, axis), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(_norms(out, axis), 1.0, rtol=1e-5)


def test_unit_norm_of_zero_column_is_zero_not_nan():
    out = C.UnitNorm()(tw.zeros([3, 2])).numpy()
    assert np.all(out == 0)


def test_non_neg():
    out = C.NonNeg()(tw.tensor(W2))
    np.testing.assert_array_equal(out.numpy(), np.maximum(W2, 0))


@pytest.mark.parametrize("lo, hi, rate, axis", [(0.0, 1.0, 1.0, 0), (1.0, 2.0, 0.5, 0), (0.5, 3.0, 0.25, 1),
                                                (1.5, 1.5, 1.0, [0, 1, 2])])
def test_min_max_norm(lo, hi, rate, axis):
    w = W4 if isinstance(axis, list) else W2
    out = C.MinMaxNorm(lo, hi, rate, axis)(tw.tensor(w)).numpy()
    np.testing.assert_allclose(out, ref_min_max_norm(w, lo, hi, rate, axis), rtol=1e-5, atol=1e-6)


def test_gradients_of_norm_constraints():
    x = np.array([[0.7, -1.3, 0.4], [-0.2, 2.1, -0.9], [1.5, 0.3, 0.8]])
    for c in (C.MaxNorm(1.0), C.UnitNorm(1), C.MinMaxNorm(0.5, 1.0, 0.7)):
        tw.testing.check_gradients(lambda w, c=c: c(w), [x], rtol=1e-4, atol=1e-6)


def test_bad_arguments():
    with pytest.raises(InvalidArgumentError, match="MaxNorm: axis"):
        C.MaxNorm(2, axis="rows")
    with pytest.raises(InvalidArgumentError, match="MaxNorm: max_value"):
        C.MaxNorm("2")
    with pytest.raises(InvalidArgumentError, match="MinMaxNorm: min_value must not exceed"):
        C.MinMaxNorm(2.0, 1.0)
    with pytest.raises(InvalidArgumentError, match="UnitNorm.*float32"):
        C.UnitNorm()(tw.tensor([1, 2]))


CONFIGS = [(C.MaxNorm(3.0, [0, 1]), {"max_value": 3.0, "axis": [0, 1]}),
           (C.MaxNorm(), {"max_value": 2, "axis": 0}),
           (C.UnitNorm(1), {"axis": 1}),
           (C.NonNeg(), {}),
           (C.MinMaxNorm(0.5, 2.0, 0.3, 1), {"min_value": 0.5, "max_value": 2.0, "rate": 0.3, "axis": 1}),
           (C.MinMaxNorm(), {"min_value": 0.0, "max_value": 1.0, "rate": 1.0, "axis": 0})]


@pytest.mark.parametrize("c, config", CONFIGS, ids=lambda v: type(v).__name__)
def test_config_round_trips(c, config):
    assert c.get_config() == config
    s = C.serialize(c)
    assert s == {"module": "keras.constraints", "class_name": type(c).__name__, "config": config,
                 "registered_name": None}
    for form in (s, {"class_name": type(c).__name__, "config": config}):
        back = C.get(form)
        assert type(back) is type(c) and back.get_config() == config
    assert type(c).from_config(config).get_config() == config


def test_get_on_every_identifier_form():
    assert C.get(None) is None
    for name, cls in [("max_norm", C.MaxNorm), ("MaxNorm", C.MaxNorm), ("maxNorm", C.MaxNorm),
                      ("unit_norm", C.UnitNorm), ("UnitNorm", C.UnitNorm), ("unitNorm", C.UnitNorm),
                      ("non_neg", C.NonNeg), ("NonNeg", C.NonNeg), ("nonNeg", C.NonNeg),
                      ("min_max_norm", C.MinMaxNorm), ("MinMaxNorm", C.MinMaxNorm), ("minMaxNorm", C.MinMaxNorm)]:
        assert type(C.get(name)) is cls, name
    inst = C.UnitNorm()
    assert C.get(inst) is inst
    assert type(C.get(C.NonNeg)) is C.NonNeg

    def clip(w):
        return tw.clip_by_value(w, -1, 1)
    assert C.get(clip) is clip


def test_unknown_names():
    with pytest.raises(InvalidArgumentError, match=r"unknown constraint 'max_nrm'.*max_norm"):
        C.get("max_nrm")
    with pytest.raises(InvalidArgumentError, match=r"'Fancy'.*MaxNorm"):
        C.deserialize({"class_name": "Fancy", "config": {}})
    with pytest.raises(InvalidArgumentError, match="could not interpret"):
        C.get(1)
