"""Recurrent layers: RNN, SimpleRNN(Cell), GRU(Cell), LSTM(Cell), StackedRNNCells, ConvLSTM2D.

Checked against the Keras 3 fixtures (tests/layers/fixtures/keras_layers.*) and against step-by-step NumPy
implementations written here.
"""
import json

import numpy as np
import pytest

import tensorweb as tw
from tensorweb.errors import InvalidArgumentError, ShapeError
from tensorweb.layers import Input, Model, Sequential, rnn
from tensorweb.layers.base import Layer
from tensorweb.layers.serialization import deserialize, serialize
from tensorweb.testing import check_gradients, high_precision

from .keras_fixtures import keras_case, keras_cases

RNN_CLASSES = {"SimpleRNN", "GRU", "LSTM", "RNN", "ConvLSTM2D"}


# ---------------------------------------------------------------------------------------- NumPy references
def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def hard_sigmoid(x):  # Keras 3: relu6(x + 3) / 6
    return np.clip(x / 6.0 + 0.5, 0.0, 1.0)


def simple_rnn_step(x, states, w, act=np.tanh):
    k, rk = w[0], w[1]
    b = w[2] if len(w) > 2 else 0.0
    h = act(x @ k + states[0] @ rk + b)
    return h, [h]


def gru_step(x, states, w, reset_after=True, act=np.tanh, ract=sigmoid):
    k, rk = w[0], w[1]
    h = states[0]
    u = rk.shape[0]
    b = w[2] if len(w) > 2 else None
    ib = (b[0] if reset_after else b) if b is not None else np.zeros(3 * u)
    rb = b[1] if (b is not None and reset_after) else np.zeros(3 * u)
    xz, xr, xh = np.split(x @ k + ib, 3, axis=-1)
    z = ract(xz + h @ rk[:, :u] + rb[:u])
    r = ract(xr + h @ rk[:, u:2 * u] + rb[u:2 * u])
    if reset_after:
        hh = act(xh + r * (h @ rk[:, 2 * u:] + rb[2 * u:]))
    else:
        hh = act(xh + (r * h) @ rk[:, 2 * u:])
    h = z * h + (1 - z) * hh
    return h, [h]


def lstm_step(x, states, w, act=np.tanh, ract=sigmoid):
    k, rk = w[0], w[1]
    b = w[2] if len(w) > 2 else 0.0
    h, c = states
    i, f, g, o = np.split(x @ k + h @ rk + b, 4, axis=-1)
    c = ract(f) * c + ract(i) * act(g)
    h = ract(o) * act(c)
    return h, [h, c]


def run_rnn(step, x, states, mask=None, go_backwards=False, zero_output_for_mask=False):
    """Keras' loop: masked steps keep the previous states and output (zeros before any real step)."""
    B, T = x.shape[:2]
    order = range(T - 1, -1, -1) if go_backwards else range(T)
    prev = None
    outs = []
    for t in order:
        out, new = step(x[:, t], states)
        if mask is not None:
            m = mask[:, t].reshape((B,) + (1,) * (out.ndim - 1))
            new = [np.where(m.reshape((B,) + (1,) * (s.ndim - 1)), s, p) for s, p in zip(new, states)]
            fallback = np.zeros_like(out) if prev is None or zero_output_for_mask else prev
            out = np.where(m, out, fallback)
            prev = out
        states = new
        outs.append(out)
    return np.stack(outs, 1), outs[-1], states


def set_random_weights(layer, seed=0, scale=0.5):
    rng = np.random.default_rng(seed)
    ws = [rng.normal(0, scale, size=w.shape).astype(np.float32) for w in layer.get_weights()]
    layer.set_weights(ws)
    return ws


def rand(*shape, seed=1):
    return np.random.default_rng(seed).normal(size=shape).astype(np.float32)


# ------------------------------------------------------------------------------------------- fixtures
def _case_ids(classes):
    return [c["name"] for c in keras_cases(classes)]


def run_layer_case(name):
    case, arrays = keras_case(name)
    layer = deserialize({"class_name": case["class_name"], "config": case["config"], "module": case.get("module")},
                        "layer")
    inputs = {i["name"]: arrays[i["key"]] for i in case["inputs"]}
    args = [inputs[a] for a in case["call_args"]]
    layer(*args)
    assert layer.weight_paths() == case["weight_names"]
    layer.set_weights([arrays[k] for k in case["weights"]])
    out = layer(*args)
    outs = out if isinstance(out, list) else [out]
    assert ("list" if isinstance(out, list) else "single") == case["output_structure"]
    assert len(outs) == len(case["outputs"])
    for o, key in zip(outs, case["outputs"]):
        np.testing.assert_allclose(o.numpy(), arrays[key], rtol=1e-5, atol=1e-5)
    # the config round-trips and the layer describes itself as Keras does
    config = json.loads(json.dumps(layer.get_config(), default=list))
    expected = json.loads(json.dumps(case["config"]))
    assert config == expected
    # symbolic use gives the same shapes as the real outputs (batch unknown)
    sym = layer(Input(tuple(args[0].shape[1:])))
    sym = sym if isinstance(sym, list) else [sym]
    assert [list(s.shape[1:]) for s in sym] == [s[1:] for s in case["output_shapes"]]


