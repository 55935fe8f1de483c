"""tw.losses against elementwise losses and reductions written out in NumPy (float64)."""
import numpy as np
import pytest

import tensorweb as tw
from tensorweb.errors import InvalidArgumentError, ShapeError
from tensorweb.testing import check_gradients

Reduction = tw.losses.Reduction

rng = np.random.default_rng(7)
SHAPE = (3, 4)
LABELS01 = (rng.random(SHAPE) > 0.5).astype(np.float32)
LABELS = rng.normal(size=SHAPE).astype(np.float32)
PREDS = rng.normal(size=SHAPE).astype(np.float32)
PROBS = rng.uniform(0.05, 0.95, size=SHAPE).astype(np.float32)
W_FULL = np.array([[1.0, 0.0, 2.0, 0.5], [0.0, 1.0, 1.0, 3.0], [0.25, 0.0, 1.0, 1.0]], np.float32)
W_ROWS = np.array([[2.0], [0.0], [0.5]], np.float32)
W_SCALAR = np.float32(1.5)
ALL_REDUCTIONS = [Reduction.NONE, Reduction.MEAN, Reduction.SUM, Reduction.SUM_BY_NONZERO_WEIGHTS]


def reduce_np(losses, weights, reduction):
    losses = losses.astype(np.float64)
    wl = losses if weights is None else losses * weights
    if reduction == Reduction.NONE:
        return wl
    if reduction == Reduction.SUM:
        return wl.sum()
    if reduction == Reduction.MEAN:
        if weights is None:
            return wl.mean()
        w = np.asarray(weights, np.float64)
        out = wl.sum() / w.sum()
        factor = losses.size / w.size
        return out / factor if factor > 1 else out
    if weights is None:
        return wl.sum() / losses.size
    return wl.sum() / np.count_nonzero(np.broadcast_to(weights, losses.shape))


def huber_np(y, p, delta=1.0):
    e = np.abs(p.astype(np.float64) - y)
    return np.where(e <= delta, 0.5 * e * e, delta * (e - 0.5 * delta))


def log_loss_np(y, p, eps=1e-7):
    y, p = y.astype(np.float64), p.astype(np.float64)
    return -y * np.log(p + eps) - (1 - y) * np.log(1 - p + eps)


def sigmoid_ce_np(z, x):
    z, x = z.astype(np.float64), x.astype(np.float64)
    s = 1 / (1 + np.exp(-x))
    return -z * np.log(s) - (1 - z) * np.log(1 - s)


ELEMENTWISE = {
    "absolute_difference": (lambda *a, **k: tw.losses.absolute_difference(*a, **k), LABELS, PREDS,
                            lambda y, p: np.abs(y.astype(np.float64) - p)),
    "mean_squared_error": (lambda *a, **k: tw.losses.mean_squared_error(*a, **k), LABELS, PREDS,
                           lambda y, p: (y.astype(np.float64) - p) ** 2),
    "hinge_loss": (lambda *a, **k: tw.losses.hinge_loss(*a, **k), LABELS01, PREDS,
                   lambda y, p: np.maximum(0, 1 - (2 * y.astype(np.float64) - 1) * p)),
    "huber_loss": (lambda *a, **k: tw.losses.huber_loss(*a, **k), LABELS, PREDS, huber_np),
    "log_loss": (lambda *a, **k: tw.losses.log_loss(*a, **k), LABELS01, PROBS, log_loss_np),
    "sigmoid_cross_entropy": (lambda *a, **k: tw.losses.sigmoid_cross_entropy(*a, **k), PROBS, PREDS,
                              sigmoid_ce_np),
}


@pytest.mark.parametrize("name", sorted(ELEMENTWISE))
@pytest.mark.parametrize("wkind", ["none", "full", "rows", "scalar"])
def test_elementwise_losses(name, wkind):
    fn, y, p, ref = ELEMENTWISE[name]
    w = {"none": None, "full": W_FULL, "rows": W_ROWS, "scalar": W_SCALAR}[wkind]
    for reduction in ALL_REDUCTIONS:
        out = fn(tw.tensor(y), tw.tensor(p), None if w is None else tw.tensor(w), reduction=reduction)
        expected = reduce_np(ref(y, p), w, reduction)
        assert out.dtype == "float32"
        assert out.shape == np.shape(expected), reduction
        np.testing.assert_allclose(out.numpy(), expected, rtol=2e-5, atol=1e-6, err_msg=str(reduction))


