"""Wrappers: TimeDistributed and Bidirectional, against the Keras 3 fixtures and NumPy written here."""
import json

import numpy as np
import pytest

import tensorweb as tw
from tensorweb.errors import InvalidArgumentError, ShapeError
from tensorweb.layers import Input, Model, core, rnn, wrappers
from tensorweb.layers.base import Layer
from tensorweb.layers.serialization import deserialize, serialize
from tensorweb.testing import check_gradients, high_precision

from .keras_fixtures import keras_case, keras_cases



# ---------------------------------------------------------------------------------------- NumPy references
def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def lstm_step(x, states, w):
    h, c = states
    i, f, g, o = np.split(x @ w[0] + h @ w[1] + w[2], 4, axis=-1)
    c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
    h = sigmoid(o) * np.tanh(c)
    return h, [h, c]


def gru_step(x, states, w):  # reset_after=True
    h = states[0]
    u = w[1].shape[0]
    xz, xr, xh = np.split(x @ w[0] + w[2][0], 3, axis=-1)
    rz, rr, rh = np.split(h @ w[1] + w[2][1], 3, axis=-1)
    z, r = sigmoid(xz + rz), sigmoid(xr + rr)
    h = z * h + (1 - z) * np.tanh(xh + r * rh)
    assert h.shape[-1] == u
    return h, [h]


def simple_step(x, states, w):
    h = np.tanh(x @ w[0] + states[0] @ w[1] + w[2])
    return h, [h]


def run_rnn(step, x, states, mask=None, go_backwards=False, zero_output_for_mask=False):
    B, T = x.shape[:2]
    prev, outs = None, []
    for t in (range(T - 1, -1, -1) if go_backwards else range(T)):
        out, new = step(x[:, t], states)
        if mask is not None:
            m = mask[:, t][:, None]
            new = [np.where(m, s, p) for s, p in zip(new, states)]
            out = np.where(m, out, np.zeros_like(out) if prev is None or zero_output_for_mask else prev)
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


@pytest.mark.parametrize("name", _case_ids({"TimeDistributed", "Bidirectional"}))
def test_keras_fixture(name):
    case, arrays = keras_case(name)
    layer = deserialize({"class_name": case["class_name"], "config": case["config"]}, "layer")
    x = arrays[case["inputs"][0]["key"]]
    layer(x)
    assert layer.weight_paths() == case["weight_names"]
    layer.set_weights([arrays[k] for k in case["weights"]])
    out = layer(x)
    outs = out if isinstance(out, list) else [out]
    assert ("list" if isinstance(out, list) else "single") == case["output_structure"]
    assert len(outs) == len(case["outputs"])
    for o, key in zip(outs, case["outputs"]):
        np.testing.assert_allclose(o.numpy(), arrays[key], rtol=1e-5, atol=1e-5)
    config = json.loads(json.dumps(layer.get_config(), default=list))
    assert config == json.loads(json.dumps(case["config"]))
    sym = layer(Input(x.shape[1:]))
    sym = sym if isinstance(sym, list) else [sym]
    assert [list(s.shape[1:]) for s in sym] == [s[1:] for s in case["output_shapes"]]


def test_keras_fixture_bidirectional_masked():
    """Embedding(mask_zero=True) -> Bidirectional(SimpleRNN(return_sequences)) in Keras; the embedding
    lookup and mask are done in NumPy here."""
    name = "model_embedding_mask_zero_bidirectional_simple_rnn"
    case, arrays = keras_case(name)
    entry = next(l for l in case["config"]["layers"] if l["config"]["name"] == "bidir")
    ids = arrays[case["inputs"][0]["key"]]
    ws = [arrays[k] for k in case["weights"]]
    emb, mask = ws[0][ids], ids != 0
    layer = deserialize(entry, "layer")
    layer(emb)
    assert layer.weight_paths() == case["weight_names"][1:]
    layer.set_weights(ws[1:])
    out = layer(emb, mask=tw.tensor(mask))
    np.testing.assert_allclose(out.numpy(), arrays[case["outputs"][0]], rtol=1e-5, atol=1e-5)
    assert layer.compute_mask(None, tw.tensor(mask)) is not None