@pytest.mark.parametrize("name", _case_ids(RNN_CLASSES))
def test_keras_fixture(name):
    run_layer_case(name)


def test_fixtures_present():
    assert len(_case_ids(RNN_CLASSES)) >= 15


def _model_case_layer(name, layer_name):
    case, arrays = keras_case(name)
    entry = next(l for l in case["config"]["layers"] if l["config"]["name"] == layer_name)
    return case, arrays, entry


@pytest.mark.parametrize("name,layer_name", [("model_embedding_mask_zero_lstm_seq", "lstm"),
                                             ("model_embedding_mask_zero_lstm_last", "lstm")])
def test_keras_fixture_embedding_mask(name, layer_name):
    """Embedding(mask_zero=True) -> LSTM in Keras; here the embedding lookup and mask are done in NumPy and
    the mask is passed to the LSTM directly."""
    case, arrays, entry = _model_case_layer(name, layer_name)
    ids = arrays[case["inputs"][0]["key"]]
    ws = [arrays[k] for k in case["weights"]]
    emb = ws[0][ids]
    mask = ids != 0
    np.testing.assert_array_equal(mask, arrays[case["layer_masks"]["embedding"]])
    layer = deserialize(entry, "layer")
    layer(emb)
    layer.set_weights(ws[1:])
    out = layer(emb, mask=tw.tensor(mask))
    np.testing.assert_allclose(out.numpy(), arrays[case["outputs"][0]], rtol=1e-5, atol=1e-5)


