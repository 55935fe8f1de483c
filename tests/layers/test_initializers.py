import math

import numpy as np
import pytest

import tensorweb as tw
from tensorweb.errors import DtypeError, InvalidArgumentError, ShapeError
from tensorweb.layers import initializers as I

TRUNC = 0.87962566103423978


def test_compute_fans_dense_conv_and_small_shapes():
    assert I.compute_fans(()) == (1, 1)
    assert I.compute_fans((7,)) == (7, 7)
    assert I.compute_fans((3, 5)) == (3, 5)
    # conv2d kernel (kh, kw, in, out): receptive field 3*3
    assert I.compute_fans((3, 3, 4, 8)) == (36, 72)
    # conv1d and conv3d
    assert I.compute_fans((5, 2, 6)) == (10, 30)
    assert I.compute_fans((2, 2, 2, 3, 4)) == (24, 32)


def test_zeros_ones_constant():
    assert I.Zeros()((2, 3)).tolist() == [[0.0] * 3] * 2
    z = I.Zeros()((2,), "int32")
    assert z.dtype == "int32" and z.tolist() == [0, 0]
    assert I.Ones()([2, 2]).tolist() == [[1.0, 1.0], [1.0, 1.0]]
    c = I.Constant(3.5)((2, 2))
    assert c.dtype == "float32" and c.tolist() == [[3.5, 3.5], [3.5, 3.5]]
    assert I.Constant(7)((3,), "int32").tolist() == [7, 7, 7]
    assert I.Constant([1.0, 2.0])((2, 2)).tolist() == [[1.0, 2.0], [1.0, 2.0]]
    assert I.Constant().get_config() == {"value": 0.0}
    with pytest.raises(ShapeError, match="Constant"):
        I.Constant([1.0, 2.0, 3.0])((2, 2))


def _stats(w):
    a = w.numpy().astype(np.float64)
    return a, a.mean(), a.std()


def test_random_uniform_limits_and_moments():
    a, mean, std = _stats(I.RandomUniform(-0.3, 0.5, seed=1)((300, 200)))
    assert a.min() >= -0.3 and a.max() < 0.5
    assert abs(mean - 0.1) < 0.005
    assert abs(std - 0.8 / math.sqrt(12)) < 0.005
    a, _, _ = _stats(I.RandomUniform()((100, 100)))  # defaults +-0.05
    assert a.min() >= -0.05 and a.max() < 0.05 and a.max() > 0.045


def test_random_normal_and_truncated_normal_moments():
    a, mean, std = _stats(I.RandomNormal(mean=1.0, stddev=2.0, seed=2)((300, 200)))
    assert abs(mean - 1.0) < 0.05 and abs(std - 2.0) < 0.05
    a, mean, std = _stats(I.RandomNormal()((300, 200)))
    assert abs(std - 0.05) < 0.002
    a, mean, std = _stats(I.TruncatedNormal(mean=0.5, stddev=0.1, seed=3)((300, 200)))
    assert a.min() >= 0.5 - 0.2 - 1e-6 and a.max() <= 0.5 + 0.2 + 1e-6
    assert abs(mean - 0.5) < 0.003
    # a normal truncated at 2 sigma keeps a standard deviation of TRUNC * sigma
    assert abs(std - 0.1 * TRUNC) < 0.003


@pytest.mark.parametrize("cls, scale, mode, dist", [
    (I.GlorotUniform, 1.0, "fan_avg", "uniform"),
    (I.GlorotNormal, 1.0, "fan_avg", "truncated_normal"),
    (I.HeUniform, 2.0, "fan_in", "uniform"),
    (I.HeNormal, 2.0, "fan_in", "truncated_normal"),
    (I.LecunUniform, 1.0, "fan_in", "uniform"),
    (I.LecunNormal, 1.0, "fan_in", "truncated_normal"),
])
def test_named_variance_scaling_statistics(cls, scale, mode, dist):
    init = cls(seed=5)
    assert isinstance(init, I.VarianceScaling)
    assert (init.scale, init.mode, init.distribution) == (scale, mode, dist)
    for shape in [(120, 400), (3, 3, 16, 32)]:
        fan_in, fan_out = I.compute_fans(shape)
        n = {"fan_in": fan_in, "fan_avg": (fan_in + fan_out) / 2}[mode]
        target = math.sqrt(scale / n)  # the standard deviation Keras aims for
        a, mean, std = _stats(init(shape))
        assert a.shape == shape
        assert abs(mean) < 0.05 * target
        assert abs(std - target) < 0.03 * target
        if dist == "uniform":
            limit = math.sqrt(3 * scale / n)
            assert a.min() >= -limit and a.max() <= limit and a.max() > 0.98 * limit
        else:
            bound = 2 * target / TRUNC
            assert np.abs(a).max() <= bound * (1 + 1e-6) and np.abs(a).max() > 0.95 * bound


