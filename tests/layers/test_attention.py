"""MultiHeadAttention: Keras fixtures, an independent NumPy attention, masks, weight structure, configs,
functional use, gradients and errors."""
import json

import numpy as np
import pytest

from tensorweb.errors import InvalidArgumentError, ShapeError
from tensorweb.layers import attention as A
from tensorweb.layers.core import EinsumDense, Embedding
from tensorweb.layers.functional import Input, Model
from tensorweb.layers.serialization import deserialize, serialize
from tensorweb.testing import check_gradients, high_precision

from .keras_fixtures import keras_arrays, keras_cases



_CASES = keras_cases({"MultiHeadAttention"})


@pytest.mark.parametrize("case", _CASES, ids=[c["name"] for c in _CASES])
def test_matches_keras_fixture(case):
    arrays = keras_arrays()
    layer = deserialize({"class_name": case["class_name"], "config": case["config"]}, "layer")
    named = {i["name"]: arrays[i["key"]] for i in case["inputs"]}
    args = [named[a] for a in case["call_args"]]
    kwargs = {k: named[v] for k, v in case["call_kwargs"].items()}
    kwargs.update(case["call_literal_kwargs"])
    layer(*args, **kwargs)  # build
    assert layer.weight_paths() == case["weight_names"]
    layer.set_weights([arrays[k] for k in case["weights"]])
    out = layer(*args, **kwargs)
    outs = list(out) if isinstance(out, tuple) else [out]
    assert [list(o.shape) for o in outs] == case["output_shapes"]
    for o, k in zip(outs, case["outputs"]):
        np.testing.assert_allclose(o.numpy(), arrays[k], rtol=1e-5, atol=1e-5)
    assert json.loads(json.dumps(layer.get_config())) == case["config"]
    assert layer.get_build_config() == case["build_config"]
    shapes = [a.shape for a in args]
    assert tuple(layer.compute_output_shape(*shapes)) == tuple(case["output_shapes"][0])


# ---- independent NumPy ---------------------------------------------------------------------------------

def np_softmax(x, axes):
    x = x - x.max(axis=axes, keepdims=True)
    e = np.exp(x)
    return e / e.sum(axis=axes, keepdims=True)


def np_mha(layer, q, v, k=None, mask=None, zero_masked=True):
    """Multi-head attention over rank-3 inputs (B, T, d) and (B, S, d), written with plain matrix products:
    returns (output, scores (B, heads, T, S)). mask: (B, T, S) booleans."""
    k = v if k is None else k
    w = {p.split("/", 1)[1]: a for p, a in zip(layer.weight_paths(), layer.get_weights())}
    qb, kb, vb = (w.get(f"{n}/bias", 0.0) for n in ("query", "key", "value"))
    Q = np.einsum("btd,dhk->bthk", q, w["query/kernel"]) + qb
    K = np.einsum("bsd,dhk->bshk", k, w["key/kernel"]) + kb
    V = np.einsum("bsd,dhk->bshk", v, w["value/kernel"]) + vb
    logits = np.einsum("bthk,bshk->bhts", Q, K) / np.sqrt(Q.shape[-1])
    if mask is not None:
        m = mask[:, None]
        logits = np.where(m, logits, -1e9)
    p = np_softmax(logits, -1)
    if mask is not None and zero_masked:
        p = np.where(m, p, 0.0)
    heads = np.einsum("bhts,bshv->bthv", p, V)
    out = np.einsum("bthv,hvo->bto", heads, w["attention_output/kernel"]) + w.get("attention_output/bias", 0.0)
    return out, p


def _rand(rng, *shape):
    return rng.normal(size=shape).astype(np.float32)


def _randomize(layer, rng):
    layer.set_weights([_rand(rng, *w.shape) * 0.5 for w in layer.weights])


