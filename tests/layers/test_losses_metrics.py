"""Losses and metrics: values against NumPy formulas written here (Keras 3's, with its 1e-7 clipping), the
Keras 3 reductions with sample weights, name lookup, and stateful metrics accumulated over batches. A few
expected numbers (AUC, precision/recall, R2) were produced by the real Keras 3.15.1 (torch backend) on the
same data and are written here as literals."""
import numpy as np
import pytest

import tensorweb as tw
from tensorweb.errors import InvalidArgumentError, ShapeError
from tensorweb.layers import losses as L
from tensorweb.layers import metrics as M
from tensorweb.testing import check_gradients

EPS = 1e-7


def _data(seed=0, shape=(6, 4)):
    rng = np.random.default_rng(seed)
    yt = rng.random(shape).astype(np.float32)
    yp = rng.random(shape).astype(np.float32) * 0.98 + 0.01
    return yt, yp


def _np_softmax(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def _val(fn, *args, **kw):
    with tw.tidy():
        return fn(*args, **kw).numpy()


NUMPY_FORMULAS = {
    "mean_squared_error": lambda t, p: np.mean((t - p) ** 2, -1),
    "mean_absolute_error": lambda t, p: np.mean(np.abs(t - p), -1),
    "mean_absolute_percentage_error": lambda t, p: 100 * np.mean(np.abs((t - p) / np.maximum(np.abs(t), EPS)), -1),
    "mean_squared_logarithmic_error": lambda t, p: np.mean(
        (np.log(np.maximum(p, EPS) + 1) - np.log(np.maximum(t, EPS) + 1)) ** 2, -1),
    "log_cosh": lambda t, p: np.mean(np.log(np.cosh(p - t)), -1),
    "kl_divergence": lambda t, p: np.sum(np.clip(t, EPS, 1) * np.log(np.clip(t, EPS, 1) / np.clip(p, EPS, 1)), -1),
    "poisson": lambda t, p: np.mean(p - t * np.log(p + EPS), -1),
    "cosine_similarity": lambda t, p: -np.sum(t / np.linalg.norm(t, axis=-1, keepdims=True)
                                              * p / np.linalg.norm(p, axis=-1, keepdims=True), -1),
    "categorical_crossentropy": lambda t, p: -np.sum(
        t * np.log(np.clip(p / p.sum(-1, keepdims=True), EPS, 1 - EPS)), -1),
    "binary_crossentropy": lambda t, p: np.mean(
        -(t * np.log(np.clip(p, EPS, 1 - EPS)) + (1 - t) * np.log(1 - np.clip(p, EPS, 1 - EPS))), -1),
    "categorical_hinge": lambda t, p: np.maximum(np.max((1 - t) * p, -1) - np.sum(t * p, -1) + 1, 0),
}


@pytest.mark.parametrize("name", sorted(NUMPY_FORMULAS))
def test_loss_functions_match_numpy(name):
    yt, yp = _data()
    got = _val(getattr(L, name), yt, yp)
    np.testing.assert_allclose(got, NUMPY_FORMULAS[name](yt.astype(np.float64), yp.astype(np.float64)),
                               rtol=2e-5, atol=1e-6)
    assert got.shape == (6,)


def test_hinge_converts_binary_labels():
    yt = np.array([[0, 1, 1], [1, 0, 0]], np.float32)
    yp = np.array([[0.3, -0.8, 1.2], [0.1, 0.4, -2.0]], np.float32)
    s = 2 * yt - 1
    np.testing.assert_allclose(_val(L.hinge, yt, yp), np.mean(np.maximum(1 - s * yp, 0), -1), rtol=1e-6)
    np.testing.assert_allclose(_val(L.squared_hinge, yt, yp), np.mean(np.maximum(1 - s * yp, 0) ** 2, -1),
                               rtol=1e-6)
    # labels already -1/1 stay as they are
    np.testing.assert_allclose(_val(L.hinge, s, yp), np.mean(np.maximum(1 - s * yp, 0), -1), rtol=1e-6)


def test_crossentropy_clipping_keeps_values_finite():
    yt = np.array([[0, 1, 0]], np.float32)
    yp = np.array([[0.5, 0.0, 0.5]], np.float32)
    np.testing.assert_allclose(_val(L.categorical_crossentropy, yt, yp), [-np.log(EPS)], rtol=1e-4)
    np.testing.assert_allclose(_val(L.binary_crossentropy, [[1.0]], [[0.0]]), [-np.log(np.float32(EPS))], rtol=1e-4)


def test_crossentropy_from_logits_and_label_smoothing():
    rng = np.random.default_rng(1)
    logits = rng.normal(size=(5, 4)).astype(np.float32)
    labels = rng.integers(0, 4, size=5)
    onehot = np.eye(4, dtype=np.float32)[labels]
    expected = -np.log(_np_softmax(logits.astype(np.float64)))[np.arange(5), labels]
    np.testing.assert_allclose(_val(L.categorical_crossentropy, onehot, logits, from_logits=True), expected,
                               rtol=1e-5)
    np.testing.assert_allclose(_val(L.sparse_categorical_crossentropy, labels, logits, from_logits=True), expected,
                               rtol=1e-5)
    np.testing.assert_allclose(_val(L.sparse_categorical_crossentropy, labels[:, None].astype(np.float32), logits,
                                    from_logits=True), expected, rtol=1e-5)
    smoothed = onehot * 0.8 + 0.2 / 4
    np.testing.assert_allclose(
        _val(L.categorical_crossentropy, onehot, logits, from_logits=True, label_smoothing=0.2),
        -np.sum(smoothed * np.log(_np_softmax(logits.astype(np.float64))), -1), rtol=1e-5)
    z = rng.normal(size=(5, 3)).astype(np.float32) * 3
    yb = (rng.random((5, 3)) > 0.5).astype(np.float32)
    sig = 1 / (1 + np.exp(-z.astype(np.float64)))
    np.testing.assert_allclose(_val(L.binary_crossentropy, yb, z, from_logits=True),
                               np.mean(-(yb * np.log(sig) + (1 - yb) * np.log(1 - sig)), -1), rtol=1e-5)
    ys = yb * 0.9 + 0.05
    np.testing.assert_allclose(_val(L.binary_crossentropy, yb, z, from_logits=True, label_smoothing=0.1),
                               np.mean(-(ys * np.log(sig) + (1 - ys) * np.log(1 - sig)), -1), rtol=1e-5)


def test_rank_matching_of_labels():
    # y_true (n,) against y_pred (n, 1): Keras expands y_true
    yt = np.array([1.0, 2.0, 3.0], np.float32)
    yp = np.array([[1.5], [2.0], [2.0]], np.float32)
    np.testing.assert_allclose(_val(L.mean_squared_error, yt, yp), [0.25, 0.0, 1.0])


def test_reductions_and_sample_weights():
    yt, yp = _data(2)
    per = NUMPY_FORMULAS["mean_squared_error"](yt.astype(np.float64), yp.astype(np.float64))
    sw = np.array([1, 0, 2, 0.5, 1, 3], np.float32)
    with tw.tidy():
        np.testing.assert_allclose(L.MeanSquaredError()(yt, yp).numpy(), per.mean(), rtol=1e-5)
        # sum_over_batch_size divides the weighted sum by the number of samples, not by the weights' sum
        np.testing.assert_allclose(L.MeanSquaredError()(yt, yp, sample_weight=sw).numpy(), (per * sw).sum() / 6,
                                   rtol=1e-5)
        np.testing.assert_allclose(L.MeanSquaredError(reduction="sum")(yt, yp, sample_weight=sw).numpy(),
                                   (per * sw).sum(), rtol=1e-5)
        np.testing.assert_allclose(L.MeanSquaredError(reduction="mean_with_sample_weight")(yt, yp, sample_weight=sw)
                                   .numpy(), (per * sw).sum() / sw.sum(), rtol=1e-5)
        np.testing.assert_allclose(L.MeanSquaredError(reduction=None)(yt, yp, sample_weight=sw).numpy(), per * sw,
                                   rtol=1e-5)
        # (n, 1) weights match (n,) losses
        np.testing.assert_allclose(L.MeanSquaredError()(yt, yp, sample_weight=sw[:, None]).numpy(),
                                   (per * sw).sum() / 6, rtol=1e-5)
    with pytest.raises(InvalidArgumentError, match="reduction"):
        L.MeanSquaredError(reduction="avg")


def test_loss_classes_config_round_trip_and_kwargs():
    loss = L.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1, name="cce")
    config = loss.get_config()
    assert config == {"name": "cce", "reduction": "sum_over_batch_size", "from_logits": True,
                      "label_smoothing": 0.1, "axis": -1}
    again = L.CategoricalCrossentropy.from_config(config)
    assert again.get_config() == config
    assert L.BinaryCrossentropy().name == "binary_crossentropy"
    assert L.KLDivergence().name == "kl_divergence"
    ser = L.serialize(L.Huber(delta=2.0))
    assert ser["class_name"] == "Huber" and ser["config"]["delta"] == 2.0
    assert L.deserialize(ser).get_config()["delta"] == 2.0
    with pytest.raises(InvalidArgumentError, match="unexpected keyword"):
        L.MeanSquaredError(delta=1.0)


