"""Metrics, Keras 3-compatible: stateful metric objects (update_state / result / reset_state) and the
functional forms (per-sample values).

A metric accumulates over an epoch as Keras 3 does: mean metrics keep a weighted total and count (the
count is the number of samples, or the sum of the sample weights), confusion metrics keep counts per
threshold. The state lives in NumPy (float64 accumulators of float32 per-batch values), so metrics hold no
tensors; `result()` returns a Python float.
"""
from __future__ import annotations

import re
from typing import Any, Callable, Sequence

import numpy as np

from .. import ops as _ops
from ..core.engine import ENGINE
from ..core.tensor import Tensor
from ..errors import InvalidArgumentError, ShapeError
from . import losses as _losses

__all__ = ["Metric", "Mean", "Sum", "MeanMetricWrapper", "Accuracy", "BinaryAccuracy", "CategoricalAccuracy",
           "SparseCategoricalAccuracy", "TopKCategoricalAccuracy", "SparseTopKCategoricalAccuracy",
           "MeanSquaredError", "RootMeanSquaredError", "MeanAbsoluteError", "MeanAbsolutePercentageError",
           "MeanSquaredLogarithmicError", "CosineSimilarity", "LogCoshError", "BinaryCrossentropy",
           "CategoricalCrossentropy", "SparseCategoricalCrossentropy", "KLDivergence", "Poisson", "Hinge",
           "SquaredHinge", "CategoricalHinge", "Precision", "Recall", "TruePositives", "TrueNegatives",
           "FalsePositives", "FalseNegatives", "AUC", "R2Score",
           "accuracy", "binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy",
           "top_k_categorical_accuracy", "sparse_top_k_categorical_accuracy", "cosine_similarity",
           "get", "serialize", "deserialize"]

EPSILON = 1e-7


def _np(x: Any) -> np.ndarray:
    if isinstance(x, Tensor):
        return x.numpy()
    return np.asarray(x)


def _f32(x: Any) -> np.ndarray:
    return _np(x).astype(np.float32)


