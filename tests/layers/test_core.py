"""Core layers: Dense, Activation, Identity, Embedding, Masking, EinsumDense, Lambda."""

import numpy as np
import pytest

import tensorweb as tw
import tensorweb.layers as L
from tensorweb.errors import InvalidArgumentError, ShapeError
from tensorweb.layers import core
from tensorweb.testing import check_gradients

from .keras_fixtures import round_trip, run_keras_case, symbolic_matches, with_weight


# ---- against Keras ------------------------------------------------------------------------------------------
KERAS_CASES = ["dense_default", "dense_relu", "dense_nobias_3d_input", "dense_softmax_3d_input", "masking",
               "masking_value_-1", "embedding", "embedding_mask_zero", "einsum_dense_2d", "einsum_dense_3d_relu",
               "einsum_dense_split_heads"] + [
    f"activation_{a}" for a in ["linear", "relu", "relu6", "sigmoid", "tanh", "softmax", "log_softmax", "elu",
                                "selu", "softplus", "softsign", "swish", "silu", "gelu", "mish", "hard_sigmoid",
                                "hard_silu", "exponential", "leaky_relu"]]


@pytest.mark.parametrize("name", KERAS_CASES)
def test_matches_keras(name):
    run_keras_case(name)


# ---- against NumPy ------------------------------------------------------------------------------------------
def test_dense_values_and_any_rank():
    rng = np.random.default_rng(0)
    layer = core.Dense(3, activation="relu")
    x = rng.normal(size=(2, 4, 5)).astype(np.float32)
    y = layer(x).numpy()
    w, b = layer.get_weights()
    np.testing.assert_allclose(y, np.maximum(x @ w + b, 0), rtol=1e-5, atol=1e-6)
    assert layer.weight_paths() == [f"{layer.name}/kernel", f"{layer.name}/bias"]


def test_activation_and_identity():
    x = np.linspace(-3, 3, 12, dtype=np.float32).reshape(3, 4)
    np.testing.assert_allclose(core.Activation("tanh")(x).numpy(), np.tanh(x), rtol=1e-6)
    np.testing.assert_allclose(core.Activation(lambda t: tw.mul(t, 2.0))(x).numpy(), 2 * x)
    np.testing.assert_array_equal(core.Identity()(x).numpy(), x)
    assert core.Identity().compute_mask(None, "m") == "m"


def test_embedding_gather_mask_and_float_indices():
    layer = core.Embedding(6, 3, mask_zero=True)
    ids = np.array([[1, 0, 5], [2, 2, 0]], dtype=np.int32)
    y = layer(ids).numpy()
    table = layer.get_weights()[0]
    np.testing.assert_array_equal(y, table[ids])
    assert np.abs(table).max() <= 0.05  # Keras' 'uniform' initializer: U(-0.05, 0.05)
    np.testing.assert_array_equal(layer.compute_mask(tw.tensor(ids)).numpy(), ids != 0)
    np.testing.assert_array_equal(layer(ids.astype(np.float32)).numpy(), y)
    assert layer.compute_output_shape((None, 3)) == (None, 3, 3)
    assert core.Embedding(6, 3).compute_mask(tw.tensor(ids)) is None
    # tf.keras 2 / TF.js configs may carry input_length and batch_input_shape
    old = core.Embedding.from_config({"input_dim": 6, "output_dim": 2, "input_length": 3,
                                      "batch_input_shape": [None, 3], "name": "emb_old"})
    assert old(ids).shape == (2, 3, 2)


def test_masking_values_and_mask():
    x = np.array([[[0, 0], [1, 0], [0, 0]], [[2, 3], [0, 0], [-1, -1]]], dtype=np.float32)
    layer = core.Masking(mask_value=-1.0)
    keep = np.any(x != -1.0, axis=-1)
    np.testing.assert_array_equal(layer(x).numpy(), x * keep[..., None])
    np.testing.assert_array_equal(layer.compute_mask(tw.tensor(x)).numpy(), keep)
    np.testing.assert_array_equal(core.Masking()(x).numpy(), x)  # masked steps are already 0