def test_loss_lookup():
    assert L.get("mse") is L.mean_squared_error
    assert L.get("meanSquaredError") is L.mean_squared_error
    assert L.get("categoricalCrossentropy") is L.categorical_crossentropy
    assert L.get("cosine_proximity") is L.cosine_similarity
    assert L.get("kullback_leibler_divergence") is L.kl_divergence
    assert isinstance(L.get("BinaryCrossentropy"), L.BinaryCrossentropy)
    assert isinstance(L.get({"class_name": "CategoricalCrossentropy", "config": {"from_logits": True}}),
                      L.CategoricalCrossentropy)
    with pytest.raises(InvalidArgumentError, match="unknown loss 'msee'.*mean_squared_error"):
        L.get("msee")


def test_loss_shape_errors():
    with pytest.raises(ShapeError, match="categorical_crossentropy.*same shape"):
        L.categorical_crossentropy(np.zeros((2, 3), np.float32), np.ones((2, 4), np.float32))
    with pytest.raises(ShapeError, match="sparse_categorical_crossentropy"):
        L.sparse_categorical_crossentropy(np.zeros((3,), np.int32), np.ones((2, 4), np.float32))


def test_loss_gradients():
    yt = np.array([[0.2, 0.8], [0.6, 0.4]], np.float32)
    p = np.array([[0.3, 0.6], [0.5, 0.45]], np.float32)
    check_gradients(lambda q: L.CategoricalCrossentropy()(yt, q), [p])
    check_gradients(lambda q: L.BinaryCrossentropy(from_logits=True)(yt, q), [p])
    check_gradients(lambda q: L.MeanSquaredLogarithmicError()(yt, q), [p])
    check_gradients(lambda q: L.CosineSimilarity()(yt, q), [p])
    check_gradients(lambda q: L.LogCosh()(yt, q), [p])