def test_weight_structure_matches_keras():
    mha = A.MultiHeadAttention(num_heads=3, key_dim=4, value_dim=5, output_shape=7, name="mha")
    q, v, k = np.zeros((2, 4, 6), np.float32), np.zeros((2, 5, 8), np.float32), np.zeros((2, 5, 9), np.float32)
    mha(q, v, k)
    assert mha.weight_paths() == ["mha/query/kernel", "mha/query/bias", "mha/key/kernel", "mha/key/bias",
                                  "mha/value/kernel", "mha/value/bias", "mha/attention_output/kernel",
                                  "mha/attention_output/bias"]
    assert [tuple(w.shape) for w in mha.weights] == [(6, 3, 4), (3, 4), (9, 3, 4), (3, 4), (8, 3, 5), (3, 5),
                                                     (3, 5, 7), (7,)]
    assert all(isinstance(l, EinsumDense) for l in (mha.query_dense, mha.key_dense, mha.value_dense,
                                                   mha.output_dense))
    assert mha.query_dense.equation == "abc,cde->abde" and mha.output_dense.equation == "abcd,cde->abe"
    assert mha.count_params() == 6 * 12 + 12 + 9 * 12 + 12 + 8 * 15 + 15 + 15 * 7 + 7
    gated = A.MultiHeadAttention(2, 3, use_bias=False, use_gate=True, name="g")
    gated(q, v)
    assert gated.weight_paths() == ["g/query/kernel", "g/key/kernel", "g/gate/kernel", "g/value/kernel",
                                    "g/attention_output/kernel"]


