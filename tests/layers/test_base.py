"""Layer, Input, functional Model and Sequential: graph building, execution, weights and configs."""
import json

import numpy as np
import pytest

import tensorweb as tw
import tensorweb.layers as L
from tensorweb.errors import InvalidArgumentError, ShapeError


def dense_np(x, w, b, act=None):
    y = x @ w + b
    return np.maximum(y, 0) if act == "relu" else y


def test_functional_two_inputs_shared_layer_two_outputs():
    a, b = L.Input((3,), name="a"), L.Input((3,), name="b")
    shared = L.Dense(4, activation="relu", name="shared")
    ha, hb = shared(a), shared(b)
    out1 = L.Dense(2, name="out1")(ha)
    out2 = L.Dense(1, name="out2")(hb)
    model = L.Model([a, b], [out1, out2])
    assert [l.name for l in model.layers] == ["shared", "out1", "out2"]
    assert model.input_names == ["a", "b"] and model.output_names == ["out1", "out2"]
    xa, xb = np.random.default_rng(0).normal(size=(2, 2, 3)).astype(np.float32)
    y1, y2 = model([xa, xb])
    ws, bs = shared.get_weights()
    w1, b1 = model.get_layer("out1").get_weights()
    w2, b2 = model.get_layer("out2").get_weights()
    np.testing.assert_allclose(y1.numpy(), dense_np(dense_np(xa, ws, bs, "relu"), w1, b1), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(y2.numpy(), dense_np(dense_np(xb, ws, bs, "relu"), w2, b2), rtol=1e-5, atol=1e-6)
    by_name = model({"b": xb, "a": xa})
    np.testing.assert_allclose(by_name[0].numpy(), y1.numpy())
    assert model.count_params() == (3 * 4 + 4) + (4 * 2 + 2) + (4 + 1)


def test_nested_model_and_config_round_trip():
    inner_in = L.Input((3,))
    inner = L.Model(inner_in, L.Dense(2, activation="relu")(inner_in), name="inner")
    x = L.Input((3,))
    y = L.Dense(1)(inner(x))
    model = L.Model(x, y, name="outer")
    config = json.loads(json.dumps(model.get_config()))
    clone = L.Model.from_config(config)
    clone.set_weights(model.get_weights())
    data = np.arange(6, dtype=np.float32).reshape(2, 3) / 5
    np.testing.assert_allclose(clone(data).numpy(), model(data).numpy(), rtol=1e-6)
    assert [l.name for l in clone.layers] == [l.name for l in model.layers]


def test_sequential_input_shape_forms_and_round_trip():
    m1 = L.Sequential([L.Input((4,)), L.Dense(3), L.Dense(2)])
    m2 = L.Sequential([L.Dense(3, input_shape=(4,)), L.Dense(2)])
    m3 = L.Sequential([L.Dense(3), L.Dense(2)])
    assert m1.output_shape == m2.output_shape == (None, 2)
    assert not m3.built
    m3.build((None, 4))
    assert m3.output_shape == (None, 2) and m3.count_params() == 4 * 3 + 3 + 3 * 2 + 2
    config = m1.get_config()
    assert config["layers"][0]["class_name"] == "InputLayer" and config["build_input_shape"] == [None, 4]
    clone = L.Sequential.from_config(json.loads(json.dumps(config)))
    clone.set_weights(m1.get_weights())
    x = np.ones((2, 4), np.float32)
    np.testing.assert_allclose(clone(x).numpy(), m1(x).numpy(), rtol=1e-6)
    m1.pop()
    assert m1.output_shape == (None, 3)


def test_tfjs_style_functional_config_loads():
    """TF.js and tf.keras 2 write inbound_nodes as [[layer, node, tensor, kwargs]] lists."""
    config = {
        "name": "model_1",
        "layers": [
            {"class_name": "InputLayer", "name": "input_1",
             "config": {"batch_input_shape": [None, 2], "dtype": "float32", "sparse": False, "name": "input_1"},
             "inbound_nodes": []},
            {"class_name": "Dense", "name": "dense_A",
             "config": {"units": 3, "activation": "relu", "use_bias": True, "name": "dense_A", "trainable": True,
                        "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": None}},
                        "bias_initializer": {"class_name": "Zeros", "config": {}},
                        "kernel_regularizer": None, "bias_regularizer": None, "activity_regularizer": None,
                        "kernel_constraint": None, "bias_constraint": None},
             "inbound_nodes": [[["input_1", 0, 0, {}]]]},
        ],
        "input_layers": [["input_1", 0, 0]],
        "output_layers": [["dense_A", 0, 0]],
    }
    model = L.Model.from_config(config)
    assert model.output_shape == (None, 3) and model.layers[0].name == "dense_A"
    w = np.array([[1, -1, 2], [0.5, 1, -3]], np.float32)
    model.set_weights([w, np.array([0, 0, 1], np.float32)])
    np.testing.assert_allclose(model(np.array([[1.0, 2.0]], np.float32)).numpy(), [[2.0, 1.0, 0.0]])


