"""Losses, Keras 3-compatible: plain functions (y_true, y_pred) -> per-sample losses, and Loss classes that
reduce them ("sum_over_batch_size" by default, with sample weights as Keras 3 applies them).

Formulas are Keras 3's, including its epsilon (1e-7) clipping: crossentropies on probabilities renormalize
and clip to [eps, 1 - eps], msle clips at eps, mape divides by max(|y_true|, eps), kl_divergence clips both
sides to [eps, 1], poisson adds eps inside the log. TF.js's camelCase names (meanSquaredError,
categoricalCrossentropy, cosineProximity, ...) are accepted by `get`.
"""
from __future__ import annotations

import math
import re
from typing import Any, Callable

import numpy as np

from .. import ops as _ops
from ..core.tensor import Tensor
from ..errors import InvalidArgumentError, ShapeError

__all__ = ["Loss", "LossFunctionWrapper", "MeanSquaredError", "MeanAbsoluteError", "MeanAbsolutePercentageError",
           "MeanSquaredLogarithmicError", "Hinge", "SquaredHinge", "CategoricalHinge", "LogCosh", "Huber",
           "CategoricalCrossentropy", "SparseCategoricalCrossentropy", "BinaryCrossentropy", "KLDivergence",
           "Poisson", "CosineSimilarity",
           "mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error",
           "mean_squared_logarithmic_error", "squared_hinge", "hinge", "categorical_hinge", "log_cosh", "logcosh",
           "huber", "categorical_crossentropy", "sparse_categorical_crossentropy", "binary_crossentropy",
           "kl_divergence", "kullback_leibler_divergence", "poisson", "cosine_similarity", "cosine_proximity",
           "mse", "mae", "mape", "msle", "kld", "bce", "get", "serialize", "deserialize", "reduce_weighted_values",
           "squeeze_or_expand_to_same_rank", "EPSILON"]

#: Keras' backend epsilon.
EPSILON = 1e-7


def _float(x: Any) -> Tensor:
    t = x if isinstance(x, Tensor) else _ops.tensor(np.asarray(x, dtype=np.float32)
                                                    if np.asarray(x).dtype.kind in "fiub" else x)
    if t.dtype != "float32":
        t = _ops.cast(t, "float32")
    return t


def squeeze_or_expand_to_same_rank(x1: Tensor, x2: Tensor, expand_rank_1: bool = True) -> tuple[Tensor, Tensor]:
    """Keras' rule: when the ranks differ by one and the longer has a last dimension of 1, squeeze it (or
    expand a rank-1 partner)."""
    r1, r2 = x1.rank, x2.rank
    if r1 == r2:
        return x1, x2
    if r1 == r2 + 1 and x1.shape[-1] == 1:
        if r2 == 1 and expand_rank_1:
            x2 = _ops.expand_dims(x2, -1)
        else:
            x1 = _ops.squeeze(x1, [-1])
    if r2 == r1 + 1 and x2.shape[-1] == 1:
        if r1 == 1 and expand_rank_1:
            x1 = _ops.expand_dims(x1, -1)
        else:
            x2 = _ops.squeeze(x2, [-1])
    return x1, x2


def _pair(y_true: Any, y_pred: Any, who: str, same_shape: bool = False) -> tuple[Tensor, Tensor]:
    y_pred = _float(y_pred)
    y_true = _float(y_true)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    if same_shape and tuple(y_true.shape) != tuple(y_pred.shape):
        raise ShapeError(f"{who}: y_true and y_pred must have the same shape, got y_true {list(y_true.shape)} "
                         f"and y_pred {list(y_pred.shape)}")
    return y_true, y_pred


# ---- loss functions (per-sample values) ------------------------------------------------------------

def mean_squared_error(y_true: Any, y_pred: Any) -> Tensor:
    """mean(square(y_true - y_pred), axis=-1)"""
    t, p = _pair(y_true, y_pred, "mean_squared_error")
    return _ops.mean(_ops.square(_ops.sub(t, p)), -1)


