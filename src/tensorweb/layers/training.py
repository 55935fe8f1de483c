"""The training loop of Model: compile, fit, evaluate, predict and the *_on_batch methods (Keras 3's
semantics).

One training step runs, inside one `tidy` scope: the forward pass with training=True, the compiled loss
(the loss_weights-weighted sum of each output's loss, plus the sum of `model.losses` for regularization),
the gradients of that loss with respect to `model.trainable_weights` (`variable_grads`), the optimizer's
`apply_gradients` and the weights' constraints. Metrics accumulate in NumPy over an epoch as Keras does: the
loss is the mean of the batch losses weighted by batch size; History and the logs use Keras' names ('loss',
'accuracy', 'val_loss', '<output>_loss' for several outputs).

Optimizers are tensorweb's (tw.train): names map to them with Keras' default learning rates ('adam' ->
adam(0.001), 'sgd' -> sgd(0.01), 'rmsprop' -> rmsprop(0.001, decay=0.9), ...). Their update rules are TF.js's,
which differ from Keras' in details (for instance where Adam's epsilon sits, RMSprop's epsilon inside the
square root), so only plain SGD reproduces Keras' numbers exactly.
"""
from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np

from ..core.engine import ENGINE
from ..core.tensor import Tensor
from ..errors import InvalidArgumentError

__all__ = ["Trainer", "get_optimizer", "OPTIMIZER_NAMES"]


# ---- optimizers ------------------------------------------------------------------------------------

def _optimizer_table() -> dict:
    from .. import train
    return {
        "sgd": lambda: train.sgd(0.01),
        "adam": lambda: train.adam(0.001, 0.9, 0.999, 1e-7),
        "rmsprop": lambda: train.rmsprop(0.001, 0.9, 0.0, 1e-7),
        "adagrad": lambda: train.adagrad(0.001, 0.1),
        "adadelta": lambda: train.adadelta(0.001, 0.95, 1e-7),
        "adamax": lambda: train.adamax(0.001, 0.9, 0.999, 1e-7),
        "momentum": lambda: train.momentum(0.01, 0.9),
    }


OPTIMIZER_NAMES = ("sgd", "adam", "rmsprop", "adagrad", "adadelta", "adamax", "momentum")


def get_optimizer(identifier: Any) -> Any:
    """A tw.train optimizer from a name (Keras' names, case-insensitive, with Keras' default learning
    rates) or an optimizer instance (returned as is)."""
    from ..train import Optimizer
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, str):
        table = _optimizer_table()
        key = identifier.lower()
        if key in table:
            return table[key]()
        raise InvalidArgumentError(f"unknown optimizer {identifier!r}; valid names: {', '.join(OPTIMIZER_NAMES)} "
                                   f"(or pass a tw.train optimizer instance)")
    raise InvalidArgumentError(f"compile: optimizer must be a name ({', '.join(OPTIMIZER_NAMES)}) or a tw.train "
                               f"optimizer, got {type(identifier).__name__}")


# ---- data ------------------------------------------------------------------------------------------

def _to_numpy(x: Any, where: str) -> np.ndarray:
    if isinstance(x, Tensor):
        return x.numpy()
    a = np.asarray(x)
    if a.dtype == object:
        raise InvalidArgumentError(f"{where}: cannot convert {type(x).__name__} to an array (ragged or mixed data?)")
    if a.dtype == np.float64:
        a = a.astype(np.float32)
    elif a.dtype.kind in "iu" and a.dtype != np.int32:
        a = a.astype(np.int32)
    return a


def _flat_data(data: Any, names: list[str], what: str, model_name: str) -> list[np.ndarray] | None:
    """x or y as a list of arrays in the order of the model's inputs/outputs."""
    if data is None:
        return None
    if isinstance(data, dict):
        unknown = [k for k in data if k not in names]
        missing = [n for n in names if n not in data]
        if missing or unknown:
            raise InvalidArgumentError(f"model {model_name!r}: the {what} dict has keys {sorted(data)}, expected the "
                                       f"{what} names {names}")
        return [_to_numpy(data[n], f"{what} {n!r}") for n in names]
    if isinstance(data, (list, tuple)) and len(names) > 1:
        if len(data) != len(names):
            raise InvalidArgumentError(f"model {model_name!r} has {len(names)} {what}s ({', '.join(names)}), got a "
                                       f"list of {len(data)}")
        return [_to_numpy(d, f"{what} {i}") for i, d in enumerate(data)]
    if isinstance(data, (list, tuple)) and len(data) == 1 and isinstance(data[0], (np.ndarray, Tensor)):
        return [_to_numpy(data[0], what)]
    return [_to_numpy(data, what)]