@pytest.mark.parametrize("name", sorted(ELEMENTWISE))
def test_default_reduction_is_sum_by_nonzero_weights(name):
    fn, y, p, ref = ELEMENTWISE[name]
    out = fn(y, p)  # array inputs are accepted
    np.testing.assert_allclose(out.numpy(), ref(y, p).mean(), rtol=2e-5)
    out = fn(tw.tensor(y), tw.tensor(p), tw.tensor(W_FULL))
    np.testing.assert_allclose(out.numpy(), (ref(y, p) * W_FULL).sum() / 9, rtol=2e-5)  # 9 non-zero weights


def test_reduction_enum_and_names():
    assert [int(r) for r in ALL_REDUCTIONS] == [0, 1, 2, 3]
    y, p = tw.tensor([1.0, 2.0]), tw.tensor([2.0, 5.0])
    assert tw.losses.absolute_difference(y, p, reduction="sum").item() == pytest.approx(4.0)
    assert tw.losses.absolute_difference(y, p, reduction="MEAN").item() == pytest.approx(2.0)
    assert tw.losses.absolute_difference(y, p, reduction=2).item() == pytest.approx(4.0)
    np.testing.assert_allclose(tw.losses.absolute_difference(y, p, reduction="none").numpy(), [1.0, 3.0])
    with pytest.raises(InvalidArgumentError, match="absolute_difference: unknown reduction"):
        tw.losses.absolute_difference(y, p, reduction="avg")
    with pytest.raises(InvalidArgumentError, match="compute_weighted_loss: unknown reduction"):
        tw.losses.compute_weighted_loss(y, reduction=7)


@pytest.mark.parametrize("wkind", ["none", "full", "rows"])
def test_compute_weighted_loss(wkind):
    w = {"none": None, "full": W_FULL, "rows": W_ROWS}[wkind]
    for reduction in ALL_REDUCTIONS:
        out = tw.losses.compute_weighted_loss(tw.tensor(PROBS), None if w is None else tw.tensor(w), reduction)
        np.testing.assert_allclose(out.numpy(), reduce_np(PROBS, w, reduction), rtol=2e-5)


def test_compute_weighted_loss_hand_values():
    losses = tw.tensor([[1.0, 2.0], [3.0, 4.0]])
    w = tw.tensor([[2.0], [0.0]])
    # weighted = [[2, 4], [0, 0]]: sum 6; sum of weights 2, broadcast factor 4/2 = 2; two non-zero weights
    assert tw.losses.compute_weighted_loss(losses, w, Reduction.SUM).item() == pytest.approx(6.0)
    assert tw.losses.compute_weighted_loss(losses, w, Reduction.MEAN).item() == pytest.approx(1.5)
    assert tw.losses.compute_weighted_loss(losses, w).item() == pytest.approx(3.0)
    assert tw.losses.compute_weighted_loss(losses).item() == pytest.approx(2.5)
    with pytest.raises(ShapeError, match="compute_weighted_loss"):
        tw.losses.compute_weighted_loss(losses, tw.tensor([1.0, 2.0, 3.0]))


def test_huber_delta_and_log_loss_epsilon():
    y, p = LABELS, PREDS
    out = tw.losses.huber_loss(y, p, delta=0.3, reduction=Reduction.NONE)
    np.testing.assert_allclose(out.numpy(), huber_np(y, p, 0.3), rtol=2e-5, atol=1e-7)
    out = tw.losses.log_loss(LABELS01, PROBS, epsilon=0.1, reduction=Reduction.SUM)
    np.testing.assert_allclose(out.numpy(), log_loss_np(LABELS01, PROBS, 0.1).sum(), rtol=2e-5)
    # hand values: e = 2 > delta 1 gives 1 * (2 - 0.5); e = 0.5 gives 0.125
    np.testing.assert_allclose(tw.losses.huber_loss([0.0, 0.0], [2.0, -0.5], reduction="none").numpy(),
                               [1.5, 0.125])


