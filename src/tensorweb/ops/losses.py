"""Losses (tw.losses.*): absolute_difference, compute_weighted_loss, cosine_distance, hinge_loss, huber_loss,
log_loss, mean_squared_error, sigmoid_cross_entropy, softmax_cross_entropy.

Composite ops, as in TF.js: each computes elementwise losses from existing ops, then
`compute_weighted_loss` applies the optional weights (broadcast against the losses) and the reduction
(`Reduction.SUM_BY_NONZERO_WEIGHTS` by default: the weighted sum divided by the number of non-zero
weights, or by the number of losses when there are no weights).
"""
from __future__ import annotations

import enum
from typing import Any

from ..core.tensor import Tensor
from ..errors import InvalidArgumentError, ShapeError
from ._base import broadcast_shapes, convert, normalize_axis

__all__ = ["Reduction", "absolute_difference", "compute_weighted_loss", "cosine_distance", "hinge_loss",
           "huber_loss", "log_loss", "mean_squared_error", "sigmoid_cross_entropy", "softmax_cross_entropy"]


class Reduction(enum.IntEnum):
    """How a loss reduces its elementwise values (TF.js's numbering)."""
    NONE = 0
    MEAN = 1
    SUM = 2
    SUM_BY_NONZERO_WEIGHTS = 3


def _ops():
    """The flat tw.* op namespace (resolved at call time: it is complete once tensorweb is imported)."""
    from .. import ops
    return ops


def _reduction(reduction: Any, op: str) -> Reduction:
    if isinstance(reduction, Reduction):
        return reduction
    if isinstance(reduction, str):
        key = reduction.strip().upper()
        if key in Reduction.__members__:
            return Reduction[key]
    elif isinstance(reduction, int) and not isinstance(reduction, bool):
        try:
            return Reduction(reduction)
        except ValueError:
            pass
    raise InvalidArgumentError(f"{op}: unknown reduction {reduction!r}; expected one of "
                               f"{[r.name for r in Reduction]} (tw.losses.Reduction)")


def _weights(weights: Any, op: str) -> Tensor | None:
    return None if weights is None else convert(weights, "weights", op)


def _assert_same_shape(a: Tensor, b: Tensor, names: tuple[str, str], op: str) -> None:
    if tuple(a.shape) != tuple(b.shape):
        raise ShapeError(f"{op}: {names[0]} and {names[1]} must have the same shape, got {list(a.shape)} and "
                         f"{list(b.shape)}")


def _weighted(losses: Tensor, weights: Tensor | None, reduction: Reduction, op: str) -> Tensor:
    o = _ops()
    weighted = losses if weights is None else o.mul(losses, weights)
    if reduction == Reduction.NONE:
        return weighted
    if reduction == Reduction.SUM:
        return o.sum(weighted)
    if reduction == Reduction.MEAN:
        if weights is None:
            return o.mean(weighted)
        result = o.div(o.sum(weighted), o.sum(weights))
        factor = losses.size / weights.size if weights.size else 0
        return o.div(result, float(factor)) if factor > 1 else result
    # SUM_BY_NONZERO_WEIGHTS
    if weights is None:
        return o.div(o.sum(weighted), float(losses.size))
    broadcast_weights = o.mul(weights, o.ones(losses.shape))
    nonzero = o.cast(o.sum(o.cast(o.not_equal(broadcast_weights, 0), "int32")), "float32")
    return o.div(o.sum(weighted), nonzero)


def compute_weighted_loss(losses: Any, weights: Any = None,
                          reduction: Reduction | str | int = Reduction.SUM_BY_NONZERO_WEIGHTS) -> Tensor:
    """Applies weights (broadcast against losses) and reduces: NONE keeps the shape; SUM sums; MEAN divides
    the weighted sum by the sum of the weights (and by losses.size / weights.size when the weights
    broadcast); SUM_BY_NONZERO_WEIGHTS divides by the count of non-zero (broadcast) weights."""
    op = "compute_weighted_loss"
    r = _reduction(reduction, op)
    x = convert(losses, "losses", op)
    w = _weights(weights, op)
    if w is not None:
        broadcast_shapes(x.shape, w.shape, op)
    return _weighted(x, w, r, op)