def _num_samples(arrays: list[np.ndarray], what: str) -> int:
    sizes = {a.shape[0] if a.ndim else 1 for a in arrays}
    if len(sizes) != 1:
        raise InvalidArgumentError(f"{what}: all arrays must have the same number of samples, got sizes "
                                   f"{[a.shape[0] if a.ndim else 1 for a in arrays]}")
    return sizes.pop()


def _class_weights_to_sample_weights(y: np.ndarray, class_weight: dict) -> np.ndarray:
    if y.ndim == 2 and y.shape[1] > 1:
        classes = np.argmax(y, axis=1)
    else:
        classes = np.round(y.reshape(y.shape[0], -1)[:, 0]).astype(np.int64)
    missing = sorted(set(classes.tolist()) - set(int(k) for k in class_weight))
    if missing:
        raise InvalidArgumentError(f"class_weight has no weight for class(es) {missing}; it has "
                                   f"{sorted(int(k) for k in class_weight)}")
    table = {int(k): float(v) for k, v in class_weight.items()}
    return np.array([table[int(c)] for c in classes], dtype=np.float32)


class _Data:
    """x, y and sample weights as lists of NumPy arrays, sliced into batches."""

    def __init__(self, x: list[np.ndarray], y: list[np.ndarray] | None, sw: list[np.ndarray | None] | None,
                 where: str) -> None:
        self.x, self.y, self.sw = x, y, sw
        arrays = list(x) + list(y or []) + [s for s in (sw or []) if s is not None]
        if y is not None:
            nx, ny = _num_samples(x, "x"), _num_samples(y, "y")
            if nx != ny:
                raise InvalidArgumentError(f"{where}: x and y have different numbers of samples: x has {nx}, y "
                                           f"has {ny}")
        self.n = _num_samples(arrays, where)

    def take(self, idx: Any) -> "_Data":
        cut = lambda arrs: None if arrs is None else [None if a is None else a[idx] for a in arrs]  # noqa: E731
        d = _Data.__new__(_Data)
        d.x, d.y, d.sw = cut(self.x), cut(self.y), cut(self.sw)
        d.n = len(range(self.n)[idx]) if isinstance(idx, slice) else len(idx)
        return d

    def batches(self, batch_size: int, shuffle: bool) -> list[Any]:
        order = np.random.permutation(self.n) if shuffle else None
        out = []
        for start in range(0, self.n, batch_size):
            out.append(slice(start, min(start + batch_size, self.n)) if order is None
                       else order[start:start + batch_size])
        return out


# ---- the mixin -------------------------------------------------------------------------------------