@pytest.mark.parametrize("smoothing", [0.0, 0.2])
def test_sigmoid_cross_entropy_label_smoothing(smoothing):
    z = LABELS01 * (1 - smoothing) + 0.5 * smoothing
    for reduction in ALL_REDUCTIONS:
        out = tw.losses.sigmoid_cross_entropy(LABELS01, PREDS, W_FULL, label_smoothing=smoothing,
                                              reduction=reduction)
        np.testing.assert_allclose(out.numpy(), reduce_np(sigmoid_ce_np(z, PREDS), W_FULL, reduction),
                                   rtol=2e-5, atol=1e-6)


def test_sigmoid_cross_entropy_is_stable_for_large_logits():
    out = tw.losses.sigmoid_cross_entropy([1.0, 0.0, 1.0, 0.0], [200.0, -200.0, -200.0, 200.0],
                                          reduction="none").numpy()
    np.testing.assert_allclose(out, [0.0, 0.0, 200.0, 200.0], atol=1e-5)


def softmax_ce_np(labels, logits):
    x = logits.astype(np.float64)
    x = x - x.max(-1, keepdims=True)
    log_sm = x - np.log(np.exp(x).sum(-1, keepdims=True))
    return -(labels * log_sm).sum(-1)


ONEHOT = np.eye(4, dtype=np.float32)[[0, 3, 1]]


@pytest.mark.parametrize("smoothing", [0.0, 0.1])
@pytest.mark.parametrize("weighted", [False, True])
def test_softmax_cross_entropy(smoothing, weighted):
    w = np.array([1.0, 0.0, 2.0], np.float32) if weighted else None
    labels = ONEHOT * (1 - smoothing) + smoothing / 4
    for reduction in ALL_REDUCTIONS:
        out = tw.losses.softmax_cross_entropy(ONEHOT, PREDS, w, label_smoothing=smoothing, reduction=reduction)
        expected = reduce_np(softmax_ce_np(labels, PREDS), w, reduction)
        assert out.shape == np.shape(expected)
        np.testing.assert_allclose(out.numpy(), expected, rtol=2e-5, atol=1e-6, err_msg=str(reduction))


def test_softmax_cross_entropy_hand_value_and_large_logits():
    # uniform logits over 4 classes: -log(1/4) for every row
    out = tw.losses.softmax_cross_entropy([[0.0, 1.0, 0.0, 0.0]], [[3.0, 3.0, 3.0, 3.0]])
    assert out.item() == pytest.approx(np.log(4), rel=1e-6)
    out = tw.losses.softmax_cross_entropy([[1.0, 0.0]], [[1000.0, 0.0]], reduction="none")
    np.testing.assert_allclose(out.numpy(), [0.0], atol=1e-5)


@pytest.mark.parametrize("reduction", [Reduction.NONE, Reduction.MEAN, Reduction.SUM_BY_NONZERO_WEIGHTS])
def test_cosine_distance(reduction):
    y = LABELS / np.linalg.norm(LABELS, axis=1, keepdims=True)
    p = PREDS / np.linalg.norm(PREDS, axis=1, keepdims=True)
    w = W_ROWS
    out = tw.losses.cosine_distance(y, p, 1, w, reduction=reduction)
    ref = 1 - (y.astype(np.float64) * p).sum(1, keepdims=True)
    expected = reduce_np(ref, w, reduction)
    assert out.shape == np.shape(expected)
    np.testing.assert_allclose(out.numpy(), expected, rtol=2e-5, atol=1e-6)
    out0 = tw.losses.cosine_distance(y, p, -2, reduction=reduction)
    np.testing.assert_allclose(out0.numpy(), reduce_np(1 - (y.astype(np.float64) * p).sum(0, keepdims=True),
                                                       None, reduction), rtol=2e-5, atol=1e-6)