def test_variance_scaling_modes_and_distributions():
    shape = (50, 200)  # fan_in 50, fan_out 200
    a, _, std = _stats(I.VarianceScaling(2.0, "fan_out", "untruncated_normal", seed=1)(shape))
    assert abs(std - math.sqrt(2.0 / 200)) < 0.03 * math.sqrt(2.0 / 200)
    assert np.abs(a).max() > 2 * math.sqrt(2.0 / 200)  # not truncated
    a, _, _ = _stats(I.VarianceScaling(3.0, "fan_avg", "uniform", seed=1)(shape))
    limit = math.sqrt(3 * 3.0 / 125)
    assert a.max() <= limit and a.max() > 0.98 * limit
    # 'normal' means truncated_normal (Keras 3); TF.js's camelCase modes are read too
    vs = I.VarianceScaling(distribution="normal", mode="fanAvg")
    assert vs.distribution == "truncated_normal" and vs.mode == "fan_avg"
    # fans below 1 are treated as 1: a scalar weight (fans 1, 1) and an empty one
    s = I.VarianceScaling(1.0, "fan_in", "uniform", seed=0)(())
    assert s.shape == () and abs(s.numpy()) <= math.sqrt(3)
    assert I.VarianceScaling(1.0, "fan_in", "uniform", seed=0)((0, 4)).shape == (0, 4)
    with pytest.raises(InvalidArgumentError, match="scale"):
        I.VarianceScaling(scale=0.0)
    with pytest.raises(InvalidArgumentError, match="mode"):
        I.VarianceScaling(mode="fan_sideways")
    with pytest.raises(InvalidArgumentError, match="distribution"):
        I.VarianceScaling(distribution="cauchy")


def test_identity_initializer():
    assert I.Identity()((3, 3)).tolist() == np.eye(3).tolist()
    assert I.Identity(gain=2.5)((2, 4)).tolist() == (2.5 * np.eye(2, 4)).tolist()
    assert I.Identity()((2, 2), "int32").dtype == "int32"
    with pytest.raises(ShapeError, match="Identity.*2D"):
        I.Identity()((2, 2, 2))


@pytest.mark.parametrize("shape", [(6, 6), (8, 3), (3, 8), (2, 3, 4, 5)])
def test_orthogonal_is_orthogonal(shape):
    q = I.Orthogonal(gain=1.0, seed=11)(shape).numpy().astype(np.float64)
    assert q.shape == shape
    m = q.reshape(-1, shape[-1])
    rows, cols = m.shape
    if rows >= cols:
        np.testing.assert_allclose(m.T @ m, np.eye(cols), atol=1e-5)
    else:
        np.testing.assert_allclose(m @ m.T, np.eye(rows), atol=1e-5)


def test_orthogonal_gain_and_errors():
    q = I.Orthogonal(gain=3.0, seed=1)((4, 4)).numpy().astype(np.float64)
    np.testing.assert_allclose(q.T @ q, 9 * np.eye(4), atol=1e-4)
    with pytest.raises(ShapeError, match="Orthogonal.*2D"):
        I.Orthogonal()((5,))


ALL_RANDOM = [I.RandomUniform, I.RandomNormal, I.TruncatedNormal, I.VarianceScaling, I.GlorotUniform,
              I.GlorotNormal, I.HeUniform, I.HeNormal, I.LecunUniform, I.LecunNormal, I.Orthogonal]


@pytest.mark.parametrize("cls", ALL_RANDOM)
def test_seeded_initializers_repeat_and_unseeded_draw_fresh(cls):
    a = cls(seed=42)((4, 5)).numpy()
    b = cls(seed=42)((4, 5)).numpy()
    init = cls(seed=42)
    c, d = init((4, 5)).numpy(), init((4, 5)).numpy()
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(c, d)
    np.testing.assert_array_equal(a, c)
    assert not np.array_equal(a, cls(seed=43)((4, 5)).numpy())
    fresh = cls()
    assert not np.array_equal(fresh((4, 5)).numpy(), fresh((4, 5)).numpy())


def test_random_initializers_refuse_bad_dtype_shape_seed():
    with pytest.raises(DtypeError, match="RandomNormal"):
        I.RandomNormal()((2, 2), "int32")
    with pytest.raises(ShapeError, match="GlorotUniform"):
        I.GlorotUniform()((2, -1))
    with pytest.raises(ShapeError, match="Zeros"):
        I.Zeros()("abc")
    with pytest.raises(InvalidArgumentError, match="seed"):
        I.HeNormal(seed="x")