def _prepare(a: Any, b: Any, names: tuple[str, str], weights: Any, reduction: Any, op: str,
             check_weights: bool = True) -> tuple[Tensor, Tensor, Tensor | None, Reduction]:
    r = _reduction(reduction, op)
    ta = convert(a, names[0], op)
    tb = convert(b, names[1], op)
    w = _weights(weights, op)
    _assert_same_shape(ta, tb, names, op)
    if w is not None and check_weights:
        broadcast_shapes(ta.shape, w.shape, op)
    return ta, tb, w, r


def absolute_difference(labels: Any, predictions: Any, weights: Any = None,
                        reduction: Reduction | str | int = Reduction.SUM_BY_NONZERO_WEIGHTS) -> Tensor:
    """|labels - predictions|, weighted and reduced."""
    op = "absolute_difference"
    y, p, w, r = _prepare(labels, predictions, ("labels", "predictions"), weights, reduction, op)
    o = _ops()
    return _weighted(o.abs(o.sub(y, p)), w, r, op)


def mean_squared_error(labels: Any, predictions: Any, weights: Any = None,
                       reduction: Reduction | str | int = Reduction.SUM_BY_NONZERO_WEIGHTS) -> Tensor:
    """(labels - predictions)^2, weighted and reduced."""
    op = "mean_squared_error"
    y, p, w, r = _prepare(labels, predictions, ("labels", "predictions"), weights, reduction, op)
    return _weighted(_ops().squared_difference(y, p), w, r, op)


def cosine_distance(labels: Any, predictions: Any, axis: int, weights: Any = None,
                    reduction: Reduction | str | int = Reduction.SUM_BY_NONZERO_WEIGHTS) -> Tensor:
    """1 - sum(labels * predictions, axis, keep_dims) (inputs assumed unit-normalized along axis)."""
    op = "cosine_distance"
    y, p, w, r = _prepare(labels, predictions, ("labels", "predictions"), weights, reduction, op, False)
    if isinstance(axis, bool) or not isinstance(axis, int):
        raise InvalidArgumentError(f"{op}: axis must be an int, got {axis!r}")
    ax = normalize_axis(axis, y.rank, op)
    o = _ops()
    losses = o.sub(1, o.sum(o.mul(y, p), ax, True))
    if w is not None:
        broadcast_shapes(losses.shape, w.shape, op)
    return _weighted(losses, w, r, op)


def hinge_loss(labels: Any, predictions: Any, weights: Any = None,
               reduction: Reduction | str | int = Reduction.SUM_BY_NONZERO_WEIGHTS) -> Tensor:
    """max(0, 1 - (2 labels - 1) * predictions) with labels in {0, 1}, weighted and reduced."""
    op = "hinge_loss"
    y, p, w, r = _prepare(labels, predictions, ("labels", "predictions"), weights, reduction, op)
    o = _ops()
    signs = o.sub(o.mul(2, y), 1)
    return _weighted(o.relu(o.sub(1, o.mul(signs, p))), w, r, op)


def huber_loss(labels: Any, predictions: Any, weights: Any = None, delta: float = 1.0,
               reduction: Reduction | str | int = Reduction.SUM_BY_NONZERO_WEIGHTS) -> Tensor:
    """0.5 e^2 for |e| <= delta, else delta (|e| - 0.5 delta), with e = predictions - labels."""
    op = "huber_loss"
    y, p, w, r = _prepare(labels, predictions, ("labels", "predictions"), weights, reduction, op)
    o = _ops()
    error = o.abs(o.sub(p, y))
    quadratic = o.minimum(error, float(delta))
    linear = o.sub(error, quadratic)
    losses = o.add(o.mul(0.5, o.square(quadratic)), o.mul(float(delta), linear))
    return _weighted(losses, w, r, op)