def mean_absolute_error(y_true: Any, y_pred: Any) -> Tensor:
    """mean(abs(y_true - y_pred), axis=-1)"""
    t, p = _pair(y_true, y_pred, "mean_absolute_error")
    return _ops.mean(_ops.abs(_ops.sub(t, p)), -1)


def mean_absolute_percentage_error(y_true: Any, y_pred: Any) -> Tensor:
    """100 * mean(abs((y_true - y_pred) / max(abs(y_true), eps)), axis=-1)"""
    t, p = _pair(y_true, y_pred, "mean_absolute_percentage_error")
    diff = _ops.abs(_ops.div(_ops.sub(t, p), _ops.maximum(_ops.abs(t), EPSILON)))
    return _ops.mul(_ops.mean(diff, -1), 100.0)


def mean_squared_logarithmic_error(y_true: Any, y_pred: Any) -> Tensor:
    """mean(square(log(max(y_pred, eps) + 1) - log(max(y_true, eps) + 1)), axis=-1)"""
    t, p = _pair(y_true, y_pred, "mean_squared_logarithmic_error")
    a = _ops.log(_ops.add(_ops.maximum(p, EPSILON), 1.0))
    b = _ops.log(_ops.add(_ops.maximum(t, EPSILON), 1.0))
    return _ops.mean(_ops.square(_ops.sub(a, b)), -1)


def _hinge_labels(t: Tensor) -> Tensor:
    """Keras converts labels that are all 0 or 1 to -1/1."""
    v = t.numpy()
    if np.all((v == 0) | (v == 1)):
        return _ops.sub(_ops.mul(t, 2.0), 1.0)
    return t


def hinge(y_true: Any, y_pred: Any) -> Tensor:
    """mean(maximum(1 - y_true * y_pred, 0), axis=-1), with 0/1 labels converted to -1/1"""
    t, p = _pair(y_true, y_pred, "hinge")
    t = _hinge_labels(t)
    return _ops.mean(_ops.maximum(_ops.sub(1.0, _ops.mul(t, p)), 0.0), -1)


def squared_hinge(y_true: Any, y_pred: Any) -> Tensor:
    """mean(square(maximum(1 - y_true * y_pred, 0)), axis=-1), with 0/1 labels converted to -1/1"""
    t, p = _pair(y_true, y_pred, "squared_hinge")
    t = _hinge_labels(t)
    return _ops.mean(_ops.square(_ops.maximum(_ops.sub(1.0, _ops.mul(t, p)), 0.0)), -1)


def categorical_hinge(y_true: Any, y_pred: Any) -> Tensor:
    """maximum(max((1 - y_true) * y_pred) - sum(y_true * y_pred) + 1, 0)"""
    t, p = _pair(y_true, y_pred, "categorical_hinge")
    pos = _ops.sum(_ops.mul(t, p), -1)
    neg = _ops.max(_ops.mul(_ops.sub(1.0, t), p), -1)
    return _ops.maximum(_ops.add(_ops.sub(neg, pos), 1.0), 0.0)


def log_cosh(y_true: Any, y_pred: Any) -> Tensor:
    """mean(log(cosh(y_pred - y_true)), axis=-1), computed as x + softplus(-2x) - log 2"""
    t, p = _pair(y_true, y_pred, "log_cosh")
    x = _ops.sub(p, t)
    return _ops.mean(_ops.sub(_ops.add(x, _ops.softplus(_ops.mul(x, -2.0))), math.log(2.0)), -1)


logcosh = log_cosh


def huber(y_true: Any, y_pred: Any, delta: float = 1.0) -> Tensor:
    """mean(0.5 x^2 if |x| <= delta else delta |x| - 0.5 delta^2, axis=-1)"""
    t, p = _pair(y_true, y_pred, "huber")
    err = _ops.sub(p, t)
    a = _ops.abs(err)
    quad = _ops.mul(_ops.square(err), 0.5)
    lin = _ops.sub(_ops.mul(a, float(delta)), 0.5 * float(delta) ** 2)
    return _ops.mean(_ops.where(_ops.less_equal(a, float(delta)), quad, lin), -1)