def _same_rank(a: np.ndarray, b: np.ndarray, expand_rank_1: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """NumPy twin of losses.squeeze_or_expand_to_same_rank."""
    if a.ndim == b.ndim:
        return a, b
    if a.ndim == b.ndim + 1 and a.shape[-1] == 1:
        if b.ndim == 1 and expand_rank_1:
            b = b[..., None]
        else:
            a = a[..., 0]
    if b.ndim == a.ndim + 1 and b.shape[-1] == 1:
        if a.ndim == 1 and expand_rank_1:
            a = a[..., None]
        else:
            b = b[..., 0]
    return a, b


# ---- functional forms (NumPy in, NumPy out; the public wrappers return tensors) ----------------------

def _accuracy(y_true: Any, y_pred: Any) -> np.ndarray:
    t, p = _same_rank(_f32(y_true), _f32(y_pred))
    return (t == p).astype(np.float32)


def _binary_accuracy(y_true: Any, y_pred: Any, threshold: float = 0.5) -> np.ndarray:
    t, p = _same_rank(_f32(y_true), _f32(y_pred))
    return (t == (p > threshold).astype(np.float32)).astype(np.float32)


def _categorical_accuracy(y_true: Any, y_pred: Any) -> np.ndarray:
    t = np.argmax(_f32(y_true), axis=-1)
    return (t == np.argmax(_f32(y_pred), axis=-1)).astype(np.float32)


def _sparse_categorical_accuracy(y_true: Any, y_pred: Any) -> np.ndarray:
    t, p = _f32(y_true), _f32(y_pred)
    if t.ndim == p.ndim and t.shape[-1] == 1:
        t = t[..., 0]
    m = (t == np.argmax(p, axis=-1).astype(np.float32)).astype(np.float32)
    if m.ndim > 1 and m.shape[-1] == 1:
        m = m[..., 0]
    return m


def _in_top_k(targets: np.ndarray, p: np.ndarray, k: int) -> np.ndarray:
    """TF's in_top_k: the target's score is among the k largest (ties count as in)."""
    p = p.reshape(-1, p.shape[-1])
    targets = targets.reshape(-1).astype(np.int64)
    target_score = p[np.arange(len(targets)), targets]
    better = (p > target_score[:, None]).sum(axis=-1)
    ok = (better < k) & np.isfinite(target_score)
    return ok.astype(np.float32)


def _top_k_categorical_accuracy(y_true: Any, y_pred: Any, k: int = 5) -> np.ndarray:
    t = np.argmax(_f32(y_true), axis=-1)
    p = _f32(y_pred)
    return _in_top_k(t, p, k).reshape(t.shape)


def _sparse_top_k_categorical_accuracy(y_true: Any, y_pred: Any, k: int = 5, from_sorted_ids: bool = False
                                       ) -> np.ndarray:
    t, p = _f32(y_true), _f32(y_pred)
    if t.ndim == p.ndim and t.shape[-1] == 1:
        t = t[..., 0]
    shape = t.shape
    if from_sorted_ids:
        ids = p.reshape(-1, p.shape[-1])[:, :k]
        return (ids == t.reshape(-1, 1)).any(axis=-1).astype(np.float32).reshape(shape)
    return _in_top_k(t, p, k).reshape(shape)


def _cosine_similarity(y_true: Any, y_pred: Any, axis: int = -1) -> np.ndarray:
    t, p = _same_rank(_f32(y_true), _f32(y_pred))
    tn = t / np.sqrt(np.maximum(np.sum(t * t, axis=axis, keepdims=True), 1e-12))
    pn = p / np.sqrt(np.maximum(np.sum(p * p, axis=axis, keepdims=True), 1e-12))
    return np.sum(tn * pn, axis=axis).astype(np.float32)


def _from_loss(fn: Callable) -> Callable:
    def f(y_true: Any, y_pred: Any, **kw: Any) -> np.ndarray:
        with ENGINE.tidy():
            return fn(y_true, y_pred, **kw).numpy()
    f.__name__ = fn.__name__
    return f


def _tensor_fn(np_fn: Callable, name: str) -> Callable:
    def f(y_true: Any, y_pred: Any, **kw: Any) -> Tensor:
        return _ops.tensor(np_fn(y_true, y_pred, **kw))
    f.__name__ = name
    f.__doc__ = f"Keras' `{name}`: per-sample values as a tensor."
    return f


accuracy = _tensor_fn(_accuracy, "accuracy")
binary_accuracy = _tensor_fn(_binary_accuracy, "binary_accuracy")
categorical_accuracy = _tensor_fn(_categorical_accuracy, "categorical_accuracy")
sparse_categorical_accuracy = _tensor_fn(_sparse_categorical_accuracy, "sparse_categorical_accuracy")
top_k_categorical_accuracy = _tensor_fn(_top_k_categorical_accuracy, "top_k_categorical_accuracy")
sparse_top_k_categorical_accuracy = _tensor_fn(_sparse_top_k_categorical_accuracy,
                                               "sparse_top_k_categorical_accuracy")
cosine_similarity = _tensor_fn(_cosine_similarity, "cosine_similarity")


# ---- the Metric classes ----------------------------------------------------------------------------

def _snake(name: str) -> str:
    s = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", s).lower()


class Metric:
    """Base class: update_state(y_true, y_pred, sample_weight=None), result() -> float, reset_state()."""

    #: "up" when larger is better, "down" when smaller is (monitoring callbacks read it)
    _direction: str | None = None

    def __init__(self, name: str | None = None, dtype: Any = None) -> None:
        self.name = name or _snake(type(self).__name__)
        self.dtype = "float32"
        self.reset_state()

    def reset_state(self) -> None:
        pass

    def update_state(self, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError

    def result(self) -> float:
        raise NotImplementedError

    def __call__(self, *args: Any, **kwargs: Any) -> float:
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": "float32"}

    @classmethod
    def from_config(cls, config: dict) -> "Metric":
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name!r}>"


def _samplewise(values: np.ndarray, sample_weight: Any) -> tuple[np.ndarray, np.ndarray | None]:
    """Keras' reduce_to_samplewise_values with mean: weighted per-sample values and the weights."""
    values = values.astype(np.float64)
    sw = None
    if sample_weight is not None:
        sw = _np(sample_weight).astype(np.float64)
        values, sw = _same_rank(values, sw)
        if values.ndim > sw.ndim:
            values = values.mean(axis=tuple(range(sw.ndim, values.ndim)))
        sw = np.broadcast_to(sw, values.shape)
        values = values * sw
        if sw.ndim > 1:
            sw = sw.mean(axis=tuple(range(1, sw.ndim)))
    if values.ndim > 1:
        values = values.mean(axis=tuple(range(1, values.ndim)))
    return values, sw


class Mean(Metric):
    """The (weighted) mean of the values given to update_state."""

    def reset_state(self) -> None:
        self.total = 0.0
        self.count = 0.0

    def update_state(self, values: Any, sample_weight: Any = None) -> None:
        v, sw = _samplewise(_np(values), sample_weight)
        self.total += float(np.sum(v))
        if sw is not None:
            self.count += float(np.sum(sw))
        elif v.ndim >= 1:
            self.count += v.shape[0]
        else:
            self.count += 1

    def result(self) -> float:
        return float(np.float32(self.total / self.count)) if self.count else 0.0


class Sum(Metric):
    """The (weighted) sum of the values."""

    def reset_state(self) -> None:
        self.total = 0.0

    def update_state(self, values: Any, sample_weight: Any = None) -> None:
        v, _ = _samplewise(_np(values), sample_weight)
        self.total += float(np.sum(v))

    def result(self) -> float:
        return float(np.float32(self.total))


class MeanMetricWrapper(Mean):
    """The mean over samples of fn(y_true, y_pred, **kwargs)."""

    _np_fn: Callable | None = None

    def __init__(self, fn: Callable | None = None, name: str | None = None, dtype: Any = None,
                 **kwargs: Any) -> None:
        self._fn = fn if fn is not None else self._np_fn
        if self._fn is None:
            raise InvalidArgumentError(f"{type(self).__name__}: give a metric function")
        self._fn_kwargs = kwargs
        super().__init__(name=name or getattr(fn, "__name__", None), dtype=dtype)

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        values = self._fn(y_true, y_pred, **self._fn_kwargs)
        if isinstance(values, Tensor):
            v = values.numpy()
            if not values._kept:
                values.dispose()
            values = v
        super().update_state(values, sample_weight)

    def get_config(self) -> dict:
        config = {"name": self.name, "dtype": "float32"}
        config.update(self._fn_kwargs)
        return config

    @classmethod
    def from_config(cls, config: dict) -> "Metric":
        config = dict(config)
        config.pop("fn", None)
        return cls(**config)


def _wrapper(name: str, np_fn: Callable, defaults: dict, default_name: str | None = None,
             direction: str = "down") -> type:
    dname = default_name or _snake(name)

    def __init__(self, *args: Any, name: str = dname, dtype: Any = None, **kwargs: Any) -> None:
        params = dict(defaults)
        for k, v in zip(list(defaults), args):
            params[k] = v
        for k, v in kwargs.items():
            if k not in params:
                raise InvalidArgumentError(f"{type(self).__name__}: unexpected keyword argument {k!r}; valid: "
                                           f"{list(defaults) + ['name', 'dtype']}")
            params[k] = v
        MeanMetricWrapper.__init__(self, np_fn, name=name, **params)

    cls = type(name, (MeanMetricWrapper,), {"__init__": __init__, "_direction": direction,
                                             "__doc__": f"Mean over samples of Keras' `{np_fn.__name__}`."})
    cls.__module__ = __name__
    return cls


Accuracy = _wrapper("Accuracy", _accuracy, {}, direction="up")
BinaryAccuracy = _wrapper("BinaryAccuracy", _binary_accuracy, {"threshold": 0.5}, direction="up")
CategoricalAccuracy = _wrapper("CategoricalAccuracy", _categorical_accuracy, {}, direction="up")
SparseCategoricalAccuracy = _wrapper("SparseCategoricalAccuracy", _sparse_categorical_accuracy, {}, direction="up")
TopKCategoricalAccuracy = _wrapper("TopKCategoricalAccuracy", _top_k_categorical_accuracy, {"k": 5},
                                   "top_k_categorical_accuracy", "up")
SparseTopKCategoricalAccuracy = _wrapper("SparseTopKCategoricalAccuracy", _sparse_top_k_categorical_accuracy,
                                         {"k": 5, "from_sorted_ids": False},
                                         "sparse_top_k_categorical_accuracy", "up")
MeanSquaredError = _wrapper("MeanSquaredError", _from_loss(_losses.mean_squared_error), {})
MeanAbsoluteError = _wrapper("MeanAbsoluteError", _from_loss(_losses.mean_absolute_error), {})
MeanAbsolutePercentageError = _wrapper("MeanAbsolutePercentageError",
                                       _from_loss(_losses.mean_absolute_percentage_error), {})
MeanSquaredLogarithmicError = _wrapper("MeanSquaredLogarithmicError",
                                       _from_loss(_losses.mean_squared_logarithmic_error), {})
CosineSimilarity = _wrapper("CosineSimilarity", _cosine_similarity, {"axis": -1}, direction="up")
LogCoshError = _wrapper("LogCoshError", _from_loss(_losses.log_cosh), {}, "logcosh")
BinaryCrossentropy = _wrapper("BinaryCrossentropy", _from_loss(_losses.binary_crossentropy),
                              {"from_logits": False, "label_smoothing": 0.0})
CategoricalCrossentropy = _wrapper("CategoricalCrossentropy", _from_loss(_losses.categorical_crossentropy),
                                   {"from_logits": False, "label_smoothing": 0.0, "axis": -1})
SparseCategoricalCrossentropy = _wrapper("SparseCategoricalCrossentropy",
                                         _from_loss(_losses.sparse_categorical_crossentropy),
                                         {"from_logits": False, "axis": -1})
KLDivergence = _wrapper("KLDivergence", _from_loss(_losses.kl_divergence), {}, "kl_divergence")
Poisson = _wrapper("Poisson", _from_loss(_losses.poisson), {})
Hinge = _wrapper("Hinge", _from_loss(_losses.hinge), {})
SquaredHinge = _wrapper("SquaredHinge", _from_loss(_losses.squared_hinge), {})
CategoricalHinge = _wrapper("CategoricalHinge", _from_loss(_losses.categorical_hinge), {})


class RootMeanSquaredError(Mean):
    """sqrt of the (weighted) mean squared error."""

    def __init__(self, name: str = "root_mean_squared_error", dtype: Any = None) -> None:
        super().__init__(name=name)

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        t, p = _same_rank(_f32(y_true), _f32(y_pred))
        super().update_state(np.square(t - p), sample_weight)

    def result(self) -> float:
        return float(np.sqrt(np.float32(self.total / self.count))) if self.count else 0.0


# ---- confusion-matrix metrics ----------------------------------------------------------------------

def _confusion_update(y_true: Any, y_pred: Any, thresholds: np.ndarray, sample_weight: Any,
                      class_id: int | None = None, top_k: int | None = None) -> np.ndarray:
    """[tp, fp, tn, fn] per threshold (shape (4, n)), as Keras' update_confusion_matrix_variables with
    flattened labels and predictions (prediction > threshold counts as positive)."""
    t, p = _same_rank(_f32(y_true), _f32(y_pred))
    if t.shape != p.shape:
        raise ShapeError(f"confusion-matrix metric (precision, recall, AUC, ...): y_true and y_pred must have the "
                         f"same shape, got y_true {list(t.shape)} and y_pred {list(p.shape)}")
    if top_k is not None:
        kth = -np.sort(-p, axis=-1)[..., top_k - 1:top_k]
        p = np.where(p >= kth, p, -np.inf)
    if sample_weight is None:
        w = np.ones(p.shape, dtype=np.float64)
    else:
        w = _np(sample_weight).astype(np.float64)
        p, w = _same_rank(p, w)
        w = np.broadcast_to(w.reshape(w.shape + (1,) * (p.ndim - w.ndim)), p.shape)
    if class_id is not None:
        t, p, w = t[..., class_id], p[..., class_id], w[..., class_id]
    t = t.reshape(-1).astype(bool)
    p = p.reshape(-1)
    w = np.asarray(w, dtype=np.float64).reshape(-1)
    above = p[None, :] > thresholds[:, None]
    pos, neg = t[None, :], ~t[None, :]
    return np.stack([(above & pos) @ w, (above & neg) @ w, (~above & neg) @ w, (~above & pos) @ w])


def _thresholds(thresholds: Any, default: float = 0.5) -> tuple[np.ndarray, bool]:
    if thresholds is None:
        return np.array([default], dtype=np.float32), True
    single = np.ndim(thresholds) == 0
    return np.atleast_1d(np.asarray(thresholds, dtype=np.float32)), single


class _ConfusionMetric(Metric):
    _kind = 0  # index into [tp, fp, tn, fn]

    def __init__(self, thresholds: Any = None, name: str | None = None, dtype: Any = None) -> None:
        self.init_thresholds = thresholds
        self.thresholds, self._single = _thresholds(thresholds)
        super().__init__(name=name)

    def reset_state(self) -> None:
        self.accumulator = np.zeros(len(self.thresholds))

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        self.accumulator += _confusion_update(y_true, y_pred, self.thresholds, sample_weight)[self._kind]

    def result(self) -> Any:
        r = self.accumulator.astype(np.float32)
        return float(r[0]) if self._single else r

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": "float32", "thresholds": self.init_thresholds}


def _confusion(name: str, kind: int) -> type:
    cls = type(name, (_ConfusionMetric,), {"_kind": kind, "_direction": "up" if kind in (0, 2) else "down",
                                           "__doc__": f"The (weighted) count of {name}."})
    cls.__module__ = __name__
    return cls


TruePositives = _confusion("TruePositives", 0)
FalsePositives = _confusion("FalsePositives", 1)
TrueNegatives = _confusion("TrueNegatives", 2)
FalseNegatives = _confusion("FalseNegatives", 3)


def _div_no_nan(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(b == 0, 0.0, a / np.where(b == 0, 1, b))


class Precision(Metric):
    """tp / (tp + fp) at a threshold (default 0.5; prediction > threshold is positive)."""

    _direction = "up"

    def __init__(self, thresholds: Any = None, top_k: int | None = None, class_id: int | None = None,
                 name: str | None = None, dtype: Any = None) -> None:
        self.init_thresholds, self.top_k, self.class_id = thresholds, top_k, class_id
        default = -1e-7 if top_k is not None and thresholds is None else 0.5
        self.thresholds, self._single = _thresholds(thresholds, default)
        super().__init__(name=name)

    def reset_state(self) -> None:
        self.counts = np.zeros((4, len(self.thresholds)))

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        self.counts += _confusion_update(y_true, y_pred, self.thresholds, sample_weight, self.class_id, self.top_k)

    def _value(self) -> np.ndarray:
        tp, fp, tn, fn = self.counts
        return _div_no_nan(tp, tp + fp)

    def result(self) -> Any:
        r = self._value().astype(np.float32)
        return float(r[0]) if self._single else r

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": "float32", "thresholds": self.init_thresholds, "top_k": self.top_k,
                "class_id": self.class_id}


class Recall(Precision):
    """tp / (tp + fn) at a threshold (default 0.5)."""

    def _value(self) -> np.ndarray:
        tp, fp, tn, fn = self.counts
        return _div_no_nan(tp, tp + fn)


class AUC(Metric):
    """Area under the ROC (or PR) curve from counts at num_thresholds evenly spaced thresholds, summed
    with Keras' methods ('interpolation' by default; for PR, Davis & Goadrich's interpolation)."""

    _direction = "up"

    def __init__(self, num_thresholds: int = 200, curve: str = "ROC", summation_method: str = "interpolation",
                 name: str | None = None, dtype: Any = None, thresholds: Sequence[float] | None = None,
                 multi_label: bool = False, num_labels: int | None = None, label_weights: Any = None,
                 from_logits: bool = False) -> None:
        if curve.upper() not in ("ROC", "PR"):
            raise InvalidArgumentError(f"AUC: curve must be 'ROC' or 'PR', got {curve!r}")
        if summation_method not in ("interpolation", "minoring", "majoring"):
            raise InvalidArgumentError(f"AUC: summation_method must be 'interpolation', 'minoring' or 'majoring', "
                                       f"got {summation_method!r}")
        if multi_label:
            raise InvalidArgumentError("AUC: multi_label=True is not supported")
        self.curve, self.summation_method, self.from_logits = curve.upper(), summation_method, bool(from_logits)
        self.multi_label = False
        if thresholds is not None:
            inner = sorted(float(t) for t in thresholds)
            self.num_thresholds = len(inner) + 2
        else:
            if num_thresholds <= 1:
                raise InvalidArgumentError(f"AUC: num_thresholds must be > 1, got {num_thresholds}")
            self.num_thresholds = int(num_thresholds)
            inner = [(i + 1) * 1.0 / (self.num_thresholds - 1) for i in range(self.num_thresholds - 2)]
        self._init_thresholds = thresholds
        self.thresholds = np.array([0.0 - EPSILON] + inner + [1.0 + EPSILON], dtype=np.float32)
        super().__init__(name=name)

    def reset_state(self) -> None:
        self.counts = np.zeros((4, self.num_thresholds))

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        p = _f32(y_pred)
        if self.from_logits:
            p = (1.0 / (1.0 + np.exp(-p))).astype(np.float32)
        self.counts += _confusion_update(y_true, p, self.thresholds, sample_weight)

    def result(self) -> float:
        tp, fp, tn, fn = self.counts
        n = self.num_thresholds
        if self.curve == "PR" and self.summation_method == "interpolation":
            dtp = tp[:n - 1] - tp[1:]
            pp = tp + fp
            dp = pp[:n - 1] - pp[1:]
            slope = _div_no_nan(dtp, np.maximum(dp, 0))
            intercept = tp[1:] - slope * pp[1:]
            ratio = np.where((pp[:n - 1] > 0) & (pp[1:] > 0), _div_no_nan(pp[:n - 1], np.maximum(pp[1:], 0)), 1.0)
            with np.errstate(divide="ignore", invalid="ignore"):
                inc = _div_no_nan(slope * (dtp + intercept * np.log(ratio)), np.maximum(tp[1:] + fn[1:], 0))
            return float(np.float32(np.sum(inc)))
        recall = _div_no_nan(tp, tp + fn)
        if self.curve == "ROC":
            x, y = _div_no_nan(fp, fp + tn), recall
        else:
            x, y = recall, _div_no_nan(tp, tp + fp)
        if self.summation_method == "interpolation":
            heights = (y[:n - 1] + y[1:]) / 2.0
        elif self.summation_method == "minoring":
            heights = np.minimum(y[:n - 1], y[1:])
        else:
            heights = np.maximum(y[:n - 1], y[1:])
        return float(np.float32(np.sum((x[:n - 1] - x[1:]) * heights)))

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": "float32", "num_thresholds": self.num_thresholds, "curve": self.curve,
                "summation_method": self.summation_method, "multi_label": False, "num_labels": None,
                "label_weights": None, "from_logits": self.from_logits,
                "thresholds": list(map(float, self.thresholds[1:-1])) if self._init_thresholds is not None
                else None}