def log_loss(labels: Any, predictions: Any, weights: Any = None, epsilon: float = 1e-7,
             reduction: Reduction | str | int = Reduction.SUM_BY_NONZERO_WEIGHTS) -> Tensor:
    """-labels log(predictions + eps) - (1 - labels) log(1 - predictions + eps), weighted and reduced."""
    op = "log_loss"
    y, p, w, r = _prepare(labels, predictions, ("labels", "predictions"), weights, reduction, op)
    o = _ops()
    eps = float(epsilon)
    l1 = o.neg(o.mul(y, o.log(o.add(p, eps))))
    l2 = o.mul(o.sub(1, y), o.log(o.add(o.sub(1, p), eps)))
    return _weighted(o.sub(l1, l2), w, r, op)


def _sigmoid_cross_entropy_with_logits(labels: Tensor, logits: Tensor) -> Tensor:
    # max(x, 0) - x z + log(1 + exp(-|x|)): stable for large |x|
    o = _ops()
    return o.add(o.sub(o.relu(logits), o.mul(logits, labels)), o.log1p(o.exp(o.neg(o.abs(logits)))))


def sigmoid_cross_entropy(multi_class_labels: Any, logits: Any, weights: Any = None, label_smoothing: float = 0,
                          reduction: Reduction | str | int = Reduction.SUM_BY_NONZERO_WEIGHTS) -> Tensor:
    """Sigmoid cross entropy of logits against (multi-class) labels in [0, 1]; label_smoothing > 0 moves
    the labels towards 1/2: z (1 - s) + s / 2."""
    op = "sigmoid_cross_entropy"
    y, x, w, r = _prepare(multi_class_labels, logits, ("multi_class_labels", "logits"), weights, reduction, op)
    o = _ops()
    s = float(label_smoothing)
    if s > 0:
        y = o.add(o.mul(y, 1 - s), 0.5 * s)
    return _weighted(_sigmoid_cross_entropy_with_logits(y, x), w, r, op)


def _softmax_cross_entropy_with_logits(labels: Tensor, logits: Tensor) -> Tensor:
    """-sum(labels * log_softmax(logits), last axis), with TF.js's gradient for both inputs:
    d labels = dy (labels - softmax), d logits = dy (softmax - labels)."""
    from ..core.autodiff import custom_grad
    o = _ops()
    axis = logits.rank - 1

    def log_softmax(lg: Tensor) -> Tensor:
        lg = o.cast(lg, "float32")
        return o.sub(lg, o.log_sum_exp(lg, axis, True))

    def forward(lb: Tensor, lg: Tensor):
        value = o.sum(o.neg(o.mul(log_softmax(lg), lb)), axis)

        def grad_fn(dy: Tensor):
            # recomputed from the inputs (which the tape keeps) rather than held from the forward pass
            probs = o.exp(log_softmax(lg))
            d = o.reshape(dy, list(dy.shape) + [1])
            lb32 = o.cast(lb, "float32")
            return o.mul(d, o.sub(lb32, probs)), o.mul(d, o.sub(probs, lb32))
        return value, grad_fn

    return custom_grad(forward)(labels, logits)


def softmax_cross_entropy(onehot_labels: Any, logits: Any, weights: Any = None, label_smoothing: float = 0,
                          reduction: Reduction | str | int = Reduction.SUM_BY_NONZERO_WEIGHTS) -> Tensor:
    """Softmax cross entropy over the last axis of logits against one-hot (or soft) labels; one loss per
    row, then weighted and reduced. label_smoothing > 0 uses labels (1 - s) + s / num_classes."""
    op = "softmax_cross_entropy"
    y, x, w, r = _prepare(onehot_labels, logits, ("onehot_labels", "logits"), weights, reduction, op, False)
    if x.rank < 1:
        raise ShapeError(f"{op}: logits must have at least one dimension (the classes), got a scalar")
    o = _ops()
    s = float(label_smoothing)
    if s > 0:
        num_classes = x.shape[-1]
        y = o.add(o.mul(y, 1 - s), s / num_classes)
    losses = _softmax_cross_entropy_with_logits(y, x)
    if w is not None:
        broadcast_shapes(losses.shape, w.shape, op)
    return _weighted(losses, w, r, op)