class Trainer:
    """Mixed into Model: everything about training."""

    def _init_training(self) -> None:
        self.compiled = False
        self.stop_training = False
        self.optimizer = None
        self.loss = None
        self.history = None
        self._loss_fns: list[Any] = []
        self._loss_weights: list[float] | None = None
        self._metric_specs: list[list[Any]] = []
        self._metrics_built: list[list[Any]] | None = None
        self._loss_tracker = None
        self._output_loss_trackers: list[Any] = []

    # ---- compile ----------------------------------------------------------------------------------
    def compile(self, optimizer: Any = "rmsprop", loss: Any = None, loss_weights: Any = None, metrics: Any = None,
                weighted_metrics: Any = None, run_eagerly: bool = False, steps_per_execution: int = 1,
                jit_compile: Any = "auto", auto_scale_loss: bool = True) -> None:
        """Configures training: the optimizer (a name or a tw.train optimizer), the loss (a name, a function,
        a Loss, or a list/dict with one per output), loss_weights and metrics (a list for every output, a
        list of lists or a dict by output name)."""
        from . import losses as L
        from .metrics import Mean
        self.optimizer = get_optimizer(optimizer)
        names = self._output_names_for_training()
        n_out = len(names)
        self.loss = loss
        if isinstance(loss, dict):
            unknown = [k for k in loss if k not in names]
            if unknown:
                raise InvalidArgumentError(f"compile: loss names unknown output(s) {unknown}; the outputs are {names}")
            specs = [loss.get(n) for n in names]
        elif isinstance(loss, (list, tuple)):
            if len(loss) != n_out:
                raise InvalidArgumentError(f"compile: got {len(loss)} losses for a model with {n_out} output(s) "
                                           f"({', '.join(names)})")
            specs = list(loss)
        else:
            specs = [loss] * n_out
        self._loss_specs = specs
        self._loss_fns = [None if s is None or (isinstance(s, str) and s.lower() in ("crossentropy", "ce"))
                          else L.get(s) for s in specs]
        if loss_weights is None:
            self._loss_weights = None
        elif isinstance(loss_weights, dict):
            self._loss_weights = [float(loss_weights.get(n, 1.0)) for n in names]
        elif isinstance(loss_weights, (list, tuple)):
            if len(loss_weights) != n_out:
                raise InvalidArgumentError(f"compile: loss_weights has {len(loss_weights)} entries, the model has "
                                           f"{n_out} output(s)")
            self._loss_weights = [float(w) for w in loss_weights]
        elif isinstance(loss_weights, (int, float)):
            self._loss_weights = [float(loss_weights)] * n_out
        else:
            raise InvalidArgumentError(f"compile: loss_weights must be a number, a list or a dict, got "
                                       f"{type(loss_weights).__name__}")
        self._metric_specs = self._per_output(metrics, names, "metrics")
        self._weighted_metric_specs = self._per_output(weighted_metrics, names, "weighted_metrics")
        for group in self._metric_specs + self._weighted_metric_specs:  # validate names now
            for m in group:
                self._check_metric(m)
        self._metrics_built = None
        self._loss_tracker = Mean(name="loss")
        self._output_loss_trackers = [Mean(name=f"{n}_loss") for n in names] if n_out > 1 else []
        self.compiled = True
        self.stop_training = False

    @staticmethod
    def _check_metric(m: Any) -> None:
        from . import metrics as M
        if isinstance(m, str) and m.lower() not in ("accuracy", "acc", "crossentropy", "ce"):
            M.get(m)

    @staticmethod
    def _per_output(spec: Any, names: list[str], what: str) -> list[list[Any]]:
        n = len(names)
        if spec is None:
            return [[] for _ in names]
        if isinstance(spec, dict):
            unknown = [k for k in spec if k not in names]
            if unknown:
                raise InvalidArgumentError(f"compile: {what} names unknown output(s) {unknown}; the outputs are "
                                           f"{names}")
            return [_as_list(spec.get(k)) for k in names]
        if isinstance(spec, (list, tuple)):
            if n > 1 and len(spec) == n and all(isinstance(s, (list, tuple)) or s is None for s in spec):
                return [_as_list(s) for s in spec]
            return [list(spec) for _ in names]
        return [[spec] for _ in names]

    def _output_names_for_training(self) -> list[str]:
        if getattr(self, "_functional", False):
            return list(self.output_names)
        return ["output"]

    def _assert_compiled(self, where: str) -> None:
        if not self.compiled:
            raise InvalidArgumentError(f"model {self.name!r}: call compile() before {where}()")

    # ---- metrics ----------------------------------------------------------------------------------
    def _build_metrics(self, ys: list[np.ndarray], preds: list[np.ndarray]) -> None:
        """Creates the metric objects once the first batch's shapes are known ('accuracy' resolves to
        binary, sparse categorical or categorical accuracy as Keras does)."""
        from . import metrics as M
        names = self._output_names_for_training()
        multi = len(names) > 1
        built = []
        for i, (y, p) in enumerate(zip(ys, preds)):
            is_binary = p.shape[-1] == 1 if p.ndim else True
            is_sparse = y.ndim < p.ndim or (y.ndim and y.shape[-1] == 1 and p.shape[-1] > 1)
            group = []
            for weighted, specs in ((False, self._metric_specs[i]), (True, self._weighted_metric_specs[i])):
                for spec in specs:
                    if isinstance(spec, str) and spec.lower() in ("accuracy", "acc"):
                        cls = M.BinaryAccuracy if is_binary else (M.SparseCategoricalAccuracy if is_sparse
                                                                  else M.CategoricalAccuracy)
                        m = cls(name=spec)
                    elif isinstance(spec, str) and spec.lower() in ("crossentropy", "ce"):
                        cls = M.BinaryCrossentropy if is_binary else (M.SparseCategoricalCrossentropy if is_sparse
                                                                      else M.CategoricalCrossentropy)
                        m = cls(name=spec)
                    else:
                        m = M.get(spec)
                        if isinstance(spec, str):
                            m.name = spec
                    if multi:
                        m.name = f"{names[i]}_{m.name}"
                    m._weighted = weighted
                    group.append(m)
            built.append(group)
        self._metrics_built = built

    @property
    def metrics(self) -> list[Any]:
        """The loss tracker, then the compiled metrics (once built by a first batch)."""
        out = [] if self._loss_tracker is None else [self._loss_tracker]
        out += self._output_loss_trackers
        for group in self._metrics_built or []:
            out.extend(group)
        return out

    @property
    def metrics_names(self) -> list[str]:
        return [m.name for m in self.metrics]

    def reset_metrics(self) -> None:
        for m in self.metrics:
            m.reset_state()

    def _logs(self) -> dict[str, float]:
        logs = {m.name: m.result() for m in self.metrics}
        return {k: logs[k] for k in sorted(logs)}

    def _flatten_logs(self, logs: dict) -> Any:
        order = [self._loss_tracker.name] + [m.name for g in (self._metrics_built or []) for m in g]
        results = [logs[n] for n in order if n in logs]
        results += [logs[k] for k in sorted(logs) if k not in order]
        return results[0] if len(results) == 1 else results

    # ---- data -------------------------------------------------------------------------------------
    def _input_names_for_training(self) -> list[str]:
        if getattr(self, "_functional", False):
            return list(self.input_names)
        return ["input"]

    def _make_data(self, x: Any, y: Any, sample_weight: Any, class_weight: Any, where: str) -> _Data:
        if x is None:
            raise InvalidArgumentError(f"{where}: x is required")
        xs = _flat_data(x, self._input_names_for_training(), "input", self.name)
        names = self._output_names_for_training()
        ys = _flat_data(y, names, "output", self.name)
        sws = None
        if sample_weight is not None:
            if isinstance(sample_weight, dict):
                sws = [None if sample_weight.get(n) is None else _to_numpy(sample_weight[n], "sample_weight")
                       .astype(np.float32) for n in names]
            elif isinstance(sample_weight, (list, tuple)) and len(names) > 1 and len(sample_weight) == len(names) \
                    and not np.isscalar(sample_weight[0]):
                sws = [None if s is None else _to_numpy(s, "sample_weight").astype(np.float32) for s in sample_weight]
            else:
                sw = _to_numpy(sample_weight, "sample_weight").astype(np.float32)
                sws = [sw] * len(names)
        if class_weight is not None:
            if sample_weight is not None:
                raise InvalidArgumentError(f"{where}: give class_weight or sample_weight, not both")
            if ys is None:
                raise InvalidArgumentError(f"{where}: class_weight needs y")
            if len(names) > 1:
                raise InvalidArgumentError(f"{where}: class_weight is only supported for models with one output")
            if not isinstance(class_weight, dict):
                raise InvalidArgumentError(f"{where}: class_weight must be a dict class index -> weight, got "
                                           f"{type(class_weight).__name__}")
            sws = [_class_weights_to_sample_weights(ys[0], class_weight)]
        return _Data(xs, ys, sws, where)

    def _feed_struct(self, xs: list[Tensor]) -> Any:
        if getattr(self, "_functional", False):
            return xs[0] if len(xs) == 1 else list(xs)
        return xs[0]

    def _forward(self, xs: list[np.ndarray], training: bool) -> list[Tensor]:
        tensors = [ENGINE.to_tensor(a, dtype="float32" if a.dtype.kind == "f" else None) for a in xs]
        out = self(self._feed_struct(tensors), training=training)
        from .base import _flatten
        outs = _flatten(out) if not isinstance(out, Tensor) else [out]
        n = len(self._output_names_for_training())
        if len(outs) != n:
            raise InvalidArgumentError(f"model {self.name!r}: produced {len(outs)} outputs, expected {n}")
        return outs

    # ---- one step ---------------------------------------------------------------------------------
    def _compute_loss(self, ys: list[np.ndarray], preds: list[Tensor], sws: list | None
                      ) -> tuple[Tensor, list[float | None]]:
        from . import losses as L
        from ..ops import arithmetic as A
        total = None
        per_output: list[Any] = []
        for i, (y, p) in enumerate(zip(ys, preds)):
            fn = self._loss_fns[i]
            if fn is None and self._loss_specs[i] is not None:  # 'crossentropy': chosen by the shapes
                is_binary = p.shape[-1] == 1 if p.rank else True
                is_sparse = y.ndim < p.rank or (y.ndim and y.shape[-1] == 1 and p.shape[-1] > 1)
                fn = self._loss_fns[i] = (L.binary_crossentropy if is_binary else L.sparse_categorical_crossentropy
                                          if is_sparse else L.categorical_crossentropy)
            if fn is None:
                per_output.append(None)
                continue
            sw = None if sws is None else sws[i]
            yt = ENGINE.to_tensor(y, dtype="float32" if y.dtype.kind == "f" else None)
            if isinstance(fn, L.Loss):
                value = fn(yt, p, sample_weight=sw)
            else:
                value = L.LossFunctionWrapper(fn)(yt, p, sample_weight=sw)
            if value.rank != 0:
                from ..ops import reduction as R
                value = R.mean(value)
            per_output.append(value)
            weighted = value if self._loss_weights is None else A.mul(value, self._loss_weights[i])
            total = weighted if total is None else A.add(total, weighted)
        if total is None:
            raise InvalidArgumentError(f"model {self.name!r}: no loss to train on; give compile() a loss")
        for extra in self.losses:
            total = A.add(total, extra)
        return total, per_output

    def _update_metrics(self, ys: list[np.ndarray], preds: list[np.ndarray], sws: list | None, total: float,
                        per_output: list[Any], batch_n: int) -> None:
        if self._metrics_built is None:
            self._build_metrics(ys, preds)
        self._loss_tracker.update_state(total, sample_weight=batch_n)
        for tracker, v in zip(self._output_loss_trackers, per_output):
            if v is not None:
                tracker.update_state(v, sample_weight=batch_n)
        for i, group in enumerate(self._metrics_built):
            sw = None if sws is None else sws[i]
            for m in group:
                m.update_state(ys[i], preds[i], sample_weight=sw if getattr(m, "_weighted", False) else None)

    def _check_targets(self, batch: _Data, where: str) -> None:
        if batch.y is None:
            raise InvalidArgumentError(f"{where}: y is required for a compiled loss")

    def _train_batch(self, batch: _Data) -> None:
        from ..core.autodiff import variable_grads
        self._check_targets(batch, "fit")
        weights = self.trainable_weights
        with ENGINE.tidy():
            captured: dict = {}

            def loss_fn() -> Tensor:
                preds = self._forward(batch.x, training=True)
                total, per_output = self._compute_loss(batch.y, preds, batch.sw)
                captured["preds"] = [p.numpy() for p in preds]
                captured["per"] = [None if v is None else float(v.numpy()) for v in per_output]
                return total

            if weights:
                value, grads = variable_grads(loss_fn, weights)
                self.optimizer.apply_gradients(grads)
                self.apply_constraints()
            else:
                value = loss_fn()
            total = float(value.numpy())
        self._update_metrics(batch.y, captured["preds"], batch.sw, total, captured["per"], batch.n)

    def _test_batch(self, batch: _Data) -> None:
        self._check_targets(batch, "evaluate")
        with ENGINE.tidy():
            preds = self._forward(batch.x, training=False)
            total, per_output = self._compute_loss(batch.y, preds, batch.sw)
            preds_np = [p.numpy() for p in preds]
            per = [None if v is None else float(v.numpy()) for v in per_output]
            total_f = float(total.numpy())
        self._update_metrics(batch.y, preds_np, batch.sw, total_f, per, batch.n)

    def _predict_batch(self, xs: list[np.ndarray]) -> list[np.ndarray]:
        with ENGINE.tidy():
            return [p.numpy() for p in self._forward(xs, training=False)]

    # ---- fit --------------------------------------------------------------------------------------
    def fit(self, x: Any = None, y: Any = None, batch_size: int | None = None, epochs: int = 1,
            verbose: Any = "auto", callbacks: Sequence[Any] | None = None, validation_split: float = 0.0,
            validation_data: Any = None, shuffle: bool = True, class_weight: dict | None = None,
            sample_weight: Any = None, initial_epoch: int = 0, steps_per_epoch: int | None = None,
            validation_steps: int | None = None, validation_batch_size: int | None = None,
            validation_freq: int = 1) -> Any:
        """Trains for `epochs` epochs over (x, y) in batches; returns the History."""
        from .callbacks import CallbackList
        self._assert_compiled("fit")
        batch_size = 32 if batch_size is None else int(batch_size)
        if batch_size <= 0:
            raise InvalidArgumentError(f"fit: batch_size must be positive, got {batch_size}")
        if not 0.0 <= validation_split < 1.0:
            raise InvalidArgumentError(f"fit: validation_split must be in [0, 1), got {validation_split}")
        verbose = 1 if verbose == "auto" else int(verbose)
        data = self._make_data(x, y, sample_weight, class_weight, "fit")
        val = None
        if validation_data is not None:
            if not isinstance(validation_data, (list, tuple)) or len(validation_data) not in (2, 3):
                raise InvalidArgumentError("fit: validation_data must be (x_val, y_val) or (x_val, y_val, "
                                           "val_sample_weight)")
            vx, vy = validation_data[0], validation_data[1]
            vsw = validation_data[2] if len(validation_data) == 3 else None
            val = self._make_data(vx, vy, vsw, None, "fit (validation_data)")
        elif validation_split:
            split_at = int(math.floor(data.n * (1.0 - validation_split)))
            if split_at == 0 or split_at == data.n:
                raise InvalidArgumentError(f"fit: validation_split={validation_split} leaves no samples for "
                                           f"{'training' if split_at == 0 else 'validation'} out of {data.n}")
            val = data.take(slice(split_at, data.n))
            data = data.take(slice(0, split_at))
        steps = steps_per_epoch if steps_per_epoch is not None else math.ceil(data.n / batch_size)
        cbs = CallbackList(callbacks, add_history=True, add_progbar=verbose != 0, model=self,
                           verbose=verbose, epochs=epochs, steps=steps)
        self.stop_training = False
        cbs.on_train_begin()
        logs: dict = {}
        pending: list[Any] = []
        epoch = initial_epoch
        for epoch in range(initial_epoch, epochs):
            self.reset_metrics()
            cbs.on_epoch_begin(epoch)
            for step in range(steps):
                if not pending:
                    pending = data.batches(batch_size, shuffle)
                idx = pending.pop(0)
                cbs.on_train_batch_begin(step)
                self._train_batch(data.take(idx))
                logs = self._logs()
                cbs.on_train_batch_end(step, dict(logs))
                if self.stop_training:
                    break
            if steps_per_epoch is None:
                pending = []
            epoch_logs = dict(self._logs())
            if val is not None and (epoch + 1) % validation_freq == 0:
                val_logs = self._evaluate_data(val, validation_batch_size or batch_size, cbs, in_fit=True,
                                               steps=validation_steps)
                epoch_logs.update({f"val_{k}": v for k, v in val_logs.items()})
            cbs.on_epoch_end(epoch, epoch_logs)
            logs = epoch_logs
            if self.stop_training:
                break
        cbs.on_train_end(logs)
        return cbs._history

    # ---- evaluate / predict -----------------------------------------------------------------------
    def _evaluate_data(self, data: _Data, batch_size: int, cbs: Any, in_fit: bool = False,
                       steps: int | None = None) -> dict:
        self.reset_metrics()
        cbs.on_test_begin()
        batches = data.batches(batch_size, False)
        if steps is not None:
            batches = batches[:steps]
        for step, idx in enumerate(batches):
            cbs.on_test_batch_begin(step)
            self._test_batch(data.take(idx))
            cbs.on_test_batch_end(step, self._logs())
        logs = self._logs()
        cbs.on_test_end(logs)
        return logs

    def evaluate(self, x: Any = None, y: Any = None, batch_size: int | None = None, verbose: Any = "auto",
                 sample_weight: Any = None, steps: int | None = None, callbacks: Sequence[Any] | None = None,
                 return_dict: bool = False) -> Any:
        """The loss and metrics over (x, y): a float, a list [loss, metrics...], or a dict (return_dict)."""
        from .callbacks import CallbackList
        self._assert_compiled("evaluate")
        batch_size = 32 if batch_size is None else int(batch_size)
        verbose = 1 if verbose == "auto" else int(verbose)
        data = self._make_data(x, y, sample_weight, None, "evaluate")
        n_steps = math.ceil(data.n / batch_size) if steps is None else steps
        cbs = CallbackList(callbacks, add_progbar=verbose != 0, model=self, verbose=verbose, epochs=1,
                           steps=n_steps)
        logs = self._evaluate_data(data, batch_size, cbs, steps=steps)
        return logs if return_dict else self._flatten_logs(logs)

    def predict(self, x: Any, batch_size: int | None = None, verbose: Any = "auto", steps: int | None = None,
                callbacks: Sequence[Any] | None = None) -> Any:
        """The model's outputs on x, computed in batches, as NumPy arrays (a list for several outputs)."""
        from .callbacks import CallbackList
        batch_size = 32 if batch_size is None else int(batch_size)
        verbose = 1 if verbose == "auto" else int(verbose)
        data = _Data(_flat_data(x, self._input_names_for_training(), "input", self.name), None, None, "predict")
        batches = data.batches(batch_size, False)
        if steps is not None:
            batches = batches[:steps]
        cbs = CallbackList(callbacks, add_progbar=verbose != 0, model=self, verbose=verbose, epochs=1,
                           steps=len(batches))
        cbs.on_predict_begin()
        chunks: list[list[np.ndarray]] = []
        for step, idx in enumerate(batches):
            cbs.on_predict_batch_begin(step)
            out = self._predict_batch(data.take(idx).x)
            chunks.append(out)
            cbs.on_predict_batch_end(step, {"outputs": out})
        cbs.on_predict_end()
        if not chunks:
            raise InvalidArgumentError("predict: x has no samples")
        outs = [np.concatenate([c[i] for c in chunks], axis=0) for i in range(len(chunks[0]))]
        return self._restructure_outputs(outs)

    def _restructure_outputs(self, outs: list[np.ndarray]) -> Any:
        struct = getattr(self, "_outputs_struct", None)
        if isinstance(struct, dict):
            return dict(zip(struct.keys(), outs))
        if isinstance(struct, (list, tuple)) or len(outs) > 1:
            return outs
        return outs[0]

    # ---- single batches ---------------------------------------------------------------------------
    def train_on_batch(self, x: Any, y: Any = None, sample_weight: Any = None, class_weight: dict | None = None,
                       return_dict: bool = False) -> Any:
        """One training step on one batch; returns its loss and metrics."""
        self._assert_compiled("train_on_batch")
        data = self._make_data(x, y, sample_weight, class_weight, "train_on_batch")
        self.reset_metrics()
        self._train_batch(data)
        logs = self._logs()
        return logs if return_dict else self._flatten_logs(logs)

    def test_on_batch(self, x: Any, y: Any = None, sample_weight: Any = None, return_dict: bool = False) -> Any:
        """The loss and metrics on one batch."""
        self._assert_compiled("test_on_batch")
        data = self._make_data(x, y, sample_weight, None, "test_on_batch")
        self.reset_metrics()
        self._test_batch(data)
        logs = self._logs()
        return logs if return_dict else self._flatten_logs(logs)

    def predict_on_batch(self, x: Any) -> Any:
        """The outputs on one batch, as NumPy arrays."""
        xs = _flat_data(x, self._input_names_for_training(), "input", self.name)
        return self._restructure_outputs(self._predict_batch(xs))


def _as_list(x: Any) -> list:
    if x is None:
        return []
    return list(x) if isinstance(x, (list, tuple)) else [x]