class R2Score(Metric):
    """The coefficient of determination, averaged uniformly over outputs (Keras' defaults)."""

    _direction = "up"

    def __init__(self, class_aggregation: str | None = "uniform_average", num_regressors: int = 0,
                 name: str = "r2_score", dtype: Any = None) -> None:
        if class_aggregation not in (None, "uniform_average", "variance_weighted_average"):
            raise InvalidArgumentError(f"R2Score: class_aggregation must be None, 'uniform_average' or "
                                       f"'variance_weighted_average', got {class_aggregation!r}")
        self.class_aggregation, self.num_regressors = class_aggregation, int(num_regressors)
        super().__init__(name=name)

    def reset_state(self) -> None:
        self.sums = None

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        t, p = _same_rank(_np(y_true).astype(np.float64), _np(y_pred).astype(np.float64))
        if t.ndim == 1:
            t, p = t[:, None], p[:, None]
        sw = np.ones(1) if sample_weight is None else _np(sample_weight).astype(np.float64)
        if sw.ndim == 1:
            sw = sw[:, None]
        sw = np.broadcast_to(sw, t.shape)
        new = np.stack([np.sum(t * sw, 0), np.sum(t * t * sw, 0), np.sum((t - p) ** 2 * sw, 0), np.sum(sw, 0)])
        if self.sums is None:
            self.sums, self.num_samples = new, 0
        else:
            self.sums = self.sums + new
        self.num_samples += t.size

    def result(self) -> Any:
        if self.sums is None:
            return 0.0
        s, sq, mse, count = self.sums
        with np.errstate(divide="ignore", invalid="ignore"):
            mean = s / count
            total = sq - s * mean
            raw = 1 - mse / total
        raw = np.where(np.isinf(raw), 0.0, raw)
        if self.class_aggregation == "uniform_average":
            r2 = np.mean(raw)
        elif self.class_aggregation == "variance_weighted_average":
            r2 = np.sum(total * raw) / np.sum(total)
        else:
            return raw.astype(np.float32)
        n, k = self.num_samples, self.num_regressors
        if k and k < n - 1:
            r2 = 1 - (1 - r2) * (n - 1) / (n - k - 1)
        return float(np.float32(r2))

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": "float32", "class_aggregation": self.class_aggregation,
                "num_regressors": self.num_regressors}