def test_errors():
    a, b = tw.tensor([[1.0, 2.0]]), tw.tensor([1.0, 2.0])
    for name in ["absolute_difference", "mean_squared_error", "hinge_loss", "huber_loss", "log_loss",
                 "sigmoid_cross_entropy", "softmax_cross_entropy"]:
        with pytest.raises(ShapeError, match=f"{name}: .*same shape.*\\[1, 2\\].*\\[2\\]"):
            getattr(tw.losses, name)(a, b)
    with pytest.raises(ShapeError, match="cosine_distance"):
        tw.losses.cosine_distance(a, b, 0)
    with pytest.raises(Exception, match="cosine_distance"):
        tw.losses.cosine_distance(a, a, 2)
    with pytest.raises(ShapeError, match="mean_squared_error"):
        tw.losses.mean_squared_error(a, a, tw.tensor([1.0, 2.0, 3.0]))
    with pytest.raises(ShapeError, match="softmax_cross_entropy"):
        tw.losses.softmax_cross_entropy(tw.ones([2, 2]), tw.ones([2, 2]), tw.tensor([1.0, 2.0, 3.0]))
    with pytest.raises(Exception, match="absolute_difference"):
        tw.losses.absolute_difference(tw.tensor(["a"]), tw.tensor(["b"]))


def test_int_labels_are_accepted():
    out = tw.losses.hinge_loss(tw.tensor([1, 0], dtype="int32"), tw.tensor([0.5, -2.0]), reduction="none")
    np.testing.assert_allclose(out.numpy(), [0.5, 0.0])


# ---- gradients ----------------------------------------------------------------------------------

def test_gradient_mean_squared_error_weighted():
    w = tw.tensor(W_ROWS)
    check_gradients(lambda y, p: tw.losses.mean_squared_error(y, p, w), [LABELS, PREDS])


def test_gradient_huber_and_log_loss():
    y = np.array([0.0, 1.0, 0.5, -1.0], np.float32)
    p = np.array([0.3, -1.2, 0.9, 1.5], np.float32)  # |errors| away from delta = 1
    check_gradients(lambda a, b: tw.losses.huber_loss(a, b, reduction="sum"), [y, p])
    check_gradients(lambda q: tw.losses.log_loss(LABELS01, q, reduction="mean"), [PROBS])


def test_gradient_sigmoid_cross_entropy():
    check_gradients(lambda z, x: tw.losses.sigmoid_cross_entropy(z, x, W_FULL, label_smoothing=0.1),
                    [PROBS, PREDS])


def test_gradient_softmax_cross_entropy():
    labels = ONEHOT * 0.8 + 0.05
    check_gradients(lambda x: tw.losses.softmax_cross_entropy(labels, x, np.array([1.0, 0.0, 2.0], np.float32),
                                                              reduction="sum"), [PREDS])
    # TF.js's gradient for the labels is dy * (labels - softmax(logits)), not the derivative of the value
    y, x = tw.tensor(labels), tw.tensor(PREDS)
    gy, gx = tw.grads(lambda a, b: tw.losses.softmax_cross_entropy(a, b, reduction="sum"))([y, x])
    e = np.exp(PREDS.astype(np.float64) - PREDS.max(1, keepdims=True))
    sm = e / e.sum(1, keepdims=True)
    np.testing.assert_allclose(gx.numpy(), sm - labels, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(gy.numpy(), labels - sm, rtol=1e-5, atol=1e-6)


def test_gradient_cosine_and_hinge():
    check_gradients(lambda y, p: tw.losses.cosine_distance(y, p, 1, W_ROWS, reduction="mean"), [LABELS, PREDS])
    p = np.array([[0.5, -2.0, 0.3], [1.7, 0.2, -0.4]], np.float32)  # away from the hinge at 1
    lab = np.array([[1.0, 0.0, 1.0], [1.0, 0.0, 0.0]], np.float32)
    check_gradients(lambda q: tw.losses.hinge_loss(lab, q), [p])