CONFIGS = [
    (I.Zeros(), {}),
    (I.Ones(), {}),
    (I.Constant(2.0), {"value": 2.0}),
    (I.RandomUniform(-1.0, 1.0, seed=3), {"seed": 3, "minval": -1.0, "maxval": 1.0}),
    (I.RandomNormal(0.5, 2.0), {"seed": None, "mean": 0.5, "stddev": 2.0}),
    (I.TruncatedNormal(stddev=0.2, seed=1), {"seed": 1, "mean": 0.0, "stddev": 0.2}),
    (I.Identity(2.0), {"gain": 2.0}),
    (I.VarianceScaling(2.0, "fan_out", "uniform", seed=9),
     {"seed": 9, "scale": 2.0, "mode": "fan_out", "distribution": "uniform", "input_axes": None,
      "output_axes": None}),
    (I.GlorotUniform(seed=4), {"seed": 4, "input_axes": None, "output_axes": None}),
    (I.GlorotNormal(), {"seed": None, "input_axes": None, "output_axes": None}),
    (I.HeUniform(), {"seed": None, "input_axes": None, "output_axes": None}),
    (I.HeNormal(seed=1), {"seed": 1, "input_axes": None, "output_axes": None}),
    (I.LecunUniform(), {"seed": None, "input_axes": None, "output_axes": None}),
    (I.LecunNormal(), {"seed": None, "input_axes": None, "output_axes": None}),
    (I.Orthogonal(gain=0.5, seed=2), {"seed": 2, "gain": 0.5}),
]


@pytest.mark.parametrize("init, config", CONFIGS, ids=lambda v: type(v).__name__)
def test_config_round_trips_in_both_forms(init, config):
    assert init.get_config() == config
    s = I.serialize(init)
    assert s == {"module": "keras.initializers", "class_name": type(init).__name__, "config": config,
                 "registered_name": None}
    for form in (s, {"class_name": type(init).__name__, "config": config}):
        back = I.deserialize(form)
        assert type(back) is type(init) and back.get_config() == config
        assert type(I.get(form)) is type(init)
    again = type(init).from_config(init.get_config())
    assert type(again) is type(init) and again.get_config() == config
    assert init.clone().get_config() == config


def test_get_on_every_identifier_form():
    assert I.get(None) is None
    for name, cls in [("glorot_uniform", I.GlorotUniform), ("GlorotUniform", I.GlorotUniform),
                      ("glorotUniform", I.GlorotUniform), ("he_normal", I.HeNormal), ("zeros", I.Zeros),
                      ("ones", I.Ones), ("zero", I.Zeros), ("one", I.Ones), ("uniform", I.RandomUniform),
                      ("normal", I.RandomNormal), ("random_normal", I.RandomNormal),
                      ("truncated_normal", I.TruncatedNormal), ("lecun_normal", I.LecunNormal),
                      ("LeCunNormal", I.LecunNormal), ("leCunUniform", I.LecunUniform),
                      ("orthogonal", I.Orthogonal), ("OrthogonalInitializer", I.Orthogonal),
                      ("identity", I.Identity), ("IdentityInitializer", I.Identity),
                      ("variance_scaling", I.VarianceScaling), ("constant", I.Constant)]:
        assert type(I.get(name)) is cls, name
    inst = I.HeUniform(seed=1)
    assert I.get(inst) is inst
    assert type(I.get(I.Ones)) is I.Ones

    def custom(shape, dtype="float32"):
        return tw.fill(shape, 4.0)
    assert I.get(custom) is custom
    # the TF.js form with Python-style keys, as in model.json files
    vs = I.get({"class_name": "VarianceScaling",
                "config": {"scale": 1.0, "mode": "fan_avg", "distribution": "uniform", "seed": None}})
    assert isinstance(vs, I.VarianceScaling) and vs.mode == "fan_avg"
    assert type(I.deserialize("he_uniform")) is I.HeUniform


def test_unknown_names_and_bad_configs_are_reported():
    with pytest.raises(InvalidArgumentError, match=r"unknown initializer 'glorot_unifrom'.*glorot_uniform"):
        I.get("glorot_unifrom")
    with pytest.raises(InvalidArgumentError, match=r"'Fancy'.*GlorotUniform.*register_class"):
        I.deserialize({"class_name": "Fancy", "config": {}})
    with pytest.raises(InvalidArgumentError, match="RandomNormal.from_config.*stdev"):
        I.deserialize({"class_name": "RandomNormal", "config": {"stdev": 1.0}})
    with pytest.raises(InvalidArgumentError, match="could not interpret"):
        I.get(3.5)


def test_custom_initializer_via_custom_objects_and_register_class():
    class Fives(I.Initializer):
        def __call__(self, shape, dtype="float32"):
            return tw.fill(shape, 5.0)
    got = I.deserialize({"class_name": "Fives", "config": {}}, custom_objects={"Fives": Fives})
    assert isinstance(got, Fives) and got((2,)).tolist() == [5.0, 5.0]
    tw.layers.serialization.register_class(Fives, package="test_init")
    s = I.serialize(Fives())
    assert s["registered_name"] == "test_init>Fives"
    assert isinstance(I.deserialize(s), Fives)


def test_fans_from_explicit_axes():
    assert I.compute_fans((3, 4, 5), input_axes=[0, 1], output_axes=[2]) == (12, 5)