@pytest.mark.parametrize("kwargs", [{}, {"value_dim": 2, "output_shape": 4}, {"use_bias": False}])
def test_against_numpy(kwargs):
    rng = np.random.default_rng(0)
    q, v, k = _rand(rng, 2, 4, 6), _rand(rng, 2, 5, 6), _rand(rng, 2, 5, 3)
    mha = A.MultiHeadAttention(num_heads=2, key_dim=3, **kwargs)
    mha(q, v, k)
    _randomize(mha, rng)
    out, scores = mha(q, v, k, return_attention_scores=True)
    ref_out, ref_scores = np_mha(mha, q, v, k)
    np.testing.assert_allclose(out.numpy(), ref_out, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(scores.numpy(), ref_scores, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(mha(q, v, k).numpy(), ref_out, rtol=1e-5, atol=1e-5)


def test_masks_causal_and_fully_masked_rows():
    rng = np.random.default_rng(1)
    q, v = _rand(rng, 2, 4, 6), _rand(rng, 2, 5, 6)
    mha = A.MultiHeadAttention(num_heads=2, key_dim=3)
    mha(q, v)
    _randomize(mha, rng)
    mask = rng.uniform(size=(2, 4, 5)) > 0.4
    mask[0, 1, :] = False  # a fully masked row
    mask[1, 2, :] = True
    # with the scores asked for, Keras' explicit softmax zeroes fully masked rows ...
    out, scores = mha(q, v, attention_mask=mask, return_attention_scores=True)
    ref_out, ref_scores = np_mha(mha, q, v, mask=mask)
    np.testing.assert_allclose(scores.numpy(), ref_scores, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(out.numpy(), ref_out, rtol=1e-5, atol=1e-5)
    # ... its fused path (no scores, no dropout) attends uniformly there instead
    ref_fused, _ = np_mha(mha, q, v, mask=mask, zero_masked=False)
    np.testing.assert_allclose(mha(q, v, attention_mask=mask).numpy(), ref_fused, rtol=1e-5, atol=1e-5)
    assert not np.allclose(ref_fused[0, 1], ref_out[0, 1])
    # causal: position t attends to s <= t; combined with an attention mask by AND
    causal = np.tril(np.ones((4, 5), bool))[None].repeat(2, 0)
    ref, _ = np_mha(mha, q, v, mask=causal)
    np.testing.assert_allclose(mha(q, v, use_causal_mask=True).numpy(), ref, rtol=1e-5, atol=1e-5)
    ref, ref_s = np_mha(mha, q, v, mask=causal & mask)
    out, s = mha(q, v, attention_mask=mask, use_causal_mask=True, return_attention_scores=True)
    np.testing.assert_allclose(s.numpy(), ref_s, rtol=1e-5, atol=1e-6)
    # value mask (B, S) and the query's Keras mask (B, T)
    vm = np.array([[1, 1, 0, 1, 1], [1, 0, 1, 1, 0]], bool)
    qm = np.array([[1, 1, 1, 0], [1, 1, 0, 1]], bool)
    ref, _ = np_mha(mha, q, v, mask=qm[:, :, None] & vm[:, None, :], zero_masked=False)
    np.testing.assert_allclose(mha(q, v, value_mask=vm, mask=qm).numpy(), ref, rtol=1e-5, atol=1e-5)
    # sliding window (|t - s| < 2)
    band = np.abs(np.arange(4)[:, None] - np.arange(5)[None]) < 2
    ref, _ = np_mha(mha, q, v, mask=np.broadcast_to(band, (2, 4, 5)))
    np.testing.assert_allclose(_with_weights(mha, q, v, sliding_window=2), ref, rtol=1e-5, atol=1e-5)


def _with_weights(src, q, v, **overrides):
    cfg = {**src.get_config(), **overrides, "name": None}
    layer = A.MultiHeadAttention.from_config(cfg)
    layer(q, v)
    layer.set_weights(src.get_weights())
    return layer(q, v).numpy()


def test_attention_axes_over_two_axes():
    rng = np.random.default_rng(2)
    q, v = _rand(rng, 2, 3, 4, 6), _rand(rng, 2, 3, 2, 6)
    mha = A.MultiHeadAttention(num_heads=2, key_dim=3, attention_axes=(1, 2))
    mha(q, v)
    _randomize(mha, rng)
    assert mha.attention_axes == (1, 2) and mha.get_config()["attention_axes"] == [1, 2]
    out, scores = mha(q, v, return_attention_scores=True)
    # NumPy: flatten the two attention axes into one sequence axis and run ordinary attention
    w = {p.split("/", 1)[1]: a for p, a in zip(mha.weight_paths(), mha.get_weights())}
    Q = np.einsum("bxyd,dhk->bxyhk", q, w["query/kernel"]) + w["query/bias"]
    K = np.einsum("bxyd,dhk->bxyhk", v, w["key/kernel"]) + w["key/bias"]
    V = np.einsum("bxyd,dhk->bxyhk", v, w["value/kernel"]) + w["value/bias"]
    Qf, Kf, Vf = Q.reshape(2, 12, 2, 3), K.reshape(2, 6, 2, 3), V.reshape(2, 6, 2, 3)
    p = np_softmax(np.einsum("bthk,bshk->bhts", Qf, Kf) / np.sqrt(3), -1)
    heads = np.einsum("bhts,bshv->bthv", p, Vf).reshape(2, 3, 4, 2, 3)
    ref = np.einsum("bxyhv,hvo->bxyo", heads, w["attention_output/kernel"]) + w["attention_output/bias"]
    np.testing.assert_allclose(out.numpy(), ref, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(scores.numpy(), p.reshape(2, 2, 3, 4, 3, 2), rtol=1e-5, atol=1e-6)
    # attention over axis 2 only: axis 1 is a batch axis
    mha2 = A.MultiHeadAttention(num_heads=2, key_dim=3, attention_axes=-2)
    mha2(q, v)
    mha2.set_weights(mha.get_weights())
    out2 = mha2(q, v).numpy()
    for i in range(3):
        ref_i, _ = np_mha(mha2, q[:, i], v[:, i])
        np.testing.assert_allclose(out2[:, i], ref_i, rtol=1e-5, atol=1e-5)


def test_dropout_only_in_training():
    rng = np.random.default_rng(3)
    q = _rand(rng, 2, 4, 6)
    mha = A.MultiHeadAttention(num_heads=2, key_dim=3, dropout=0.5, seed=1)
    mha(q, q)
    _randomize(mha, rng)
    ref, _ = np_mha(mha, q, q)
    np.testing.assert_allclose(mha(q, q).numpy(), ref, rtol=1e-5, atol=1e-5)
    _, scores = mha(q, q, training=True, return_attention_scores=True)
    trained = mha(q, q, training=True).numpy()
    assert trained.shape == ref.shape and not np.allclose(trained, ref)
    np.testing.assert_allclose(scores.numpy().sum(-1), 1.0, rtol=1e-5)  # the scores are before dropout


# ---- functional use, configs ---------------------------------------------------------------------------

def test_functional_masked_self_attention():
    rng = np.random.default_rng(4)
    inp = Input((5,), dtype="int32")
    emb = Embedding(10, 6, mask_zero=True)
    e = emb(inp)
    mha = A.MultiHeadAttention(num_heads=2, key_dim=3)
    out = mha(e, e)
    assert out.shape == (None, 5, 6)
    model = Model(inp, out)
    model.set_weights([_rand(rng, *w.shape) for w in model.weights])
    x = np.array([[1, 2, 3, 0, 0], [4, 5, 0, 6, 0]], np.int32)
    y = model(x).numpy()
    embedded = emb.embeddings.numpy()[x]
    keep = x != 0
    ref, _ = np_mha(mha, embedded, embedded, mask=keep[:, :, None] & keep[:, None, :], zero_masked=False)
    np.testing.assert_allclose(y, ref, rtol=1e-5, atol=1e-5)


def test_functional_cross_attention_shapes_and_scores():
    q_in, v_in = Input((4, 6)), Input((None, 8))
    mha = A.MultiHeadAttention(num_heads=2, key_dim=3, output_shape=(2, 5))
    out, scores = mha(q_in, v_in, return_attention_scores=True)
    assert out.shape == (None, 4, 2, 5) == tuple(mha.compute_output_shape(q_in.shape, v_in.shape))
    assert scores.shape[:3] == (None, 2, 4)
    model = Model([q_in, v_in], [out, scores])
    rng = np.random.default_rng(5)
    y, s = model([_rand(rng, 3, 4, 6), _rand(rng, 3, 7, 8)])
    assert y.shape == (3, 4, 2, 5) and s.shape == (3, 2, 4, 7)


@pytest.mark.parametrize("make", [
    lambda: A.MultiHeadAttention(2, 3),
    lambda: A.MultiHeadAttention(4, 2, value_dim=3, dropout=0.1, use_bias=False, output_shape=(2, 3),
                                 attention_axes=[1], kernel_initializer="he_normal", bias_regularizer="l2",
                                 kernel_constraint="max_norm", seed=3, sliding_window=4),
    lambda: A.MultiHeadAttention(1, 5, use_gate=True, activity_regularizer="l1"),
])
def test_config_round_trip_and_build_config(make):
    layer = make()
    config = json.loads(json.dumps(layer.get_config()))
    clone = A.MultiHeadAttention.from_config(config)
    assert json.loads(json.dumps(clone.get_config())) == config
    again = deserialize(json.loads(json.dumps(serialize(layer))), "layer")
    assert type(again) is A.MultiHeadAttention and again.get_config() == clone.get_config()
    q, v = np.zeros((1, 3, 4), np.float32), np.zeros((1, 2, 5), np.float32)
    layer(q, v)
    built = A.MultiHeadAttention.from_config(json.loads(json.dumps(layer.get_config())))
    built.build_from_config(layer.get_build_config())
    assert [tuple(w.shape) for w in built.weights] == [tuple(w.shape) for w in layer.weights]
    built.set_weights(layer.get_weights())
    np.testing.assert_allclose(built(q, v).numpy(), layer(q, v).numpy())


def test_initial_weights_argument():
    rng = np.random.default_rng(6)
    q = _rand(rng, 1, 3, 4)
    src = A.MultiHeadAttention(2, 2)
    src(q, q)
    _randomize(src, rng)
    dst = A.MultiHeadAttention(2, 2, weights=src.get_weights())
    np.testing.assert_allclose(dst(q, q).numpy(), src(q, q).numpy())


# ---- gradients -----------------------------------------------------------------------------------------

def _swap_grad_fn(sub, attr, call):
    def f(*xs):
        old = getattr(sub, attr)
        object.__setattr__(sub, attr, xs[-1])
        try:
            return call(*xs[:-1])
        finally:
            object.__setattr__(sub, attr, old)
    return f


def test_gradients():
    rng = np.random.default_rng(7)
    q, v = _rand(rng, 1, 3, 4), _rand(rng, 1, 2, 4)
    mask = np.array([[[1, 1], [1, 0], [0, 1]]], bool)
    with high_precision():
        mha = A.MultiHeadAttention(num_heads=2, key_dim=2, use_gate=True)
        mha(q, v)
        _randomize(mha, rng)
    check_gradients(lambda a, b: mha(a, b, attention_mask=mask), [q, v], rtol=1e-4, atol=1e-5)
    check_gradients(lambda a: mha(a, a, use_causal_mask=True), [q], rtol=1e-4, atol=1e-5)
    for sub, attr in ((mha.query_dense, "kernel"), (mha.value_dense, "bias"), (mha.output_dense, "kernel"),
                      (mha.key_dense, "kernel")):
        check_gradients(_swap_grad_fn(sub, attr, lambda a, b: mha(a, b)), [q, v, getattr(sub, attr).numpy()],
                        rtol=1e-4, atol=1e-5)


# ---- errors --------------------------------------------------------------------------------------------

def test_errors():
    with pytest.raises(InvalidArgumentError, match="MultiHeadAttention: num_heads"):
        A.MultiHeadAttention(0, 2)
    with pytest.raises(InvalidArgumentError, match="MultiHeadAttention: key_dim"):
        A.MultiHeadAttention(2, 2.5)
    with pytest.raises(InvalidArgumentError, match="MultiHeadAttention: attention_axes"):
        A.MultiHeadAttention(2, 2, attention_axes="1")
    mha = A.MultiHeadAttention(2, 2, name="att")
    q, v = np.zeros((2, 3, 4), np.float32), np.zeros((2, 5, 4), np.float32)
    with pytest.raises(ShapeError, match=r"MultiHeadAttention 'att'.*value and key.*\[2, 5, 4\].*\[2, 6, 4\]"):
        mha(q, v, np.zeros((2, 6, 4), np.float32))
    mha(q, v)
    with pytest.raises(ShapeError, match=r"MultiHeadAttention 'att'.*query of rank 3 with last dimension 4.*"
                                         r"got shape \[2, 3, 5\]"):
        mha(np.zeros((2, 3, 5), np.float32), v)
    with pytest.raises(ShapeError, match=r"MultiHeadAttention 'att'.*same batch size"):
        mha(q, np.zeros((3, 5, 4), np.float32))
    with pytest.raises(ShapeError, match=r"MultiHeadAttention 'att'.*mask.*\[2, 2, 3, 5\].*\[2, 1, 3, 4\]"):
        mha(q, v, attention_mask=np.ones((2, 3, 4), bool))
    with pytest.raises(ShapeError, match="MultiHeadAttention 'a2'.*rank 3 or more"):
        A.MultiHeadAttention(2, 2, name="a2")(np.zeros((2, 4), np.float32), np.zeros((2, 4), np.float32))
    with pytest.raises(ShapeError, match="MultiHeadAttention 'a3'.*attention_axes"):
        A.MultiHeadAttention(2, 2, attention_axes=2, name="a3")(q, v)