def categorical_crossentropy(y_true: Any, y_pred: Any, from_logits: bool = False, label_smoothing: float = 0.0,
                             axis: int = -1) -> Tensor:
    """-sum(y_true * log(p)): p = softmax(logits), or y_pred / sum(y_pred) clipped to [eps, 1 - eps]"""
    p = _float(y_pred)
    t = _float(y_true)
    if tuple(t.shape) != tuple(p.shape):
        raise ShapeError(f"categorical_crossentropy: y_true and y_pred must have the same shape, got y_true "
                         f"{list(t.shape)} and y_pred {list(p.shape)} (for integer labels use "
                         f"sparse_categorical_crossentropy)")
    if label_smoothing:
        n = p.shape[axis]
        t = _ops.add(_ops.mul(t, 1.0 - label_smoothing), label_smoothing / n)
    if from_logits:
        log_prob = _ops.log_softmax(p, axis)
    else:
        p = _ops.div(p, _ops.sum(p, axis, True))
        log_prob = _ops.log(_ops.clip_by_value(p, EPSILON, 1.0 - EPSILON))
    return _ops.neg(_ops.sum(_ops.mul(t, log_prob), axis))


def sparse_categorical_crossentropy(y_true: Any, y_pred: Any, from_logits: bool = False,
                                    ignore_class: int | None = None, axis: int = -1) -> Tensor:
    """categorical_crossentropy with integer class labels"""
    p = _float(y_pred)
    t = y_true if isinstance(y_true, Tensor) else _ops.tensor(np.asarray(y_true))
    if t.rank == p.rank and t.shape[-1] == 1:
        t = _ops.squeeze(t, [-1])
    if tuple(t.shape) != tuple(p.shape[:-1]):
        raise ShapeError(f"sparse_categorical_crossentropy: y_true must have y_pred's shape without its last "
                         f"axis: got y_true {list(t.shape)} and y_pred {list(p.shape)}")
    labels = t if t.dtype == "int32" else _ops.cast(t, "int32")
    valid = None
    if ignore_class is not None:
        valid = _ops.not_equal(labels, int(ignore_class))
        labels = _ops.where(valid, labels, _ops.zeros_like(labels))
    if from_logits:
        log_prob = _ops.log_softmax(p, -1)
    else:
        p = _ops.div(p, _ops.sum(p, -1, True))
        log_prob = _ops.log(_ops.clip_by_value(p, EPSILON, 1.0 - EPSILON))
    onehot = _ops.one_hot(labels, p.shape[-1], 1, 0, "float32")
    res = _ops.neg(_ops.sum(_ops.mul(onehot, log_prob), -1))
    if valid is not None:
        res = _ops.where(valid, res, _ops.zeros_like(res))
    return res


def binary_crossentropy(y_true: Any, y_pred: Any, from_logits: bool = False, label_smoothing: float = 0.0,
                        axis: int = -1) -> Tensor:
    """mean(-(y log p + (1 - y) log(1 - p)), axis=-1), p clipped to [eps, 1 - eps] (exact form for logits)"""
    t, p = _pair(y_true, y_pred, "binary_crossentropy", same_shape=True)
    if label_smoothing:
        t = _ops.add(_ops.mul(t, 1.0 - label_smoothing), 0.5 * label_smoothing)
    if from_logits:
        # max(x, 0) - x z + log(1 + exp(-|x|)), the stable form of the same value
        bce = _ops.add(_ops.sub(_ops.relu(p), _ops.mul(p, t)), _ops.log1p(_ops.exp(_ops.neg(_ops.abs(p)))))
    else:
        pc = _ops.clip_by_value(p, EPSILON, 1.0 - EPSILON)
        bce = _ops.neg(_ops.add(_ops.mul(t, _ops.log(pc)), _ops.mul(_ops.sub(1.0, t), _ops.log(_ops.sub(1.0, pc)))))
    return _ops.mean(bce, axis)