# ------------------------------------------------------------------------------------------ TimeDistributed
def test_time_distributed_dense_matches_numpy():
    x = rand(2, 4, 3)
    td = wrappers.TimeDistributed(core.Dense(5, activation="relu", name="inner"), name="td")
    out = td(x)
    assert tuple(out.shape) == (2, 4, 5)
    assert td.weight_paths() == ["td/inner/kernel", "td/inner/bias"]
    k, b = set_random_weights(td)
    np.testing.assert_allclose(td(x).numpy(), np.maximum(x @ k + b, 0), rtol=1e-5, atol=1e-6)
    assert td.compute_output_shape((None, 4, 3)) == (None, 4, 5)


def test_time_distributed_of_rank4_and_nested_wrappers():
    x = rand(2, 3, 4, 5)
    td = wrappers.TimeDistributed(wrappers.TimeDistributed(core.Dense(2)))
    assert tuple(td(x).shape) == (2, 3, 4, 2)
    k, b = set_random_weights(td)
    np.testing.assert_allclose(td(x).numpy(), x @ k + b, rtol=1e-5, atol=1e-6)


class _Summed(Layer):
    """Test helper without compute_output_shape (the wrapper must infer the shape) that records masks."""

    def call(self, inputs, mask=None):
        self.seen_mask = mask
        return tw.sum(inputs, -1, True)


def test_time_distributed_mask_and_inferred_shape():
    inner = _Summed()
    td = wrappers.TimeDistributed(inner)
    x = rand(2, 3, 4)
    assert td.compute_output_shape((None, 3, 4)) == (None, 3, 1)
    mask = tw.tensor(np.array([[1, 0, 1], [1, 1, 0]], bool))
    out = td(x, mask=mask)
    np.testing.assert_allclose(out.numpy(), x.sum(-1, keepdims=True), rtol=1e-6)
    np.testing.assert_array_equal(inner.seen_mask.numpy(), mask.numpy().reshape(-1))
    assert td.compute_mask(x, mask) is mask  # the mask passes through
    inner.seen_mask = None


def test_time_distributed_functional_and_config():
    inp = Input((None, 3))
    td = wrappers.TimeDistributed(core.Dense(4))
    out = td(inp)
    assert tuple(out.shape) == (None, None, 4)
    model = Model(inp, out)
    assert tuple(model(rand(2, 6, 3)).shape) == (2, 6, 4)
    config = td.get_config()
    assert config["layer"]["class_name"] == "Dense"
    assert config["layer"]["build_config"] == {"input_shape": [None, 3]}
    again = wrappers.TimeDistributed.from_config(config)
    again(Input((None, 3)))
    assert again.get_config() == config
    via = deserialize(json.loads(json.dumps(serialize(td))), "layer")
    assert isinstance(via, wrappers.TimeDistributed) and via.layer.units == 4


def test_time_distributed_gradient():
    with high_precision():
        td = wrappers.TimeDistributed(core.Dense(2, activation="tanh"))
        td(np.zeros((2, 3, 2), np.float32))
        set_random_weights(td)
    check_gradients(lambda x: td(x), [rand(2, 3, 2)], rtol=1e-4, atol=1e-5)


def test_time_distributed_errors():
    with pytest.raises(InvalidArgumentError, match="TimeDistributed: layer must be"):
        wrappers.TimeDistributed("dense")
    td = wrappers.TimeDistributed(core.Dense(2), name="tdx")
    with pytest.raises(ShapeError, match=r"TimeDistributed 'tdx'.*rank >= 3.*\[2, 3\]"):
        td(np.zeros((2, 3), np.float32))
    td(np.zeros((2, 3, 4), np.float32))
    with pytest.raises(ShapeError, match="mask"):
        wrappers.TimeDistributed(_Summed())(rand(2, 3, 4), mask=tw.ones([3, 3], "bool"))