# ---- lookup ----------------------------------------------------------------------------------------

_CLASSES: dict[str, type] = {c.__name__: c for c in (
    Mean, Sum, Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy, TopKCategoricalAccuracy,
    SparseTopKCategoricalAccuracy, MeanSquaredError, RootMeanSquaredError, MeanAbsoluteError,
    MeanAbsolutePercentageError, MeanSquaredLogarithmicError, CosineSimilarity, LogCoshError, BinaryCrossentropy,
    CategoricalCrossentropy, SparseCategoricalCrossentropy, KLDivergence, Poisson, Hinge, SquaredHinge,
    CategoricalHinge, Precision, Recall, TruePositives, TrueNegatives, FalsePositives, FalseNegatives, AUC,
    R2Score)}
_NAMES: dict[str, type] = dict(_CLASSES)
_NAMES.update({_snake(n): c for n, c in _CLASSES.items()})
_NAMES.update({"auc": AUC, "r2_score": R2Score, "bce": BinaryCrossentropy, "BCE": BinaryCrossentropy,
               "mse": MeanSquaredError, "MSE": MeanSquaredError, "mae": MeanAbsoluteError,
               "MAE": MeanAbsoluteError, "mape": MeanAbsolutePercentageError, "MAPE": MeanAbsolutePercentageError,
               "msle": MeanSquaredLogarithmicError, "MSLE": MeanSquaredLogarithmicError,
               "rmse": RootMeanSquaredError, "logcosh": LogCoshError, "log_cosh": LogCoshError,
               "kld": KLDivergence, "KLD": KLDivergence, "kullback_leibler_divergence": KLDivergence,
               "cosine_proximity": CosineSimilarity, "top_k_categorical_accuracy": TopKCategoricalAccuracy,
               "sparse_top_k_categorical_accuracy": SparseTopKCategoricalAccuracy})