# ---- metrics ---------------------------------------------------------------------------------------

def test_accuracy_metrics_match_numpy_and_accumulate():
    rng = np.random.default_rng(5)
    p = rng.random((10, 4)).astype(np.float32)
    labels = rng.integers(0, 4, 10)
    onehot = np.eye(4, dtype=np.float32)[labels]
    m = M.CategoricalAccuracy()
    m.update_state(onehot[:6], p[:6])
    m.update_state(onehot[6:], p[6:])
    assert m.result() == pytest.approx(np.mean(np.argmax(p, 1) == labels))
    s = M.SparseCategoricalAccuracy()
    s.update_state(labels[:, None], p)
    assert s.result() == pytest.approx(np.mean(np.argmax(p, 1) == labels))
    top2 = np.argsort(-p, 1)[:, :2]
    t = M.TopKCategoricalAccuracy(k=2)
    t.update_state(onehot, p)
    assert t.result() == pytest.approx(np.mean([labels[i] in top2[i] for i in range(10)]))
    st = M.SparseTopKCategoricalAccuracy(k=2)
    st.update_state(labels, p)
    assert st.result() == pytest.approx(t.result())
    b = M.BinaryAccuracy()
    b.update_state([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]])
    assert b.result() == pytest.approx(0.75)
    b.reset_state()
    b.update_state([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]], sample_weight=[1, 0, 0, 1])
    assert b.result() == pytest.approx(0.5)


def test_mean_metrics_weight_by_samples():
    yt, yp = _data(3, (8, 3))
    per = NUMPY_FORMULAS["mean_squared_error"](yt.astype(np.float64), yp.astype(np.float64))
    m = M.MeanSquaredError()
    m.update_state(yt[:3], yp[:3])
    m.update_state(yt[3:], yp[3:])
    assert m.result() == pytest.approx(per.mean(), rel=1e-5)
    sw = np.arange(1, 9, dtype=np.float32)
    m.reset_state()
    m.update_state(yt, yp, sample_weight=sw)
    assert m.result() == pytest.approx((per * sw).sum() / sw.sum(), rel=1e-5)
    c = M.CosineSimilarity()
    c.update_state(yt, yp)
    assert c.result() == pytest.approx(-NUMPY_FORMULAS["cosine_similarity"](yt, yp).mean(), rel=1e-5)
    r = M.RootMeanSquaredError()
    r.update_state(yt, yp)
    assert r.result() == pytest.approx(np.sqrt(np.mean((yt - yp) ** 2)), rel=1e-5)
    mean = M.Mean()
    mean.update_state(3.0, sample_weight=4)
    mean.update_state(1.0, sample_weight=2)
    assert mean.result() == pytest.approx(14 / 6)