# -------------------------------------------------------------------------------------------- Bidirectional
@pytest.mark.parametrize("merge_mode", ["concat", "sum", "mul", "ave", None])
def test_bidirectional_lstm_merge_modes(merge_mode):
    x = rand(2, 5, 3)
    bi = wrappers.Bidirectional(rnn.LSTM(3, return_sequences=True, name="lstm"), merge_mode=merge_mode,
                                name="bi")
    bi(x)
    assert bi.weight_paths() == [f"bi/{d}_lstm/lstm_cell/{w}" for d in ("forward", "backward")
                                 for w in ("kernel", "recurrent_kernel", "bias")]
    w = set_random_weights(bi)
    zeros = [np.zeros((2, 3))] * 2
    fw, _, _ = run_rnn(lambda xt, s: lstm_step(xt, s, w[:3]), x, zeros)
    bw, _, _ = run_rnn(lambda xt, s: lstm_step(xt, s, w[3:]), x, zeros, go_backwards=True)
    bw = bw[:, ::-1]
    expected = {"concat": np.concatenate([fw, bw], -1), "sum": fw + bw, "mul": fw * bw, "ave": (fw + bw) / 2,
                None: None}[merge_mode]
    out = bi(x)
    if merge_mode is None:
        np.testing.assert_allclose(out[0].numpy(), fw, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(out[1].numpy(), bw, rtol=1e-5, atol=1e-6)
    else:
        np.testing.assert_allclose(out.numpy(), expected, rtol=1e-5, atol=1e-6)
    shape = bi.compute_output_shape((None, 5, 3))
    got = [tuple(o.shape) for o in (out if isinstance(out, list) else [out])]
    assert [tuple(s[1:]) for s in (shape if isinstance(shape, list) else [shape])] == [g[1:] for g in got]


def test_bidirectional_return_state_order_and_initial_state():
    x = rand(2, 4, 3)
    bi = wrappers.Bidirectional(rnn.LSTM(2, return_state=True))
    bi(x)
    w = set_random_weights(bi)
    init = [rand(2, 2, seed=s) for s in (11, 12, 13, 14)]
    out = bi(x, initial_state=init)
    assert len(out) == 5
    _, fw_last, (fh, fc) = run_rnn(lambda xt, s: lstm_step(xt, s, w[:3]), x, init[:2])
    _, bw_last, (bh, bc) = run_rnn(lambda xt, s: lstm_step(xt, s, w[3:]), x, init[2:], go_backwards=True)
    np.testing.assert_allclose(out[0].numpy(), np.concatenate([fw_last, bw_last], -1), rtol=1e-5, atol=1e-6)
    for got, ref in zip(out[1:], [fh, fc, bh, bc]):
        np.testing.assert_allclose(got.numpy(), ref, rtol=1e-5, atol=1e-6)
    assert bi.compute_output_shape((None, 4, 3)) == [(None, 4), (None, 2), (None, 2), (None, 2), (None, 2)]
    masks = bi.compute_mask(None, tw.ones([2, 4], "bool"))
    assert masks == [None] * 5


def test_bidirectional_mask_zeroes_masked_outputs():
    x = rand(2, 5, 2)
    mask = np.array([[1, 1, 1, 0, 0], [0, 1, 1, 1, 1]], bool)
    bi = wrappers.Bidirectional(rnn.GRU(2, return_sequences=True), merge_mode=None)
    bi(x)
    assert bi.forward_layer.zero_output_for_mask and bi.backward_layer.zero_output_for_mask
    w = set_random_weights(bi)
    out = bi(x, mask=tw.tensor(mask))
    fw, _, _ = run_rnn(lambda xt, s: gru_step(xt, s, w[:3]), x, [np.zeros((2, 2))], mask=mask,
                       zero_output_for_mask=True)
    bw, _, _ = run_rnn(lambda xt, s: gru_step(xt, s, w[3:]), x, [np.zeros((2, 2))], mask=mask,
                       go_backwards=True, zero_output_for_mask=True)
    np.testing.assert_allclose(out[0].numpy(), fw, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(out[1].numpy(), bw[:, ::-1], rtol=1e-5, atol=1e-6)
    m = bi.compute_mask(None, tw.tensor(mask))
    assert len(m) == 2 and m[0] is not None


def test_bidirectional_custom_backward_layer():
    x = rand(2, 4, 3)
    backward = rnn.SimpleRNN(2, go_backwards=True, return_sequences=True, name="back")
    bi = wrappers.Bidirectional(rnn.SimpleRNN(2, return_sequences=True, name="fwd"), backward_layer=backward,
                                merge_mode="sum", name="b2")
    bi(x)
    assert bi.backward_layer is backward
    assert bi.weight_paths()[3:] == ["b2/back/simple_rnn_cell/kernel", "b2/back/simple_rnn_cell/recurrent_kernel",
                                     "b2/back/simple_rnn_cell/bias"]
    assert bi.forward_layer.name == "forward_fwd"
    w = set_random_weights(bi)
    fw, _, _ = run_rnn(lambda xt, s: simple_step(xt, s, w[:3]), x, [np.zeros((2, 2))])
    bw, _, _ = run_rnn(lambda xt, s: simple_step(xt, s, w[3:]), x, [np.zeros((2, 2))], go_backwards=True)
    np.testing.assert_allclose(bi(x).numpy(), fw + bw[:, ::-1], rtol=1e-5, atol=1e-6)


def test_bidirectional_config_round_trip_and_weights_argument():
    bi = wrappers.Bidirectional(rnn.GRU(2, return_sequences=True), merge_mode="ave")
    config = bi.get_config()
    assert config["layer"]["config"]["name"].startswith("forward_")
    assert config["backward_layer"]["config"]["go_backwards"] is True
    again = wrappers.Bidirectional.from_config(json.loads(json.dumps(config)))
    assert json.loads(json.dumps(again.get_config())) == json.loads(json.dumps(config))
    assert again.forward_layer.name == bi.forward_layer.name
    # TF.js form: no backward_layer, and the initial weights given as `weights`
    x = rand(2, 3, 4)
    ref = wrappers.Bidirectional(rnn.LSTM(2))
    ref(x)
    ws = set_random_weights(ref)
    tfjs = deserialize({"class_name": "Bidirectional", "config": {
        "layer": {"class_name": "LSTM", "config": {"units": 2, "name": "lstm_js"}}, "merge_mode": "concat",
        "name": "bidi_js", "trainable": True}}, "layer")
    loaded = wrappers.Bidirectional(rnn.LSTM(2), weights=ws)
    np.testing.assert_allclose(loaded(x).numpy(), ref(x).numpy(), rtol=1e-6)
    assert tuple(tfjs(x).shape) == (2, 4)


def test_bidirectional_functional_with_states():
    inp = Input((5, 3))
    bi = wrappers.Bidirectional(rnn.LSTM(2, return_sequences=True, return_state=True), merge_mode=None)
    outs = bi(inp)
    assert [tuple(o.shape) for o in outs] == [(None, 5, 2), (None, 5, 2)] + [(None, 2)] * 4
    model = Model(inp, outs)
    real = model(rand(3, 5, 3))
    assert [tuple(r.shape) for r in real] == [(3, 5, 2), (3, 5, 2)] + [(3, 2)] * 4


def test_bidirectional_gradient():
    with high_precision():
        bi = wrappers.Bidirectional(rnn.GRU(2, return_sequences=True))
        bi(np.zeros((2, 3, 2), np.float32))
        set_random_weights(bi, scale=0.4)
    check_gradients(lambda x: bi(x), [rand(2, 3, 2)], rtol=1e-4, atol=1e-5)


def test_bidirectional_errors():
    with pytest.raises(InvalidArgumentError, match="merge_mode"):
        wrappers.Bidirectional(rnn.LSTM(2), merge_mode="max")
    with pytest.raises(InvalidArgumentError, match="Layer instance"):
        wrappers.Bidirectional("lstm")
    with pytest.raises(InvalidArgumentError, match="recurrent layer"):
        wrappers.Bidirectional(core.Dense(2))
    with pytest.raises(InvalidArgumentError, match="go_backwards"):
        wrappers.Bidirectional(rnn.LSTM(2), backward_layer=rnn.LSTM(2))
    with pytest.raises(InvalidArgumentError, match="return_sequences"):
        wrappers.Bidirectional(rnn.LSTM(2), backward_layer=rnn.LSTM(2, go_backwards=True, return_sequences=True))
    bi = wrappers.Bidirectional(rnn.LSTM(2))
    with pytest.raises(InvalidArgumentError, match="even number"):
        bi(rand(2, 3, 4), initial_state=[tw.zeros([2, 2])] * 3)