def test_einsum_dense_values_weights_and_ellipsis():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(2, 4, 5)).astype(np.float32)
    layer = core.EinsumDense("abc,cde->abde", output_shape=(None, 2, 3), bias_axes="de", activation="relu")
    y = layer(x).numpy()
    k, b = layer.get_weights()
    assert k.shape == (5, 2, 3) and b.shape == (2, 3)
    np.testing.assert_allclose(y, np.maximum(np.einsum("abc,cde->abde", x, k) + b, 0), rtol=1e-5, atol=1e-6)
    left = core.EinsumDense("...b,bc->...c", output_shape=3, bias_axes="c")
    y = left(x).numpy()
    k, b = left.get_weights()
    assert y.shape == (2, 4, 3) and left.compute_output_shape((None, 4, 5)) == (None, 4, 3)
    np.testing.assert_allclose(y, x @ k + b, rtol=1e-5, atol=1e-6)
    right = core.EinsumDense("ab...,bc->ac...", output_shape=3, bias_axes="c")
    y = right(np.transpose(x, (0, 2, 1))).numpy()
    k, b = right.get_weights()
    assert b.shape == (3, 1) and y.shape == (2, 3, 4)
    np.testing.assert_allclose(y, np.einsum("abx,bc->acx", np.transpose(x, (0, 2, 1)), k) + b, rtol=1e-5,
                               atol=1e-6)
    nobias = core.EinsumDense("ab,bc->ac", output_shape=4)
    nobias(x[:, 0])
    assert [p.split("/")[-1] for p in nobias.weight_paths()] == ["kernel"]


def test_einsum_dense_glorot_fans_from_axes():
    layer = core.EinsumDense("abc,cde->abde", output_shape=(None, 2, 3))
    layer(np.zeros((1, 2, 40), np.float32))
    limit = np.sqrt(6.0 / (40 + 6))  # fan_in = c, fan_out = d * e
    k = layer.get_weights()[0]
    assert np.abs(k).max() <= limit and np.abs(k).max() > 0.8 * limit


def test_lambda_calls_function_and_refuses_config():
    layer = core.Lambda(lambda t, k: tw.mul(t, k), arguments={"k": 3.0})
    np.testing.assert_allclose(layer(np.ones((2, 2), np.float32)).numpy(), 3 * np.ones((2, 2)))
    with pytest.raises(InvalidArgumentError, match="Lambda"):
        layer.get_config()


# ---- configs ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("make", [
    lambda: core.Dense(3, activation="tanh", use_bias=False, kernel_regularizer="l2"),
    lambda: core.Activation("softmax"),
    lambda: core.Identity(),
    lambda: core.Embedding(7, 2, mask_zero=True, embeddings_initializer="glorot_uniform"),
    lambda: core.Masking(-2.0),
    lambda: core.EinsumDense("abc,cd->abd", output_shape=(None, 3), bias_axes="d", activation="relu"),
])
def test_config_round_trip(make):
    round_trip(make())


def test_keras_config_keys():
    config = core.EinsumDense("ab,bc->ac", 4, bias_axes="c").get_config()
    assert config["output_shape"] == [4] and config["activation"] == "linear" and config["bias_axes"] == "c"
    config = core.Embedding(10, 4).get_config()
    assert config["embeddings_initializer"]["class_name"] == "RandomUniform"
    assert config["mask_zero"] is False and "quantization_config" in config


# ---- functional use -----------------------------------------------------------------------------------------
def test_symbolic_shapes():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(2, 4, 5)).astype(np.float32)
    symbolic_matches(core.Dense(3), (4, 5), x)
    symbolic_matches(core.Activation("relu"), (4, 5), x)
    symbolic_matches(core.Masking(), (4, 5), x)
    symbolic_matches(core.Identity(), (4, 5), x)
    symbolic_matches(core.EinsumDense("abc,cde->abde", output_shape=(None, 2, 3), bias_axes="e"), (4, 5), x)
    ids = np.array([[1, 2, 0], [3, 0, 0]], dtype=np.int32)
    symbolic_matches(core.Embedding(5, 2), (3,), ids, dtype="int32")