def kl_divergence(y_true: Any, y_pred: Any) -> Tensor:
    """sum(y_true * log(y_true / y_pred), axis=-1), both clipped to [eps, 1]"""
    p = _float(y_pred)
    t = _float(y_true)
    t = _ops.clip_by_value(t, EPSILON, 1.0)
    p = _ops.clip_by_value(p, EPSILON, 1.0)
    return _ops.sum(_ops.mul(t, _ops.log(_ops.div(t, p))), -1)


kullback_leibler_divergence = kl_divergence


def poisson(y_true: Any, y_pred: Any) -> Tensor:
    """mean(y_pred - y_true * log(y_pred + eps), axis=-1)"""
    p = _float(y_pred)
    t = _float(y_true)
    return _ops.mean(_ops.sub(p, _ops.mul(t, _ops.log(_ops.add(p, EPSILON)))), -1)


def _l2_normalize(x: Tensor, axis: int) -> Tensor:
    sq = _ops.sum(_ops.square(x), axis, True)
    return _ops.mul(x, _ops.rsqrt(_ops.maximum(sq, 1e-12)))


def cosine_similarity(y_true: Any, y_pred: Any, axis: int = -1) -> Tensor:
    """-sum(l2_normalize(y_true) * l2_normalize(y_pred), axis)"""
    t, p = _pair(y_true, y_pred, "cosine_similarity")
    return _ops.neg(_ops.sum(_ops.mul(_l2_normalize(t, axis), _l2_normalize(p, axis)), axis))


cosine_proximity = cosine_similarity
mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kl_divergence
bce = BCE = binary_crossentropy


# ---- reduction -------------------------------------------------------------------------------------

_REDUCTIONS = ("sum_over_batch_size", "sum", None, "none", "mean", "mean_with_sample_weight")


def _check_reduction(reduction: Any) -> Any:
    if reduction not in _REDUCTIONS:
        raise InvalidArgumentError(f"Loss: reduction must be one of {list(_REDUCTIONS)}, got {reduction!r}")
    return reduction


def reduce_weighted_values(values: Tensor, sample_weight: Any = None, reduction: Any = "sum_over_batch_size"
                           ) -> Tensor:
    """Keras 3's reduction: values * sample_weight (ranks matched), then sum, divided by the number of
    values for "sum_over_batch_size"/"mean" (by the weights' sum for "mean_with_sample_weight")."""
    _check_reduction(reduction)
    sw = None
    if sample_weight is not None:
        sw = _float(sample_weight)
        values, sw = squeeze_or_expand_to_same_rank(values, sw)
        values = _ops.mul(values, sw)
    if reduction is None or reduction == "none" or values.rank == 0 or tuple(values.shape) == (0,):
        return values
    loss = _ops.sum(values)
    if reduction in ("sum_over_batch_size", "mean", "mean_with_sample_weight"):
        if reduction == "mean_with_sample_weight" and sw is not None:
            divisor = _ops.sum(sw)
        else:
            divisor = float(values.size)
        loss = _ops.div_no_nan(loss, divisor)
    return loss


# ---- Loss classes ----------------------------------------------------------------------------------

class Loss:
    """Base class: subclasses implement call(y_true, y_pred) -> per-sample losses; __call__ reduces them."""

    def __init__(self, name: str | None = None, reduction: Any = "sum_over_batch_size", dtype: Any = None) -> None:
        self.name = name or _snake(type(self).__name__)
        self.reduction = _check_reduction(reduction)

    def __call__(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> Tensor:
        return reduce_weighted_values(self.call(y_true, y_pred), sample_weight, self.reduction)

    def call(self, y_true: Any, y_pred: Any) -> Tensor:
        raise NotImplementedError

    def get_config(self) -> dict:
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config: dict) -> "Loss":
        config = dict(config)
        config.pop("dtype", None)
        return cls(**config)


def _snake(name: str) -> str:
    s = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", s).lower()