def valid_names() -> list[str]:
    return sorted(set(_NAMES) | {"accuracy", "acc", "crossentropy", "ce"})


def get(identifier: Any) -> Metric:
    """A Metric object from a name (Keras' class names, their snake_case, the usual aliases, TF.js's camelCase
    names), a {"class_name", "config"} dict, a Metric, a Metric class, or a function fn(y_true, y_pred)
    (wrapped in MeanMetricWrapper). 'accuracy' alone is resolved by the training loop, which sees the
    shapes."""
    if isinstance(identifier, Metric):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, Metric):
        return identifier()
    if isinstance(identifier, dict):
        name = identifier.get("class_name")
        if name not in _CLASSES:
            raise InvalidArgumentError(f"unknown metric class {name!r}; valid metrics: {', '.join(valid_names())}")
        return _CLASSES[name].from_config(identifier.get("config") or {})
    if isinstance(identifier, str):
        if identifier in _NAMES:
            return _NAMES[identifier]()
        snake = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", identifier).lower()
        if snake in _NAMES:
            return _NAMES[snake]()
        if identifier.lower() in ("accuracy", "acc"):
            return Accuracy(name=identifier)
        raise InvalidArgumentError(f"unknown metric {identifier!r}; valid metrics: {', '.join(valid_names())}")
    if callable(identifier):
        return MeanMetricWrapper(identifier, name=getattr(identifier, "__name__", None))
    raise InvalidArgumentError(f"cannot interpret {identifier!r} as a metric")


def serialize(metric: Metric) -> dict:
    return {"module": "keras.metrics", "class_name": type(metric).__name__, "config": metric.get_config(),
            "registered_name": None}


def deserialize(config: Any, custom_objects: dict | None = None) -> Metric:
    if isinstance(config, dict) and custom_objects and config.get("class_name") in custom_objects:
        return custom_objects[config["class_name"]].from_config(config.get("config") or {})
    return get(config)