class _MaskEcho(L.Layer):
    supports_masking = True

    def call(self, inputs, mask=None):
        if mask is None:  # (shape inference runs without masks)
            return inputs
        return tw.mul(inputs, tw.expand_dims(tw.cast(mask, "float32"), -1))


def test_masks_flow_through_a_model():
    ids = L.Input((4,), dtype="int32")
    e = core.Embedding(5, 2, mask_zero=True)
    out = _MaskEcho()(core.Activation("linear")(e(ids)))
    model = L.Model(ids, out)
    data = np.array([[1, 0, 3, 0], [4, 4, 0, 2]], dtype=np.int32)
    table = e.get_weights()[0]
    np.testing.assert_allclose(model(data).numpy(), table[data] * (data != 0)[..., None])
    x = L.Input((3, 2))
    out = _MaskEcho()(core.Masking()(x))
    model = L.Model(x, out)
    data = np.array([[[1, 2], [0, 0], [3, 0]]], dtype=np.float32)
    np.testing.assert_array_equal(model(data).numpy(), data)


# ---- gradients ----------------------------------------------------------------------------------------------
def test_gradients_through_inputs_and_weights():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(2, 3)).astype(np.float32)
    dense = core.Dense(2, activation="tanh")
    dense(x)
    check_gradients(lambda t: dense(t), [x])
    check_gradients(with_weight(dense, "kernel", x), [dense.get_weights()[0]])
    ed = core.EinsumDense("abc,cd->abd", output_shape=(None, 2), bias_axes="d")
    x3 = rng.normal(size=(2, 2, 3)).astype(np.float32)
    ed(x3)
    check_gradients(lambda t: ed(t), [x3])
    check_gradients(with_weight(ed, "kernel", x3), [ed.get_weights()[0]])
    emb = core.Embedding(4, 2)
    ids = np.array([[1, 3, 1]], dtype=np.int32)
    emb(ids)
    g = check_gradients(with_weight(emb, "embeddings", ids), [emb.get_weights()[0]])[0]
    assert np.all(g[[0, 2]] == 0)  # unused rows get no gradient
    m = core.Masking()
    xm = np.array([[[0.5, 1.0], [0, 0]]], dtype=np.float32)
    check_gradients(lambda t: m(t), [xm + np.float32(0.1)])


# ---- errors -------------------------------------------------------------------------------------------------
def test_bad_inputs_and_arguments():
    dense = core.Dense(2)
    dense(np.zeros((1, 3), np.float32))
    with pytest.raises(ShapeError, match=r"Dense .*last dimension 3.*\[1, 4\]"):
        dense(np.zeros((1, 4), np.float32))
    with pytest.raises(InvalidArgumentError, match="Dense: units"):
        core.Dense(0)
    with pytest.raises(InvalidArgumentError, match="Embedding: input_dim"):
        core.Embedding(0, 3)
    with pytest.raises(InvalidArgumentError, match="EinsumDense.*invalid einsum equation"):
        core.EinsumDense("ab->b", 3)(np.zeros((1, 2), np.float32))
    with pytest.raises(ShapeError, match="EinsumDense.*shared dimension 'b'"):
        core.EinsumDense("abc,cd->abd", output_shape=(5, 2))(np.zeros((1, 4, 3), np.float32))
    ed = core.EinsumDense("abc,cd->abd", output_shape=(None, 2))
    ed(np.zeros((1, 4, 3), np.float32))
    with pytest.raises(ShapeError, match=r"EinsumDense .*rank 3.*\[1, 3\]"):
        ed(np.zeros((1, 3), np.float32))
    with pytest.raises(InvalidArgumentError, match="activation"):
        core.Activation("no_such_activation")