class LossFunctionWrapper(Loss):
    """A Loss from a function fn(y_true, y_pred, **kwargs)."""

    def __init__(self, fn: Callable, reduction: Any = "sum_over_batch_size", name: str | None = None,
                 dtype: Any = None, **kwargs: Any) -> None:
        super().__init__(name=name or getattr(fn, "__name__", None), reduction=reduction)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true: Any, y_pred: Any) -> Tensor:
        yt = y_true if isinstance(y_true, Tensor) else _ops.tensor(np.asarray(y_true))
        yp = _float(y_pred)
        yt, yp = squeeze_or_expand_to_same_rank(yt, yp)
        return self.fn(yt, yp, **self._fn_kwargs)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(self._fn_kwargs)
        return config

    @classmethod
    def from_config(cls, config: dict) -> "Loss":
        config = dict(config)
        config.pop("dtype", None)
        fn = config.pop("fn", None)
        if fn is None:
            return cls(**config)
        return cls(get(fn), **config)


def _loss_class(name: str, fn: Callable, defaults: dict) -> type:
    default_name = _snake(name) if name != "KLDivergence" else "kl_divergence"

    def __init__(self, *args: Any, reduction: Any = "sum_over_batch_size", name: str = default_name,
                 dtype: Any = None, **kwargs: Any) -> None:
        params = dict(defaults)
        keys = list(defaults)
        if len(args) > len(keys):
            raise InvalidArgumentError(f"{type(self).__name__}: too many positional arguments")
        for k, v in zip(keys, args):
            params[k] = v
        for k, v in kwargs.items():
            if k not in params:
                raise InvalidArgumentError(f"{type(self).__name__}: unexpected keyword argument {k!r}; valid: "
                                           f"{keys + ['reduction', 'name', 'dtype']}")
            params[k] = v
        LossFunctionWrapper.__init__(self, fn, reduction=reduction, name=name, **params)

    def get_config(self) -> dict:
        config = {"name": self.name, "reduction": self.reduction}
        config.update(self._fn_kwargs)
        return config

    @classmethod
    def from_config(cls, config: dict) -> "Loss":
        config = dict(config)
        config.pop("dtype", None)
        config.pop("fn", None)
        return cls(**config)

    cls = type(name, (LossFunctionWrapper,), {"__init__": __init__, "get_config": get_config,
                                               "from_config": from_config,
                                               "__doc__": f"The class form of `{fn.__name__}`."})
    cls.__module__ = __name__
    return cls


MeanSquaredError = _loss_class("MeanSquaredError", mean_squared_error, {})
MeanAbsoluteError = _loss_class("MeanAbsoluteError", mean_absolute_error, {})
MeanAbsolutePercentageError = _loss_class("MeanAbsolutePercentageError", mean_absolute_percentage_error, {})
MeanSquaredLogarithmicError = _loss_class("MeanSquaredLogarithmicError", mean_squared_logarithmic_error, {})
Hinge = _loss_class("Hinge", hinge, {})
SquaredHinge = _loss_class("SquaredHinge", squared_hinge, {})
CategoricalHinge = _loss_class("CategoricalHinge", categorical_hinge, {})
LogCosh = _loss_class("LogCosh", log_cosh, {})
Huber = _loss_class("Huber", huber, {"delta": 1.0})
CategoricalCrossentropy = _loss_class("CategoricalCrossentropy", categorical_crossentropy,
                                      {"from_logits": False, "label_smoothing": 0.0, "axis": -1})
SparseCategoricalCrossentropy = _loss_class("SparseCategoricalCrossentropy", sparse_categorical_crossentropy,
                                            {"from_logits": False, "ignore_class": None})
BinaryCrossentropy = _loss_class("BinaryCrossentropy", binary_crossentropy,
                                 {"from_logits": False, "label_smoothing": 0.0, "axis": -1})
KLDivergence = _loss_class("KLDivergence", kl_divergence, {})
Poisson = _loss_class("Poisson", poisson, {})
CosineSimilarity = _loss_class("CosineSimilarity", cosine_similarity, {"axis": -1})


# ---- lookup ----------------------------------------------------------------------------------------