def test_keras_fixture_masking_gru_global_average():
    name = "model_masking_gru_global_avg"
    case, arrays, entry = _model_case_layer(name, "gru")
    x = arrays[case["inputs"][0]["key"]]
    mask = np.any(x != 0.0, axis=-1)
    np.testing.assert_array_equal(mask, arrays[case["layer_masks"]["masking"]])
    layer = deserialize(entry, "layer")
    layer(x)
    layer.set_weights([arrays[k] for k in case["weights"]])
    seq = layer(x * mask[..., None], mask=tw.tensor(mask)).numpy()
    m = mask[..., None].astype(np.float32)
    pooled = (seq * m).sum(1) / m.sum(1)
    np.testing.assert_allclose(pooled, arrays[case["outputs"][0]], rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("name", ["model_embedding_mask_zero_lstm_seq", "model_embedding_mask_zero_lstm_last",
                                  "model_masking_gru_global_avg"])
def test_keras_fixture_whole_model(name):
    """The whole Keras model from its config, when the other layers (Embedding, Masking, pooling) exist."""
    case, arrays = keras_case(name)
    model = Model.from_config(case["config"])
    model.set_weights([arrays[k] for k in case["weights"]])
    out = model(arrays[case["inputs"][0]["key"]])
    np.testing.assert_allclose(out.numpy(), arrays[case["outputs"][0]], rtol=1e-5, atol=1e-5)


# --------------------------------------------------------------------------------- values against NumPy
@pytest.mark.parametrize("go_backwards", [False, True])
@pytest.mark.parametrize("return_sequences", [False, True])
def test_simple_rnn_matches_numpy(go_backwards, return_sequences):
    x = rand(2, 5, 3)
    layer = rnn.SimpleRNN(4, return_sequences=return_sequences, go_backwards=go_backwards, return_state=True)
    layer(x)
    w = set_random_weights(layer)
    out, state = layer(x)
    seq, last, states = run_rnn(lambda xt, s: simple_rnn_step(xt, s, w), x, [np.zeros((2, 4))],
                                go_backwards=go_backwards)
    np.testing.assert_allclose(out.numpy(), seq if return_sequences else last, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(state.numpy(), states[0], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("reset_after", [True, False])
@pytest.mark.parametrize("use_bias", [True, False])
def test_gru_matches_numpy(reset_after, use_bias):
    x = rand(3, 6, 4)
    layer = rnn.GRU(5, reset_after=reset_after, use_bias=use_bias, return_sequences=True)
    layer(x)
    shapes = [tuple(v.shape) for v in layer.weights]
    assert shapes[:2] == [(4, 15), (5, 15)]
    if use_bias:
        assert shapes[2] == ((2, 15) if reset_after else (15,))
    else:
        assert len(shapes) == 2
    w = set_random_weights(layer)
    seq, _, _ = run_rnn(lambda xt, s: gru_step(xt, s, w, reset_after), x, [np.zeros((3, 5))])
    np.testing.assert_allclose(layer(x).numpy(), seq, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("go_backwards", [False, True])
def test_lstm_matches_numpy_with_initial_state(go_backwards):
    x = rand(2, 4, 3)
    h0, c0 = rand(2, 5, seed=2), rand(2, 5, seed=3)
    layer = rnn.LSTM(5, return_sequences=True, return_state=True, go_backwards=go_backwards)
    layer(x)
    w = set_random_weights(layer)
    seq, h, c = layer(x, initial_state=[h0, c0])
    ref_seq, _, (ref_h, ref_c) = run_rnn(lambda xt, s: lstm_step(xt, s, w), x, [h0, c0],
                                         go_backwards=go_backwards)
    np.testing.assert_allclose(seq.numpy(), ref_seq, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(h.numpy(), ref_h, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(c.numpy(), ref_c, rtol=1e-5, atol=1e-6)


def test_lstm_activations_and_no_bias():
    x = rand(2, 4, 3)
    layer = rnn.LSTM(3, activation="relu", recurrent_activation="hard_sigmoid", use_bias=False)
    layer(x)
    assert len(layer.weights) == 2
    w = set_random_weights(layer)
    _, last, _ = run_rnn(lambda xt, s: lstm_step(xt, s, w, act=lambda v: np.maximum(v, 0), ract=hard_sigmoid),
                         x, [np.zeros((2, 3)), np.zeros((2, 3))])
    np.testing.assert_allclose(layer(x).numpy(), last, rtol=1e-5, atol=1e-6)


MASK = np.array([[1, 1, 0, 1, 0, 0], [0, 0, 1, 1, 1, 0], [1, 1, 1, 1, 1, 1]], dtype=bool)


@pytest.mark.parametrize("kind", ["simple", "gru", "lstm"])
@pytest.mark.parametrize("go_backwards", [False, True])
def test_masked_timesteps_carry_state_and_output(kind, go_backwards):
    x = rand(3, 6, 2)
    cls, step, n = {"simple": (rnn.SimpleRNN, simple_rnn_step, 1), "gru": (rnn.GRU, gru_step, 1),
                    "lstm": (rnn.LSTM, lstm_step, 2)}[kind]
    layer = cls(3, return_sequences=True, return_state=True, go_backwards=go_backwards)
    layer(x)
    w = set_random_weights(layer)
    out = layer(x, mask=tw.tensor(MASK))
    seq, _, states = run_rnn(lambda xt, s: step(xt, s, w), x, [np.zeros((3, 3))] * n, mask=MASK,
                             go_backwards=go_backwards)
    np.testing.assert_allclose(out[0].numpy(), seq, rtol=1e-5, atol=1e-6)
    for got, ref in zip(out[1:], states):
        np.testing.assert_allclose(got.numpy(), ref, rtol=1e-5, atol=1e-6)
    # a float 0/1 mask means the same; zero_output_for_mask gives zeros at masked steps
    layer.zero_output_for_mask = True
    out = layer(x, mask=tw.tensor(MASK.astype(np.float32)))
    seq, _, _ = run_rnn(lambda xt, s: step(xt, s, w), x, [np.zeros((3, 3))] * n, mask=MASK,
                        go_backwards=go_backwards, zero_output_for_mask=True)
    np.testing.assert_allclose(out[0].numpy(), seq, rtol=1e-5, atol=1e-6)


class _ZeroMask(Layer):
    """Test helper: passes inputs through and masks the timesteps whose features are all zero."""
    supports_masking = True

    def compute_mask(self, inputs, mask=None):
        return tw.any(tw.not_equal(inputs, 0), -1)


def test_mask_propagates_through_functional_model():
    x = rand(3, 6, 2)
    x[~MASK] = 0.0
    inp = Input((6, 2))
    lstm = rnn.LSTM(3, return_sequences=True)
    gru = rnn.GRU(2)
    model = Model(inp, gru(lstm(_ZeroMask()(inp))))
    model(x)
    w1 = set_random_weights(lstm, seed=1)
    w2 = set_random_weights(gru, seed=2)
    seq, _, _ = run_rnn(lambda xt, s: lstm_step(xt, s, w1), x, [np.zeros((3, 3))] * 2, mask=MASK)
    _, last, _ = run_rnn(lambda xt, s: gru_step(xt, s, w2), seq, [np.zeros((3, 2))], mask=MASK)
    np.testing.assert_allclose(model(x).numpy(), last, rtol=1e-5, atol=1e-6)
    # without return_sequences the mask stops at the LSTM
    assert lstm.compute_mask(None, tw.tensor(MASK)) is not None
    assert gru.compute_mask(None, tw.tensor(MASK)) is None
    state_masks = rnn.LSTM(2, return_state=True, return_sequences=True).compute_mask(None, tw.tensor(MASK))
    assert len(state_masks) == 3 and state_masks[1] is None and state_masks[2] is None


def test_stacked_cells_match_numpy_and_return_flat_states():
    x = rand(2, 5, 3)
    cells = [rnn.SimpleRNNCell(3, name="a"), rnn.GRUCell(2, reset_after=False, name="b"), rnn.LSTMCell(4, name="c")]
    layer = rnn.RNN(cells, return_sequences=True, return_state=True, name="stack")
    assert isinstance(layer.cell, rnn.StackedRNNCells)
    out = layer(x)
    assert [tuple(o.shape) for o in out] == [(2, 5, 4), (2, 3), (2, 2), (2, 4), (2, 4)]
    assert layer.weight_paths() == [f"stack/{layer.cell.name}/{c}/{w}" for c in "abc"
                                    for w in ("kernel", "recurrent_kernel", "bias")]
    w = set_random_weights(layer)

    def step(xt, s):
        h1, (a,) = simple_rnn_step(xt, [s[0]], w[0:3])
        h2, (b,) = gru_step(h1, [s[1]], w[3:6], reset_after=False)
        h3, (h, c) = lstm_step(h2, [s[2], s[3]], w[6:9])
        return h3, [a, b, h, c]
    zeros = [np.zeros((2, 3)), np.zeros((2, 2)), np.zeros((2, 4)), np.zeros((2, 4))]
    seq, _, states = run_rnn(step, x, zeros, mask=MASK[:2, :5])
    out = layer(x, mask=tw.tensor(MASK[:2, :5]))
    np.testing.assert_allclose(out[0].numpy(), seq, rtol=1e-5, atol=1e-6)
    for got, ref in zip(out[1:], states):
        np.testing.assert_allclose(got.numpy(), ref, rtol=1e-5, atol=1e-6)


class _MinimalCell(Layer):
    """A user cell written against Keras' cell API (no fast path)."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.state_size = units

    def build(self, input_shape):
        self.kernel = self.add_weight((input_shape[-1], self.units), name="kernel")
        self.recurrent_kernel = self.add_weight((self.units, self.units), name="recurrent_kernel")

    def call(self, inputs, states):
        out = tw.add(tw.mat_mul(inputs, self.kernel), tw.mat_mul(states[0], self.recurrent_kernel))
        return out, [out]


def test_custom_cell_and_stacked_custom_cell():
    x = rand(2, 4, 3)
    layer = rnn.RNN(_MinimalCell(3, name="minimal"), return_sequences=True, name="custom")
    layer(x)
    assert layer.weight_paths() == ["custom/minimal/kernel", "custom/minimal/recurrent_kernel"]
    w = set_random_weights(layer)
    seq, _, _ = run_rnn(lambda xt, s: simple_rnn_step(xt, s, w, act=lambda v: v), x, [np.zeros((2, 3))])
    np.testing.assert_allclose(layer(x).numpy(), seq, rtol=1e-5, atol=1e-6)
    stacked = rnn.RNN([rnn.LSTMCell(2), _MinimalCell(3)])
    assert tuple(stacked(x).shape) == (2, 3)


def test_cells_called_directly():
    x = rand(2, 3)
    h = rand(2, 4, seed=2)
    for cell, step, states in [(rnn.SimpleRNNCell(4), simple_rnn_step, [h]),
                               (rnn.GRUCell(4), gru_step, [h]),
                               (rnn.LSTMCell(4), lstm_step, [h, rand(2, 4, seed=3)])]:
        cell(x, [tw.tensor(s) for s in states])
        w = set_random_weights(cell)
        out, new = cell(x, [tw.tensor(s) for s in states])
        ref_out, ref_new = step(x, states, w)
        np.testing.assert_allclose(out.numpy(), ref_out, rtol=1e-5, atol=1e-6)
        assert len(new) == len(ref_new)
        for a, b in zip(new, ref_new):
            np.testing.assert_allclose(a.numpy(), b, rtol=1e-5, atol=1e-6)
    # a single (unlisted) state comes back unlisted, as in Keras
    out, new = rnn.SimpleRNNCell(2)(x, tw.zeros([2, 2]))
    assert isinstance(new, tw.Tensor)


def test_keras2_list_inputs_with_initial_states():
    x = rand(2, 4, 3)
    h0, c0 = rand(2, 2, seed=4), rand(2, 2, seed=5)
    layer = rnn.LSTM(2)
    a = layer([x, h0, c0]).numpy()
    b = layer(x, initial_state=[h0, c0]).numpy()
    np.testing.assert_allclose(a, b)


# ------------------------------------------------------------------------------------------- ConvLSTM2D
def conv2d_nhwc(x, k, stride=(1, 1), padding="valid"):
    B, H, W, C = x.shape
    kh, kw, _, F = k.shape
    if padding == "same":
        oh, ow = -(-H // stride[0]), -(-W // stride[1])
        ph = max((oh - 1) * stride[0] + kh - H, 0)
        pw = max((ow - 1) * stride[1] + kw - W, 0)
        x = np.pad(x, ((0, 0), (ph // 2, ph - ph // 2), (pw // 2, pw - pw // 2), (0, 0)))
    else:
        oh, ow = (H - kh) // stride[0] + 1, (W - kw) // stride[1] + 1
    out = np.zeros((B, oh, ow, F))
    for i in range(oh):
        for j in range(ow):
            patch = x[:, i * stride[0]:i * stride[0] + kh, j * stride[1]:j * stride[1] + kw, :]
            out[:, i, j, :] = np.tensordot(patch, k, axes=([1, 2, 3], [0, 1, 2]))
    return out


@pytest.mark.parametrize("kernel_size,strides,padding", [((3, 3), (1, 1), "valid"), ((3, 2), (1, 1), "same"),
                                                         ((2, 2), (2, 2), "valid")])
def test_conv_lstm2d_matches_numpy(kernel_size, strides, padding):
    x = rand(2, 3, 5, 4, 2)
    layer = rnn.ConvLSTM2D(3, kernel_size, strides=strides, padding=padding, return_sequences=True,
                           return_state=True, name="clstm")
    out = layer(x)
    assert layer.weight_paths() == ["clstm/conv_lstm_cell/kernel", "clstm/conv_lstm_cell/recurrent_kernel",
                                    "clstm/conv_lstm_cell/bias"]
    assert [tuple(v.shape) for v in layer.weights] == [(*kernel_size, 2, 12), (*kernel_size, 3, 12), (12,)]
    w = set_random_weights(layer)

    def step(xt, s):
        h, c = s
        z = conv2d_nhwc(xt, w[0], strides, padding) + conv2d_nhwc(h, w[1], (1, 1), "same") + w[2]
        i, f, g, o = np.split(z, 4, axis=-1)
        c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
        h = sigmoid(o) * np.tanh(c)
        return h, [h, c]
    state_shape = tuple(out[1].shape)
    assert tuple(layer.compute_output_shape((None, 3, 5, 4, 2))[1]) == (None, *state_shape[1:])
    seq, _, (h, c) = run_rnn(step, x, [np.zeros(state_shape)] * 2)
    out = layer(x)
    np.testing.assert_allclose(out[0].numpy(), seq, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(out[2].numpy(), c, rtol=1e-5, atol=1e-5)


def test_conv_lstm2d_errors():
    with pytest.raises(InvalidArgumentError, match="channels_last"):
        rnn.ConvLSTM2D(2, 3, data_format="channels_first")
    with pytest.raises(InvalidArgumentError, match="padding"):
        rnn.ConvLSTM2D(2, 3, padding="causal")
    with pytest.raises(InvalidArgumentError, match="dilation_rate"):
        rnn.ConvLSTM2D(2, 3, strides=2, dilation_rate=2)
    with pytest.raises(ShapeError, match=r"rank 5.*\[2, 3, 4\]"):
        rnn.ConvLSTM2D(2, 3)(np.zeros((2, 3, 4), np.float32))


# ------------------------------------------------------------------------------------- weights & config
def test_weight_names_shapes_and_forget_bias():
    x = rand(2, 3, 4)
    lstm = rnn.LSTM(3, name="lstm")
    lstm(x)
    assert lstm.weight_paths() == ["lstm/lstm_cell/kernel", "lstm/lstm_cell/recurrent_kernel", "lstm/lstm_cell/bias"]
    assert [tuple(v.shape) for v in lstm.weights] == [(4, 12), (3, 12), (12,)]
    np.testing.assert_array_equal(lstm.cell.bias.numpy(), [0] * 3 + [1] * 3 + [0] * 6)
    no_forget = rnn.LSTM(3, unit_forget_bias=False)
    no_forget(x)
    np.testing.assert_array_equal(no_forget.cell.bias.numpy(), np.zeros(12))
    rk = lstm.cell.recurrent_kernel.numpy()  # orthogonal
    np.testing.assert_allclose(rk @ rk.T, np.eye(3), atol=1e-5)
    simple = rnn.SimpleRNN(2, name="my_rnn")
    simple(x)
    assert simple.weight_paths() == ["my_rnn/simple_rnn_cell/kernel", "my_rnn/simple_rnn_cell/recurrent_kernel",
                                     "my_rnn/simple_rnn_cell/bias"]
    assert simple.count_params() == 4 * 2 + 2 * 2 + 2
    frozen = rnn.GRU(2, trainable=False)
    frozen(x)
    assert frozen.trainable_weights == [] and len(frozen.non_trainable_weights) == 3


def test_defaults_are_keras3():
    gru = rnn.GRU(2)
    assert gru.reset_after is True
    assert gru.recurrent_activation is tw.layers.activations.sigmoid
    assert gru.activation is tw.layers.activations.tanh
    assert rnn.LSTM(2).recurrent_activation is tw.layers.activations.sigmoid
    assert rnn.LSTM(2).unit_forget_bias is True
    assert rnn.LSTMCell(2).state_size == [2, 2] and rnn.GRUCell(2).state_size == 2


@pytest.mark.parametrize("make", [
    lambda: rnn.SimpleRNN(3, activation="relu", return_sequences=True, go_backwards=True, dropout=0.1),
    lambda: rnn.GRU(2, reset_after=False, return_state=True, kernel_regularizer="l2", seed=3),
    lambda: rnn.LSTM(4, unit_forget_bias=False, recurrent_constraint="non_neg", recurrent_dropout=0.2),
    lambda: rnn.RNN([rnn.SimpleRNNCell(3), rnn.LSTMCell(2)], return_sequences=True, zero_output_for_mask=True),
    lambda: rnn.RNN(rnn.GRUCell(2, reset_after=False), unroll=True),
    lambda: rnn.ConvLSTM2D(2, (3, 2), padding="same", return_sequences=True, strides=1),
])
def test_config_round_trip(make):
    layer = make()
    config = layer.get_config()
    again = type(layer).from_config(config)
    assert again.get_config() == config
    via = deserialize(json.loads(json.dumps(serialize(layer), default=list)), "layer")
    assert type(via) is type(layer)
    assert json.loads(json.dumps(via.get_config(), default=list)) == json.loads(json.dumps(config, default=list))
    assert "cell" not in config or isinstance(layer, rnn.RNN) and type(layer) is rnn.RNN


def test_keras_config_keys():
    config = rnn.LSTM(3).get_config()
    for key in ("units", "activation", "recurrent_activation", "use_bias", "unit_forget_bias", "return_sequences",
                "return_state", "go_backwards", "stateful", "unroll", "zero_output_for_mask", "dropout",
                "recurrent_dropout", "seed", "activity_regularizer", "kernel_initializer"):
        assert key in config
    assert config["recurrent_activation"] == "sigmoid"
    assert "seed" not in rnn.SimpleRNN(2).get_config()  # as Keras' SimpleRNN.get_config
    assert rnn.GRU(2).get_config()["reset_after"] is True


def test_tfjs_style_config():
    """TF.js / tf.keras 2 configs: batch_input_shape, implementation, explicit hard_sigmoid, cell configs."""
    config = {"units": 3, "activation": "tanh", "recurrent_activation": "hard_sigmoid", "use_bias": True,
              "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": None}},
              "recurrent_initializer": {"class_name": "Orthogonal", "config": {"gain": 1, "seed": None}},
              "bias_initializer": {"class_name": "Zeros", "config": {}}, "unit_forget_bias": True,
              "kernel_regularizer": None, "recurrent_regularizer": None, "bias_regularizer": None,
              "activity_regularizer": None, "kernel_constraint": None, "recurrent_constraint": None,
              "bias_constraint": None, "dropout": 0, "recurrent_dropout": 0, "implementation": 2,
              "return_sequences": False, "return_state": False, "go_backwards": False, "stateful": False,
              "unroll": False, "name": "lstm_tfjs", "trainable": True, "batch_input_shape": [None, 5, 2],
              "dtype": "float32"}
    layer = deserialize({"class_name": "LSTM", "config": config}, "layer")
    assert layer.recurrent_activation is tw.layers.activations.hard_sigmoid
    model = Sequential([layer])
    assert tuple(model(rand(2, 5, 2)).shape) == (2, 3)
    cell_rnn = deserialize({"class_name": "RNN", "config": {
        "cell": {"class_name": "StackedRNNCells", "config": {"cells": [
            {"class_name": "GRUCell", "config": {"units": 2, "reset_after": False, "implementation": 1}},
            {"class_name": "SimpleRNNCell", "config": {"units": 3}}]}},
        "return_sequences": True}}, "layer")
    assert tuple(cell_rnn(rand(2, 5, 2)).shape) == (2, 5, 3)


# ----------------------------------------------------------------------------------- functional / shapes
@pytest.mark.parametrize("make,in_shape", [
    (lambda: rnn.LSTM(4, return_sequences=True, return_state=True), (5, 3)),
    (lambda: rnn.GRU(3, return_state=True), (None, 3)),
    (lambda: rnn.SimpleRNN(2), (5, 3)),
    (lambda: rnn.RNN([rnn.LSTMCell(3), rnn.SimpleRNNCell(2)], return_state=True), (5, 3)),
    (lambda: rnn.ConvLSTM2D(2, 2, strides=2, return_sequences=True, return_state=True), (3, 5, 4, 2)),
])
def test_functional_shapes_match_compute_output_shape(make, in_shape):
    layer = make()
    inp = Input(in_shape)
    out = layer(inp)
    expected = layer.compute_output_shape((None, *in_shape))
    outs = out if isinstance(out, list) else [out]
    exp = expected if isinstance(expected, list) else [expected]
    assert [tuple(o.shape) for o in outs] == [tuple(e) for e in exp]
    model = Model(inp, out)
    x = rand(2, *[4 if d is None else d for d in in_shape])
    real = model(x)
    real = real if isinstance(real, list) else [real]
    assert [tuple(r.shape)[1:] for r in real] == [tuple(4 if d is None else d for d in e[1:]) for e in exp]


def test_functional_initial_state_inputs():
    inp, h0, c0 = Input((4, 3)), Input((2,)), Input((2,))
    layer = rnn.LSTM(2, return_sequences=True)
    model = Model([inp, h0, c0], layer(inp, initial_state=[h0, c0]))
    x, h, c = rand(2, 4, 3), rand(2, 2, seed=7), rand(2, 2, seed=8)
    np.testing.assert_allclose(model([x, h, c]).numpy(), layer(x, initial_state=[h, c]).numpy(), rtol=1e-6)
    assert tuple(model.output_shape) == (None, 4, 2)


def test_sequential_stack_gradients_reach_every_weight():
    model = Sequential([Input((4, 3)), rnn.LSTM(3, return_sequences=True), rnn.GRU(2)])
    x = rand(5, 4, 3)
    assert tuple(model(x).shape) == (5, 2)
    variables = model.trainable_weights
    value, grads = tw.variable_grads(lambda: tw.sum(tw.square(model(x))), variables)
    assert len(grads) == len(variables) == 6 and float(value.numpy()) > 0


# ---------------------------------------------------------------------------------------------- dropout
def test_dropout_masks_fixed_per_sequence_and_inference_unchanged():
    # identity kernel, zero recurrence, linear activation: each output step shows the input dropout mask
    layer = rnn.SimpleRNN(6, activation="linear", use_bias=False, dropout=0.5, return_sequences=True, seed=7)
    x = np.ones((4, 5, 6), np.float32)
    layer(x)
    layer.set_weights([np.eye(6, dtype=np.float32), np.zeros((6, 6), np.float32)])
    out = layer(x, training=True).numpy()
    assert set(np.unique(out)) <= {0.0, 2.0}
    for t in range(1, 5):
        np.testing.assert_array_equal(out[:, t], out[:, 0])
    assert 0 < (out == 0).mean() < 1
    np.testing.assert_array_equal(layer(x).numpy(), x)  # inference: no dropout
    np.testing.assert_array_equal(layer(x, training=False).numpy(), x)
    assert layer.cell._dropout_mask is None  # masks are drawn anew for each call


@pytest.mark.parametrize("make", [lambda: rnn.GRU(3, dropout=0.3, recurrent_dropout=0.3),
                                  lambda: rnn.GRU(3, dropout=0.3, reset_after=False, recurrent_dropout=0.2),
                                  lambda: rnn.LSTM(3, dropout=0.3),
                                  lambda: rnn.LSTM(3, recurrent_dropout=0.4),
                                  lambda: rnn.RNN([rnn.LSTMCell(2, dropout=0.5), rnn.GRUCell(2, recurrent_dropout=.5)]),
                                  lambda: rnn.ConvLSTM2D(2, 2, dropout=0.2, recurrent_dropout=0.2)])
def test_dropout_changes_training_output_only(make):
    layer = make()
    x = rand(2, 3, 4, 4, 2) if isinstance(layer, rnn.ConvLSTM2D) else rand(2, 5, 4)
    base = layer(x).numpy()
    np.testing.assert_array_equal(layer(x, training=False).numpy(), base)
    trained = layer(x, training=True).numpy()
    assert trained.shape == base.shape and not np.allclose(trained, base)


def test_dropout_rates_are_clipped_like_keras():
    assert rnn.LSTM(2, dropout=1.5).dropout == 1.0
    assert rnn.GRU(2, recurrent_dropout=-1).recurrent_dropout == 0.0


# -------------------------------------------------------------------------------------------- gradients
def _grad_layer(layer, x_shape, seed=3):
    """Builds the layer with float64-backed weights (check_gradients computes in float64)."""
    with high_precision():
        layer(np.zeros(x_shape, np.float32))
        set_random_weights(layer, seed=seed, scale=0.4)
    return layer


@pytest.mark.parametrize("make", [
    lambda: rnn.SimpleRNN(2, return_sequences=True),
    lambda: rnn.GRU(2, return_sequences=True),
    lambda: rnn.GRU(2, reset_after=False, go_backwards=True),
    lambda: rnn.LSTM(2, return_sequences=True),
])
def test_gradients_wrt_inputs(make):
    layer = _grad_layer(make(), (2, 3, 2))
    check_gradients(lambda x: layer(x), [rand(2, 3, 2, seed=9)], rtol=1e-4, atol=1e-5)


def test_gradients_with_mask_and_initial_state():
    layer = _grad_layer(rnn.LSTM(2, return_sequences=True), (2, 4, 2))
    mask = tw.tensor(np.array([[1, 0, 1, 1], [0, 1, 1, 0]], bool))
    check_gradients(lambda x, h, c: layer(x, initial_state=[h, c], mask=mask),
                    [rand(2, 4, 2, seed=1), rand(2, 2, seed=2), rand(2, 2, seed=3)], rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("make", [lambda: rnn.GRU(2), lambda: rnn.LSTM(2, go_backwards=True)])
def test_gradients_wrt_recurrent_kernel(make):
    layer = _grad_layer(make(), (2, 3, 2))
    x = rand(2, 3, 2, seed=4)
    cell = layer.cell
    saved = cell.recurrent_kernel

    def through_rk(r):  # the layer computes with r in place of its recurrent kernel
        cell.recurrent_kernel = r
        try:
            return layer(x)
        finally:
            cell.recurrent_kernel = saved
    check_gradients(through_rk, [saved.numpy()], rtol=1e-4, atol=1e-5)


def test_gradients_conv_lstm2d():
    layer = _grad_layer(rnn.ConvLSTM2D(1, 2, padding="same"), (1, 2, 3, 3, 1))
    check_gradients(lambda x: layer(x), [rand(1, 2, 3, 3, 1, seed=5)], rtol=1e-4, atol=1e-5)


def test_variable_grads_reach_all_weights():
    layer = rnn.RNN([rnn.LSTMCell(2), rnn.GRUCell(2)])
    x = tw.tensor(rand(2, 3, 2))
    layer(x)
    _, grads = tw.variable_grads(lambda: tw.sum(layer(x)), layer.trainable_weights)
    assert len(grads) == 6
    assert all(float(tw.sum(tw.abs(g)).numpy()) > 0 for g in grads.values())


# ----------------------------------------------------------------------------------------------- errors
def test_errors():
    with pytest.raises(InvalidArgumentError, match="stateful=True is not supported"):
        rnn.LSTM(2, stateful=True)
    with pytest.raises(InvalidArgumentError, match="units must be a positive integer"):
        rnn.GRU(0)
    with pytest.raises(InvalidArgumentError, match="call"):
        rnn.RNN(object())
    with pytest.raises(InvalidArgumentError, match="state_size"):
        rnn.RNN(Layer())
    with pytest.raises(InvalidArgumentError, match="use_cudnn"):
        rnn.LSTM(2, use_cudnn="maybe")
    layer = rnn.LSTM(2, name="seq")
    with pytest.raises(ShapeError, match=r"LSTM 'seq'.*rank 3.*\[2, 3\]"):
        layer(np.zeros((2, 3), np.float32))
    layer(rand(2, 3, 4))
    with pytest.raises(ShapeError, match=r"LSTM 'seq'.*\[None, None, 4\].*\[2, 3, 5\]"):
        layer(rand(2, 3, 5))
    with pytest.raises(InvalidArgumentError, match="expected 2 initial state"):
        layer(rand(2, 3, 4), initial_state=[tw.zeros([2, 2])])
    with pytest.raises(ShapeError, match=r"initial state 1 should have shape \[2, 2\], got shape \[2, 3\]"):
        layer(rand(2, 3, 4), initial_state=[tw.zeros([2, 2]), tw.zeros([2, 3])])
    with pytest.raises(ShapeError, match=r"mask should have shape \[2, 3\]"):
        layer(rand(2, 3, 4), mask=tw.ones([2, 4], "bool"))
    with pytest.raises(ShapeError, match="no timesteps"):
        layer(np.zeros((2, 0, 4), np.float32))
    with pytest.raises(InvalidArgumentError, match="StackedRNNCells"):
        rnn.StackedRNNCells([])
    with pytest.raises(ShapeError, match=r"SimpleRNNCell .*\[None, 3\].*\[2, 4\]"):
        cell = rnn.SimpleRNNCell(2)
        cell(rand(2, 3), [tw.zeros([2, 2])])
        cell(rand(2, 4), [tw.zeros([2, 2])])