class Scaler(L.Layer):
    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def build(self, input_shape):
        self.counter = self.add_weight((), "zeros", trainable=False, name="counter")
        self.scale = self.add_weight((input_shape[-1],), "ones", name="scale")

    def call(self, x):
        return x * self.scale * self.factor

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


def test_custom_layer_weights_order_trainable_and_registration():
    layer = Scaler(3.0)
    y = layer(np.ones((1, 2), np.float32))
    assert y.tolist() == [[3.0, 3.0]]
    # Keras 3's order: own trainable weights first, then non-trainable ones.
    assert layer.weight_paths() == [f"{layer.name}/scale", f"{layer.name}/counter"]
    assert [v.shape for v in layer.trainable_weights] == [(2,)]
    layer.trainable = False
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 2
    x = L.Input((2,))
    model = L.Model(x, Scaler(2.0, name="sc")(x))
    with pytest.raises(InvalidArgumentError, match="unknown layer class 'Scaler'.*register_class"):
        L.Model.from_config(model.get_config())
    L.register_class(Scaler)
    clone = L.Model.from_config(model.get_config())
    assert clone.get_layer("sc").factor == 2.0


def test_bad_inputs_name_layer_and_shapes():
    x = L.Input((4,))
    model = L.Model(x, L.Dense(2, name="d")(x))
    with pytest.raises(ShapeError, match=r"expects shape \[None, 4\], got \[2, 5\]"):
        model(np.ones((2, 5), np.float32))
    with pytest.raises(InvalidArgumentError, match="expects 1 input"):
        model([np.ones((1, 4)), np.ones((1, 4))])
    with pytest.raises(InvalidArgumentError, match="set_weights got 1 arrays"):
        model.get_layer("d").set_weights([np.ones((4, 2))])
    with pytest.raises(ShapeError, match=r"d/kernel has shape \[4, 2\] but set_weights got shape \[3, 2\]"):
        model.get_layer("d").set_weights([np.ones((3, 2)), np.ones(2)])
    with pytest.raises(InvalidArgumentError, match="no layer named 'nope'"):
        model.get_layer("nope")
    with pytest.raises(InvalidArgumentError, match="unexpected keyword"):
        L.Dense(2, unitz=3)


def test_model_gradients_flow_to_weights():
    x = L.Input((3,))
    model = L.Model(x, L.Dense(1)(L.Dense(4, activation="tanh")(x)))
    data = tw.tensor(np.random.default_rng(1).normal(size=(5, 3)).astype(np.float32))
    value, grads = tw.variable_grads(lambda: tw.mean(tw.square(model(data))), model.trainable_weights)
    assert len(grads) == 4 and all(np.isfinite(g.numpy()).all() for g in grads.values())