_FUNCTIONS: dict[str, Callable] = {f.__name__: f for f in (
    mean_squared_error, mean_absolute_error, mean_absolute_percentage_error, mean_squared_logarithmic_error,
    hinge, squared_hinge, categorical_hinge, log_cosh, huber, categorical_crossentropy,
    sparse_categorical_crossentropy, binary_crossentropy, kl_divergence, poisson, cosine_similarity)}
_FUNCTIONS.update({"mse": mean_squared_error, "MSE": mean_squared_error, "mae": mean_absolute_error,
                   "MAE": mean_absolute_error, "mape": mean_absolute_percentage_error,
                   "MAPE": mean_absolute_percentage_error, "msle": mean_squared_logarithmic_error,
                   "MSLE": mean_squared_logarithmic_error, "kld": kl_divergence, "KLD": kl_divergence,
                   "bce": binary_crossentropy, "BCE": binary_crossentropy, "logcosh": log_cosh,
                   "kullback_leibler_divergence": kullback_leibler_divergence,
                   "cosine_proximity": cosine_similarity})
_CLASSES: dict[str, type] = {c.__name__: c for c in (
    MeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError, MeanSquaredLogarithmicError, Hinge,
    SquaredHinge, CategoricalHinge, LogCosh, Huber, CategoricalCrossentropy, SparseCategoricalCrossentropy,
    BinaryCrossentropy, KLDivergence, Poisson, CosineSimilarity)}


def _camel_to_snake(name: str) -> str:
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower()


def valid_names() -> list[str]:
    return sorted(set(_FUNCTIONS) | set(_CLASSES))


def get(identifier: Any) -> Any:
    """A loss from a name (Keras' function or class names and aliases, TF.js's camelCase names), a
    {"class_name", "config"} dict, a Loss instance or any callable (returned as is)."""
    if identifier is None:
        return None
    if isinstance(identifier, Loss) or (callable(identifier) and not isinstance(identifier, (str, type))):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, Loss):
        return identifier()
    if isinstance(identifier, dict):
        if "class_name" not in identifier:
            raise InvalidArgumentError(f"losses.get: a dict identifier needs 'class_name', got {identifier!r}")
        name = identifier["class_name"]
        if name in _CLASSES or name in ("LossFunctionWrapper",):
            cls = _CLASSES.get(name, LossFunctionWrapper)
            return cls.from_config(identifier.get("config") or {})
        if name in _FUNCTIONS or _camel_to_snake(name) in _FUNCTIONS:
            return get(name)
        raise InvalidArgumentError(f"unknown loss {name!r}; valid losses: {', '.join(valid_names())}")
    if isinstance(identifier, str):
        if identifier in _FUNCTIONS:
            return _FUNCTIONS[identifier]
        if identifier in _CLASSES:
            return _CLASSES[identifier]()
        snake = _camel_to_snake(identifier)
        if snake in _FUNCTIONS:
            return _FUNCTIONS[snake]
        raise InvalidArgumentError(f"unknown loss {identifier!r}; valid losses: {', '.join(valid_names())}")
    raise InvalidArgumentError(f"cannot interpret {identifier!r} as a loss")


def serialize(loss: Any) -> Any:
    """A function serializes as its name, a Loss as {"module", "class_name", "config", "registered_name"}."""
    if loss is None:
        return None
    if isinstance(loss, Loss):
        return {"module": "keras.losses", "class_name": type(loss).__name__, "config": loss.get_config(),
                "registered_name": None}
    name = getattr(loss, "__name__", None)
    if name in _FUNCTIONS:
        return name
    raise InvalidArgumentError(f"cannot serialize loss {loss!r}")


def deserialize(config: Any, custom_objects: dict | None = None) -> Any:
    if isinstance(config, str) and custom_objects and config in custom_objects:
        return custom_objects[config]
    if isinstance(config, dict) and custom_objects and config.get("class_name") in custom_objects:
        return custom_objects[config["class_name"]].from_config(config.get("config") or {})
    return get(config)