def _auc_data():
    rng = np.random.default_rng(3)
    yt = (rng.random(40) > 0.5).astype("float32")
    yp = rng.random(40).astype("float32")
    sw = rng.random(40).astype("float32")
    return yt, yp, sw


@pytest.mark.parametrize("kwargs,expected", [({}, 0.45092085003852844), ({"curve": "PR"}, 0.40812402963638306),
                                             ({"num_thresholds": 10}, 0.46872812509536743),
                                             ({"summation_method": "minoring"}, 0.4504542946815491)])
def test_auc_matches_keras(kwargs, expected):
    yt, yp, sw = _auc_data()
    m = M.AUC(**kwargs)
    m.update_state(yt[:20], yp[:20])
    m.update_state(yt[20:], yp[20:], sample_weight=sw[20:])
    assert m.result() == pytest.approx(expected, abs=1e-6)


def test_precision_recall_match_numpy_and_keras():
    yt, yp, sw = _auc_data()
    p = M.Precision()
    p.update_state(yt, yp, sample_weight=sw)
    pos = yp > 0.5
    assert p.result() == pytest.approx(np.sum(sw * pos * yt) / np.sum(sw * pos), rel=1e-6)
    assert p.result() == pytest.approx(0.434848427772522, abs=1e-6)
    r = M.Recall(thresholds=[0.3, 0.7])
    r.update_state(yt, yp)
    np.testing.assert_allclose(r.result(), [0.6315789222717285, 0.3684210479259491], atol=1e-6)
    r1 = M.Recall()
    r1.update_state(yt, yp)
    assert r1.result() == pytest.approx(np.sum(pos * yt) / np.sum(yt))


def test_r2_score_matches_numpy_and_keras():
    rng = np.random.default_rng(3)
    rng.random(40), rng.random(40), rng.random(40)  # the AUC data drawn first, as in the Keras script
    sw_all = _auc_data()[2]
    y = rng.normal(size=(10, 2)).astype("float32")
    p = (y + 0.3 * rng.normal(size=(10, 2))).astype("float32")
    m = M.R2Score()
    m.update_state(y, p, sample_weight=sw_all[:10])
    assert m.result() == pytest.approx(0.8674938678741455, abs=1e-5)
    m2 = M.R2Score()
    m2.update_state(y, p)
    ref = np.mean(1 - ((y - p) ** 2).sum(0) / ((y - y.mean(0)) ** 2).sum(0))
    assert m2.result() == pytest.approx(ref, rel=1e-5)


def test_metric_lookup():
    assert isinstance(M.get("mse"), M.MeanSquaredError)
    assert isinstance(M.get("binary_accuracy"), M.BinaryAccuracy)
    assert isinstance(M.get("AUC"), M.AUC) and isinstance(M.get("auc"), M.AUC)
    assert isinstance(M.get("r2_score"), M.R2Score)
    assert isinstance(M.get("categoricalAccuracy"), M.CategoricalAccuracy)
    custom = M.get(lambda t, p: tw.abs(tw.sub(t, p)))
    custom.update_state(np.ones((2, 1), np.float32), np.zeros((2, 1), np.float32))
    assert custom.result() == pytest.approx(1.0)
    with pytest.raises(InvalidArgumentError, match="unknown metric 'acuracy'.*binary_accuracy"):
        M.get("acuracy")
    assert M.serialize(M.AUC())["config"]["num_thresholds"] == 200


def test_functional_metric_forms_return_tensors():
    with tw.tidy():
        v = M.categorical_accuracy(np.eye(3, dtype=np.float32), np.eye(3, dtype=np.float32)[[0, 2, 1]])
        np.testing.assert_array_equal(v.numpy(), [1, 0, 0])
        v = M.binary_accuracy(np.array([[1.0, 0.0]]), np.array([[0.7, 0.2]]))
        np.testing.assert_array_equal(v.numpy(), [[1, 1]])
