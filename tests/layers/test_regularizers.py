import numpy as np
import pytest

import tensorweb as tw
from tensorweb.errors import InvalidArgumentError
from tensorweb.layers import regularizers as R
from tensorweb.testing import check_gradients

W = [[1.0, -2.0], [0.5, -0.25]]  # sum|w| = 3.75, sum w^2 = 5.3125


def test_values_by_hand():
    w = tw.tensor(W)
    assert R.L1()(w).tolist() == pytest.approx(0.0375)
    assert R.L1(0.5)(w).tolist() == pytest.approx(1.875)
    assert R.L2()(w).tolist() == pytest.approx(0.053125)
    assert R.L2(2.0)(tw.ones([5, 5])).tolist() == pytest.approx(50.0)
    assert R.L1L2(l1=0.1, l2=0.2)(w).tolist() == pytest.approx(0.375 + 1.0625)
    assert R.L1L2(l2=1.0)(w).tolist() == pytest.approx(5.3125)
    out = R.L1L2()(w)
    assert out.shape == () and out.tolist() == 0.0
    assert R.L2(1.0)(W).tolist() == pytest.approx(5.3125)  # plain nested lists are accepted


def test_defaults_and_factory_names():
    assert R.L1().get_config() == {"l1": 0.01}
    assert R.L2().get_config() == {"l2": 0.01}
    assert R.L1L2().get_config() == {"l1": 0.0, "l2": 0.0}
    assert R.L1(None).l1 == 0.01 and R.L1L2(None, None).get_config() == {"l1": 0.0, "l2": 0.0}
    assert R.l1_l2().get_config() == {"l1": 0.01, "l2": 0.01}
    assert R.l1(0.3).get_config() == {"l1": 0.3} and R.l2(0.4).get_config() == {"l2": 0.4}


@pytest.mark.parametrize("reg", [R.L1(0.3), R.L2(0.7), R.L1L2(0.2, 0.5)], ids=lambda r: type(r).__name__)
def test_gradients(reg):
    x = np.array([[0.7, -1.3, 0.4], [-0.2, 2.1, -0.9]])
    check_gradients(lambda w: reg(w), [x])
    g = tw.grad(lambda w: reg(w))(tw.tensor(x)).numpy()
    l1 = getattr(reg, "l1", 0.0)
    l2 = getattr(reg, "l2", 0.0)
    np.testing.assert_allclose(g, l1 * np.sign(x) + 2 * l2 * x, rtol=1e-5)


def test_bad_factors_and_weights():
    for bad in (-0.1, float("nan"), float("inf"), "0.1", True):
        with pytest.raises(InvalidArgumentError, match="l1"):
            R.L1(bad)
    with pytest.raises(InvalidArgumentError, match="L1L2: l2"):
        R.L1L2(0.1, -1)
    with pytest.raises(InvalidArgumentError, match="L2.*float32"):
        R.L2()(tw.tensor([1, 2]))


@pytest.mark.parametrize("reg, config", [(R.L1(0.2), {"l1": 0.2}), (R.L2(0.3), {"l2": 0.3}),
                                         (R.L1L2(0.1, 0.4), {"l1": 0.1, "l2": 0.4})],
                         ids=lambda v: type(v).__name__)
def test_config_round_trips(reg, config):
    assert reg.get_config() == config
    s = R.serialize(reg)
    assert s == {"module": "keras.regularizers", "class_name": type(reg).__name__, "config": config,
                 "registered_name": None}
    for form in (s, {"class_name": type(reg).__name__, "config": config}):
        back = R.get(form)
        assert type(back) is type(reg) and back.get_config() == config
    assert type(reg).from_config(config).get_config() == config


def test_get_on_every_identifier_form():
    assert R.get(None) is None
    assert R.get("l1").get_config() == {"l1": 0.01}
    assert R.get("L1").get_config() == {"l1": 0.01}
    assert R.get("l2").get_config() == {"l2": 0.01}
    assert R.get("L2").get_config() == {"l2": 0.01}
    for name in ("l1_l2", "l1l2"):
        got = R.get(name)
        assert isinstance(got, R.L1L2) and got.get_config() == {"l1": 0.01, "l2": 0.01}
    assert R.get("L1L2").get_config() == {"l1": 0.0, "l2": 0.0}
    inst = R.L2(0.5)
    assert R.get(inst) is inst
    assert type(R.get(R.L1)) is R.L1

    def custom(w):
        return tw.sum(w)
    assert R.get(custom) is custom
    assert R.deserialize("l2").get_config() == {"l2": 0.01}


def test_unknown_names():
    with pytest.raises(InvalidArgumentError, match=r"unknown regularizer 'l3'.*l1, l1_l2"):
        R.get("l3")
    with pytest.raises(InvalidArgumentError, match=r"'Fancy'.*L1L2"):
        R.deserialize({"class_name": "Fancy", "config": {}})
    with pytest.raises(InvalidArgumentError, match="L1.from_config"):
        R.deserialize({"class_name": "L1", "config": {"l2": 0.1}})
    with pytest.raises(InvalidArgumentError, match="could not interpret"):
        R.get(0.5)


def test_custom_regularizer_via_custom_objects():
    class Sum(R.Regularizer):
        def __init__(self, k=1.0):
            self.k = k

        def __call__(self, w):
            return tw.mul(tw.sum(w), self.k)

        def get_config(self):
            return {"k": self.k}
    got = R.deserialize({"class_name": "Sum", "config": {"k": 2.0}}, custom_objects={"Sum": Sum})
    assert isinstance(got, Sum) and got(tw.tensor([1.0, 2.0])).tolist() == 6.0
